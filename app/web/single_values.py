"""One value per query parameter: a repeated one is refused with a 422 naming it.

Starlette and our routes read a query's last value, so ``indicators=rsi&indicators=macd`` drew
only MACD, without a word. No route takes a parameter twice (lists go in one value,
comma-separated), so the rule is app-wide: ``SingleValuedQueryMiddleware`` answers the JSON 422
for every HTTP route but those that show errors their own way and call ``check_single_values``
themselves: the chart pages (an HTML page with the error) and the UDF datafeed (its protocol's
``{"s": "error"}``).
"""

from __future__ import annotations

from collections import Counter

from starlette.datastructures import QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import ParameterError, shorten

OWN_CHECK_PATHS = frozenset({"/chart", "/chart.html"})
OWN_CHECK_PREFIXES = ("/udf/",)


def repeated_message(name: str, times: int) -> str:
    return (
        f"Parameter {shorten(name)!r} is given {times} times; give it once (several values go "
        "in one, comma-separated: indicators=rsi,macd, emas=10,21)."
    )


def check_single_values(query: QueryParams) -> None:
    """ParameterError naming the first parameter ``query`` gives more than once."""
    counts = Counter(name for name, _ in query.multi_items())
    for name, times in counts.items():
        if times > 1:
            raise ParameterError(shorten(name), repeated_message(name, times))


class SingleValuedQueryMiddleware:
    """The JSON 422 for a repeated query parameter, before any route reads the query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("query_string", b"") if scope["type"] == "http" else b""
        path = scope.get("path", "")
        if b"&" in raw and path not in OWN_CHECK_PATHS and not path.startswith(OWN_CHECK_PREFIXES):
            try:
                check_single_values(QueryParams(raw))
            except ParameterError as exc:
                body = {"detail": exc.message, "parameter": exc.parameter}
                await JSONResponse(body, status_code=422)(scope, receive, send)
                return
        await self.app(scope, receive, send)
