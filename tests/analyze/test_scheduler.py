"""The scheduled volume scan on a real uvicorn: SCAN_SCHEDULE at boot, start/stop/status,
run-manual, the files of a run, retention, no overlap, the webhook against a local receiver."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.core.synthetic import synthetic_ohlcv
from tests.analyze.webhook_stand_in import Receiver, webhook_receiver
from tests.live_server import free_port, live_server

SYMBOLS = 30
FLAGGED = {f"P{i:02d}USDT" for i in range(0, SYMBOLS, 5)}  # a 40x volume on a recent bar


def _write_symbols(folder: Path) -> None:
    for i in range(SYMBOLS):
        frame = synthetic_ohlcv(120, "5m", seed=100 + i).copy()
        volume = frame["volume"].to_numpy().copy()
        volume[:] = 1000.0 + (i % 7)  # flat but for the spike: nothing else is flagged
        volume[::2] += 10.0
        if f"P{i:02d}USDT" in FLAGGED:
            volume[-4] *= 40
        frame["volume"] = volume
        frame.to_csv(folder / f"P{i:02d}USDT.csv", index=False)
    (folder / "BROKEN.csv").write_text("time,open,high,low,close\nyesterday,1,2,0,x\n")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as record:
        yield record


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scan_results")
    old = folder / "OLD_5m_20200101T000000000Z_data.json"  # a run's file 30 days old
    old.write_text("{}")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    return folder


@pytest.fixture(scope="module")
def scan_api(
    tmp_path_factory: pytest.TempPathFactory, receiver: Receiver, results_dir: Path
) -> Iterator[httpx.Client]:
    data = tmp_path_factory.mktemp("scan_data")
    _write_symbols(data)
    port = free_port()
    env = {
        "DATA_SOURCE": "csv",
        "DATA_DIR": str(data),
        "CSV_PATH": str(data / "P00USDT.csv"),
        "DEFAULT_SYMBOL": "P00USDT",
        "SCAN_SCHEDULE": "interval:1h",
        "SCAN_CONCURRENCY": "3",
        "SCAN_WEBHOOK_URL": receiver.url,
        "SCAN_WEBHOOK_TIMEOUT_S": "2",
        "RESULTS_DIR": str(results_dir),
        "RESULTS_KEEP_DAYS": "7",
        "LLM_API_BASE": "",
    }
    args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1", "--port", str(port)]
    with (
        live_server(args, port=port, health_path="/health", env=env) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        yield client


def _status(api: httpx.Client) -> dict:
    body = api.get("/api/v1/scheduler/status").json()
    assert body["status"] == "success"
    return body


def _run_manual(api: httpx.Client) -> tuple[dict, float]:
    """POST run-manual as its clients are told to: a 409 (a run still going, e.g. the last one
    of a stopped schedule on a slow machine) is tried again once that run is done. The answer,
    and the seconds the accepted request took."""
    deadline = time.monotonic() + 60
    while True:
        began = time.monotonic()
        response = api.post("/api/v1/scheduler/run-manual")
        if response.status_code != 409:
            assert response.status_code == 200, response.text
            return response.json(), time.monotonic() - began
        assert time.monotonic() < deadline, response.text
        time.sleep(0.2)


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_scan_schedule_starts_it_at_boot(scan_api: httpx.Client):
    status = _status(scan_api)
    assert status["running"] is True and status["schedule_type"] == "interval"
    assert status["interval_seconds"] == 3600 and status["interval_minutes"] == 60
    next_run = _when(status["next_run"])
    assert 0 < (next_run - dt.datetime.now(dt.UTC)).total_seconds() <= 3600
    assert (next_run.minute, next_run.second) == (0, 0)  # intervals count from a fixed origin


def test_a_manual_run_writes_its_files_and_applies_retention(
    scan_api: httpx.Client, results_dir: Path, receiver: Receiver
):
    answer, _ = _run_manual(scan_api)
    run = answer["run"]
    assert answer["status"] == "success"
    assert run["scanned"] == SYMBOLS and run["failed"] == 1 and run["flagged"] == len(FLAGGED)
    assert run["errors"][0]["symbol"] == "BROKEN"
    assert {row["symbol"] for row in run["flagged_symbols"]} == FLAGGED
    stamp = run["run"]
    assert (results_dir / f"batch_summary_{stamp}.json").is_file()
    for symbol in FLAGGED:
        for suffix in ("data.json", "chart.html", "report.html"):
            assert (results_dir / f"{symbol}_5m_{stamp}_{suffix}").is_file()
    assert not (results_dir / "OLD_5m_20200101T000000000Z_data.json").exists()  # 7 days kept
    assert run["retention"]["deleted"] >= 1
    row = next(r for r in run["flagged_symbols"] if r["symbol"] == "P05USDT")
    report = scan_api.get(row["links"]["report"])
    assert report.status_code == 200 and "P05USDT 5m analysis" in report.text
    assert "<script src='plotly.min.js'>" in report.text
    script = scan_api.get(f"/api/v1/scans/{stamp}/files/plotly.min.js")
    assert script.status_code == 200 and len(script.content) > 1_000_000
    data = scan_api.get(row["links"]["data"]).json()
    assert data["pair"] == "P05USDT" and data["spikes"] and len(data["bars"]["time"]) == 50
    chart = scan_api.get(row["links"]["chart"]).text
    assert 'src="plotly.min.js"' in chart
    # the webhook: one alert per flagged symbol, with a link to its report
    deadline = time.monotonic() + 10
    while len({a["symbol"] for a in receiver.alerts}) < len(FLAGGED):
        assert time.monotonic() < deadline, receiver.alerts
        time.sleep(0.1)
    alert = next(a for a in receiver.alerts if a["symbol"] == "P05USDT")
    assert alert["timeframe"] == "5m" and alert["spike"]["zscore"] > 4
    assert alert["link"] == row["links"]["report"]


def test_runs_listed_newest_first_and_read_back(scan_api: httpx.Client):
    _run_manual(scan_api)
    runs = scan_api.get("/api/v1/scans").json()
    assert len(runs) >= 2 and runs[0]["run"] > runs[1]["run"]
    assert set(runs[0]) == {"run", "started", "finished", "scanned", "flagged", "failed"}
    one = scan_api.get(f"/api/v1/scans/{runs[0]['run']}").json()
    assert one["flagged"] == len(FLAGGED) and one["flagged_symbols"][0]["links"]["report"]
    status = _status(scan_api)
    assert status["last_run"]["run"] == runs[0]["run"] and status["last_run"]["flagged"] == 6


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/scans/..%2F..%2Fetc",
        "/api/v1/scans/20200101T000000000Z",
        "/api/v1/scans/20200101T000000000Z/files/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/scans/20200101T000000000Z/files/OLD_5m_20200101T000000000Z_data.json",
    ],
)
def test_nothing_outside_a_runs_files_is_served(scan_api: httpx.Client, path: str):
    response = scan_api.get(path)
    assert response.status_code == 404 and "root:" not in response.text
    if ".." not in path:  # a run id and a name: our answer, in the v1 shape
        assert response.json()["status"] == "error"


def test_start_status_stop_and_no_overlap(scan_api: httpx.Client):
    started = scan_api.post(
        "/api/v1/scheduler/start", json={"schedule_type": "interval", "interval_seconds": 1}
    ).json()
    assert started["running"] and started["interval_seconds"] == 1
    wait = (_when(started["next_run"]) - dt.datetime.now(dt.UTC)).total_seconds()
    assert -0.5 < wait <= 1.01
    before = _status(scan_api)["runs"]
    deadline = time.monotonic() + 20
    while _status(scan_api)["runs"] < before + 3:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    stopped = scan_api.post("/api/v1/scheduler/stop").json()
    assert stopped["running"] is False and stopped["next_run"] is None
    runs = sorted(scan_api.get("/api/v1/scans").json(), key=lambda r: r["started"])
    for earlier, later in itertools.pairwise(runs):
        assert earlier["finished"] <= later["started"], "two runs overlapped"
    last = scan_api.get(f"/api/v1/scans/{runs[-1]['run']}").json()
    assert last["budget_s"] <= 0.9  # a run's budget is shorter than the 1 s interval


def test_cron_schedule_and_bad_schedules(scan_api: httpx.Client):
    cron = scan_api.post(
        "/api/v1/scheduler/start", json={"schedule_type": "cron", "cron": "*/5 * * * *"}
    ).json()
    assert cron["schedule_type"] == "cron" and cron["cron"] == "*/5 * * * *"
    assert _when(cron["next_run"]).minute % 5 == 0
    minutes = scan_api.post(
        "/api/v1/scheduler/start", json={"schedule_type": "interval", "interval_minutes": 5}
    ).json()
    assert minutes["interval_seconds"] == 300 and minutes["interval_minutes"] == 5
    for body, words in (
        ({"schedule_type": "cron", "cron": "every day"}, "5 fields"),
        ({"schedule_type": "cron"}, "needs cron"),
        ({"schedule_type": "interval"}, "interval_minutes or interval_seconds"),
        ({"schedule_type": "interval", "interval_seconds": 0}, "greater than or equal to 1"),
        ({"schedule_type": "weekly"}, "schedule_type"),
    ):
        response = scan_api.post("/api/v1/scheduler/start", json=body)
        assert response.status_code == 422, body
        assert response.json()["status"] == "error" and words in response.json()["message"]
    scan_api.post("/api/v1/scheduler/stop")


def test_a_hanging_webhook_does_not_hold_the_scan(scan_api: httpx.Client, receiver: Receiver):
    receiver.mode = "hang"
    answer, took = _run_manual(scan_api)
    assert answer["run"]["flagged"] == len(FLAGGED)
    assert took < 10  # the receiver sleeps 30 s per alert
    deadline = time.monotonic() + 15
    while _status(scan_api)["webhook"]["failed"] < 1:  # each alert gives up after 2 s
        assert time.monotonic() < deadline
        time.sleep(0.2)
    receiver.mode = "ok"


def test_a_refused_alert_is_retried(scan_api: httpx.Client, receiver: Receiver):
    receiver.mode, receiver.refused = "flaky", set()
    count = len(receiver.alerts)
    _run_manual(scan_api)
    deadline = time.monotonic() + 10
    while len(receiver.alerts) < count + 2 * len(FLAGGED):
        assert time.monotonic() < deadline, "the 503 alerts were not sent again"
        time.sleep(0.1)
    receiver.mode = "ok"


@pytest.mark.browser
def test_the_pages_scanner_shows_the_last_run_and_opens_a_saved_report(
    page, scan_api: httpx.Client
):
    run = _run_manual(scan_api)[0]["run"]
    page.goto(f"{scan_api.base_url}/chart?symbol=P05USDT")
    page.get_by_role("button", name="Scanner").click()
    status = page.locator("#scanner-dialog .scan-last-run .scan-run-status")
    status.filter(has_text="flagged").wait_for(timeout=30_000)
    assert f"{len(FLAGGED)} flagged" in status.text_content()
    assert run["started"][:10] in status.text_content()
    item = page.locator("#scanner-dialog .scan-run-flagged li", has_text="P05USDT")
    with page.context.expect_page() as opened:
        item.get_by_role("link", name="report").click()
    report = opened.value
    report.wait_for_load_state()
    assert report.locator("h1").text_content() == "P05USDT 5m analysis"
    assert "/api/v1/scans/" in report.url
