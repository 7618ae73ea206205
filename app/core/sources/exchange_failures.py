"""Why an exchange did not answer, in our terms, and one error for a whole fallback chain."""

from __future__ import annotations

import logging
import re

from app.core.errors import (
    ParameterError,
    SymbolNotFoundError,
    UpstreamError,
    UpstreamPayloadError,
    UpstreamRateLimitedError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from app.core.timeframes import Timeframe

logger = logging.getLogger(__name__)


class ExchangeFailure(Exception):
    """One exchange's reason for not answering; the error class says how it ranks."""

    def __init__(self, kind: type[Exception], reason: str, *, unlisted: bool = False) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.unlisted = unlisted  # the exchange does not list the pair at all


def ccxt_failure(exc: Exception, name: str, pair: str) -> ExchangeFailure:
    """A CCXT error as one exchange's failure (``exc`` is a ``ccxt.BaseError``)."""
    import ccxt

    if isinstance(exc, ccxt.BadSymbol):
        return ExchangeFailure(SymbolNotFoundError, f"does not list {pair}", unlisted=True)
    if isinstance(exc, ccxt.RequestTimeout):
        return ExchangeFailure(UpstreamTimeoutError, "timed out")
    if isinstance(exc, ccxt.RateLimitExceeded | ccxt.DDoSProtection):
        return ExchangeFailure(UpstreamRateLimitedError, "is rate-limiting us")
    status = http_status(exc)
    if isinstance(exc, ccxt.OperationFailed) or status.startswith(" (HTTP 5"):
        return ExchangeFailure(UpstreamUnavailableError, f"is unavailable{status}")
    logger.info("Exchange %s: %s", name, str(exc)[:300])
    return ExchangeFailure(UpstreamError, f"refused the request ({type(exc).__name__}{status})")


def http_status(exc: Exception) -> str:
    match = re.search(r"\b([45]\d\d)\b", str(exc)[:200])
    return f" (HTTP {match.group(1)})" if match else ""


RANK = (
    UpstreamTimeoutError,
    UpstreamRateLimitedError,
    UpstreamUnavailableError,
    UpstreamPayloadError,
    UpstreamError,
    ParameterError,
    SymbolNotFoundError,
)


def combined_error(
    pair: str, tf: Timeframe, failures: list[tuple[str, ExchangeFailure]], deadline: float
) -> Exception:
    """One error for the whole chain, of the kind that says most about what to do: unknown
    everywhere is a 404; otherwise the failure of the last exchange that did answer something."""
    tried = "; ".join(f"{name} {failure.reason}" for name, failure in failures)
    kinds = [failure.kind for _, failure in failures]
    if all(kind is SymbolNotFoundError for kind in kinds):
        if all(failure.unlisted for _, failure in failures):
            message = f"No exchange lists {pair} (tried: {tried})."
        else:  # listed, but no candles in the window: not "unknown"
            message = f"No exchange has {tf.name} bars of {pair} in that window (tried: {tried})."
        return SymbolNotFoundError(pair, message=message)
    if all(kind in (SymbolNotFoundError, ParameterError) for kind in kinds):
        return ParameterError(
            "timeframe", f"No exchange has {tf.name} candles of {pair} (tried: {tried})."
        )
    message = f"No exchange answered for {pair} {tf.name} (tried: {tried})."
    if UpstreamTimeoutError in kinds:
        message += f" EXCHANGE_DEADLINE is {deadline:g} s for the whole fetch."
    for kind in RANK:
        if any(issubclass(k, kind) for k in kinds) and issubclass(kind, UpstreamError):
            found = next(k for k in kinds if issubclass(k, kind))
            return found(message)
    return UpstreamError(message)
