"""The browser-side filter in front of paging: only a pan or zoom past an edge of the bars held
reaches the server.

Without it every relayout (the first autosize, each zoom step) would be a chart request, and
Dash drops an answer on its way when a newer request for the same outputs starts: a relayout
that changes nothing would swallow an EMA toggle sent just before it. The server checks again
(:func:`app.dash_app.window.next_page`); this only spares it the requests that change nothing.
"""

from __future__ import annotations

# (relayoutData, drawn store) -> {"key", "relayout"} for the page store, or no_update.
PAGE_REQUEST_JS = """
function (relayout, drawn) {
    const skip = window.dash_clientside.no_update;
    if (!relayout || !drawn || !drawn.held) { return skip; }
    let a = relayout["xaxis.range[0]"], b = relayout["xaxis.range[1]"];
    const pair = relayout["xaxis.range"];
    if ((a === undefined || b === undefined) && Array.isArray(pair) && pair.length === 2) {
        [a, b] = pair;
    }
    const num = v => (typeof v === "number" && Number.isFinite(v)) ? v : NaN;
    let low = num(a), high = num(b);
    // bar positions (app.charts.plotly_time): the first held bar's and the last one's
    const first = drawn.held.position || 0;
    const last = first + Math.max(drawn.held.count || 1, 1) - 1;
    if ([low, high].some(Number.isNaN)) { return skip; }
    if (low > high) { [low, high] = [high, low]; }
    if (low < first && high > last) { return skip; }
    const older = low < first && drawn.held.more_before;
    const newer = high > last && drawn.held.more_after;
    if (!older && !newer) { return skip; }
    return {key: drawn.key, relayout: {"xaxis.range": [a, b]}};
}
"""
