"""Live fan-out over WS /ws against a bare ``websockets`` broadcast server, in the same run.

Each phase starts the clients (separate load-generator processes, ``bench.live_clients``),
waits until every one holds its snapshot, then writes bars for a few seconds
(``bench.live_publish``). Appends: for our server a row appended to the symbol's CSV (latency
counts from that write: file watching, tail parse, aggregation, EMAs and fan-out), for the floor
the same update frame handed to its publisher socket (fan-out only). Rewrites: the CSV's last
row rewritten in place, for both servers: the floor reads it through its own file watcher
(``bench.live_floor``'s ``watch=``), so both pay a file watch and a tail read. Phases alternate
ours / floor. RSS is the server's Python process alone (the image renderer's Chromium, opened by
the one picture asked first, is other processes).
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

from app.server_limits import uvicorn_limit_args
from bench import live_pauses, live_publish
from bench.context import BenchContext
from bench.servers import ROOT, Server, free_port, python_server
from bench.table import Row


@dataclass(frozen=True)
class Phase:
    p50: float
    p99: float
    delivered: float  # share of the expected (client, bar) deliveries that arrived
    cpu_per_client_ms: float  # server CPU ms per second per connected client
    rss_per_client_kib: float
    connected: int  # clients that got their snapshot (or joined) before the deadline
    pauses: live_pauses.WindowPauses | None = None  # ours only: GC and loop inside the window


def raise_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_phase(
    mode: str,
    server: Server | list[Server],
    symbols: list[str],
    clients: int,
    processes: int,
    seconds: float,
    writes_per_second: float,
    folder: Path,
    deflate: bool = False,
    workload: str = "appends",
) -> Phase:
    servers = server if isinstance(server, list) else [server]  # replicas: clients in turn
    urls = [
        s.base_url.replace("http://", "ws://") + ("/ws" if mode == "ours" else "/") for s in servers
    ]
    rss_before = sum(s.rss_mib() for s in servers)
    outs, procs = [], []
    per_process = [clients // processes + (i < clients % processes) for i in range(processes)]
    for i, count in enumerate(per_process):
        out = folder / f"{mode}-{i}.npy"
        outs.append(out)
        args = [
            urls[i % len(urls)],
            mode,
            str(count),
            ",".join(symbols),
            str(seconds + 3),
            str(out),
        ]
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
    rss_after = sum(s.rss_mib() for s in servers)
    cpu_start = sum(cpu_seconds(s.pid) for s in servers)
    pauses_before = live_pauses.read(servers[0].base_url) if mode == "ours" else None
    window_start = time.time()
    data = folder / ("data" if mode == "ours" else "floor-data")
    if workload == "rewrites":
        written = live_publish.rewrites(data, symbols, seconds, writes_per_second)
    else:
        control = None if mode == "ours" else servers[0].base_url
        written = live_publish.appends(control, data, symbols, seconds, writes_per_second)
    cpu = sum(cpu_seconds(s.pid) for s in servers) - cpu_start
    pauses = None
    if pauses_before is not None:
        after = live_pauses.read(servers[0].base_url)
        pauses = live_pauses.in_window(pauses_before, after, window_start, time.time())
    for proc in procs:
        proc.wait(timeout=120)
    samples = np.concatenate([np.load(out) for out in outs])
    latencies = []
    for symbol_index, bar_time, volume, received in samples:
        sent = written.get((int(symbol_index), int(bar_time), float(volume)))
        if sent is not None:
            latencies.append(received - sent)
    if not latencies:
        raise RuntimeError(f"{mode}: no bar state written reached a client")
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
        pauses=pauses,
    )


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
    workload: str = "appends",
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
        names = live_publish.symbol_files(data, symbols)
        floor_data = folder / "floor-data"  # the floor's own copy: it watches it for rewrites
        floor_data.mkdir()
        live_publish.symbol_files(floor_data, symbols)
        floor_args = ["-m", "bench.live_floor", str(free_port())]
        floor_args += ["deflate"] if deflate else []
        floor_args += [f"watch={floor_data}"] if workload == "rewrites" else []
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
            *uvicorn_limit_args(clients + 100),  # as make run and the image: h11, bounds
        ]
        results: dict[str, list[Phase]] = {"ours": [], "floor": []}
        with (
            python_server("live", args, port=port, env=env) as ours,
            python_server("live-floor", floor_args, port=int(floor_args[2])) as floor,
        ):
            # The image renderer's Chromium opens at the first picture: one asked now, so no
            # phase measures a server starting a browser (it runs beside us, as in production).
            httpx.get(ours.base_url + "/api/chart.png", params={"limit": 50}, timeout=120)
            # 10,000 clients take minutes to connect on 2 cores: one round of each then. At
            # 1,000, three rounds: a p99 moves with whatever else the machine does, and the
            # median of an odd count is one real round, not an average of two.
            rounds = 1 if quick or clients > 2000 else max(3, ctx.sizes.load_rounds)
            for _ in range(rounds):
                for mode, server in (("ours", ours), ("floor", floor)):
                    phase = run_phase(
                        mode, server, names, clients, processes, seconds, rate, folder, deflate,
                        workload,
                    )  # fmt: skip
                    results[mode].append(phase)
                    print(f"  {mode}: {phase}", file=sys.stderr)
    ours_p99 = float(np.median([p.p99 for p in results["ours"]]))
    floor_p99 = float(np.median([p.p99 for p in results["floor"]]))
    o, f = results["ours"][-1], results["floor"][-1]
    note = (
        f"{o.connected:,} / {f.connected:,} of {clients:,} clients connected, {symbols} symbol(s), "
        f"{rate:g} bars/s; p50 {median_ms(results['ours'], 'p50'):.0f} vs "
        f"{median_ms(results['floor'], 'p50'):.0f} ms (median of rounds); delivered "
        f"{o.delivered:.1%} vs {f.delivered:.1%}; server CPU "
        f"{o.cpu_per_client_ms:.3f} vs {f.cpu_per_client_ms:.3f} ms/s per client; RSS of the "
        f"Python process alone {rss_per_1000(results['ours']):.1f} vs "
        f"{rss_per_1000(results['floor']):.1f} MiB per 1,000 clients; p99 of each round "
        f"{'/'.join(f'{p.p99 * 1000:.0f}' for p in results['ours'])} vs "
        f"{'/'.join(f'{p.p99 * 1000:.0f}' for p in results['floor'])} ms; "
        f"{window_pauses(results)}; load average {os.getloadavg()[0]:.1f}"
    )
    return Row(name, ours_p99, floor_p99, "s", target, note=note)


def window_pauses(results: dict[str, list[Phase]]) -> str:
    """Our GC's full collections and the loop's longest stall inside each round's window."""
    pauses = [p.pauses for p in results["ours"] if p.pauses is not None]
    if not pauses:
        return "no pause figures"
    full = "/".join(f"{p.full}" for p in pauses)
    longest = "/".join(f"{max(p.full_max_ms, p.stall_max_ms):.0f}" for p in pauses)
    return f"full GCs in each window {full}, longest GC or loop stall {longest} ms"


