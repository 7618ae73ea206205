"""GET /api/ohlcv: bars, EMAs and catalog indicators as JSON, pageable back through history.

An answer holds ``limit`` bars (``DEFAULT_LIMIT`` when not given): the last ones up to ``end``
(or the newest bar), or, with ``start`` and no ``end``, the first ones at or after ``start``. A
client pages back with ``end`` = the oldest time it holds - 1 while ``X-Has-More-Before`` is
true, and forward with ``start`` = the newest time it holds + 1. A list of
records costs a dict per bar in most clients, so it is capped at ``MAX_RECORDS``; the columnar
form goes up to ``MAX_COLUMNS`` (a whole 1,000,000-bar history).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import QueryParams

from app.charts.lightweight import columns_digest, ohlcv_columns, view_meta
from app.config import Settings, get_settings
from app.core import (
    IndicatorSpec,
    OhlcvView,
    ParameterError,
    get_ohlcv,
    parse_chart_type,
    parse_ema_periods,
    parse_indicators,
)
from app.core.frame import frame_notices
from app.core.indicators import check_line_count
from app.core.ohlcv_json import columns_json, records_json
from app.core.sources.configured import get_registry
from app.core.sources.registry import Route
from app.core.time_bounds import parse_time_bound
from app.core.timeframes import parse_timeframe
from app.shared_cache import get_shared_cache
from app.web.answer_cache import (
    Answer,
    AnswerCache,
    answer_from_bytes,
    answer_to_bytes,
    frame_digest,
)
from app.web.docs import NOT_MODIFIED, OHLCV_HEADERS, error_responses, query_parameters
from app.web.http_cache import etag_matches
from app.web.schemas import (
    DEFAULT_LIMIT,
    MAX_COLUMNS,
    MAX_RECORDS,
    OhlcvColumns,
    OhlcvParams,
    OhlcvRecord,
)

router = APIRouter(tags=["data"])

# Answers already built from file data: a warm request costs a stat, not a rebuild.
_answers = AnswerCache(max_entries=256, max_bytes=64 * 2**20, max_body_bytes=4 * 2**20)
# Parsed query strings, most recently used last: clients repeat a few short queries (a page's
# paging, a poller). Long ones are parsed each time rather than kept.
MAX_REMEMBERED_QUERIES = 256
MAX_REMEMBERED_QUERY_BYTES = 1024
_queries: OrderedDict[bytes, tuple[Settings, OhlcvQuery]] = OrderedDict()


# Query parameters are validated by hand as one pydantic model (and documented from it): under
# 32 clients FastAPI's own checking of them cost more than finding the answer (~2,300 vs ~3,100
# req/s for the same empty route on this machine).
@router.get(
    "/api/ohlcv",
    summary="OHLCV bars with EMAs and indicators",
    response_model=list[OhlcvRecord] | OhlcvColumns,
    openapi_extra={"parameters": query_parameters(OhlcvParams)},
    responses={
        200: {
            "description": "Bars, oldest first. The X-* headers say where this window sits in "
            "the whole history; ETag and Cache-Control make a repeat request cheap.",
            "headers": OHLCV_HEADERS,
        },
        **NOT_MODIFIED,
        **error_responses(404, 422, 502, 503, 504),
    },
)
async def read_ohlcv(request: Request) -> Response:
    """Bars oldest first, as records (`{time, open, ..., ema_10, ..., rsi_14, ...}`, time in
    UNIX seconds UTC, `null` while an EMA or indicator warms up) or as columns. `indicators=`
    adds catalog indicators (see `GET /api/indicators`), computed over the whole history.
    `limit` bars (default 5,000): the last ones up to `end`, or with `start` and no `end` the
    first ones from `start`. Page back with `end` = the oldest time you hold - 1 while
    `X-Has-More-Before` is true; page forward with `start` = the newest time you hold + 1 until
    fewer than `limit` bars come back."""
    settings = get_settings()
    query = _query_of(request.scope.get("query_string", b""), settings)
    if_none_match = request.headers.get("if-none-match")
    first = query.route.candidates[0]
    if len(query.route.candidates) == 1 and first.name == "files":
        answer = await _answer_from_files(query, first.symbol, settings)
    else:
        answer = await _answer_from_upstream(query, settings, if_none_match)
    if answer.body is None or etag_matches(if_none_match, answer.etag):
        return Response(status_code=304, headers=answer.headers)
    return Response(answer.body, media_type="application/json", headers=answer.headers)


def _query_of(raw: bytes, settings: Settings) -> OhlcvQuery:
    """The request's query string, validated and normalised (remembered: a client repeating a
    request should not pay for parsing it again)."""
    known = _queries.get(raw)
    if known is not None and known[0] is settings:
        _queries.move_to_end(raw)
        return known[1]
    try:
        params = OhlcvParams.model_validate(dict(QueryParams(raw)))
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    if params.format == "records" and params.limit is not None and params.limit > MAX_RECORDS:
        raise ParameterError(
            "limit",
            f"limit {params.limit:,} is over the {MAX_RECORDS:,}-bar cap of format=records; use "
            f"format=columns (up to {MAX_COLUMNS:,} bars) or page back with end=.",
        )
    emas = parse_ema_periods(params.emas, settings.ema_periods)
    indicators = parse_indicators(params.indicators)
    check_line_count(emas, indicators)  # before anything is loaded
    symbol = (params.symbol or "").strip() or settings.default_symbol
    query = OhlcvQuery(
        symbol=symbol,
        feed=params.feed or None,
        route=get_registry(settings).route(symbol, params.feed),
        timeframe=params.timeframe or None,
        emas=emas,
        indicators=indicators,
        chart=parse_chart_type(params.chart),
        start=parse_time_bound(params.start, "start"),
        end=parse_time_bound(params.end, "end"),
        limit=params.limit or DEFAULT_LIMIT,
        format=params.format,
        ttl=int(settings.cache_ttl),
    )
    if len(raw) <= MAX_REMEMBERED_QUERY_BYTES:
        _queries[raw] = (settings, query)
        _queries.move_to_end(raw)
        while len(_queries) > MAX_REMEMBERED_QUERIES:
            _queries.popitem(last=False)
    return query


@dataclass(frozen=True)
class OhlcvQuery:
    """One request, normalised: what its answer depends on, besides the data."""

    symbol: str
    feed: str | None
    route: Route  # the sources to ask, in order
    timeframe: str | None
    emas: tuple[int, ...]
    indicators: tuple[IndicatorSpec, ...]
    chart: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    limit: int
    format: str
    ttl: int

    def view(self) -> OhlcvView:
        return get_ohlcv(
            self.symbol,
            timeframe=self.timeframe,
            emas=self.emas,
            indicators=self.indicators,
            chart=self.chart,
            start=self.start,
            end=self.end,
            limit=self.limit,
            feed=self.feed,
        )


async def _answer_from_files(query: OhlcvQuery, symbol: str, settings: Settings) -> Answer:
    """A repeat of an answer whose file is unchanged costs one stat, done here without the hop
    to a worker thread. Loading, and building an answer, run in the threadpool."""
    frame = get_registry(settings).source("files").current_frame(symbol, query.timeframe)
    if frame is not None:
        answer = _answers.get(query, frame)
        if answer is not None:
            return answer
    else:
        _answers.note_miss()
    return await run_in_threadpool(_build_from_files, query, frame)


async def _answer_from_upstream(
    query: OhlcvQuery, settings: Settings, if_none_match: str | None
) -> Answer:
    """An answer already built from what the first source still keeps (no window asked, so no
    I/O to know) costs a lookup here; anything else is fetched and built off the event loop."""
    first = query.route.candidates[0]
    if query.start is None and query.end is None:
        source = get_registry(settings).source_of(first)
        peek = getattr(source, "cached_frame", None)
        timeframe = parse_timeframe(query.timeframe) if query.timeframe else None
        frame = peek(first.symbol, timeframe) if callable(peek) else None
        if frame is not None:
            answer = _answers.get((query, first.name, frame_notices(frame)), frame)
            if answer is not None:
                return answer
    return await run_in_threadpool(_build_from_upstream, query, if_none_match)


def _build_from_upstream(query: OhlcvQuery, if_none_match: str | None) -> Answer:
    """A remote source hands out the same frame while it keeps its answer (CACHE_TTL): the
    answer built from it is kept as long, keyed also on who served it and what was said (the
    view's notices: the frame's, then any fallback's)."""
    view = query.view()
    if view.source_frame is None:
        return _build_answer(view, query, if_none_match)
    key = (query, view.source, view.notices)
    answer = _answers.get(key, view.source_frame)
    if answer is None:
        answer = _build_answer(view, query, None)
        _answers.put(key, view.source_frame, answer)
    return answer


def _build_from_files(query: OhlcvQuery, frame: pd.DataFrame | None = None) -> Answer:
    """Always with its body, so it is cached: a client revalidating with its ETag then gets
    each later 304 from the warm path (the route compares the ETag). With Redis, an answer
    another worker or replica built on the same data is taken from there."""
    shared = get_shared_cache()
    if shared is not None and frame is not None:
        stored = shared.get("answers", _shared_key(query, frame))
        answer = answer_from_bytes(stored) if stored is not None else None
        if answer is not None:
            _answers.put(query, frame, answer)
            return answer
    view = query.view()  # one load: the view carries the frame the source gave
    answer = _build_answer(view, query, None)
    if view.source_frame is not None:
        _answers.put(query, view.source_frame, answer)
        if shared is not None and answer.body is not None:
            shared.put("answers", _shared_key(query, view.source_frame), answer_to_bytes(answer))
    return answer


def _shared_key(query: OhlcvQuery, frame: pd.DataFrame) -> str:
    return f"{query!r}|{frame_digest(frame)}"


def _build_answer(view: OhlcvView, query: OhlcvQuery, if_none_match: str | None) -> Answer:
    """The answer, or only its headers (body None) when the client already holds it: the ETag
    comes from the data, before anything is serialised."""
    meta = view_meta(view)
    columns = ohlcv_columns(view)
    etag = f'"{query.format}-{columns_digest(meta, columns)}"'
    headers = _headers(view, meta, etag, query.limit, query.ttl)
    if etag_matches(if_none_match, etag):
        return Answer(etag, headers, None)
    body = columns_json(meta, columns) if query.format == "columns" else records_json(columns)
    return Answer(etag, headers, body)


def _headers(view: OhlcvView, meta: dict, etag: str, limit: int, ttl: int) -> dict[str, str]:
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={ttl}",
        "X-Total-Bars": str(meta["total_bars"]),
        "X-First-Index": str(meta["first_index"]),
        "X-Has-More-Before": "true" if meta["has_more_before"] else "false",
        "X-Limit": str(limit),
        "X-Timeframe": meta["timeframe"],
    }
    if view.source:
        headers["X-Source"] = view.source
    if view.notices:  # JSON with \u escapes: ASCII, one line, whatever the file name holds
        headers["X-Notices"] = json.dumps(list(view.notices))
    return headers
