"""Issue #11 §2: HEAD works on every GET route (it answered 405 everywhere, /health included), and
/chart.html?download=null gets the HTML error page, not FastAPI's JSON 422."""

from __future__ import annotations

import httpx
import pytest

from app.main_fastapi import app

HIDDEN_GET_PATHS = ["/", "/docs", "/openapi.json", "/assets/lightweight-charts.js"]


def _get_paths() -> list[str]:
    """Every GET route: those in the OpenAPI document and those left out of it."""
    documented = [
        path
        for path, operations in app.openapi()["paths"].items()
        if "get" in operations and "{" not in path
    ]
    return sorted({*documented, *HIDDEN_GET_PATHS})


GET_PATHS = _get_paths()


def test_the_app_has_the_routes_we_expect_to_check():
    assert {"/health", "/api/ohlcv", "/api/symbols", "/chart", "/chart.html"} <= set(GET_PATHS)


@pytest.mark.parametrize("path", GET_PATHS)
def test_head_answers_as_get_without_a_body(api: httpx.Client, path: str):
    get = api.get(path, follow_redirects=False)
    head = api.head(path, follow_redirects=False)
    assert head.status_code == get.status_code != 405
    assert head.content == b""
    assert head.headers.get("content-type") == get.headers.get("content-type")
    if "content-length" in get.headers:
        assert head.headers["content-length"] == get.headers["content-length"]


def test_head_on_a_static_file_and_an_unknown_path(api: httpx.Client):
    assert api.head("/static/chart.css").status_code == 200
    assert api.head("/no-such-page").status_code == 404


def test_head_on_a_post_only_route_is_still_refused(api: httpx.Client):
    assert api.post("/health").status_code == 405
    assert api.head("/api/ohlcv?symbol=nope").status_code == 404


@pytest.mark.parametrize("value", ["null", "maybe", "2"])
def test_a_bad_download_flag_gets_the_html_error_page(api: httpx.Client, value: str):
    answer = api.get("/chart.html", params={"download": value})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "download" in answer.text and "true or false" in answer.text
    assert "content-disposition" not in answer.headers


@pytest.mark.parametrize(("value", "attached"), [("1", True), ("true", True), ("false", False)])
def test_good_download_flags_still_work(api: httpx.Client, value: str, attached: bool):
    answer = api.get("/chart.html", params={"download": value})
    assert answer.status_code == 200
    assert ("content-disposition" in answer.headers) is attached
