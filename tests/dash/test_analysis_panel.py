"""The "Levels" and "Volume spikes" toggles and the analysis panel, called as the page does."""

from __future__ import annotations

import json

import numpy as np

from app.charts.plotly_charts import FIRST_EMA_TRACE
from app.charts.plotly_overlays import LEVEL_SHAPE_NAME, SPIKES_TRACE
from app.config import get_settings
from app.core.analysis import analyse_symbol, analysis_scope, find_volume_spikes
from app.core.synthetic import synthetic_ohlcv
from app.dash_app.callbacks import analysis_of_drawn, receive_upload
from app.dash_app.chart_callbacks import render_chart
from app.dash_app.chart_data import NATIVE, SOURCE_CONFIGURED
from app.dash_app.uploads import UploadCache, UploadRef
from tests.dash.samples import upload_payload


def spiky_csv() -> bytes:
    """400 hourly bars with a volume ten times the usual on bar 300."""
    frame = synthetic_ohlcv(400, timeframe="1h", seed=5).copy()
    volume = np.full(len(frame), 1000.0) + np.arange(len(frame)) % 7 * 10
    volume[300] = 10_000.0
    frame["volume"] = volume
    return frame.to_csv(index=False).encode()


def draw(uploads, source, ref, overlays, emas=(10,)):
    return render_chart(source, "sample_ohlcv", NATIVE, list(emas), ref, uploads=uploads,
                        settings=get_settings(), overlays=overlays)  # fmt: skip


def test_levels_and_spikes_are_drawn_when_toggled_and_only_then(data_dir):
    uploads = UploadCache()
    ref, _, source = receive_upload(upload_payload(spiky_csv(), "spiky.csv"), uploads=uploads,
                                    settings=get_settings())  # fmt: skip

    plain = draw(uploads, source, ref, [])
    assert SPIKES_TRACE not in [t.name for t in plain.figure.data]
    assert not [s for s in plain.figure.layout.shapes if s.name == LEVEL_SHAPE_NAME]

    both = draw(uploads, source, ref, ["levels", "spikes"])
    levels = [s for s in both.figure.layout.shapes if s.name == LEVEL_SHAPE_NAME]
    assert levels, "no level lines drawn"
    labels = [a.text for a in both.figure.layout.annotations if a.name == LEVEL_SHAPE_NAME]
    assert labels and all("×" in text for text in labels)  # touch counts shown
    [spikes] = [t for t in both.figure.data if t.name == SPIKES_TRACE]
    frame = uploads.frame(UploadRef.from_store(ref))
    expected = find_volume_spikes(frame)
    assert len(spikes.x) == len(expected) >= 1
    assert 10_000.0 in list(spikes.y)
    # The EMA lines keep their places (the browser toggles them by index): the spikes come last.
    names = [t.name for t in both.figure.data]
    lines = slice(FIRST_EMA_TRACE, FIRST_EMA_TRACE + 4)
    assert names[lines] == ["EMA 10", "EMA 21", "EMA 50", "EMA 150"]
    assert names[-1] == SPIKES_TRACE and both.drawn["emas"] == [10, 21, 50, 150]
    assert [t.visible for t in both.figure.data[lines]] == [None, False, False, False]


def test_the_analysis_panel_shows_the_signals_and_summary_of_the_bars_drawn(data_dir):
    uploads = UploadCache()
    drawn = draw(uploads, SOURCE_CONFIGURED, None, []).drawn

    card = analysis_of_drawn(drawn, SOURCE_CONFIGURED, "sample_ohlcv", NATIVE, None,
                             uploads=uploads, settings=get_settings())  # fmt: skip

    text = json.dumps(card.to_plotly_json(), default=lambda o: o.to_plotly_json())
    expected = analyse_symbol("sample_ohlcv", settings=get_settings())[1]  # the API's rule
    assert expected.summary in text
    persian = next(
        p for p in card.children.children if getattr(p, "className", "").endswith("summary-fa mb-2")
    )
    assert persian.children == expected.summary_in("fa") and persian.dir == "rtl"  # #22
    for signal in expected.signals:
        assert signal.label in text and signal.detail in text
        assert f'"{signal.state_label}"' in text  # in words, never "below_signal"
    assert analysis_scope(expected) in text


def test_no_panel_without_a_chart_and_none_for_a_stale_one(data_dir):
    uploads = UploadCache()
    kwargs = {"uploads": uploads, "settings": get_settings()}
    assert (
        analysis_of_drawn(None, SOURCE_CONFIGURED, "sample_ohlcv", NATIVE, None, **kwargs) is None
    )
    drawn = draw(uploads, SOURCE_CONFIGURED, None, []).drawn
    stale = analysis_of_drawn(drawn, SOURCE_CONFIGURED, "sample_ohlcv", "4h", None, **kwargs)
    assert stale is not None and not hasattr(stale, "children")  # no_update: a redraw follows
