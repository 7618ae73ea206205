"""The chart callback as plain functions (tested directly): a whole figure, a Patch of its live
bars, or the neighbouring window after a pan or zoom past the bars held.

The EMA checklist is not among them: every offered EMA is a line of the figure (hidden ones
``visible=False``) and the browser shows or hides it (:mod:`app.dash_app.ema_toggle_js`).

Every failure reaches the user as an alert (:func:`app.dash_app.alerts.error_alert`), never as a
broken callback.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, NamedTuple

import pandas as pd
from dash import Patch, no_update

from app.charts.plotly_charts import FIRST_EMA_TRACE, build_plotly_figure, drawable_emas
from app.charts.plotly_time import bar_positions, time_ticks, wall_times
from app.config import Settings
from app.dash_app.alerts import error_alert, notices
from app.dash_app.analysis_panel import add_overlays
from app.dash_app.chart_data import SOURCE_CONFIGURED, ChartData, load_chart_data
from app.dash_app.download import image_name
from app.dash_app.layout import empty_figure
from app.dash_app.live import (
    assign_arrays,
    bar_arrays,
    changed_bars,
    extend_arrays,
    held_after,
)
from app.dash_app.live_check import newest_drawn
from app.dash_app.uploads import UploadCache, UploadRef
from app.dash_app.window import LIVE_MAX_BARS, Held, Window, next_page, page_window

# What set the chart callback off, besides the data controls (a whole redraw).
PAGE_ONLY = "page"  # a pan or zoom past the bars held (app.dash_app.paging_js)
LIVE_ONLY = "live"  # a dcc.Interval tick: new bars (app.dash_app.live)


class ChartOutputs(NamedTuple):
    figure: Any  # a figure, or a Patch of its live bars
    alert: Any
    notice: Any
    summary: Any
    drawn: Any  # the drawn store: see drawn_store; None after an error


NOTHING = ChartOutputs(no_update, no_update, no_update, no_update, no_update)


def chart_key(
    source: str, symbol: str | None, timeframe: str | None, upload_ref: dict | None
) -> str:
    """Which data a figure shows, from the controls: the figure's uirevision (so a new window
    keeps the user's pan and zoom), and the key that ties the drawn store to its figure."""
    return f"{source}|{symbol}|{timeframe}|{(upload_ref or {}).get('digest')}"


def figure_key(key: str, indicators: Sequence[str], overlays: Sequence[str] = ()) -> str:
    """:func:`chart_key` plus the indicators and overlays drawn: what the drawn store's key
    names. (Not the uirevision: adding a pane keeps the user's zoom.)"""
    return f"{key}|{','.join(indicators)}|{','.join(overlays)}"


def drawn_store(key: str, emas: list[int], window: Window, held: Held) -> dict:
    """The drawn store: the figure's :func:`figure_key`, its EMA periods in trace order, the
    window request behind it and the bars it holds (and, from a whole redraw of a symbol,
    ``newest``: the live check's newest bar read before it)."""
    return {"key": key, "emas": emas, "window": window.to_store(), "held": held.to_store()}


def render_chart(
    source: str,
    symbol: str | None,
    timeframe: str | None,
    visible_emas: Sequence[int] | None,
    upload_ref: dict | None,
    *,
    uploads: UploadCache,
    settings: Settings,
    window: Window | None = None,
    indicators: Sequence[str] = (),
    overlays: Sequence[str] = (),
) -> ChartOutputs:
    """The whole chart for one window (the newest by default), with a line for every offered
    EMA; those not ticked are hidden (``visible=False``) until the browser shows them."""
    offered = tuple(settings.ema_periods)
    window = window or Window()
    key = chart_key(source, symbol, timeframe, upload_ref)
    live = source == SOURCE_CONFIGURED and bool(symbol)
    newest = newest_drawn(symbol, settings) if live and symbol else None  # before the bars
    try:
        data = _chart_data(
            source, symbol, timeframe, upload_ref, uploads, settings, window, indicators
        )
        visible = [int(p) for p in visible_emas or ()]
        figure = build_plotly_figure(
            data.view,
            offered_emas=offered,
            visible_emas=visible,
            title=data.title,
            ui_revision=key,
            keep_hidden_emas=True,
        )
        add_overlays(figure, data, overlays)
    except Exception as exc:  # every failure becomes an alert
        return ChartOutputs(empty_figure(), error_alert(exc), None, None, None)
    lines = drawable_emas(data.view, offered)
    store = drawn_store(figure_key(key, indicators, overlays), lines, window, data.held)
    store["image"] = image_name(data.title)  # the Download PNG file's name (download.py)
    if newest is not None:
        store["newest"] = newest  # the live check's newest bar, already drawn here
    return ChartOutputs(figure, None, notices(data.data_notices, data.notice), data.summary, store)


