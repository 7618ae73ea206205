"""The time axis' date labels for the bars in view, recomputed in the browser on every zoom and
pan: the x axis is the bars' positions (``app.charts.plotly_time``), so plotly.js cannot pick
dates itself, and the labels the server chose for the whole window say nothing once the user
zooms into a day of it.

The rule is :func:`app.charts.plotly_time.time_ticks`, written again in JavaScript (the same
calendar units, the same 3-8 labels, the same formats); the bars' dates are the candles' hover
dates (their ``customdata``), which live updates extend with the bars.
"""

from __future__ import annotations

# (relayoutData, drawn store, figure) -> a Patch of the x axis' labels, or no_update when they
# are already right.
VISIBLE_TICKS_JS = """
function (_, drawn, figure) {
    const skip = window.dash_clientside.no_update;
    const gd = document.querySelector("#chart .js-plotly-plot");
    if (!gd || !gd._fullLayout || !drawn || !drawn.held || !figure || !figure.data) {
        return skip;
    }
    const candles = figure.data[0];
    const dates = candles && Array.isArray(candles.customdata) ? candles.customdata : null;
    if (!dates || !dates.length) { return skip; }
    const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                    "Nov", "Dec"];
    const now = new Date().getUTCFullYear();
    const seconds = (text) => {  // "2024-01-03 14:00 UTC", "2024-01-03" or "May '18"
        const month = /^([A-Z][a-z]{2}) '(\\d\\d)$/.exec(text);
        if (month) {
            let year = 2000 + Number(month[2]);
            if (year > now + 1) { year -= 100; }
            return Date.UTC(year, MONTHS.indexOf(month[1]), 1) / 1000;
        }
        return Date.parse(String(text).replace(" UTC", "Z").replace(" ", "T")) / 1000;
    };
    const first = drawn.held.position || 0;
    const range = gd._fullLayout.xaxis.range;
    const low = Math.max(Math.ceil(Math.min(...range)) - first, 0);
    const high = Math.min(Math.floor(Math.max(...range)) - first, dates.length - 1);
    if (!(high >= low)) { return skip; }
    const rows = [], times = [];
    for (let row = low; row <= high; row++) {
        const t = seconds(dates[row]);
        if (Number.isFinite(t)) { rows.push(row); times.push(t); }
    }
    if (!times.length) { return skip; }
    const parts = (t) => { const d = new Date(t * 1000);
        return {y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate(),
                h: d.getUTCHours(), min: d.getUTCMinutes()}; };
    const pad = (n) => String(n).padStart(2, "0");
    const FORMATS = {
        hour: (p) => `${pad(p.d)} ${MONTHS[p.m]} ${pad(p.h)}:${pad(p.min)}`,
        day: (p) => `${pad(p.d)} ${MONTHS[p.m]}`,
        month: (p) => `${MONTHS[p.m]} '${pad(p.y % 100)}`,
        year: (p) => `${p.y}`,
    };
    const days = (t) => Math.floor(t / 86400);
    const months = (t) => { const p = parts(t); return (p.y - 1970) * 12 + p.m; };
    const UNITS = [  // as app.charts.plotly_time._UNITS, finest first
        ...[1, 2, 4, 6, 12].map((n) => [(t) => Math.floor(t / 3600 / n), "hour"]),
        [days, "day"], [(t) => Math.floor((days(t) + 3) / 7), "day"],
        ...[1, 3, 6].map((n) => [(t) => Math.floor(months(t) / n), "month"]),
        ...[1, 2, 5, 10, 25].map((n) => [(t) => Math.floor((parts(t).y - 1970) / n), "year"]),
    ];
    const MAX_TICKS = 8, MIN_TICKS = 3;
    let chosen = null, finer = null;
    for (const [key, format] of UNITS) {
        const keys = times.map(key);
        const starts = [];
        for (let i = 1; i < keys.length; i++) { if (keys[i] !== keys[i - 1]) starts.push(i); }
        if (starts.length <= MAX_TICKS) {
            if (starts.length >= MIN_TICKS) { chosen = [starts, format]; }
            else if (finer) {
                const step = Math.ceil(finer[0].length / MAX_TICKS);
                chosen = [finer[0].filter((_, i) => i % step === 0), finer[1]];
            }
            break;
        }
        finer = [starts, format];
    }
    if (!chosen) {  // a few bars: evenly spread dates
        const count = Math.min(times.length, 5);
        const spread = [...new Set(Array.from({length: count}, (_, i) =>
            Math.round(i * (times.length - 1) / Math.max(count - 1, 1))))];
        const daily = times.every((t) => t % 86400 === 0);
        chosen = [spread, daily ? "dayYear" : "hour"];
        FORMATS.dayYear = (p) => `${pad(p.d)} ${MONTHS[p.m]} '${pad(p.y % 100)}`;
    }
    const [at, format] = chosen;
    const tickvals = at.map((i) => first + rows[i]);
    const ticktext = at.map((i) => FORMATS[format](parts(times[i])));
    const shown = gd._fullLayout.xaxis;
    const same = (a, b) => Array.isArray(a) && a.length === b.length && a.every((v, i) =>
        v === b[i]);
    if (same(Array.from(shown.tickvals || []), tickvals)
        && same(Array.from(shown.ticktext || []), ticktext)) { return skip; }
    const patch = new window.dash_clientside.Patch();
    patch.assign(["layout", "xaxis", "tickvals"], tickvals);
    patch.assign(["layout", "xaxis", "ticktext"], ticktext);
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
