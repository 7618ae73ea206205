"""GET /api/chart.png|.svg and /api/chart over real HTTP, drawn by a real Chromium."""

from __future__ import annotations

import io
import threading
from dataclasses import asdict

import httpx
import numpy as np
import pytest
from PIL import Image

from app.charts import theme
from app.charts.plotly_overlays import level_label
from app.core import get_ohlcv
from app.core.analysis import find_levels
from tests.images.conftest import (
    SYMBOL,
    png_size,
    require_chromium,
    server_env,
    uvicorn_server,
)


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def share_near(image: np.ndarray, colour: str, tolerance: int = 40) -> float:
    """Share of the pixels within ``tolerance`` (per channel) of ``colour``."""
    return float(np.all(np.abs(image - rgb(colour)) <= tolerance, axis=-1).mean())


def test_png_has_the_signature_and_the_pixel_size_asked_for(image_api):
    response = image_api.get("/api/chart.png", params={"width": 640, "height": 360, "bars": 120})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert png_size(response.content) == (640, 360)
    doubled = image_api.get(
        "/api/chart.png", params={"width": 640, "height": 360, "bars": 120, "scale": 2}
    )
    assert png_size(doubled.content) == (1280, 720)


def test_dark_picture_is_mostly_dark_with_coloured_candles(image_api):
    image = pixels(image_api.get("/api/chart.png", params={"bars": 200}).content)
    luminance = image.mean(axis=-1)
    assert (luminance < 60).mean() > 0.7  # the dark background
    assert share_near(image, theme.UP) > 0.003  # rising candles (and volume) drawn
    assert share_near(image, theme.DOWN) > 0.003  # falling ones too


def test_light_theme_is_mostly_light_with_the_same_candles(image_api):
    image = pixels(image_api.get("/api/chart.png", params={"bars": 200, "theme": "light"}).content)
    assert (image.mean(axis=-1) > 200).mean() > 0.7
    assert share_near(image, theme.UP) > 0.003 and share_near(image, theme.DOWN) > 0.003


def test_more_bars_draw_more_candles(image_api):
    """The bars parameter is honoured: 20 candles cover far fewer pixels than 400 of them do
    at the same size (each of the 20 is wider, but 400 fill the pane)."""
    few = pixels(image_api.get("/api/chart.png", params={"bars": 20, "emas": ""}).content)
    many = pixels(image_api.get("/api/chart.png", params={"bars": 400, "emas": ""}).content)
    assert share_near(many, theme.DOWN) != share_near(few, theme.DOWN)


def test_svg_is_an_svg_document_of_the_size_asked_for(image_api):
    response = image_api.get("/api/chart.svg", params={"width": 800, "height": 500, "bars": 50})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    head = response.text[:400]
    assert head.startswith("<svg") and 'width="800"' in head and 'height="500"' in head
    red, green, blue = rgb(theme.UP)
    assert f"rgb({red}, {green}, {blue})" in response.text  # candles, in our colours


def test_seed_route_and_words_answer_a_png(image_api):
    response = image_api.get(
        "/api/chart", params={"symbol": SYMBOL, "timeframe": "H4", "indicators": "vol,volume"}
    )
    assert response.status_code == 200, response.text
    assert png_size(response.content) == (1200, 700)


