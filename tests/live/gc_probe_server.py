"""A real uvicorn server (the app, on 127.0.0.1, as ``make run`` starts it) whose process a test
can ask about its cyclic garbage: ``python -m tests.live.gc_probe_server``.

The server runs in a thread; the main thread reads commands on stdin and answers one JSON line:
``probe`` -> the process's RSS, its allocated memory blocks, and what ``gc.collect()`` finds
unreachable (kept for counting by ``gc.DEBUG_SAVEALL``, then freed), by type. The automatic GC
is off from start-up on, so an object a closed connection left in a reference cycle stays, and
is counted, until ``probe``.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
import time
from collections import Counter

import uvicorn

from app.server_limits import uvicorn_limit_args
from tests.live_server import free_port


def rss_kib() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096 // 1024


def probe() -> dict[str, object]:
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        kinds = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage)
        garbage = len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    gc.collect()  # what DEBUG_SAVEALL kept is freed now
    return {
        "rss_kib": rss_kib(),
        "blocks": sys.getallocatedblocks(),  # Python's own heap, whatever the C allocator keeps
        "garbage": garbage,
        "kinds": dict(kinds.most_common(30)),
    }


def main() -> None:
    from app.main_fastapi import app

    port = free_port()
    args = uvicorn_limit_args()  # the command line's --http h11 and its bounds, as make run
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        http=args[args.index("--http") + 1],
        timeout_keep_alive=int(args[args.index("--timeout-keep-alive") + 1]),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    gc.collect()
    gc.disable()
    print(json.dumps({"port": port}), flush=True)
    for line in sys.stdin:
        if line.strip() == "probe":
            print(json.dumps(probe()), flush=True)
    server.should_exit = True
    thread.join(10)


if __name__ == "__main__":
    main()
