"""Crafted callback requests against a real Dash server: a 400 naming the problem for a
malformed request, an answer (with an alert where the values make no chart) for odd values, and
never a 500. Regression for #11 §2: 7 such requests answered 500."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.dash.samples import ohlcv_csv
from tests.live_server import free_port, live_server

pytestmark = pytest.mark.slow

DISPATCH = "/_dash-update-component"
ODD_VALUES = [
    None,
    0,
    -1,
    1e308,
    True,
    "x" * 300,
    "../../etc/passwd",
    [],
    [1, "a", None, {}],
    {},
    {"digest": 5, "filename": [], "bars": "many", "timeframe": {}},
    {"key": "configured|sample_ohlcv|1h|None", "emas": "x", "held": 5, "window": []},
    {"filename": "a.csv", "size": -5, "contents": 7},
    {"filename": "a.csv", "size": 10, "contents": "data:text/csv;base64,@@@@"},
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("data")
    (folder / "sample_ohlcv.csv").write_bytes(ohlcv_csv(300))
    port = free_port()
    env = {
        "DASH_PORT": str(port),
        "DATA_DIR": str(folder),
        "CSV_PATH": str(folder / "sample_ohlcv.csv"),
        "DATA_SOURCE": "csv",
        "DEFAULT_SYMBOL": "sample_ohlcv",
        "DEFAULT_TIMEFRAME": "1h",
        "EMA_PERIODS": "10,21",
    }
    with live_server(["app/main_dash.py"], port=port, health_path="/health", env=env) as base:
        yield base


def post(base: str, body: object, *, raw: bytes | None = None) -> tuple[int, bytes]:
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + DISPATCH, data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def server_callbacks(base: str) -> list[dict]:
    with urllib.request.urlopen(base + "/_dash-dependencies", timeout=10) as response:
        dependencies = json.loads(response.read())
    return [d for d in dependencies if not d.get("clientside_function")]


def valid_body(callback: dict) -> dict:
    """A request shaped as Dash's renderer sends it, every value None."""
    output = callback["output"]
    several = output.startswith("..")
    names = output[2:-2].split("...") if several else [output]
    outputs = [dict(zip(("id", "property"), n.rsplit(".", 1), strict=True)) for n in names]
    return {
        "output": output,
        "outputs": outputs if several else outputs[0],
        "inputs": [{**item, "value": None} for item in callback["inputs"]],
        "state": [{**item, "value": None} for item in callback["state"]],
        "changedPropIds": [f"{item['id']}.{item['property']}" for item in callback["inputs"][:1]],
    }


def test_malformed_callback_requests_get_a_400_naming_the_problem(server):
    chart = next(c for c in server_callbacks(server) if "chart.figure" in c["output"])
    good = valid_body(chart)
    bad = {
        "not json": None,
        "a JSON array": [1, 2],
        "no output": {k: v for k, v in good.items() if k != "output"},
        "an unknown output": {**good, "output": "nope.figure"},
        "a clientside callback's output": {**good, "output": "page.data"},
        "inputs as a string": {**good, "inputs": "x"},
        "missing inputs": {**good, "inputs": good["inputs"][:2]},
        "inputs out of order": {**good, "inputs": good["inputs"][::-1]},
        "no state": {k: v for k, v in good.items() if k != "state"},
        "an input not an object": {**good, "inputs": [1] * len(good["inputs"])},
        "wrong outputs": {**good, "outputs": {"id": "chart", "property": "figure"}},
        "changedPropIds not a list": {**good, "changedPropIds": "emas.value"},
        "an unknown changed prop": {**good, "changedPropIds": ["secret.value"]},
    }
    for name, body in bad.items():
        status, answer = post(server, body, raw=b"{not json" if body is None else None)
        assert status == 400, (name, status, answer[:300])
        detail = json.loads(answer)["detail"]
        assert detail.startswith("Malformed callback request: "), name
        assert "Traceback" not in detail

    status, answer = post(server, good)
    assert status == 200, answer[:300]


def test_odd_values_in_every_slot_of_every_callback_never_answer_500(server):
    answered = 0
    for callback in server_callbacks(server):
        body = valid_body(callback)
        for field in ("inputs", "state"):
            for index in range(len(body[field])):
                for value in ODD_VALUES:
                    crafted = json.loads(json.dumps(body))
                    crafted[field][index]["value"] = value
                    status, answer = post(server, crafted)
                    assert status in (200, 204), (callback["output"], field, index, value)
                    assert b"Traceback" not in answer
                    answered += 1
    assert answered > 100


def test_a_chart_request_with_odd_values_shows_an_alert_not_a_broken_chart(server):
    chart = next(c for c in server_callbacks(server) if "chart.figure" in c["output"])
    body = valid_body(chart)
    values = {"source.value": "upload", "upload-ref.data": {"digest": 5}}
    for item in body["inputs"]:
        item["value"] = values.get(f"{item['id']}.{item['property']}")

    status, answer = post(server, body)

    assert status == 200
    response = json.loads(answer)["response"]
    alert = json.dumps(response["alert"]["children"])
    assert "No file uploaded yet" in alert
