"""The checks of the scale profile's smoke test (``scripts.scale_smoke``), against a running
stack: requests spread over both replicas, a client on one replica gets the bar the other read,
stopping a replica costs its clients a reconnect only."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from pathlib import Path

import httpx
import websockets

PROJECT = "superchart-scale-smoke"
REPLICAS = ("fastapi-a", "fastapi-b")
SYMBOL = "LIVE"
BARS = 300
START_S = 1_704_067_200  # 2024-01-01T00:00Z
NGINX_FAIL_TIMEOUT_S = 5  # docker/nginx.conf: max_fails=1 fail_timeout=5s
# A WebSocket client run inside a replica's container (its own venv has ``websockets``).
INSIDE_CLIENT = """
import asyncio, json, sys, websockets
async def main(close):
    async with websockets.connect("ws://127.0.0.1:8000/ws") as ws:
        await ws.send(json.dumps({"type": "subscribe", "symbol": "LIVE", "timeframe": "1m",
                                  "emas": "", "limit": 5}))
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 90))
            if frame["type"] == "snapshot":
                print("ready", flush=True)
            elif frame["type"] == "update" and any(b["close"] == close for b in frame["bars"]):
                print("got", flush=True)
                return
asyncio.run(main(float(sys.argv[1])))
"""


def run(*args: str, env: dict | None = None, timeout: float = 1800) -> str:
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args[:6])} ...: {done.stderr[-3000:] or done.stdout[-3000:]}"
        )
    return done.stdout


def bar_row(minute: int, close: float) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(START_S + 60 * minute))
    return f"{stamp},{close - 0.1},{close + 1},{close - 1},{close},10\n"


def append(path: Path, text: str) -> None:
    with open(path, "a") as handle:
        handle.write(text)


def container(service: str) -> str:
    names = run(
        "podman", "ps", "--filter", f"label=com.docker.compose.service={service}",
        "--filter", f"label=com.docker.compose.project={PROJECT}", "--format", "{{.Names}}",
    ).split()  # fmt: skip
    if len(names) != 1:
        raise RuntimeError(f"{service}: expected one running container, found {names}")
    return names[0]


def requests_counted(name: str, route: str) -> float:
    code = "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8000/metrics', timeout=5).read().decode())"  # noqa: E501
    text = run("podman", "exec", name, "python", "-c", code)
    total = 0.0
    for line in text.splitlines():
        if line.startswith("superchart_http_requests_total{") and f'route="{route}"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def upstream_reader(names: dict[str, str]) -> str | None:
    """The replica one of whose workers reads the symbol's upstream (the lease holder): its
    /api/stats ``polls.upstream_readers``, asked often enough to reach each worker."""
    code = (
        "import json, urllib.request\n"
        "print(max(json.load(urllib.request.urlopen('http://127.0.0.1:8000/api/stats', "
        "timeout=5)).get('polls', {}).get('upstream_readers', 0) for _ in range(30)))"
    )
    readers = {s: int(run("podman", "exec", n, "python", "-c", code)) for s, n in names.items()}
    holders = [service for service, count in readers.items() if count > 0]
    return holders[0] if len(holders) == 1 else None


def wait_line(process: subprocess.Popen, expected: str, timeout: float) -> bool:
    found = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip() == expected:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    return found.wait(timeout)


async def reconnecting_client(url: str, close: float, out: dict, stop: asyncio.Event) -> None:
    """A page's live client: subscribes, reconnects at once when dropped; records the gaps."""
    out.update(gaps=[], got=False, down=False)
    dropped_at: float | None = None
    while not stop.is_set():
        try:
            async with websockets.connect(url, open_timeout=5) as ws:
                request = {"type": "subscribe", "symbol": SYMBOL, "timeframe": "1m", "emas": ""}
                await ws.send(json.dumps({**request, "limit": 5}))
                while not stop.is_set():
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
                    if frame["type"] == "snapshot" and dropped_at is not None:
                        out["gaps"].append(time.monotonic() - dropped_at)
                        dropped_at, out["down"] = None, False
                    out.setdefault("ready", True)
                    bars = frame.get("bars") or []
                    if frame["type"] == "update" and any(b["close"] == close for b in bars):
                        out["got"] = True
        except (OSError, TimeoutError, websockets.WebSocketException):
            if dropped_at is None:
                dropped_at, out["down"] = time.monotonic(), True
            await asyncio.sleep(0.2)


