"""``/USD`` and ``/USDT``: where a source lists only the other quote, ask for that one and say
so (a dollar stablecoin tracks the dollar closely, but not exactly: the user must know)."""

from __future__ import annotations

SWAPS = {"USD": "USDT", "USDT": "USD"}


def other_quote(base: str, quote: str) -> str | None:
    """The quote to try when ``base/quote`` is not listed.

    >>> other_quote("BTC", "USD"), other_quote("ETH", "usdt"), other_quote("EUR", "GBP")
    ('USDT', 'USD', None)
    """
    swap = SWAPS.get(quote.upper())
    return swap if swap and base else None


def split_pair(symbol: str) -> tuple[str, str] | None:
    """``BTC/USD`` -> (``BTC``, ``USD``); ``BTCUSDT`` -> (``BTC``, ``USDT``) by its dollar
    quote; None when neither.

    >>> split_pair("btc/usd"), split_pair("ETHUSDT"), split_pair("EURGBP")
    (('BTC', 'USD'), ('ETH', 'USDT'), None)
    """
    text = symbol.strip().upper()
    if "/" in text:
        base, _, quote = text.partition("/")
        return (base, quote) if base and quote else None
    for quote in ("USDT", "USD"):
        if text.endswith(quote) and len(text) > len(quote):
            return text[: -len(quote)], quote
    return None


def swap_notice(source: str, asked: str, served: str) -> str:
    return (
        f"{source} lists no {asked}; showing {served} instead (USD and USDT prices differ "
        "slightly)."
    )
