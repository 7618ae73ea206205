"""A real HTTP server on 127.0.0.1 standing in for the market-data servers our sources read:

- a UDF server under ``/udf`` (``/config``, ``/symbols``, ``/search``, ``/history``, ``/time``)
  serving the bars of a real CSV from data/ as Pyth Benchmarks' shim would: at most
  ``UDF_PAGE`` bars per answer, ``no_data`` with ``nextTime`` before the first bar;
- Binance's spot REST API (``/api/v3/klines``, ``/api/v3/exchangeInfo``) serving the same bars
  moved so the newest is the current hour, at most 1,000 per page, in Binance's own formats.

Each protocol can be switched to answer 503 (``down``), to hang (``slow``), to send a body far
past any cap (``huge``), to answer what is not its protocol (``wrong``) or an error of its own
(``error``). Every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd

SAMPLE_CSV = Path(__file__).resolve().parents[2] / "data" / "sample_ohlcv.csv"
UDF_SYMBOLS = ("Crypto.BTC/USD", "Equity.US.AAPL/USD", "FX.EUR/USD")
BINANCE_SYMBOLS = ("BTCUSDT", "ETHUSDT")
UDF_PAGE = 1000
BINANCE_PAGE = 1000
HOUR = 3600


class Bars:
    """The CSV's hourly bars as columns, times in UNIX seconds (shifted by ``shift`` s)."""

    def __init__(self, path: Path, shift: int = 0) -> None:
        frame = pd.read_csv(path)
        times = pd.to_datetime(frame["time"], utc=True)
        self.t = ((times - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)).to_numpy()
        self.t = self.t.astype(np.int64) + shift
        self.o, self.h, self.l, self.c, self.v = (
            frame[c].to_numpy(dtype=float).copy()
            for c in ("open", "high", "low", "close", "volume")
        )

    def daily(self) -> Bars:
        day = self.t // 86_400 * 86_400
        starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
        ends = np.r_[starts[1:], len(day)] - 1
        out = object.__new__(Bars)
        out.t = day[starts]
        out.o, out.c = self.o[starts], self.c[ends]
        out.h = np.maximum.reduceat(self.h, starts)
        out.l = np.minimum.reduceat(self.l, starts)
        out.v = np.add.reduceat(self.v, starts)
        return out


