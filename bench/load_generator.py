"""Requests per second under a fixed number of concurrent clients, bounded in time, 127.0.0.1 only.

Uses ``wrk`` (Debian package) when installed: it is written in C and costs the shared CPU far less
than a Python client would, so the server, not the generator, is what gets measured. Without it,
an asyncio + httpx generator does the same job, less precisely.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
from urllib.parse import urlsplit

import httpx


class LoadError(RuntimeError):
    """The load run saw errors or non-2xx answers."""


def generator_name() -> str:
    return "wrk" if shutil.which("wrk") else "httpx"


def requests_per_second(
    url: str,
    *,
    connections: int = 32,
    seconds: float = 10.0,
    headers: dict[str, str] | None = None,
) -> float:
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError(f"load is only generated against 127.0.0.1, not {url}")
    if shutil.which("wrk"):
        return _wrk(url, connections, seconds, headers or {})
    return asyncio.run(_httpx_load(url, connections, seconds, headers or {}))


def _wrk(url: str, connections: int, seconds: float, headers: dict[str, str]) -> float:
    duration = max(1, round(seconds))
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", *header_args, url],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    )
    output = result.stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*", output)
    if bad or (errors and re.search(r"(connect|read|write|timeout) [1-9]", errors.group(0))):
        raise LoadError(f"wrk saw failures against {url}:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not match:
        raise LoadError(f"could not read wrk's output:\n{output}")
    return float(match.group(1))


async def _httpx_load(url: str, connections: int, seconds: float, headers: dict[str, str]) -> float:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:
        deadline = time.perf_counter() + seconds
        counts = [0] * connections

        async def worker(index: int) -> None:
            while time.perf_counter() < deadline:
                response = await client.get(url)
                if response.status_code != 200:
                    raise LoadError(f"{url} answered {response.status_code}")
                counts[index] += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(connections)))
        return sum(counts) / (time.perf_counter() - start)
