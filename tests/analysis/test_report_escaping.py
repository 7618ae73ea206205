"""The Markdown report writes what it did not author as text, never as markup (#19)."""

from __future__ import annotations

import re

from app.core.analysis import analyse
from app.core.synthetic import synthetic_ohlcv
from app.reports import render_markdown_report

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_TEXT = "<script>alert(2)</script><img src=y onerror=alert(3)> [click](javascript:alert(4))"


def markdown(symbol: str, narrative: str) -> str:
    analysis = analyse(synthetic_ohlcv(300), symbol=symbol, timeframe="1h")
    told = analysis.with_narrative(narrative, "llm", None)
    return render_markdown_report(told, spike_window=20, spike_sigma=3.0)


def test_a_hostile_file_name_and_llm_text_are_escaped() -> None:
    text = markdown(HOSTILE_NAME, HOSTILE_TEXT)
    assert re.findall(r"<\s*(?:script|img)", text, re.IGNORECASE) == []  # no raw tag at all
    assert text.startswith("# &lt;img src=x onerror=alert(1)&gt; 1h analysis\n")
    assert "&lt;script&gt;alert(2)&lt;/script&gt;&lt;img src=y onerror=alert(3)&gt;" in text
    assert "\\[click\\](javascript:alert(4))" in text  # no link: the brackets are text
    assert "[click](" not in text


def test_plain_text_is_unchanged() -> None:
    text = markdown("BTC_USDT", "Trend up; RSI 61 > 50 & rising.")
    assert text.startswith("# BTC_USDT 1h analysis\n")
    assert "Trend up; RSI 61 &gt; 50 &amp; rising." in text