class MarketStandIn:
    def __init__(self, csv_path: Path = SAMPLE_CSV) -> None:
        self.udf_bars = Bars(csv_path)
        now_hour = int(time.time()) // HOUR * HOUR
        self.binance_bars = Bars(csv_path, shift=now_hour - int(self.udf_bars.t[-1]))
        self.mode = {"udf": "ok", "binance": "ok"}
        self.slow_seconds = 5.0
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (protocol, path, query)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def udf_url(self) -> str:
        return f"{self.url}/udf"

    def __enter__(self) -> MarketStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def asked(self, protocol: str, fragment: str = "") -> list[dict[str, str]]:
        return [q for p, path, q in self.requests if p == protocol and fragment in path]

    # -- answers --------------------------------------------------------------------------

    def udf_answer(self, path: str, query: dict[str, str]) -> tuple[int, object]:
        if path == "/udf/config":
            return 200, {
                "supported_resolutions": ["60", "1D"],
                "supports_search": True,
                "supports_group_request": False,
                "supports_marks": False,
                "supports_timescale_marks": False,
                "supports_time": True,
            }
        if path == "/udf/time":
            return 200, int(time.time())
        if path == "/udf/search":
            words = query.get("query", "").lower()
            found = [s for s in UDF_SYMBOLS if words in s.lower()]
            return 200, [
                {"symbol": s, "full_name": s, "description": s, "exchange": "", "ticker": s}
                for s in found
            ]
        if path == "/udf/symbols":
            name = query.get("symbol", "")
            if name not in UDF_SYMBOLS:
                return 200, {"s": "error", "errmsg": "unknown_symbol"}
            return 200, {"name": name, "ticker": name, "pricescale": 100, "minmov": 1}
        if path != "/udf/history":
            return 404, {"s": "error", "errmsg": "no such endpoint"}
        if query.get("symbol") not in UDF_SYMBOLS:
            return 200, {"s": "error", "errmsg": "Unknown symbol"}
        resolution = query.get("resolution", "")
        if resolution not in ("60", "1D", "D"):
            return 200, {"s": "error", "errmsg": f"Unsupported resolution {resolution}"}
        bars = self.udf_bars if resolution == "60" else self.udf_bars.daily()
        since, to = int(query.get("from", 0)), int(query.get("to", 0))
        lo = int(np.searchsorted(bars.t, since, "left"))
        hi = int(np.searchsorted(bars.t, to, "right"))
        if hi <= lo:
            before = bars.t[bars.t < since]
            answer: dict[str, object] = {"s": "no_data"}
            if len(before):
                answer["nextTime"] = int(before[-1])
            return 200, answer
        lo = max(lo, hi - UDF_PAGE)  # the newest page of the window
        return 200, {
            "s": "ok",
            "t": bars.t[lo:hi].tolist(),
            "o": bars.o[lo:hi].tolist(),
            "h": bars.h[lo:hi].tolist(),
            "l": bars.l[lo:hi].tolist(),
            "c": bars.c[lo:hi].tolist(),
            "v": bars.v[lo:hi].tolist(),
        }

    def binance_answer(self, path: str, query: dict[str, str]) -> tuple[int, object]:
        if path == "/api/v3/exchangeInfo":
            return 200, {
                "timezone": "UTC",
                "symbols": [
                    {"symbol": s, "status": "TRADING", "baseAsset": s[:3], "quoteAsset": s[3:]}
                    for s in BINANCE_SYMBOLS
                ],
            }
        if path != "/api/v3/klines":
            return 404, {"code": -1, "msg": "no such endpoint"}
        if query.get("symbol") not in BINANCE_SYMBOLS:
            return 400, {"code": -1121, "msg": "Invalid symbol."}
        interval = query.get("interval")
        if interval not in ("1h", "1d"):
            return 400, {"code": -1120, "msg": "Invalid interval."}
        bars = self.binance_bars if interval == "1h" else self.binance_bars.daily()
        step = 3_600_000 if interval == "1h" else 86_400_000
        limit = min(int(query.get("limit", 500)), BINANCE_PAGE)
        start = int(query.get("startTime", 0)) // 1000
        end = int(query.get("endTime", 2**62)) // 1000
        lo = int(np.searchsorted(bars.t, start, "left"))
        hi = min(int(np.searchsorted(bars.t, end, "right")), lo + limit)
        return 200, [
            [
                int(bars.t[i]) * 1000,
                f"{bars.o[i]:.2f}",
                f"{bars.h[i]:.2f}",
                f"{bars.l[i]:.2f}",
                f"{bars.c[i]:.2f}",
                f"{bars.v[i]:.4f}",
                int(bars.t[i]) * 1000 + step - 1,
                "0",
                1,
                "0",
                "0",
                "0",
            ]
            for i in range(lo, hi)
        ]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                protocol = "udf" if parts.path.startswith("/udf/") else "binance"
                stand_in.requests.append((protocol, parts.path, query))
                mode = stand_in.mode[protocol]
                if mode == "slow":
                    time.sleep(stand_in.slow_seconds)
                if mode == "down":
                    return self._send(503, {"code": -1001, "msg": "Service unavailable."})
                if mode == "wrong":
                    return self._send_bytes(200, b"<html>maintenance</html>", "text/html")
                if mode == "huge":
                    return self._send_bytes(200, b"[" + b"1," * 3_000_000 + b"1]", "text/json")
                if mode == "error" and protocol == "udf":
                    return self._send(200, {"s": "error", "errmsg": "Backend\n exploded"})
                if mode == "error":
                    return self._send(400, {"code": -1100, "msg": "Illegal characters."})
                if protocol == "udf":
                    status, body = stand_in.udf_answer(parts.path, query)
                else:
                    status, body = stand_in.binance_answer(parts.path, query)
                return self._send(status, body)

            def _send(self, status: int, body: object) -> None:
                self._send_bytes(status, json.dumps(body).encode(), "application/json")

            def _send_bytes(self, status: int, data: bytes, kind: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
