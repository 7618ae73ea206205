"""The EMA checklist, in the browser: every offered EMA is a line of the figure (those not ticked
``visible=False``: ``app.dash_app.chart_callbacks``), so a switch shows or hides a line without a
request or new data. The switches act from their own change events (``assets/ema_toggle.js``:
the line leaves the screen at once, ``Plotly.restyle`` follows). The figure held by Dash is
left as it is: every later figure or Patch from the server carries the checklist's state, and a
figure requested before a flip (a redraw on its way) is patched here when it lands.
"""

from __future__ import annotations

from app.charts.plotly_charts import FIRST_EMA_TRACE

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
