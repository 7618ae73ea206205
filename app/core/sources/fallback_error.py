"""One error for a feed and its fallbacks that all failed, naming each source tried and what it
said, of the kind that tells a client most about what to do next."""

from __future__ import annotations

from app.core.errors import (
    ParameterError,
    SuperChartError,
    SymbolNotFoundError,
    UpstreamBusyError,
    UpstreamError,
    UpstreamRateLimitedError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    shorten,
)

SHOWN_REASON_CHARS = 300  # of each source's message in the combined one


def combined_error(asked: str, failures: list[tuple[str, SuperChartError]]) -> SuperChartError:
    """Unknown everywhere: 404. Out of time anywhere: 504. Down, busy or rate-limited anywhere:
    503 (the symbol may be there). Refused as a parameter everywhere: 422. Otherwise 502.
    The error carries ``tried``: (source, its error) pairs, for the JSON answer."""
    tried_text = "; ".join(
        f"{label}: {shorten(exc.message, SHOWN_REASON_CHARS).rstrip('.')}"
        for label, exc in failures
    )
    shown = shorten(asked)
    errors = [exc for _, exc in failures]
    error: SuperChartError
    if all(isinstance(exc, SymbolNotFoundError) for exc in errors):
        suggestions = list(dict.fromkeys(s for exc in errors for s in exc.suggestions))[:8]
        error = SymbolNotFoundError(
            asked, suggestions, message=f"No source has {shown!r} (tried {tried_text})."
        )
    elif any(isinstance(exc, UpstreamTimeoutError) for exc in errors):
        error = UpstreamTimeoutError(f"No source answered for {shown!r} in time ({tried_text}).")
    elif any(
        isinstance(exc, UpstreamUnavailableError | UpstreamRateLimitedError | UpstreamBusyError)
        for exc in errors
    ):
        error = UpstreamUnavailableError(
            f"No source could answer for {shown!r} now (tried {tried_text})."
        )
    elif all(isinstance(exc, ParameterError | SymbolNotFoundError) for exc in errors):
        parameters = {exc.parameter for exc in errors if isinstance(exc, ParameterError)}
        parameter = parameters.pop() if len(parameters) == 1 else "feed"
        error = ParameterError(
            parameter, f"No source can answer this request for {shown!r} (tried {tried_text})."
        )
    else:
        error = UpstreamError(f"No source gave usable bars for {shown!r} (tried {tried_text}).")
    error.tried = list(failures)  # type: ignore[attr-defined]
    return error
