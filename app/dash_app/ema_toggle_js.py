"""The EMA checklist, in the browser: every offered EMA is a line of the figure (those not ticked
``visible=False``: ``app.dash_app.chart_callbacks``), so a tick shows or hides a line without a
request or new data.

Hiding is immediate: the line's SVG group leaves the screen at once, then ``Plotly.restyle``
(a whole recalculation, ~0.2-0.5 s for 2,000 candles) takes it out of the legend, the hover and
the scales. Showing a line needs that recalculation to draw it. The figure held by Dash is left
as it is: every later figure or Patch from the server carries the checklist's state, and a
figure requested before a tick (a redraw on its way) is patched right when it lands.
"""

from __future__ import annotations

from app.charts.plotly_charts import FIRST_EMA_TRACE

# (checklist value, drawn store) -> no_update (the emas-shown store is only its output slot).
# The drawn store lists the figure's EMA periods in trace order, from its FIRST_EMA_TRACE.
TOGGLE_EMAS_JS = """
function (ticked, drawn) {
    const skip = window.dash_clientside.no_update;
    const gd = document.querySelector("#chart .js-plotly-plot");
    if (!gd || !gd.data || !drawn || !Array.isArray(drawn.emas)) { return skip; }
    const wanted = new Set((ticked || []).map(Number));
    const indices = [], visible = [];
    drawn.emas.forEach((period, i) => {
        const index = FIRST_EMA_TRACE + i;
        const trace = gd.data[index];
        if (!trace) { return; }
        const show = wanted.has(Number(period));
        if ((trace.visible !== false) !== show) { indices.push(index); visible.push(show); }
    });
    if (!indices.length) { return skip; }
    const hidden = new Set(indices.filter((_, i) => !visible[i]));
    const groups = [...gd.querySelectorAll(".scatterlayer .trace")].filter((group) => {
        const data = group.__data__;
        const trace = data && data[0] && data[0].trace;
        return trace && hidden.has(trace.index);
    });
    groups.forEach((group) => { group.style.display = "none"; });
    // plotly.js may reuse a group for a later line: it must not stay hidden
    const unhide = () => groups.forEach((group) => { group.style.display = ""; });
    const restyle = () => window.Plotly.restyle(gd, {visible: visible}, indices).then(unhide);
    // after the frame that shows the lines gone has been painted
    requestAnimationFrame(() => setTimeout(restyle, 0));
    return skip;
}
""".replace("FIRST_EMA_TRACE", str(FIRST_EMA_TRACE))

# (drawn store, checklist value, figure) -> a Patch of the new figure's EMA lines, or no_update.
# A figure requested before a tick (a redraw on its way) carries the checklist of its request.
SYNC_NEW_FIGURE_JS = """
function (drawn, ticked, figure) {
    const skip = window.dash_clientside.no_update;
    if (!drawn || !Array.isArray(drawn.emas) || !figure || !Array.isArray(figure.data)) {
        return skip;
    }
    const wanted = new Set((ticked || []).map(Number));
    const patch = new window.dash_clientside.Patch();
    let changed = false;
    drawn.emas.forEach((period, i) => {
        const index = FIRST_EMA_TRACE + i;
        const trace = figure.data[index];
        const show = wanted.has(Number(period));
        if (trace && (trace.visible !== false) !== show) {
            patch.assign(["data", index, "visible"], show);
            changed = true;
        }
    });
    return changed ? patch.build() : skip;
}
""".replace("FIRST_EMA_TRACE", str(FIRST_EMA_TRACE))
