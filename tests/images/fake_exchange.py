"""A real HTTP server on 127.0.0.1 standing in for exchanges' public market-data APIs.

It answers Binance's spot ``/api/v3/exchangeInfo`` + ``/api/v3/klines`` and OKX's
``/api/v5/public/instruments`` + ``/api/v5/market/(history-)candles`` in their own formats, with
hourly candles generated for any window up to now (a deterministic zigzag), so CCXT, pointed at
it, fetches and pages exactly as it would from the real exchange. Each exchange can be switched
to answer 503 (``down``) or to hang (``slow``); every request is recorded. Candle pages can
also be hostile: ``huge`` streams one page of ``huge_bytes`` (no Content-Length), ``drip`` sends
a valid page a byte at a time for ``drip_seconds``, ``repeat`` answers every page with the same
one old row (``repeat_hours`` before now) whatever window is asked for, ``bad`` a bar whose high
is below its close (all but ``huge`` in Binance's format).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOUR_MS = 3_600_000
PAIRS = {"BTCUSDT": ("BTC", "USDT"), "ETHUSDT": ("ETH", "USDT")}
OKX_BARS = {"1H": HOUR_MS, "4H": 4 * HOUR_MS, "1D": 24 * HOUR_MS}
HOSTILE = ("huge", "drip", "repeat", "bad")  # binance's rows; "huge" fails any exchange's
BINANCE_BARS = {"1h": HOUR_MS, "4h": 4 * HOUR_MS, "1d": 24 * HOUR_MS}


def candle(open_ms: int, step: int) -> list[float]:
    """[ms, open, high, low, close, volume]: the same bar whoever asks for it."""
    n = open_ms // step
    base = 100.0 + (n % 50)
    close = base + (1.0 if n % 3 else -1.0)
    return [open_ms, base, max(base, close) + 0.5, min(base, close) - 0.5, close, 10.0 + n % 7]


def _binance_row(open_ms: int, step: int) -> list:
    """One Binance kline: [open ms, o, h, l, c, v (strings), close ms, ...]."""
    t, o, h, low, c, v = candle(open_ms, step)
    return [t, str(o), str(h), str(low), str(c), str(v), t + step - 1, "0", 1, "0", "0", "0"]


class FakeExchanges:
    def __init__(self) -> None:
        self.mode = {"binance": "ok", "okx": "ok"}
        self.huge_bytes = 170 * 1024 * 1024
        self.drip_seconds = 20.0
        self.repeat_hours = 997
        self.sent_bytes = 0  # body bytes the hostile modes managed to write
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (exchange, path, query)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeExchanges:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def asked(self, exchange: str, fragment: str) -> list[dict[str, str]]:
        return [q for e, path, q in self.requests if e == exchange and fragment in path]

    # -- answers --------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        exchanges = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                name = "okx" if parts.path.startswith("/api/v5/") else "binance"
                exchanges.requests.append((name, parts.path, query))
                mode = exchanges.mode[name]
                if mode == "slow":
                    time.sleep(5)
                if mode == "down":  # each exchange's own words for it
                    if name == "okx":
                        down = {"code": "50001", "msg": "Service temporarily unavailable"}
                        return self._send(503, {**down, "data": []})
                    return self._send(
                        503,
                        {"code": -1001, "msg": "Internal error; unable to process your request."},
                    )
                if mode in HOSTILE and ("klines" in parts.path or "candles" in parts.path):
                    return self._hostile(mode)
                if name == "binance":
                    return self._send(*exchanges._binance(parts.path, query))
                return self._send(*exchanges._okx(parts.path, query))

            def _hostile(self, mode: str) -> None:
                now = int(time.time() * 1000)
                if mode == "repeat":
                    t = now - now % HOUR_MS - exchanges.repeat_hours * HOUR_MS
                    return self._send(200, [_binance_row(t, HOUR_MS)])
                if mode == "bad":  # the newest bar's high below its close
                    rows = [
                        _binance_row(now - now % HOUR_MS - k * HOUR_MS, HOUR_MS) for k in (1, 0)
                    ]
                    rows[-1][2] = str(float(rows[-1][4]) - 5)
                    return self._send(200, rows)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()  # no Content-Length: the body ends when the socket closes
                try:
                    if mode == "huge":
                        row = json.dumps(_binance_row(now - now % HOUR_MS, HOUR_MS)).encode()
                        block = b",".join([row] * (64 * 1024 // len(row)))
                        self._write(b"[" + block)
                        while exchanges.sent_bytes < exchanges.huge_bytes:
                            self._write(b"," + block)
                        self._write(b"]")
                    elif mode == "drip":
                        body = json.dumps([_binance_row(now - now % HOUR_MS, HOUR_MS)]).encode()
                        stop = time.monotonic() + exchanges.drip_seconds
                        for i in range(len(body)):
                            self._write(body[i : i + 1])
                            time.sleep(max(0.0, (stop - time.monotonic()) / (len(body) - i)))
                except OSError:  # the client hung up: what it refused is not sent
                    pass

            def _write(self, data: bytes) -> None:
                self.wfile.write(data)
                self.wfile.flush()
                exchanges.sent_bytes += len(data)

            def _send(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    @staticmethod
    def _window(start: int, end: int, step: int, limit: int) -> list[list[float]]:
        now = int(time.time() * 1000)
        first = -(-start // step) * step
        last = min(end, now - now % step)
        return [candle(t, step) for t in range(first, last + 1, step)][:limit]

    def _binance(self, path: str, query: dict[str, str]) -> tuple[int, object]:
        if path == "/api/v3/exchangeInfo":
            symbols = [
                {
                    "symbol": pair,
                    "status": "TRADING",
                    "baseAsset": base,
                    "quoteAsset": quote,
                    "baseAssetPrecision": 8,
                    "quoteAssetPrecision": 8,
                    "orderTypes": ["LIMIT", "MARKET"],
                    "isSpotTradingAllowed": True,
                    "isMarginTradingAllowed": False,
                    "filters": [],
                    "permissions": ["SPOT"],
                    "permissionSets": [["SPOT"]],
                }
                for pair, (base, quote) in PAIRS.items()
            ]
            return 200, {
                "timezone": "UTC",
                "serverTime": int(time.time() * 1000),
                "symbols": symbols,
            }
        if path == "/api/v3/klines":
            if query.get("symbol") not in PAIRS:
                return 400, {"code": -1121, "msg": "Invalid symbol."}
            step = BINANCE_BARS[query["interval"]]
            limit = int(query.get("limit", 500))
            start = int(query.get("startTime", 0))
            end = int(query.get("endTime", 2**62))
            rows = self._window(start, end, step, limit)
            return 200, [_binance_row(int(row[0]), step) for row in rows]
        return 404, {"code": -1, "msg": f"no {path}"}

    def _okx(self, path: str, query: dict[str, str]) -> tuple[int, object]:
        if path == "/api/v5/public/instruments":
            data = [
                {
                    "instId": f"{base}-{quote}",
                    "instType": "SPOT",
                    "baseCcy": base,
                    "quoteCcy": quote,
                    "state": "live",
                    "tickSz": "0.1",
                    "lotSz": "0.00000001",
                    "minSz": "0.00001",
                    "listTime": "1600000000000",
                }
                for base, quote in PAIRS.values()
            ]
            return 200, {"code": "0", "msg": "", "data": data}
        if path in ("/api/v5/market/candles", "/api/v5/market/history-candles"):
            if query.get("instId", "").replace("-", "") not in PAIRS:
                return 200, {"code": "51001", "msg": "Instrument ID does not exist", "data": []}
            step = OKX_BARS[query["bar"]]
            limit = int(query.get("limit", 100))
            after = int(query.get("after", 2**62))  # bars older than this
            before = int(query.get("before", -1))  # bars newer than this
            rows = self._window(before + 1, after - 1, step, 10**6)[-limit:]
            data = [
                [str(t), str(o), str(h), str(low), str(c), str(v), "0", "0", "1"]
                for t, o, h, low, c, v in reversed(rows)
            ]
            return 200, {"code": "0", "msg": "", "data": data}
        return 404, {"code": "404", "msg": f"no {path}", "data": []}
