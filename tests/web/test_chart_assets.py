"""What the chart page loads: the vendored Lightweight Charts 5 build (pinned, licensed,
checksummed), the page's ES modules and their one-script form for the standalone file."""

from __future__ import annotations

import re

import pytest

from app.web.page_script import JS_DIR, page_script
from scripts.vendor_js import BUILD, PINNED_VERSION, VENDOR_DIR, check


def test_vendored_build_matches_its_checksums_and_pinned_version():
    assert check() == []
    assert (VENDOR_DIR / "VERSION").read_text().strip() == f"lightweight-charts@{PINNED_VERSION}"
    assert PINNED_VERSION.startswith("5.")
    assert "Apache License" in (VENDOR_DIR / "LICENSE").read_text()


def test_a_changed_build_fails_the_check(tmp_path):
    for name in (BUILD, "LICENSE", "SHA256SUMS"):
        (tmp_path / name).write_bytes((VENDOR_DIR / name).read_bytes())
    assert check(tmp_path) == []
    with (tmp_path / BUILD).open("a") as build:
        build.write("\n// changed\n")
    assert check(tmp_path) == [f"{tmp_path / BUILD} does not match SHA256SUMS"]


def test_the_page_serves_the_vendored_build(api):
    response = api.get("/assets/lightweight-charts.js")
    assert response.status_code == 200
    assert response.content == (VENDOR_DIR / BUILD).read_bytes()
    assert response.headers["content-type"].startswith("text/javascript")


def test_every_module_is_served_and_reachable_from_main(api):
    bundle = page_script()
    for path in JS_DIR.glob("*.js"):
        assert f"// ---- {path.name}\n" in bundle, f"{path.name} is not imported by main.js"
        assert api.get(f"/static/js/{path.name}").status_code == 200
    hosted = api.get("/chart").text
    assert '<script type="module" src="/static/js/main.js"></script>' in hosted
    assert "cdn" not in hosted.lower()


def test_the_one_script_form_has_no_module_syntax_left():
    bundle = page_script()
    assert not re.search(r"^\s*(import|export)\b", bundle, re.MULTILINE)
    # main.js runs last, after every module it imports.
    assert bundle.rindex("// ---- main.js") > bundle.rindex("// ---- paging.js")


@pytest.mark.parametrize(
    ("query", "named"),
    [("chart=renko", "chart"), ("scale=loglog", "scale"), ("theme=blue", "theme")],
)
def test_bad_page_choices_are_422_naming_the_parameter(api, query, named):
    response = api.get(f"/chart?{query}")
    assert response.status_code == 422
    assert f"{named}=" in response.text and "use one of" in response.text
