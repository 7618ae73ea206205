"""Super Chart's one exception hierarchy.

Every message is safe to show a user as it is: it says what was wrong, where (column, rows,
parameter) and what would be accepted, and it never holds a secret or a traceback.

    SuperChartError
    ├── ConfigError                 bad settings at start-up
    ├── DataError                   input that cannot become a canonical OHLCV frame
    │   ├── UploadTooLargeError     an upload (or what it unpacks to) past UPLOAD_MAX_MB
    │   └── TooManyBarsError        a file or upload of more than MAX_BARS rows
    ├── SymbolNotFoundError         no such symbol (carries close matches)
    ├── ParameterError              a request parameter outside what is allowed
    │   └── TimeframeError          unknown timeframe, or finer than the data
    └── UpstreamError               the broker's REST API failed us
        ├── UpstreamAuthError           401/403: bad or missing key
        ├── UpstreamSymbolNotFoundError 404 (also a SymbolNotFoundError)
        ├── UpstreamNoEndpointError     404 for an endpoint it does not offer (e.g. /symbols)
        ├── UpstreamRateLimitedError    429 after retries
        ├── UpstreamUnavailableError    5xx or connection refused, after retries
        ├── UpstreamBusyError           UPSTREAM_MAX_CONCURRENT fetches already in flight
        ├── UpstreamTimeoutError        no answer within REQUEST_TIMEOUT (retries included)
        └── UpstreamPayloadError        an answer we cannot read as OHLCV
            └── UpstreamTooLargeError       an answer past UPSTREAM_MAX_MB
"""

from __future__ import annotations

from collections.abc import Sequence

SHOWN_INPUT_CHARS = 40


def shorten(text: object, limit: int = SHOWN_INPUT_CHARS) -> str:
    """User input as shown in a message: at most ``limit`` characters, with an ellipsis when cut
    (a 10,000-character symbol must not come back as a 10,000-character error)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SuperChartError(Exception):
    """Base of every error Super Chart raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(SuperChartError):
    """A setting is missing or has a value outside what is allowed."""


class DataError(SuperChartError):
    """Input data that cannot be turned into a canonical OHLCV frame."""


class UploadTooLargeError(DataError):
    """An uploaded file is larger than UPLOAD_MAX_MB."""


class TooManyBarsError(DataError):
    """A file or upload holds more rows than MAX_BARS (found before decoding them)."""


class SymbolNotFoundError(SuperChartError):
    """No dataset answers to this symbol."""

    def __init__(self, symbol: str, suggestions: Sequence[str] = (), message: str | None = None):
        self.symbol = symbol
        self.suggestions = list(suggestions)
        if message is None:
            message = f"Unknown symbol {shorten(symbol)!r}."
            if self.suggestions:
                message += " Did you mean: " + ", ".join(self.suggestions) + "?"
        super().__init__(message)


class ParameterError(SuperChartError):
    """A request parameter outside what is allowed; the message lists the allowed values."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(message)


class TimeframeError(ParameterError):
    """An unknown timeframe, or one finer than the data's native timeframe."""

    def __init__(self, message: str) -> None:
        super().__init__("timeframe", message)


class UpstreamError(SuperChartError):
    """The broker's REST API did not give us usable data."""


class UpstreamAuthError(UpstreamError):
    """The API refused our key (401/403)."""


class UpstreamSymbolNotFoundError(UpstreamError, SymbolNotFoundError):
    """The API does not know the symbol (404)."""

    def __init__(self, symbol: str) -> None:
        SymbolNotFoundError.__init__(
            self, symbol, message=f"The data API does not know the symbol {shorten(symbol)!r}."
        )


class UpstreamNoEndpointError(UpstreamError):
    """The API has no such endpoint (404 where no symbol was asked for)."""


class UpstreamRateLimitedError(UpstreamError):
    """The API kept answering 429 after our retries."""


class UpstreamUnavailableError(UpstreamError):
    """The API answered 5xx or could not be reached, after our retries."""


class UpstreamBusyError(UpstreamError):
    """UPSTREAM_MAX_CONCURRENT fetches are already in flight; this one was not started."""


class UpstreamTimeoutError(UpstreamError):
    """The API did not answer within REQUEST_TIMEOUT (the whole fetch, retries included)."""


class UpstreamPayloadError(UpstreamError):
    """The API answered with something we cannot read as OHLCV."""


class UpstreamTooLargeError(UpstreamPayloadError):
    """The API's answer is larger than UPSTREAM_MAX_MB (refused while it streamed in)."""
