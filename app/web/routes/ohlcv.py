"""GET /api/ohlcv: bars and EMAs as JSON, pageable back through history.

Without ``limit`` an answer holds the last ``DEFAULT_LIMIT`` bars up to ``end``: a client pages
back with ``end`` = the oldest time it holds - 1 while ``X-Has-More-Before`` is true. A list of
records costs a dict per bar in most clients, so it is capped at ``MAX_RECORDS``; the columnar
form goes up to ``MAX_COLUMNS`` (a whole 1,000,000-bar history).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from app.charts.lightweight import columns_digest, ohlcv_columns, view_meta
from app.config import get_settings
from app.core import OhlcvView, ParameterError, get_ohlcv, parse_ema_periods
from app.web.answer_cache import Answer, AnswerCache
from app.web.docs import NOT_MODIFIED, OHLCV_HEADERS, error_responses
from app.web.http_cache import etag_matches
from app.web.ohlcv_json import columns_json, records_json
from app.web.schemas import (
    DEFAULT_LIMIT,
    MAX_COLUMNS,
    MAX_RECORDS,
    OhlcvColumns,
    OhlcvParams,
    OhlcvRecord,
)
from app.web.time_params import parse_time_param

router = APIRouter(tags=["data"])

# Answers already built: a warm request costs the core's cut of its window, not a rebuild.
_answers = AnswerCache(max_entries=256, max_bytes=64 * 2**20, max_body_bytes=4 * 2**20)


@router.get(
    "/api/ohlcv",
    summary="OHLCV bars with EMAs",
    response_model=list[OhlcvRecord] | OhlcvColumns,
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
# The query is validated as one model: FastAPI checks seven separate query parameters several
# times slower, which on a warm request cost more than finding the answer.
async def read_ohlcv(request: Request, params: Annotated[OhlcvParams, Query()]) -> Response:
    """Bars oldest first, as records (`{time, open, ..., ema_10, ...}`, time in UNIX seconds
    UTC, `null` while an EMA warms up) or as columns. Without `limit`, the last 5,000 bars up to
    `end`; page back with `end` = the oldest time you hold - 1 while `X-Has-More-Before` is
    true."""
    if params.format == "records" and params.limit is not None and params.limit > MAX_RECORDS:
        raise ParameterError(
            "limit",
            f"limit {params.limit:,} is over the {MAX_RECORDS:,}-bar cap of format=records; use "
            f"format=columns (up to {MAX_COLUMNS:,} bars) or page back with end=.",
        )
    settings = get_settings()
    query = OhlcvQuery(
        symbol=(params.symbol or "").strip() or settings.default_symbol,
        timeframe=params.timeframe or None,
        emas=parse_ema_periods(params.emas, settings.ema_periods),
        start=parse_time_param(params.start, "start"),
        end=parse_time_param(params.end, "end"),
        limit=params.limit or DEFAULT_LIMIT,
        format=params.format,
        ttl=int(settings.cache_ttl),
    )
    # A repeat of an answer whose history is still alive is a stat and a cut: done here, without
    # the hop to a worker thread. Anything that may load a file, call the data API or build an
    # answer runs in the threadpool, so the event loop never waits on it.
    answer = None
    if settings.data_source != "api" and _answers.holds(query):
        answer = _answers.get(query, query.view())
    if answer is None:
        answer = await run_in_threadpool(_answer_for, query)
    if etag_matches(request.headers.get("if-none-match"), answer.etag):
        return Response(status_code=304, headers=answer.headers)
    return Response(answer.body, media_type="application/json", headers=answer.headers)


@dataclass(frozen=True)
class OhlcvQuery:
    """One request, normalised: what its answer depends on, besides the data."""

    symbol: str
    timeframe: str | None
    emas: tuple[int, ...]
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
            start=self.start,
            end=self.end,
            limit=self.limit,
        )


def _answer_for(query: OhlcvQuery) -> Answer:
    view = query.view()
    answer = _answers.get(query, view)
    if answer is None:
        answer = _build_answer(view, query)
        _answers.put(query, view, answer)
    return answer


def _build_answer(view: OhlcvView, query: OhlcvQuery) -> Answer:
    meta = {**view_meta(view), "notices": list(view.notices)}
    columns = ohlcv_columns(view)
    # The ETag comes from the data, so a client holding this answer gets a 304 for a repeat.
    etag = f'"{query.format}-{columns_digest(meta, columns)}"'
    body = columns_json(meta, columns) if query.format == "columns" else records_json(columns)
    return Answer(etag, _headers(view, meta, etag, query.limit, query.ttl), body)


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
    if view.notices:  # JSON with \u escapes: ASCII, one line, whatever the file name holds
        headers["X-Notices"] = json.dumps(list(view.notices))
    return headers
