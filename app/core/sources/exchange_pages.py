"""Paging one exchange's candles through CCXT, each page checked before it is used.

A page may hold at most the candles asked for, under a byte cap that fits them; a page that
brings nothing new though it is not empty means the exchange ignored the window asked for
(it repeats itself), which fails that exchange rather than passing its rows off as the
history. Candles that end well before the window asked for are kept with a notice.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from app.core.errors import SymbolNotFoundError, UpstreamPayloadError
from app.core.frame import NOTICES_ATTR
from app.core.sources.exchange_candles import frame_from_candles
from app.core.sources.exchange_failures import ExchangeFailure
from app.core.sources.exchange_http import answer_cap
from app.core.timeframes import Timeframe

PAGE_BARS = {"okx": 300, "bybit": 1000, "binance": 1000}  # the exchanges' largest kline pages
DEFAULT_PAGE_BARS = 500
PAGE_ROW_BYTES = 1024  # a candle page's byte cap per candle asked for (a kline row: ~150 B)
MIN_PAGE_BYTES = 256 * 1024
STALE_BARS = 2  # the newest candle this many bars or more before the window's end: a notice


@dataclass(frozen=True)
class Pages:
    rows: list[list]  # [ms, open, high, low, close, volume], by time
    notice: str | None  # the candles end well before the window asked for


def fetch_pages(
    client: Any,
    name: str,
    pair: str,
    tf: Timeframe,
    bars: int,
    start_ms: int | None,
    end_ms: int | None,
    *,
    before_each: Callable[[], None],
) -> Pages:
    """Pages forward from the first bar wanted until ``bars`` bars, the end, or no more."""
    step = tf.seconds * 1000
    page = PAGE_BARS.get(name, DEFAULT_PAGE_BARS)
    now_ms = int(client.milliseconds())
    if start_ms is None:
        last = end_ms if end_ms is not None else now_ms
        since = last - bars * step
    else:
        since, last = start_ms, end_ms
    rows: dict[int, list] = {}
    for _ in range(math.ceil(bars / page) + 2):
        before_each()
        with answer_cap(max(MIN_PAGE_BYTES, page * PAGE_ROW_BYTES)):
            batch = client.fetch_ohlcv(pair, tf.name, since=since, limit=page) or []
        if len(batch) > page:
            raise ExchangeFailure(
                UpstreamPayloadError, f"sent {len(batch):,} candles for a page of {page:,}"
            )
        fresh = [row for row in batch if row and row[0] is not None and row[0] >= since]
        if batch and not fresh:  # it ignored the window asked for: repeats, or older candles
            again = "the same candles again" if rows else "only older candles"
            raise ExchangeFailure(
                UpstreamPayloadError,
                f"sent {again} when asked for those from {_when(since)} (newest sent: "
                f"{_when(max(_stamp(row) for row in batch))})",
            )
        for row in fresh:
            if last is None or row[0] <= last:
                rows[int(row[0])] = row
        if not fresh:
            break
        newest = max(int(row[0]) for row in fresh)
        if (last is not None and newest >= last) or len(rows) >= bars:
            break
        since = newest + step
        if since > now_ms:  # the newest bar came: there is no later one to ask for
            break
    if not rows:
        no_bars = f"has no {tf.name} bars of {pair} in that window"
        raise ExchangeFailure(SymbolNotFoundError, no_bars)
    ordered = [rows[t] for t in sorted(rows)]
    ordered = ordered[:bars] if start_ms is not None else ordered[-bars:]
    return Pages(ordered, _stale_notice(ordered, name, pair, tf, bars, end_ms, now_ms))


def _stale_notice(
    rows: list[list], name: str, pair: str, tf: Timeframe, bars: int, end_ms: int | None, now: int
) -> str | None:
    """Say so when fewer candles came than asked and the newest is well before the window's
    end (the exchange stopped sending: a halted market, a broken feed)."""
    step = tf.seconds * 1000
    window_end = min(end_ms, now) if end_ms is not None else now
    newest = int(rows[-1][0])
    behind = window_end - newest
    if len(rows) >= bars or behind < STALE_BARS * step:
        return None
    hours = behind / 3_600_000
    age = f"{hours:,.0f} h" + (f" ({hours / 24:,.0f} days)" if hours >= 72 else "")
    return (
        f"{name} sent {len(rows):,} of the {bars:,} {tf.name} bars of {pair} asked for; its newest "
        f"opened {_when(newest)}, {age} before the end of the window asked for: nothing newer came."
    )


def frame_of_pages(pages: Pages, label: str) -> pd.DataFrame:
    """The canonical frame of the candles, the notice among its notices; candles that are not
    bars fail that exchange."""
    try:
        frame = frame_from_candles(pages.rows, label)
    except UpstreamPayloadError as exc:
        detail = str(exc).removeprefix(f"{label}: ")
        unusable = f"sent candles we cannot use: {detail}"
        raise ExchangeFailure(UpstreamPayloadError, unusable) from None
    if pages.notice:
        frame.attrs[NOTICES_ATTR] = (*frame.attrs.get(NOTICES_ATTR, ()), pages.notice)
    return frame


def _stamp(row: Any) -> int:
    try:
        return int(row[0])
    except (TypeError, ValueError, IndexError):
        return 0


def _when(ms: int) -> str:
    return pd.Timestamp(ms, unit="ms", tz="UTC").strftime("%Y-%m-%d %H:%M UTC")
