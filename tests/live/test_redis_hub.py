"""LIVE_BACKEND=redis end to end: a real redis-server, two uvicorn replicas on one DATA_DIR, real
``websockets`` clients on each. A bar reaches every client once, whichever replica holds the
stream's lease; a dead holder hands over; Redis going away leaves charts live."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest
import redis.asyncio as aioredis
import websockets

from app.config import load_settings
from app.core import ConfigError
from tests.async_run import run_async
from tests.live.conftest import (
    BARS,
    START,
    SYMBOL,
    append,
    next_frame,
    row,
    server_env,
    write_minutes,
    ws_url,
)
from tests.live_server import ROOT, free_port, wait_for_http

REDIS_SERVER = Path("/usr/bin/redis-server")
LEASE_MS = 1500  # short, so a dead holder is replaced within a couple of seconds


class RedisProcess:
    """A private redis-server on a free port: no persistence, startable again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.extra: list[str] = []  # more options (TLS: the port is then the TLS port)

    def start(self) -> None:
        args = [str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--daemonize", "no", *self.extra]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if self.extra:
                        return  # a TLS port: listening is enough
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class Replica:
    """One uvicorn process of the app with LIVE_BACKEND=redis; can be killed and started again."""

    def __init__(self, data_dir: Path, redis_url: str, **settings: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = ROOT / f".pytest_cache/replica-{self.port}.log"
        values = (
            server_env(
                data_dir,
                LIVE_BACKEND="redis",
                REDIS_URL=redis_url,
                LIVE_REDIS_LEASE_MS=str(LEASE_MS),
                LIVE_REDIS_TIMEOUT_S="1",
            )
            | settings
        )
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **values}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(exist_ok=True)
        args = ["-m", "uvicorn", "app.main_fastapi:app", "--host", "127.0.0.1"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, *args, "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_http(self.base + "/health", 60, self.process)
        except (RuntimeError, TimeoutError) as exc:
            raise RuntimeError(f"{exc}\n--- log ---\n{self.log_path.read_text()}") from exc

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisProcess]:
    """Missing redis-server: skip locally, fail in CI (REQUIRE_BROWSER=1), as for Chromium."""
    if not REDIS_SERVER.exists():
        message = f"{REDIS_SERVER} not found (apt-get install redis-server)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    server = RedisProcess()
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def replicas(redis_server: RedisProcess, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("replicas")
    write_minutes(folder / f"{SYMBOL}.csv")
    pair = [Replica(folder, redis_server.url), Replica(folder, redis_server.url)]
    try:
        for replica in pair:
            replica.start()
        yield folder, pair
    finally:
        for replica in pair:
            replica.stop()


# -- helpers ------------------------------------------------------------------------------------


def fresh(folder: Path, name: str) -> Path:
    path = folder / f"{name}.csv"
    write_minutes(path, BARS, seed=len(name))
    return path


async def stats(http: httpx.AsyncClient, replica: Replica) -> dict:
    return (await http.get(replica.base + "/api/stats")).json()


async def settled(pair: list[Replica], timeout: float = 15.0) -> list[dict]:
    """Stats of every replica once all are connected to Redis and one lease is held per stream."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=5) as http:
        while True:
            seen = [await stats(http, replica) for replica in pair]
            streams = max(s["redis"]["streams"] for s in seen)
            held = sum(s["redis"]["leases_held"] for s in seen)
            if all(s["redis"]["connected"] for s in seen) and held == streams > 0:
                return seen
            if time.monotonic() > deadline:
                raise AssertionError(f"leases never settled: {seen}")
            await asyncio.sleep(0.1)


async def subscribe(replica: Replica, symbol: str):
    ws = await websockets.connect(ws_url(replica.base))
    await ws.send(json.dumps({"type": "subscribe", "symbol": symbol, "timeframe": "1m",
                              "emas": "10,21", "limit": 50}))  # fmt: skip
    snapshot = await next_frame(ws, 10.0)
    assert snapshot["type"] == "snapshot", snapshot
    return ws


async def updates(ws, bars: int = 1, timeout: float = 5.0, quiet: float = 0.6) -> list[dict]:
    """Update frames until ``bars`` bars came (or ``timeout``), then any more within ``quiet``
    seconds (a duplicate would come then)."""
    got: list[dict] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    enough = False
    while True:
        if not enough and sum(len(frame["bars"]) for frame in got) >= bars:
            enough = True
            deadline = min(deadline, loop.time() + quiet)
        left = deadline - loop.time()
        if left <= 0:
            return got
        try:
            frame = json.loads(await asyncio.wait_for(ws.recv(), left))
        except TimeoutError:
            return got
        if frame["type"] == "update":
            got.append(frame)


def bar_times(frames: list[dict]) -> list[int]:
    return [bar["time"] for frame in frames for bar in frame["bars"]]


def api_last_bar(replica: Replica, symbol: str) -> dict:
    params = {"symbol": symbol, "timeframe": "1m", "emas": "10,21", "limit": 1}
    return httpx.get(replica.base + "/api/ohlcv", params=params, timeout=30).json()[0]


# -- tests --------------------------------------------------------------------------------------


def test_redis_settings_are_checked_at_start() -> None:
    with pytest.raises(ConfigError, match="REDIS_URL: must be a redis://"):
        load_settings(live_backend="redis", redis_url="http://127.0.0.1:6379")
    with pytest.raises(ConfigError, match="LIVE_BACKEND"):
        load_settings(live_backend="kafka")
    settings = load_settings(live_backend=" Redis ", redis_url="")
    assert (settings.live_backend, settings.redis_url) == ("redis", "redis://127.0.0.1:6379/0")


async def published(redis_url: str, pattern: str, stop: asyncio.Event) -> list[bytes]:
    """What replicas PUBLISH on the channels matching ``pattern`` until ``stop``."""
    client = aioredis.Redis.from_url(redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    await pubsub.psubscribe(pattern)
    got: list[bytes] = []
    try:
        while not stop.is_set():
            message = await pubsub.get_message(timeout=0.1)
            if message is not None:
                got.append(message["data"])
    finally:
        await pubsub.aclose()
        await client.aclose()
    return got


def test_each_bar_reaches_a_client_on_each_replica_once(replicas, redis_server) -> None:
    folder, pair = replicas
    path = fresh(folder, "ONCE1")

    async def scenario() -> tuple[list[dict], list[list[dict]], list[bytes]]:
        clients = [await subscribe(replica, "ONCE1") for replica in pair]
        stop = asyncio.Event()
        try:
            seen = await settled(pair)
            wire = asyncio.create_task(published(redis_server.url, "*:bars:once1|*", stop))
            await asyncio.sleep(0.2)
            frames: list[list[dict]] = [[], []]
            for minute in range(BARS, BARS + 3):
                append(path, row(minute, 100.0 + minute / 100, 7))
                got = await asyncio.gather(*(updates(ws) for ws in clients))
                for mine, new in zip(frames, got, strict=True):
                    mine.extend(new)
            stop.set()
            return seen, frames, await wire
        finally:
            for ws in clients:
                await ws.close()

    seen, frames, wire = run_async(scenario())
    # Only the lease holder PUBLISHes, once per bar change.
    assert len(wire) == 3 and len({data.split(b" ")[0] for data in wire}) == 1
    for stat in seen:
        assert {k: stat[k] for k in ("total_clients", "total_subscriptions")} == {
            "total_clients": 1,
            "total_subscriptions": 1,
        }
        assert stat["symbol_subscribers"] == {"ONCE1": 1} and stat["backend"] == "redis"
    assert sorted(s["redis"]["leases_held"] for s in seen) == [0, 1]  # one replica publishes
    first = frames[0][0]["bars"][0]["time"]
    for mine in frames:  # each bar once, in order, on both replicas: no duplicate frame
        assert bar_times(mine) == [first, first + 60, first + 120]
    assert frames[0] == frames[1]
    last = frames[1][-1]["bars"][-1]
    assert (last["close"], last["volume"]) == (100.0 + (BARS + 2) / 100, 7.0)
    assert last == api_last_bar(pair[0], "ONCE1") == api_last_bar(pair[1], "ONCE1")


FIELDS_10_21 = ["time", "open", "high", "low", "close", "volume", "ema_10", "ema_21"]


def junk_messages(holder: bytes, time: int) -> tuple[list[bytes], list[bytes]]:
    """(messages with the lease holder's id, messages any replica rejects before the holder
    check): each one a replica of ours never sends."""

    def body(times: object, bars: object, reset: object = False) -> bytes:
        return json.dumps({"times": times, "bars": bars, "reset": reset}).encode()

    def bar(**extra: object) -> str:
        values = {"time": time, "open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5,
                  "volume": 3.0, "ema_10": 1.2, "ema_21": None, **extra}  # fmt: skip
        return json.dumps(values)

    good = body([time], [bar()])
    as_holder = [
        holder + b" m - " + body([1], [1]),  # the AttributeError of #19
        holder + b" m - " + body([time], [bar(INJECTED="<script>alert(1)</script>")]),
        holder + b" m - " + body([time], ["not json at all ]]]"]),
        holder + b" m - " + body([time], [bar(close="<script>")]),
        holder + b" m - " + body([time], [bar(time=time + 60)]),
        holder + b" m - " + body([time], [bar()], reset=True),
        holder + b" m - " + body([time, time], [bar(), bar()]),
        holder + b" m - " + b"[1, 2, 3]",
        holder + b" m - " + b"\xff\xfe not utf-8",
    ]
    anyone = [
        b"garbage",
        b"not-an-id m - " + good,
        holder + b" q - " + good,
        holder + b" m 0123abcd " + good,  # signed, but the replicas have no secret
        holder + b" x - trailing",
        b"0123456789ab m - " + good,  # well formed, but not from the lease holder
        b"0123456789ab x - ",  # a release from a replica that holds nothing
        holder + b" m - " + b"[" + b"1," * 1_200_000 + b"1]",  # over the size cap
    ]
    return as_holder, anyone


async def raw_updates(ws, timeout: float) -> list[str]:
    """Every frame's text within ``timeout`` seconds (the feed's ``status`` frames aside)."""
    got: list[str] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while (left := deadline - asyncio.get_running_loop().time()) > 0:
        try:
            text = await asyncio.wait_for(ws.recv(), left)
        except TimeoutError:
            break
        if not text.startswith('{"type":"status"'):
            got.append(text)
    return got


def test_junk_and_forged_messages_on_the_channel_never_reach_a_browser(
    replicas, redis_server
) -> None:
    """#19: what anything publishes on a stream's channel is checked before it is forwarded:
    every junk or forged message is dropped and counted on each replica, the Redis link stays
    up, and the clients get only the real bars, as valid JSON of the stream's fields."""
    folder, pair = replicas
    path = fresh(folder, "JUNK1")
    time0 = int((START + pd.Timedelta(minutes=BARS)).timestamp())

    async def scenario():
        clients = [await subscribe(replica, "JUNK1") for replica in pair]
        redis = aioredis.Redis.from_url(redis_server.url)
        try:
            before = await settled(pair)
            (lease,) = await redis.keys("*lease:junk1|*")
            holder = await redis.get(lease)
            channel = lease.replace(b":lease:", b":bars:")
            as_holder, anyone = junk_messages(holder, time0)
            for data in as_holder + anyone:
                assert await redis.publish(channel, data) == 2  # both replicas listen
            junk = await asyncio.gather(*(raw_updates(ws, 1.5) for ws in clients))
            append(path, row(BARS, 141.0, 5))  # a real bar still goes through, once
            real = await asyncio.gather(*(raw_updates(ws, 2.0) for ws in clients))
            for data in as_holder[:1] * 3:  # #19: publishing it again kept them split
                await redis.publish(channel, data)
            await asyncio.sleep(0.5)
            async with httpx.AsyncClient(timeout=5) as http:
                after = [await stats(http, replica) for replica in pair]
            return before, after, junk, real, len(as_holder), len(anyone)
        finally:
            await redis.aclose()
            for ws in clients:
                await ws.close()

    logs_before = [replica.log() for replica in pair]
    before, after, junk, real, forged_as_holder, others = run_async(scenario())
    assert junk == [[], []]  # not one frame came of the junk
    for frames in real:
        bars = [bar for text in frames for bar in json.loads(text)["bars"]]
        assert [list(bar) for bar in bars] == [FIELDS_10_21]
        assert (bars[0]["time"], bars[0]["close"], bars[0]["volume"]) == (time0, 141.0, 5.0)
    holder_index = [s["redis"]["leases_held"] for s in before].index(1)
    for index, (was, now) in enumerate(zip(before, after, strict=True)):
        assert (
            now["redis"]["connected"] and now["redis"]["leases_held"] == was["redis"]["leases_held"]
        )
        # The holder skips its own id as its echo; the follower counts every junk message.
        expected = others + (0 if index == holder_index else forged_as_holder + 3)
        assert now["redis"]["dropped"] - was["redis"]["dropped"] == expected
    for replica, old in zip(pair, logs_before, strict=True):
        new = replica.log()[len(old) :]
        assert "lost" not in new and "connected" not in new and "Traceback" not in new
        assert new.count("live: dropped") == 1  # one warning, rate-limited
        assert "<script>" not in new


def test_charts_stay_live_while_redis_is_down_and_go_through_it_again(
    replicas, redis_server: RedisProcess
) -> None:
    folder, pair = replicas
    path = fresh(folder, "DOWN1")

    async def scenario() -> tuple[list[list[dict]], list[list[dict]], list[dict]]:
        clients = [await subscribe(replica, "DOWN1") for replica in pair]
        try:
            await settled(pair)
            redis_server.kill()
            async with httpx.AsyncClient(timeout=5) as http:
                deadline = time.monotonic() + 10
                while any([(await stats(http, r))["redis"]["connected"] for r in pair]):
                    assert time.monotonic() < deadline, "Redis loss not noticed"
                    await asyncio.sleep(0.1)
            append(path, row(BARS, 111.0, 5))  # each replica's own bars reach its clients
            down = await asyncio.gather(*(updates(ws) for ws in clients))
            redis_server.start()
            back = await settled(pair, timeout=20)
            append(path, row(BARS + 1, 112.0, 6))  # through Redis again
            up = await asyncio.gather(*(updates(ws) for ws in clients))
            return down, up, back
        finally:
            for ws in clients:
                await ws.close()

    down, up, back = run_async(scenario())
    for frames in down:
        assert [bar["close"] for frame in frames for bar in frame["bars"]] == [111.0]
    for frames in up:
        assert [bar["close"] for frame in frames for bar in frame["bars"]] == [112.0]
    assert sorted(s["redis"]["leases_held"] for s in back) == [0, 1]
    for replica in pair:
        assert f"Redis at {redis_server.url} lost" in replica.log()


def test_a_dead_lease_holder_hands_the_stream_over(replicas) -> None:
    folder, pair = replicas
    path = fresh(folder, "HAND1")

    async def scenario() -> tuple[int, float, list[dict], list[dict], dict]:
        clients = [await subscribe(replica, "HAND1") for replica in pair]
        try:
            seen = await settled(pair)
            holder = [s["redis"]["leases_held"] for s in seen].index(1)
            survivor = 1 - holder
            pair[holder].stop(signal.SIGKILL)  # no goodbye: its lease must expire
            began = time.monotonic()
            append(path, row(BARS, 121.0, 5))
            first = await next_frame(clients[survivor], LEASE_MS / 1000 + 5, "update")
            took = time.monotonic() - began
            append(path, row(BARS + 1, 122.0, 6))
            rest = await updates(clients[survivor])
            async with httpx.AsyncClient(timeout=5) as http:
                after = await stats(http, pair[survivor])
            return holder, took, [first], rest, after
        finally:
            for ws in clients:
                await ws.close()

    try:
        _holder, took, first, rest, after = run_async(scenario())
    finally:
        for replica in pair:  # the module's pair stays whole for any later test
            if replica.process is not None and replica.process.poll() is not None:
                replica.start()
    assert took < LEASE_MS / 1000 + 3
    assert [bar["close"] for frame in first + rest for bar in frame["bars"]] == [121.0, 122.0]
    assert after["redis"]["leases_held"] == 1 and after["total_clients"] == 1


def test_a_replica_starts_and_stays_live_without_redis(tmp_path: Path) -> None:
    write_minutes(tmp_path / f"{SYMBOL}.csv")
    path = fresh(tmp_path, "ALONE1")
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    replica = Replica(tmp_path, nobody)
    replica.start()

    async def scenario() -> tuple[list[dict], dict]:
        ws = await subscribe(replica, "ALONE1")
        try:
            append(path, row(BARS, 131.0, 5))
            got = await updates(ws)
            async with httpx.AsyncClient(timeout=5) as http:
                return got, await stats(http, replica)
        finally:
            await ws.close()

    try:
        got, seen = run_async(scenario())
    finally:
        replica.stop()
    assert [bar["close"] for frame in got for bar in frame["bars"]] == [131.0]
    assert seen["redis"]["connected"] is False and seen["total_subscriptions"] == 1
    assert f"Redis at {nobody} unreachable" in replica.log()


def test_a_stopped_holder_gives_its_streams_back_at_once(replicas, redis_server) -> None:
    """SIGTERM: the holder lets go before it exits (its clients leave, the app shuts down), so
    the lease is not left to expire: at its exit the lease is no longer its own."""
    folder, pair = replicas
    fresh(folder, "STOP1")

    async def scenario() -> tuple[bytes | None, bytes | None]:
        clients = [await subscribe(replica, "STOP1") for replica in pair]
        redis = aioredis.Redis.from_url(redis_server.url)
        try:
            seen = await settled(pair)
            holder = [s["redis"]["leases_held"] for s in seen].index(1)
            (lease,) = await redis.keys("*lease:stop1|*")
            before = await redis.get(lease)
            await asyncio.to_thread(pair[holder].stop, signal.SIGTERM)
            return before, await redis.get(lease)
        finally:
            await redis.aclose()
            for ws in clients:
                await ws.close()

    try:
        before, after = run_async(scenario())
    finally:
        for replica in pair:
            if replica.process is not None and replica.process.poll() is not None:
                replica.start()
    assert before is not None and after != before


def make_certificates(folder: Path) -> Path:
    """A throw-away CA and a server certificate for 127.0.0.1 (openssl); the CA's path."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl not found")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "2", "-subj", "/CN=superchart-test-ca")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
            "server.csr", "-subj", "/CN=127.0.0.1")  # fmt: skip
    (folder / "ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext")  # fmt: skip
    return folder / "ca.pem"


def test_rediss_with_a_password_carries_the_bars(tmp_path: Path) -> None:
    """REDIS_URL=rediss://:password@host/db?ssl_ca_certs=...: TLS to a redis-server that has
    no plain port and wants a password; the password never appears in the log."""
    if not REDIS_SERVER.exists():
        pytest.skip(f"{REDIS_SERVER} not found")
    ca = make_certificates(tmp_path)
    tls = RedisProcess()
    password = "tls-test-password-0123"
    tls.extra = ["--port", "0", "--tls-port", str(tls.port), "--tls-cert-file",
                 str(tmp_path / "server.pem"), "--tls-key-file", str(tmp_path / "server.key"),
                 "--tls-ca-cert-file", str(ca), "--tls-auth-clients", "no",
                 "--requirepass", password]  # fmt: skip
    tls.start()
    url = f"rediss://:{password}@127.0.0.1:{tls.port}/0?ssl_ca_certs={ca}"
    data = tmp_path / "data"
    data.mkdir()
    write_minutes(data / f"{SYMBOL}.csv")
    path = fresh(data, "TLS1")
    replica = Replica(data, url, LIVE_REDIS_TIMEOUT_S="5")  # TLS handshakes on a busy machine

    async def scenario() -> tuple[list[dict], dict]:
        ws = await subscribe(replica, "TLS1")
        try:
            (seen,) = await settled([replica])
            append(path, row(BARS, 151.0, 5))
            return await updates(ws), seen
        finally:
            await ws.close()

    try:
        replica.start()
        got, seen = run_async(scenario())
    finally:
        replica.stop()
        tls.kill()
    assert seen["redis"]["connected"] and seen["redis"]["leases_held"] == 1
    assert [bar["close"] for frame in got for bar in frame["bars"]] == [151.0]
    assert password not in replica.log()
