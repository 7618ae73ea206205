"""Container smoke check of ``docker compose --profile scale`` with podman (``make containers``,
after ``container-smoke`` made the local Debian base image; run as root).

Where Docker Hub cannot be reached, Redis and nginx are built from Debian's packages on the same
base (docker/Dockerfile.redis, docker/Dockerfile.nginx) and passed as REDIS_IMAGE / NGINX_IMAGE;
the replicas are built from docker/Dockerfile.fastapi with BASE_IMAGE. Then, through nginx:
1. requests spread over both replicas (each replica's /metrics counts its share);
2. a live client on one replica gets a bar that the other replica read from the file (the
   upstream's lease holder, named in the replicas' logs);
3. stopping a replica loses no client for longer than a reconnect (clients through nginx
   reconnect and get the next bar).
Prints the figures, tears everything down; exit status 1 if a check failed.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
BASE_IMAGE = os.environ.get("BASE_IMAGE", "localhost/python-base:3.11")
PODMAN_COMPOSE = os.environ.get(
    "PODMAN_COMPOSE", "/var/cache/container-smoke/venv/bin/podman-compose"
)
PROJECT = "superchart-scale-smoke"
SERVICES = ("redis", "fastapi-a", "fastapi-b", "nginx")
REPLICAS = ("fastapi-a", "fastapi-b")
SYMBOL = "LIVE"
BARS = 300
START_S = 1_704_067_200  # 2024-01-01T00:00Z
CA = "/etc/ssl/certs/ca-certificates.crt"
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


def log(text: str) -> None:
    print(f"== {text}", file=sys.stderr, flush=True)


def run(*args: str, env: dict | None = None, timeout: float = 1800) -> str:
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args[:6])} ...: {done.stderr[-3000:] or done.stdout[-3000:]}"
        )
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bar_row(minute: int, close: float) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(START_S + 60 * minute))
    return f"{stamp},{close - 0.1},{close + 1},{close - 1},{close},10\n"


def write_data(folder: Path) -> Path:
    path = folder / f"{SYMBOL}.csv"
    rows = [bar_row(i, 100 + (i % 7) * 0.25) for i in range(BARS)]
    path.write_text("time,open,high,low,close,volume\n" + "".join(rows))
    shutil.copy(ROOT / "data" / "sample_ohlcv.csv", folder / "sample_ohlcv.csv")  # the default
    folder.chmod(0o755)
    for file in folder.iterdir():
        file.chmod(0o644)
    return path


def append(path: Path, text: str) -> None:
    with open(path, "a") as handle:
        handle.write(text)


def build_args(folder: Path) -> str:
    """podman build flags as container-smoke uses them: the host's CA bundle and pip index."""
    conf = folder / "pip.conf"
    lines = ["[global]", f"cert = {CA}"]
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
    ).stdout
    for line in listed.splitlines():
        name, _, value = line.partition("=")
        value = value.strip("'")
        if name in ("global.index-url", "global.extra-index-url") and value.startswith("http"):
            lines.append(f"{name.removeprefix('global.')} = {value}")
    conf.write_text("\n".join(lines) + "\n")
    flags = f"--format docker --volume {conf}:/etc/pip.conf:ro"
    return flags + (f" --volume {CA}:{CA}:ro" if Path(CA).exists() else "")


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


def main() -> int:
    if os.geteuid() != 0 or not shutil.which("podman") or not Path(PODMAN_COMPOSE).exists():
        print("needs root, podman and container-smoke's podman-compose: run `make containers`")
        return 2
    if subprocess.run(["podman", "image", "exists", BASE_IMAGE]).returncode != 0:
        print(f"no {BASE_IMAGE}: run ../shared/tools/container-smoke first (make containers)")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="scale-smoke-"))
    path = write_data(folder)
    proxy_port = free_port()
    env = {
        **os.environ,
        "REDIS_IMAGE": "localhost/superchart-redis:smoke",
        "NGINX_IMAGE": "localhost/superchart-nginx:smoke",
        "PROXY_PORT": str(proxy_port),
        "HOST_DATA_DIR": str(folder),
        "BUILDAH_FORMAT": "docker",
    }
    compose = [PODMAN_COMPOSE, "--no-ansi", "-p", PROJECT, "-f", str(ROOT / "docker-compose.yml")]
    compose += ["--profile", "scale"]
    try:
        started = time.monotonic()
        for name in ("redis", "nginx"):
            log(f"building {env[name.upper() + '_IMAGE']} from docker/Dockerfile.{name}")
            run("podman", "build", "--format", "docker", "-f", f"docker/Dockerfile.{name}",
                "--build-arg", f"BASE_IMAGE={BASE_IMAGE}", "-t", env[name.upper() + "_IMAGE"],
                str(ROOT / "docker"))  # fmt: skip
        log("building the replicas")
        run(*compose, "--podman-build-args", build_args(folder), "build",
            "--build-arg", f"BASE_IMAGE={BASE_IMAGE}", *REPLICAS, env=env)  # fmt: skip
        log(f"built in {time.monotonic() - started:.0f} s; starting {', '.join(SERVICES)}")
        run(*compose, "down", "-t", "5", env=env)
        up_at = time.monotonic()
        run(*compose, "up", "-d", "--no-build", *SERVICES, env=env)
        proxy = f"http://127.0.0.1:{proxy_port}"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                if httpx.get(proxy + "/health", timeout=3).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError(f"nginx never answered on {proxy}/health")
        log(f"healthy through nginx after {time.monotonic() - up_at:.1f} s")
        results = checks(proxy, path)
    finally:
        if os.environ.get("KEEP") != "1":
            subprocess.run([*compose, "down", "-t", "5"], env=env, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{'CHECK':56} RESULT  DETAIL")
    for name, ok, detail in results:
        print(f"{name:56} {'PASS' if ok else 'FAIL':7} {detail}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
