"""A trading pair as other services spell it (``eth_usdt``, ``ETHUSDT``, ``ETH/USDT``,
``eth-usdt``) resolved to one of our symbols.

Files are named ``ETHUSDT.csv`` or ``ETH_USDT.parquet`` (or sit in a folder tree), exchanges list
``ETH/USDT``: the spelling is compared without case or separators against what the configured
source lists, and a source that fetches any pair (an exchange, a broker's API) is asked for it in
its own spelling when it does not list it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.core.errors import ParameterError, SymbolNotFoundError, shorten
from app.core.sources.configured import get_data_source, get_registry
from app.core.sources.names import split_prefix

if TYPE_CHECKING:
    from app.config import Settings

MAX_PAIR_LENGTH = 60
# Quote currencies, longest first: ETHUSDT is ETH/USDT, not ETHUSD/T.
QUOTES = (
    "FDUSD", "USDT", "USDC", "BUSD", "TUSD", "DAI", "USD", "EUR", "GBP", "TRY", "BRL", "JPY",
    "BTC", "ETH", "BNB", "IRT", "IRR",
)  # fmt: skip
_SEPARATORS = re.compile(r"[\s_/\-:.]+")
_PAIR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/\-:. ]*$")


def compact(text: str) -> str:
    """The spelling-free key of a pair.

    >>> compact("eth_usdt"), compact("ETH/USDT"), compact("ETHUSDT")
    ('ethusdt', 'ethusdt', 'ethusdt')
    """
    return _SEPARATORS.sub("", text).lower()


def exchange_spelling(pair: str) -> str:
    """``BASE/QUOTE`` as exchanges write it, from any spelling (a known quote split off when
    there is no separator); unchanged when it cannot be split.

    >>> exchange_spelling("eth_usdt"), exchange_spelling("ETHUSDT"), exchange_spelling("xyz")
    ('ETH/USDT', 'ETH/USDT', 'XYZ')
    """
    parts = [part for part in _SEPARATORS.split(pair.strip()) if part]
    if len(parts) == 2:
        return f"{parts[0].upper()}/{parts[1].upper()}"
    word = "".join(parts).upper()
    for quote in QUOTES:
        if word.endswith(quote) and len(word) > len(quote):
            return f"{word[: -len(quote)]}/{quote}"
    return word


def _listed(source: object) -> list[str]:
    names = getattr(source, "symbol_names", None)
    if callable(names):
        return list(names())
    return [info.symbol for info in source.list_symbols()]  # type: ignore[attr-defined]


def resolve_pair(pair: str, settings: Settings | None = None) -> str:
    """Our symbol for ``pair``; SymbolNotFoundError (with close matches) when no symbol of the
    source is that pair, ParameterError when ``pair`` is not a pair at all."""
    text = (pair or "").strip()
    if not text or len(text) > MAX_PAIR_LENGTH or not _PAIR.match(text):
        raise ParameterError(
            "pair",
            f"pair {shorten(text)!r} is not a trading pair: write it as eth_usdt, ETHUSDT or "
            f"ETH/USDT (letters and digits, at most {MAX_PAIR_LENGTH} characters).",
        )
    if split_prefix(text).prefix is not None:
        return text  # BINANCE:ETHUSDT, PYTH:...: the source registry routes it as written
    source = get_data_source(settings)
    wanted = compact(text)
    names = _listed(source)
    exact = [name for name in names if name.lower() == text.lower()]
    if exact:
        return exact[0]
    same = [name for name in names if compact(name) == wanted]
    if not same:  # a folder tree's symbol: GROUP/ETHUSDT is ETHUSDT too
        same = [name for name in names if compact(name.rsplit("/", 1)[-1]) == wanted]
    if same:
        return sorted(same, key=lambda name: (len(name), name.lower()))[0]
    other = _other_sources(wanted, settings)
    if other is not None:
        return other
    kind = getattr(source, "name", None)
    if kind == "exchange":
        return exchange_spelling(text)  # any pair they trade; they say when they do not
    if kind == "api":
        return text  # the broker's own spelling; it says when it does not know it
    raise SymbolNotFoundError(text, _close_matches(wanted, names))


def _other_sources(wanted: str, settings: Settings | None) -> str | None:
    """The pair among the other enabled sources' listings (SOURCES), as they name it."""
    registry = get_registry(settings)
    others = tuple(name for name in registry.enabled if name != registry.default)
    if not others:
        return None
    for info in registry.list_symbols(others).symbols:
        if compact(split_prefix(info.symbol).symbol) == wanted:
            return info.symbol
    return None


def _close_matches(wanted: str, names: list[str]) -> list[str]:
    import difflib

    keys = {compact(name): name for name in names}
    return [keys[key] for key in difflib.get_close_matches(wanted, list(keys), n=3, cutoff=0.6)]
