"""The rule summary in Persian: the same facts as the English one (``summary.SummaryFacts``),
written by Persian templates, numbers at the symbol's precision in Persian digits.

Each sentence starts with a Persian word, so a front end that sets ``dir="auto"`` shows it
right-to-left; the HTML report sets ``dir="rtl"`` on it.
"""

from __future__ import annotations

import datetime as dt

from app.core.analysis.summary import SummaryFacts
from app.core.bar_dates import DATE_FORMAT, MONTH_FORMAT, bar_time_format

RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur", "ps", "ckb", "dv", "yi"})

_DIGITS = str.maketrans("0123456789,.-", "۰۱۲۳۴۵۶۷۸۹٬٫−")

TREND = {
    "up": "در روند صعودی است",
    "down": "در روند نزولی است",
    "sideways": "روند مشخصی ندارد",
    "unknown": "تاریخچهٔ کافی برای تشخیص روند ندارد",
}
STRENGTH = {"strong": "قوی", "moderate": "متوسط", "weak": "ضعیف"}
MOMENTUM = {
    ("rsi", "overbought"): "RSI در ناحیهٔ اشباع خرید است",
    ("rsi", "oversold"): "RSI در ناحیهٔ اشباع فروش است",
    ("rsi", "neutral"): "RSI خنثی است",
    ("macd", "bullish_cross"): "MACD به‌تازگی خط سیگنال خود را رو به بالا قطع کرده است",
    ("macd", "bearish_cross"): "MACD به‌تازگی خط سیگنال خود را رو به پایین قطع کرده است",
    ("macd", "above_signal"): "MACD بالای خط سیگنال خود است",
    ("macd", "below_signal"): "MACD زیر خط سیگنال خود است",
    ("bollinger", "squeeze"): ("باندهای بولینگر فشرده شده‌اند که اغلب پیش از یک حرکت بزرگ رخ می‌دهد"),
    ("bollinger", "above_upper"): "قیمت بالای باند بالایی بولینگر است",
    ("bollinger", "below_lower"): "قیمت زیر باند پایینی بولینگر است",
}
LEVEL = {"support": "حمایت", "resistance": "مقاومت"}


def is_rtl(lang: str | None) -> bool:
    """Whether text in ``lang`` (``fa``, ``fa-IR``, ``ar`` ...) is written right-to-left.

    >>> is_rtl("fa-IR"), is_rtl("en"), is_rtl(None)
    (True, False, False)
    """
    return bool(lang) and lang.split("-")[0].lower() in RTL_LANGUAGES


def persian_digits(text: str) -> str:
    """Western digits and separators as Persian ones.

    >>> persian_digits("1,234.50")
    '۱٬۲۳۴٫۵۰'
    """
    return text.translate(_DIGITS)


def _when(seconds: int, timeframe: str | None = None) -> str:
    """The core's date rule by timeframe, in Persian digits: a month ``۲۰۱۸/۰۵``, a day
    ``۲۰۱۸/۰۵/۰۷``, intraday with the time."""
    shape = bar_time_format(timeframe)
    pattern = {MONTH_FORMAT: "%Y/%m", DATE_FORMAT: "%Y/%m/%d"}.get(shape, "%Y/%m/%d %H:%M")
    stamp = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime(pattern)
    return f"{persian_digits(stamp)} (UTC)"


def _and(parts: list[str]) -> str:
    return "، ".join(parts[:-1]) + (" و " if len(parts) > 1 else "") + parts[-1]


def write_persian(facts: SummaryFacts) -> str:
    """The Persian rule summary of ``facts``."""
    price = lambda value: persian_digits(facts.price(value))  # noqa: E731
    first = (
        f"نماد {facts.symbol} در تایم‌فریم {facts.timeframe} با قیمت {price(facts.close)} بسته شد"
    )
    if facts.trend is not None:
        first += f" و {TREND.get(facts.trend, 'روند روشنی ندارد')}"
        if facts.trend in ("up", "down") and facts.adx is not None:
            strength = STRENGTH.get(facts.adx_strength or "", "")
            first += f"، ADX برابر {persian_digits(f'{facts.adx:.1f}')} ({strength})"
    sentences = [first + "."]
    momentum = [MOMENTUM[item] for item in facts.momentum if item in MOMENTUM]
    if momentum:
        sentences.append("همچنین " + _and(momentum) + ".")
    found = []
    for level in (facts.support, facts.resistance):
        if level is not None:
            found.append(
                f"نزدیک‌ترین {LEVEL[level.kind]} در {price(level.price)} "
                f"({persian_digits(str(level.touches))} برخورد)"
            )
    if found:
        sentences.append(_and(found) + " است.")
    else:
        sentences.append("هیچ سطح حمایت یا مقاومتی با دست‌کم دو برخورد یافت نشد.")
    if facts.testing in LEVEL:
        sentences.append(f"قیمت در حال آزمودن همین {LEVEL[facts.testing]} است.")
    if facts.spike_count:
        z = facts.latest_spike_z
        shown = (
            f"امتیاز z برابر {persian_digits(f'{z:.1f}')}"
            if z is not None
            else "حجم پیش از آن ثابت بود"
        )
        sentences.append(
            f"در این بازه {persian_digits(str(facts.spike_count))} جهش حجم دیده شد؛ "
            f"آخرینِ آن‌ها در {_when(facts.latest_spike_time or 0, facts.timeframe)} ({shown})."
        )
    else:
        sentences.append("در این بازه جهش حجمی دیده نشد.")
    return " ".join(sentences)