def test_etag_gives_304_and_changes_with_the_options(image_api):
    params = {"bars": 90, "width": 400, "height": 300}
    first = image_api.get("/api/chart.png", params=params)
    etag = first.headers["etag"]
    again = image_api.get("/api/chart.png", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    cached = image_api.get("/api/chart.png", params=params)
    assert cached.content == first.content and cached.headers["etag"] == etag
    light = image_api.get("/api/chart.png", params={**params, "theme": "light"})
    other_bars = image_api.get("/api/chart.png", params={**params, "bars": 91})
    assert len({etag, light.headers["etag"], other_bars.headers["etag"]}) == 3


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"width": 50}, "width"),
        ({"height": 4001}, "height"),
        ({"width": "wide"}, "width"),
        ({"bars": 0}, "bars"),
        ({"bars": 5001}, "bars"),
        ({"scale": 9}, "scale"),
        ({"width": 4000, "height": 4000, "scale": 2}, "scale"),
        ({"theme": "sepia"}, "theme"),
        ({"timeframe": "7h"}, "timeframe"),
        ({"emas": "1"}, "emas"),
    ],
)
def test_bad_parameters_are_422_json_naming_them(image_api, params, parameter):
    response = image_api.get("/api/chart.png", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["parameter"] == parameter and body["detail"]


def test_unknown_symbol_is_404_json_with_suggestions(image_api):
    response = image_api.get("/api/chart.png", params={"symbol": "sampel_ohlcv"})
    assert response.status_code == 404
    assert response.json()["suggestions"] == [SYMBOL]


@pytest.mark.slow
def test_full_queue_answers_503_with_retry_after(image_data_dir):
    """One render slot and no queue: of pictures asked for at the same time, one is drawn and
    the others are refused at once with Retry-After; asked again, they are drawn."""
    require_chromium()
    env = server_env(image_data_dir, IMAGE_WORKERS="1", IMAGE_QUEUE="0", IMAGE_TIMEOUT="90")
    with uvicorn_server(env) as base, httpx.Client(base_url=base, timeout=120) as client:
        assert client.get("/api/chart.png", params={"bars": 10}).status_code == 200  # warm
        asks = [{"bars": 3000 + n, "width": 2000, "height": 2000} for n in range(4)]
        answers: dict[int, httpx.Response] = {}

        def ask(n: int) -> None:
            answers[n] = client.get("/api/chart.png", params=asks[n])

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(len(asks))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(answer.status_code for answer in answers.values())
        assert statuses[0] == 200 and statuses[-1] == 503, statuses
        for n, answer in answers.items():
            if answer.status_code == 503:
                assert int(answer.headers["retry-after"]) >= 1
                assert "busy" in answer.json()["detail"]
                assert "IMAGE_QUEUE" in answer.json()["detail"]
                assert client.get("/api/chart.png", params=asks[n]).status_code == 200


def test_without_chromium_images_are_503_naming_it_and_data_still_works(image_data_dir):
    env = server_env(image_data_dir, CHROMIUM_PATH=str(image_data_dir / "no-such-chromium"))
    with uvicorn_server(env) as base, httpx.Client(base_url=base, timeout=30) as client:
        response = client.get("/api/chart.png")
        assert response.status_code == 503
        assert "apt-get install chromium" in response.json()["detail"]
        assert "CHROMIUM_PATH" in response.json()["detail"]
        assert response.headers["retry-after"]
        assert client.get("/api/ohlcv", params={"limit": 5}).status_code == 200


def test_seed_indicator_words_and_ours_are_read(image_api):
    seed = image_api.get("/api/chart", params={"indicators": "vol,macd,rsi,ma:20,ma:50"})
    assert seed.status_code == 200, seed.text
    ours = image_api.get("/api/chart.png", params={"indicators": "macd,rsi:14,sma:20,sma:50"})
    assert ours.headers["etag"] == seed.headers["etag"]  # the same chart, drawn once
    plain = image_api.get("/api/chart.png", params={"indicators": "vol"})
    assert plain.headers["etag"] != seed.headers["etag"]
    bad = image_api.get("/api/chart", params={"indicators": "vol,foo:3"})
    assert bad.status_code == 422 and bad.json()["parameter"] == "indicators"


def test_heikin_ashi_is_another_picture(image_api):
    candles = image_api.get("/api/chart.png", params={"bars": 60})
    heikin = image_api.get("/api/chart.png", params={"bars": 60, "chart": "heikin_ashi"})
    assert heikin.status_code == 200 and heikin.headers["etag"] != candles.headers["etag"]
    assert image_api.get("/api/chart.png", params={"chart": "renko"}).status_code == 422


def test_levels_and_spikes_overlays_are_drawn(image_api):
    plain = image_api.get("/api/chart.svg", params={"bars": 300})
    marked = image_api.get("/api/chart.svg", params={"bars": 300, "levels": 1, "spikes": 1})
    assert marked.status_code == 200, marked.text
    assert marked.headers["etag"] != plain.headers["etag"]
    levels = find_levels(get_ohlcv(SYMBOL, limit=300).frame)  # the same bars, in-process
    assert levels and all(level_label(asdict(level)) in marked.text for level in levels)
    assert len(marked.text) > len(plain.text)
    assert image_api.get("/api/chart.png", params={"levels": "maybe"}).status_code == 422