def update_chart(
    source: str,
    symbol: str | None,
    timeframe: str | None,
    visible_emas: Sequence[int] | None,
    upload_ref: dict | None,
    drawn: dict | None,
    *,
    trigger: str | None,
    uploads: UploadCache,
    settings: Settings,
    page: Any = None,
    indicators: Sequence[str] = (),
    overlays: Sequence[str] = (),
) -> ChartOutputs:
    """What the page needs after ``trigger``: the neighbouring window after a pan or zoom past
    the bars held (``page``: the page store), the new bars as a Patch on a live tick, else the
    whole chart at the newest window.

    Both shortcuts need the figure on the page to be the one the drawn store describes (same
    key): Dash drops a running redraw when a newer request for the same outputs starts, so
    after a timeframe change quickly followed by a pan or a live tick, the page still shows the
    old figure, and paging or extending it would mix two timeframes."""
    args = (source, symbol, timeframe, visible_emas, upload_ref)
    common = {"uploads": uploads, "settings": settings, "indicators": indicators}
    key = figure_key(chart_key(source, symbol, timeframe, upload_ref), indicators, overlays)
    current = isinstance(drawn, dict) and drawn.get("key") == key
    load = partial(_chart_data, source, symbol, timeframe, upload_ref, uploads, settings)
    wanted = _page_window(page, key, drawn, load, indicators) if current else None
    if trigger in (PAGE_ONLY, LIVE_ONLY) and not current:
        # The figure shown is not the controls' one: its redraw was on its way, and this request
        # has just made Dash drop it (one callback's newer request wins). Draw it here.
        return render_chart(*args, overlays=overlays, **common)
    if trigger == PAGE_ONLY:
        if wanted is None:
            return NOTHING  # nothing beyond the edge of the bars held
        return render_chart(*args, window=wanted, overlays=overlays, **common)
    if trigger == LIVE_ONLY:
        shown = Window.from_store(drawn.get("window"))
        if wanted is not None and wanted != shown:  # this tick overtook a page load
            return render_chart(*args, window=wanted, overlays=overlays, **common)
        return live_update(*args, drawn, overlays=overlays, **common)
    return render_chart(*args, overlays=overlays, **common)


def live_update(
    source: str,
    symbol: str | None,
    timeframe: str | None,
    visible_emas: Sequence[int] | None,
    upload_ref: dict | None,
    drawn: dict,
    *,
    uploads: UploadCache,
    settings: Settings,
    indicators: Sequence[str] = (),
    overlays: Sequence[str] = (),
) -> ChartOutputs:
    """The bars that changed since the figure was drawn, as a Patch (see app.dash_app.live);
    the whole chart when the data no longer continues it or the window would grow too long."""
    args = (source, symbol, timeframe, visible_emas, upload_ref)
    common = {"uploads": uploads, "settings": settings, "indicators": indicators}
    held = Held.from_store(drawn.get("held"))
    if held is None or held.more_after:
        return NOTHING  # an older window is shown: nothing new to draw there
    load = partial(_chart_data, source, symbol, timeframe, upload_ref, uploads, settings)
    try:
        recent = load(Window(start=held.last, bars=LIVE_MAX_BARS), indicators)
        change = changed_bars(recent.view, held)
        if change is None or held.count + change[0] > LIVE_MAX_BARS:
            return render_chart(*args, overlays=overlays, **common)
        added, moved = change
        window = Window(start=held.first, bars=LIVE_MAX_BARS)
        whole = load(window, indicators)
    except Exception:  # the full redraw shows the alert
        return render_chart(*args, overlays=overlays, **common)
    now = f"{pd.Timestamp.now(tz='UTC'):%H:%M:%S} UTC"
    if not added and not moved:
        updated = drawn.get("updated") if isinstance(drawn.get("updated"), str) else now
        return NOTHING._replace(summary=f"{whole.summary} · {live_note(updated)}")
    emas = [p for p in drawn.get("emas") or () if isinstance(p, int)]
    offered = tuple(settings.ema_periods)
    patch = Patch()
    ticked = {int(p) for p in visible_emas or ()}
    for index, period in enumerate(emas):  # as the checklist is now (the browser toggles)
        patch["data"][FIRST_EMA_TRACE + index]["visible"] = period in ticked
    xaxis = patch["layout"]["xaxis"]
    xaxis["tickvals"], xaxis["ticktext"] = time_ticks(
        wall_times(whole.view), bar_positions(whole.view)
    )
    if held.lists:
        delta = build_plotly_figure(recent.view, offered_emas=offered, keep_hidden_emas=True)
        changed = bar_arrays(delta, len(delta.data))
        extend_arrays(patch, changed, held.count - 1, bars=len(delta.data[0].x))
    else:
        full = build_plotly_figure(whole.view, offered_emas=offered, keep_hidden_emas=True)
        assign_arrays(patch, bar_arrays(full, len(full.data)))
    key = figure_key(chart_key(source, symbol, timeframe, upload_ref), indicators, overlays)
    store = drawn_store(key, emas, window, held_after(held, recent.view, added))
    store["updated"] = now
    store["image"] = drawn.get("image")
    summary = f"{whole.summary} · {live_note(now)}"
    return ChartOutputs(patch, no_update, no_update, summary, store)


def live_note(updated: str) -> str:
    """What the summary says about live updates: when new data last arrived. (The check itself
    runs every DASH_REFRESH_S: app.dash_app.live_check.)"""
    return f"live: updated {updated}"


def _page_window(
    page: Any, key: str, drawn: dict, load: Any, indicators: Sequence[str]
) -> Window | None:
    """The window a page request for the figure ``key`` asks for, if any. The request is in bar
    positions; the bar it names is looked up in the window held (the core caches it)."""
    if not isinstance(page, dict) or page.get("key") != key:
        return None
    held = Held.from_store(drawn.get("held"))
    wanted = next_page(page.get("relayout"), held)
    if wanted is None or held is None:
        return None
    try:
        shown = load(Window.from_store(drawn.get("window")), indicators).view
    except Exception:  # the redraw that follows shows the error
        return None
    if shown.frame.empty:
        return None
    return page_window(wanted, shown.frame["time"], shown.first_index)


def _chart_data(
    source: str,
    symbol: str | None,
    timeframe: str | None,
    upload_ref: dict | None,
    uploads: UploadCache,
    settings: Settings,
    window: Window,
    indicators: Sequence[str] = (),
) -> ChartData:
    return load_chart_data(
        source=source,
        symbol=symbol,
        timeframe=timeframe,
        emas=tuple(settings.ema_periods),
        upload=UploadRef.from_store(upload_ref) if upload_ref else None,
        uploads=uploads,
        settings=settings,
        window=window,
        indicators=tuple(indicators),
    )