async def stop_a_replica(proxy: str, path: Path, victim: str) -> dict:
    stop = asyncio.Event()
    outs: list[dict] = [{} for _ in range(4)]
    url = proxy.replace("http://", "ws://") + "/ws"
    tasks = [asyncio.create_task(reconnecting_client(url, 132.5, o, stop)) for o in outs]
    deadline = time.monotonic() + 30
    while not all(o.get("ready") for o in outs) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.to_thread(run, "podman", "stop", "-t", "10", victim)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(o["down"] for o in outs):
        await asyncio.sleep(0.1)
    append(path, bar_row(BARS + 1, 132.5))
    deadline = time.monotonic() + 30
    while not all(o["got"] for o in outs) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    stop.set()
    for task in tasks:
        task.cancel()
    gaps = [gap for o in outs for gap in o["gaps"]]
    return {"clients": len(outs), "reconnected": len(gaps), "gaps": gaps,
            "got_next_bar": sum(o["got"] for o in outs)}  # fmt: skip


def healthy(name: str, timeout: float) -> bool:
    """Whether the replica answers /health from inside its container within ``timeout``
    (podman 4.3 runs no healthchecks without systemd: compose's depends_on cannot wait)."""
    code = "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health', timeout=3)"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        probe = subprocess.run(["podman", "exec", name, "python", "-c", code], capture_output=True)
        if probe.returncode == 0:
            return True
        time.sleep(1)
    return False


def checks(proxy: str, path: Path) -> list[tuple[str, bool, str]]:
    results = []
    names = {service: container(service) for service in REPLICAS}
    if not all(healthy(name, 120) for name in names.values()):
        raise RuntimeError("a replica never answered /health")
    time.sleep(NGINX_FAIL_TIMEOUT_S + 1)  # nginx tries a replica it saw down again after this
    # 1. requests spread over both replicas
    before = {s: requests_counted(n, "/api/symbols") for s, n in names.items()}
    with httpx.Client(timeout=10) as http:
        codes = [http.get(proxy + "/api/symbols").status_code for _ in range(40)]
    share = {s: requests_counted(n, "/api/symbols") - before[s] for s, n in names.items()}
    ok = codes.count(200) == 40 and all(v > 0 for v in share.values())
    results.append(("requests spread over both replicas", ok, f"40 requests: {share}"))
    # 2. a client on replica A gets the bar replica B read from the file
    clients = {
        s: subprocess.Popen(
            ["podman", "exec", "-i", n, "python", "-c", INSIDE_CLIENT, "131.5"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for s, n in names.items()
    }
    ready = all(wait_line(p, "ready", 30) for p in clients.values())
    time.sleep(2)  # the lease settles
    reader = upstream_reader(names)
    append(path, bar_row(BARS, 131.5))
    got = {s: p.wait(timeout=30) == 0 for s, p in clients.items()}
    other = next((s for s in REPLICAS if s != reader), None)
    ok = ready and reader is not None and got.get(other, False) and all(got.values())
    detail = f"file read by {reader}; a client on {other} got its bar: {got.get(other)}"
    results.append(("a client on replica A gets bars read by replica B", ok, detail))
    # 3. stopping a replica: clients through nginx reconnect and get the next bar
    victim = reader or REPLICAS[0]
    figures = asyncio.run(stop_a_replica(proxy, path, names[victim]))
    gaps = figures["gaps"]
    ok = figures["got_next_bar"] == figures["clients"] and bool(gaps) and max(gaps) < 10
    detail = (
        f"stopped {victim} (the reader); {figures['reconnected']} of {figures['clients']} "
        f"clients dropped, back after {', '.join(f'{g:.2f}' for g in gaps)} s; "
        f"{figures['got_next_bar']} got the next bar"
    )
    results.append(("stopping a replica loses no client beyond a reconnect", ok, detail))
    return results
