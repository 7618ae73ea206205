"""A TradingView UDF datafeed under ``/udf``: ``config``, ``symbols``, ``search``, ``history``,
``time`` and ``timescale_marks``, as the UDF protocol defines them, so TradingView's Charting
Library (``new Datafeeds.UDFCompatibleDatafeed(".../udf")``), OpenBB Workspace's TradingView
widget and other UDF clients read our symbols.

As the protocol wants, a request the feed cannot answer is still HTTP 200 with
``{"s": "error", "errmsg": "..."}`` (what UDF clients read; the message is ours, naming what was
wrong and what is accepted). UDF_ALLOW_ORIGINS lets pages on other origins read these routes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from app.config import Settings, get_settings
from app.core.errors import ParameterError, SuperChartError
from app.core.sources.configured import get_registry
from app.web.answer_cache import Answer
from app.web.single_values import check_single_values
from app.web.udf_history import (
    HistoryQuery,
    answers,
    error_body,
    history_body,
    history_query,
    timescale_marks,
)
from app.web.udf_symbols import (
    DEFAULT_SEARCH_RESULTS,
    MAX_SEARCH_RESULTS,
    search_symbols,
    symbol_info,
    udf_config,
)

router = APIRouter(prefix="/udf", tags=["udf"])
MAX_QUERY_CHARS = 200  # a search query, a symbol
# Checked /history queries by their query string (clients repeat a few: the library's poller).
MAX_REMEMBERED_QUERIES = 256
MAX_REMEMBERED_QUERY_BYTES = 1024
_parsed: dict[bytes, tuple[Settings, HistoryQuery, str | None]] = {}


def _answer(request: Request, body: bytes, media_type: str = "application/json") -> Response:
    """The body, with CORS headers for an origin UDF_ALLOW_ORIGINS lets in."""
    response = Response(body, media_type=media_type)
    origin = request.headers.get("origin")
    allowed = get_settings().udf_allow_origins
    if origin and ("*" in allowed or origin.rstrip("/") in allowed):
        response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
        response.headers["Vary"] = "Origin"
    return response


async def _guarded(request: Request, build: Callable[[], Any]) -> Response:
    """``build()`` off the event loop, as JSON; our errors as ``{"s": "error", "errmsg"}``."""
    try:
        body = await run_in_threadpool(build)
    except SuperChartError as exc:
        return _answer(request, error_body(exc.message))
    return _answer(request, orjson.dumps(body))


def _param(request: Request, name: str) -> str:
    check_single_values(request.query_params)  # a repeat is the protocol's error, not a 422
    value = request.query_params.get(name, "")
    if len(value) > MAX_QUERY_CHARS:
        raise ParameterError(name, f"{name} is over {MAX_QUERY_CHARS} characters.")
    return value


@router.get("/config", summary="UDF: the datafeed's configuration")
async def read_udf_config(request: Request) -> Response:
    """`supported_resolutions` (ours as TradingView's: 1 5 15 30 60 240 1D 1W 1M),
    `supports_search`, `supports_group_request` (false), `supports_marks` (false),
    `supports_timescale_marks` (volume spikes), `supports_time`, `exchanges`,
    `symbols_types`."""
    return await _guarded(request, udf_config)


@router.get("/symbols", summary="UDF: one symbol's LibrarySymbolInfo")
async def read_udf_symbol(request: Request) -> Response:
    """`?symbol=GOOG`: name, ticker, description, type, session (read from the bars, UTC),
    timezone `Etc/UTC`, exchange, listed_exchange, pricescale (10^decimals the data is quoted
    in), minmov 1, has_intraday, has_daily, has_weekly_and_monthly, supported_resolutions,
    the multipliers served directly, volume_precision, data_status."""
    try:
        symbol = _param(request, "symbol").strip()
    except ParameterError as exc:
        return _answer(request, error_body(exc.message))
    if not symbol:
        return _answer(request, error_body("symbol is required (see /udf/search)."))
    return await _guarded(request, lambda: symbol_info(symbol))


@router.get("/search", summary="UDF: symbol search")
async def read_udf_search(request: Request) -> Response:
    """`?query=&type=&exchange=&limit=`: `[{symbol, full_name, description, exchange, ticker,
    type}]`, names starting with the query first; `limit` 1..100 (default 30)."""
    try:
        query = _param(request, "query")
        kind = _param(request, "type")
        exchange = _param(request, "exchange")
        limit_text = _param(request, "limit").strip() or str(DEFAULT_SEARCH_RESULTS)
        if not (limit_text.isascii() and limit_text.isdigit()) or int(limit_text) < 1:
            raise ParameterError("limit", f"limit must be a whole number 1..{MAX_SEARCH_RESULTS}.")
    except ParameterError as exc:
        return _answer(request, error_body(exc.message))
    limit = min(int(limit_text[:6]), MAX_SEARCH_RESULTS)
    return await _guarded(request, lambda: search_symbols(query, kind, exchange, limit))


@router.get("/history", summary="UDF: bars")
async def read_udf_history(request: Request) -> Response:
    """`?symbol&resolution&from&to&countback`: `{s: "ok", t, o, h, l, c, v}` (t in UNIX
    seconds; the values `/api/ohlcv` gives for the same bars), bars with from <= t <= to, or the
    last `countback` bars up to `to`; `{s: "no_data", nextTime}` when none are there but older
    ones are, `{s: "no_data"}` before the first bar; `{s: "error", errmsg}` otherwise. At most
    100,000 bars an answer (more is an error naming the cap)."""
    try:
        query, files_symbol = _history_request(request)
    except SuperChartError as exc:
        return _answer(request, error_body(exc.message))
    frame = _current_frame(query, files_symbol)
    if frame is not None:
        cached = answers.get(query, frame)
        if cached is not None and cached.body is not None:
            return _answer(request, cached.body)
    try:
        body, source_frame = await run_in_threadpool(history_body, query)
    except SuperChartError as exc:
        return _answer(request, error_body(exc.message))
    if source_frame is not None:
        answers.put(query, source_frame, Answer("", {}, body))
    return _answer(request, body)


def _history_request(request: Request) -> tuple[HistoryQuery, str | None]:
    """The checked query, and the symbol as the file source takes it when only that source is
    asked (its answers can be reused while the file is unchanged). A client repeating a query
    (a poller, a bench) does not pay for checking it again."""
    raw = request.scope.get("query_string", b"")
    settings = get_settings()
    known = _parsed.get(raw)
    if known is not None and known[0] is settings:
        return known[1], known[2]
    query = history_query({k: _param(request, k) for k in request.query_params})
    route = get_registry(settings).route(query.symbol)
    first = route.candidates[0]
    files_symbol = first.symbol if len(route.candidates) == 1 and first.name == "files" else None
    if len(raw) <= MAX_REMEMBERED_QUERY_BYTES:
        _parsed[raw] = (settings, query, files_symbol)
        while len(_parsed) > MAX_REMEMBERED_QUERIES:
            _parsed.pop(next(iter(_parsed)))
    return query, files_symbol


def _current_frame(query: HistoryQuery, files_symbol: str | None) -> Any:
    """The frame the answer would be built from, while it is a file's and loaded (one stat)."""
    if files_symbol is None:
        return None
    return get_registry().source("files").current_frame(files_symbol, query.timeframe)


@router.get("/time", summary="UDF: the server's time")
async def read_udf_time(request: Request) -> Response:
    """UNIX seconds, as plain text."""
    return _answer(request, str(int(time.time())).encode(), media_type="text/plain")


@router.get("/timescale_marks", summary="UDF: volume spikes as timescale marks")
async def read_udf_timescale_marks(request: Request) -> Response:
    """`?symbol&from&to&resolution`: `[{id, time, color, label, tooltip, shape}]`, one per
    volume spike (volume above mean + 4 sigma of the 25 bars before) in from <= t <= to."""
    try:
        query = history_query({k: _param(request, k) for k in request.query_params})
    except ParameterError as exc:
        return _answer(request, error_body(exc.message))
    return await _guarded(request, lambda: timescale_marks(query))
