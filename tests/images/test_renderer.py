"""The warm renderer itself, as Streamlit and Dash call it (no HTTP): real Chromium."""

from __future__ import annotations

import pytest

from app.charts.images import render_chart_image
from app.core import get_ohlcv
from app.images import BrowserMissingError, ChartRenderer, RenderTimeoutError, find_browser
from tests.images.conftest import png_size, require_chromium


@pytest.fixture
def view():
    return get_ohlcv("sample_ohlcv", emas=(10, 21), limit=150)


@pytest.mark.slow
def test_a_hung_render_is_abandoned_the_browser_killed_and_restarted(view):
    require_chromium()
    renderer = ChartRenderer(find_browser(None), workers=1, queue=0, timeout=0.01)
    try:
        with pytest.raises(RenderTimeoutError, match="IMAGE_TIMEOUT"):
            render_chart_image(view, width=400, height=300, renderer=renderer)
        assert renderer.restarts == 1
        renderer.timeout = 30.0
        image = render_chart_image(view, width=400, height=300, renderer=renderer)
        assert png_size(image) == (400, 300)
        assert renderer.renders == 1 and renderer.restarts == 1
    finally:
        renderer.close()


def test_without_a_browser_the_refusal_names_what_to_install(view):
    with pytest.raises(BrowserMissingError, match="apt-get install chromium"):
        render_chart_image(view, renderer=ChartRenderer(find_browser("/no/such/chromium")))
