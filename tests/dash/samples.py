"""Small OHLCV files for the Dash tests, made by the core's deterministic generator."""

from __future__ import annotations

import base64

from app.core.synthetic import synthetic_ohlcv


def ohlcv_csv(bars: int, *, timeframe: str = "1h", seed: int = 7) -> bytes:
    return synthetic_ohlcv(bars, timeframe=timeframe, seed=seed).to_csv(index=False).encode()


def csv_without_close(bars: int = 50) -> bytes:
    frame = synthetic_ohlcv(bars, timeframe="1h").drop(columns=["close"])
    return frame.to_csv(index=False).encode()


def upload_payload(data: bytes, filename: str) -> dict:
    """What the browser-side size check hands the server for a file under the limit."""
    contents = "data:text/csv;base64," + base64.b64encode(data).decode()
    return {"filename": filename, "size": len(data), "contents": contents}


def ohlcv_parquet(bars: int, *, timeframe: str = "1h") -> bytes:
    return synthetic_ohlcv(bars, timeframe=timeframe).to_parquet(index=False)
