"""The time axis' date labels for the bars in view, recomputed in the browser on every zoom and
pan: the x axis is the bars' positions (``app.charts.plotly_time``), so plotly.js cannot pick
dates itself, and the labels the server chose for the whole window say nothing once the user
zooms into a day of it.

The rule is :func:`app.charts.plotly_time.time_ticks` in JavaScript, shared with the Streamlit
component (``app/charts/js/time_ticks.js``, loaded by the page: :mod:`.page_scripts`); these
callbacks only feed it the bars' dates (the candles' hover dates, their ``customdata``, which
live updates extend with the bars) and the range in view, and patch the axis with its answer;
the grid's charts alike (:data:`GRID_TICKS_JS`).
"""

from __future__ import annotations

# (relayoutData, drawn store, figure) -> a Patch of the x axis' labels, or no_update when they
# are already right.
VISIBLE_TICKS_JS = """
function (_, drawn, figure) {
    const skip = window.dash_clientside.no_update;
    const rule = window.superChartTimeTicks;
    const gd = document.querySelector("#chart .js-plotly-plot");
    if (!rule || !gd || !gd._fullLayout || !drawn || !drawn.held || !figure || !figure.data) {
        return skip;
    }
    const candles = figure.data[0];
    const dates = candles && Array.isArray(candles.customdata) ? candles.customdata : null;
    const axis = gd._fullLayout.xaxis;
    const ticks = rule.visibleTicks(dates, drawn.held.position || 0, axis.range);
    if (!ticks || rule.shows(axis, ticks)) { return skip; }
    const patch = new window.dash_clientside.Patch();
    patch.assign(["layout", "xaxis", "tickvals"], ticks.tickvals);
    patch.assign(["layout", "xaxis", "ticktext"], ticks.ticktext);
    return patch.build();
}
"""

# (drawn store, figure) -> the same, for a figure just drawn or live-patched: once plotly.js has
# drawn it (the callback may run before dcc.Graph has), for the range it shows.
NEW_FIGURE_TICKS_JS = (
    """
function (drawn, figure) {
    const visible = """
    + VISIBLE_TICKS_JS.strip()
    + """;
    const gd = document.querySelector("#chart .js-plotly-plot");
    if (!gd || !figure) { return window.dash_clientside.no_update; }
    if (gd.layout === figure.layout) { return visible(null, drawn, figure); }
    return new Promise((resolve) => {
        const done = () => resolve(visible(null, drawn, figure));
        const late = setTimeout(() => resolve(window.dash_clientside.no_update), 5000);
        gd.once("plotly_afterplot", () => { clearTimeout(late); done(); });
    });
}
"""
)

# (relayoutData) -> the same for one of the grid's charts ($graph: its id), from what plotly.js
# drew (the candles' positions and hover dates), after a zoom or pan.
GRID_TICKS_JS = """
function (_) {
    const skip = window.dash_clientside.no_update;
    const rule = window.superChartTimeTicks;
    const gd = document.querySelector("#$graph .js-plotly-plot");
    if (!rule || !gd || !gd._fullLayout || !gd._fullData) { return skip; }
    const candles = gd._fullData.find((trace) => trace.type === "candlestick");
    if (!candles || !candles.x || !candles.x.length) { return skip; }
    const axis = gd._fullLayout.xaxis;
    const dates = Array.from(candles.customdata || []);
    const ticks = rule.visibleTicks(dates, Number(candles.x[0]), axis.range);
    if (!ticks || rule.shows(axis, ticks)) { return skip; }
    const patch = new window.dash_clientside.Patch();
    patch.assign(["layout", "xaxis", "tickvals"], ticks.tickvals);
    patch.assign(["layout", "xaxis", "ticktext"], ticks.ticktext);
    return patch.build();
}
"""


def grid_ticks_js(graph_id: str) -> str:
    """:data:`GRID_TICKS_JS` for the graph ``graph_id``."""
    return GRID_TICKS_JS.replace("$graph", graph_id)
