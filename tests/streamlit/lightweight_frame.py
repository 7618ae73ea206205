"""The Lightweight Charts component in a real browser: its iframe, and what it has drawn."""

from __future__ import annotations

from playwright.sync_api import Frame, Page

from app.streamlit_app.chart_component import COMPONENT_NAME

IFRAME = f"iframe[title$='.{COMPONENT_NAME}']"

# The candles the price series holds, and how many canvas pixels have the up-candle colour
# (#26a69a): candles really painted, not only handed over.
CANDLES = """() => {
    const sc = window.superChart;
    if (!sc || !sc.pricePane.series) return null;
    const data = sc.pricePane.series.data();
    let painted = 0;
    for (const canvas of document.querySelectorAll('canvas')) {
        if (!canvas.width || !canvas.height) continue;
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < pixels.length; i += 4) {
            if (Math.abs(pixels[i] - 38) < 6 && Math.abs(pixels[i + 1] - 166) < 6
                && Math.abs(pixels[i + 2] - 154) < 6 && pixels[i + 3] > 200) painted++;
        }
    }
    return {bars: data.length, first: data.length ? data[0].time : null,
            last: data.length ? data[data.length - 1].time : null, painted};
}"""


def chart_frame(page: Page, timeout: float = 60_000) -> Frame:
    """The component's frame, once it has drawn its first render."""
    handle = page.wait_for_selector(IFRAME, timeout=timeout)
    frame = handle.content_frame()
    assert frame is not None
    drawn = "() => window.superChart && window.superChart.renders > 0"
    frame.wait_for_function(drawn, timeout=timeout)
    return frame


def wait_for_candles(
    frame: Frame, predicate: str = "c.painted > 0", timeout: float = 30_000
) -> dict:
    frame.wait_for_function(
        f"() => {{ const c = ({CANDLES})(); return c && ({predicate}); }}", timeout=timeout
    )
    return frame.evaluate(CANDLES)
