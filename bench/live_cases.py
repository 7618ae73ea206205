"""Live fan-out over WS /ws against a bare ``websockets`` broadcast server, in the same run.

Each phase starts the clients (separate load-generator processes, ``bench.live_clients``),
waits until every one holds its snapshot, then writes bars for a few seconds: for our server a
row appended to the symbol's CSV (latency counts from that write: file watching, tail parse,
aggregation, EMAs and fan-out), for the floor the same update frame handed to its publisher
socket (latency from that send: fan-out only). Phases alternate ours / floor.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import orjson
from websockets.sync.client import connect

from bench.context import BenchContext
from bench.servers import ROOT, Server, free_port, python_server
from bench.table import Row

START_S = 1_704_067_200  # 2024-01-01T00:00Z
HISTORY = 500  # 1m bars in each symbol's file before the run


@dataclass(frozen=True)
class Phase:
    p50: float
    p99: float
    delivered: float  # share of the expected (client, bar) deliveries that arrived
    cpu_per_client_ms: float  # server CPU ms per second per connected client
    rss_per_client_kib: float
    connected: int  # clients that got their snapshot (or joined) before the deadline


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def symbol_files(folder: Path, count: int) -> list[str]:
    names = [f"LIVE{i}" for i in range(count)]
    for name in names:
        lines = ["time,open,high,low,close,volume"]
        for k in range(HISTORY):
            close = 100 + (k % 17) * 0.25
            lines.append(f"{START_S + 60 * k},{close - 0.1},{close + 1},{close - 1},{close},100")
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n")
    return names


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_phase(
    mode: str,
    server: Server,
    symbols: list[str],
    clients: int,
    processes: int,
    seconds: float,
    writes_per_second: float,
    folder: Path,
    deflate: bool = False,
) -> Phase:
    url = server.base_url.replace("http://", "ws://") + ("/ws" if mode == "ours" else "/")
    rss_before = server.rss_mib()
    outs, procs = [], []
    per_process = [clients // processes + (i < clients % processes) for i in range(processes)]
    for i, count in enumerate(per_process):
        out = folder / f"{mode}-{i}.npy"
        outs.append(out)
        args = [url, mode, str(count), ",".join(symbols), str(seconds + 3), str(out)]
        if deflate:
            args.append("deflate")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "bench.live_clients", *args],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    connected = 0
    for proc in procs:
        line = proc.stdout.readline().split()
        if not line or line[0] != "ready":
            raise RuntimeError(f"a load generator did not get ready ({proc.wait()})")
        connected += int(line[1])
    for proc in procs:  # go: every generator records from now on
        proc.stdin.write("go\n")
        proc.stdin.flush()
    time.sleep(0.5)
    rss_after = server.rss_mib()
    written = publish(mode, server, symbols, seconds, writes_per_second, folder)
    cpu = cpu_seconds(server.pid) - written.pop("cpu_start")
    for proc in procs:
        proc.wait(timeout=120)
    samples = np.concatenate([np.load(out) for out in outs])
    latencies = []
    for symbol_index, bar_time, received in samples:
        sent = written.get((int(symbol_index), int(bar_time)))
        if sent is not None:
            latencies.append(received - sent)
    clients_per_symbol = connected / len(symbols)
    expected = len(written) * clients_per_symbol
    lat = np.array(latencies)
    return Phase(
        p50=float(np.percentile(lat, 50)),
        p99=float(np.percentile(lat, 99)),
        delivered=len(lat) / expected,
        cpu_per_client_ms=cpu / seconds / connected * 1000,
        rss_per_client_kib=(rss_after - rss_before) * 1024 / connected,
        connected=connected,
    )


def publish(
    mode: str, server: Server, symbols: list[str], seconds: float, rate: float, folder: Path
) -> dict:
    """Bars at ``rate`` writes a second in all (round robin over the symbols); the send time of
    each (symbol index, bar time)."""
    written: dict = {"cpu_start": cpu_seconds(server.pid)}
    next_bar = dict.fromkeys(range(len(symbols)), HISTORY + int(time.time()) % 1000 * 10)
    control = connect(server.base_url.replace("http://", "ws://") + "/") if mode != "ours" else None
    began = time.perf_counter()
    count = int(seconds * rate)
    for k in range(count):
        due = began + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        index = k % len(symbols)
        bar = next_bar[index]
        next_bar[index] += 1
        bar_time = START_S + 60 * bar
        close = 100 + (bar % 17) * 0.25
        row = f"{bar_time},{close - 0.1},{close + 1},{close - 1},{close},100\n"
        written[(index, bar_time)] = time.time()
        if control is None:
            with open(folder / "data" / f"{symbols[index]}.csv", "a") as handle:
                handle.write(row)
        else:
            frame = {
                "type": "update",
                "id": "s",
                "symbol": symbols[index],
                "timeframe": "1m",
                "bars": [
                    {
                        "time": bar_time,
                        "open": close - 0.1,
                        "high": close + 1,
                        "low": close - 1,
                        "close": close,
                        "volume": 100.0,
                        "ema_10": close,
                        "ema_21": close,
                    }
                ],
            }
            control.send(
                orjson.dumps(
                    {
                        "type": "publish",
                        "symbol": symbols[index],
                        "frame": orjson.dumps(frame).decode(),
                    }
                ).decode()
            )
    time.sleep(1.5)  # the last bars reach the clients
    if control is not None:
        control.close()
    return written


def fanout(
    ctx: BenchContext,
    name: str,
    target: float | None,
    *,
    clients: int,
    symbols: int,
    processes: int,
    rate: float,
    deflate: bool = False,
) -> Row:
    raise_file_limit()
    quick = ctx.sizes.load_seconds < 5
    if quick:
        clients, processes = max(symbols, clients // 10), 1
    seconds = 3.0 if quick else 8.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "data"
        data.mkdir()
        names = symbol_files(data, symbols)
        env = {
            "DATA_SOURCE": "csv",
            "DATA_DIR": str(data),
            "CSV_PATH": str(data / "LIVE0.csv"),
            "DEFAULT_SYMBOL": "LIVE0",
            "LIVE_MAX_CLIENTS": str(clients + 100),
        }
        port = free_port()
        args = [
            "-m",
            "uvicorn",
            "app.main_fastapi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--backlog",
            "8192",
        ]
        floor_port = free_port()
        results: dict[str, list[Phase]] = {"ours": [], "floor": []}
        with (
            python_server("live", args, port=port, env=env) as ours,
            python_server(
                "live-floor",
                ["-m", "bench.live_floor", str(floor_port), *(["deflate"] if deflate else [])],
                port=floor_port,
            ) as floor,
        ):
            # The server opens its image renderer's Chromium in the background at start: one
            # picture waits for that, so no phase measures a server still warming up.
            httpx.get(ours.base_url + "/api/chart.png", params={"limit": 50}, timeout=120)
            # 10,000 clients take minutes to connect on 2 cores: one round of each then. At
            # 1,000, three rounds: a p99 moves with whatever else the machine does, and the
            # median of an odd count is one real round, not an average of two.
            rounds = 1 if quick or clients > 2000 else max(3, ctx.sizes.load_rounds)
            for _ in range(rounds):
                for mode, server in (("ours", ours), ("floor", floor)):
                    phase = run_phase(
                        mode, server, names, clients, processes, seconds, rate, folder, deflate
                    )
                    results[mode].append(phase)
                    print(f"  {mode}: {phase}", file=sys.stderr)
    ours_p99 = float(np.median([p.p99 for p in results["ours"]]))
    floor_p99 = float(np.median([p.p99 for p in results["floor"]]))
    o, f = results["ours"][-1], results["floor"][-1]
    note = (
        f"{o.connected:,} / {f.connected:,} of {clients:,} clients connected, {symbols} symbol(s), "
        f"{rate:g} bars/s; p50 {o.p50 * 1000:.0f} vs "
        f"{f.p50 * 1000:.0f} ms; delivered {o.delivered:.1%} vs {f.delivered:.1%}; server CPU "
        f"{o.cpu_per_client_ms:.3f} vs {f.cpu_per_client_ms:.3f} ms/s per client; RSS "
        f"{o.rss_per_client_kib:.0f} vs {f.rss_per_client_kib:.0f} KiB per client"
    )
    return Row(name, ours_p99, floor_p99, "s", target, note=note)


def fanout_1000(ctx: BenchContext, name: str, target: float | None) -> Row:
    return fanout(ctx, name, target, clients=1000, symbols=1, processes=2, rate=10)


def fanout_1000_deflate(ctx: BenchContext, name: str, target: float | None) -> Row:
    """As browsers connect: permessage-deflate offered by the clients, taken by both servers."""
    return fanout(ctx, name, target, clients=1000, symbols=1, processes=2, rate=10, deflate=True)


def fanout_10000(ctx: BenchContext, name: str, target: float | None) -> Row:
    return fanout(ctx, name, target, clients=10_000, symbols=1, processes=6, rate=10)


def fanout_100x100(ctx: BenchContext, name: str, target: float | None) -> Row:
    return fanout(ctx, name, target, clients=10_000, symbols=100, processes=6, rate=100)