def median_ms(phases: list[Phase], figure: str) -> float:
    return float(np.median([getattr(p, figure) for p in phases])) * 1000


def rss_per_1000(phases: list[Phase]) -> float:
    """MiB the server's process grew by per 1,000 connected clients: the first round's growth
    (later rounds reuse what the first one's clients left, and grow by little)."""
    return max(p.rss_per_client_kib for p in phases) * 1000 / 1024


def fanout_1000(ctx: BenchContext, name: str, target: float | None) -> Row:
    return fanout(ctx, name, target, clients=1000, symbols=1, processes=2, rate=10)


def fanout_1000_deflate(ctx: BenchContext, name: str, target: float | None) -> Row:
    """As browsers connect: permessage-deflate offered by the clients, taken by both servers."""
    return fanout(ctx, name, target, clients=1000, symbols=1, processes=2, rate=10, deflate=True)


def fanout_10000(ctx: BenchContext, name: str, target: float | None) -> Row:
    return fanout(ctx, name, target, clients=10_000, symbols=1, processes=6, rate=10)


def fanout_100x100(ctx: BenchContext, name: str, target: float | None) -> Row:
    return fanout(ctx, name, target, clients=10_000, symbols=100, processes=6, rate=100)


def fanout_1000_rewrites(ctx: BenchContext, name: str, target: float | None) -> Row:
    """The forming bar rewritten in place 10 times a second (every 10th write a new minute),
    both servers reading the file: ours through its watcher and tail, the floor its own."""
    return fanout(
        ctx, name, target, clients=1000, symbols=1, processes=2, rate=10, workload="rewrites"
    )
