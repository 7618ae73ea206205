// The Plotly engine's time axis labels for the bars in view, in the browser: the rule of
// app/charts/plotly_time.py's time_ticks (the same calendar units, the same 3-8 labels, the same
// formats), written once for every front end that draws the engine's figures (the Dash page's
// callbacks, the Streamlit Plotly component). The x axis is the bars' positions (bars side by
// side), so plotly.js cannot pick dates itself, and the labels the server chose for the whole
// window say nothing once the user zooms into a day of it.
//
// A classic script with no import or export, so it loads both as a <script> (Dash) and as a
// module's side-effect import (Streamlit): it sets globalThis.superChartTimeTicks.

(function () {
  "use strict";

  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    "Dec"];
  const MAX_TICKS = 8;
  const MIN_TICKS = 3;
  const MONTH_LABEL = /^([A-Z][a-z]{2}) '(\d\d)$/;

  /** UNIX seconds of a bar's hover date as the core writes it (app.core.bar_dates):
   * "2024-01-03 14:00 UTC", "2024-01-03" or "May '18"; NaN for anything else. */
  function barSeconds(text) {
    const month = MONTH_LABEL.exec(text);
    if (month) {
      let year = 2000 + Number(month[2]);
      if (year > new Date().getUTCFullYear() + 1) year -= 100;
      return Date.UTC(year, MONTHS.indexOf(month[1]), 1) / 1000;
    }
    return Date.parse(String(text).replace(" UTC", "Z").replace(" ", "T")) / 1000;
  }

  function parts(t) {
    const d = new Date(t * 1000);
    return {
      y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate(),
      h: d.getUTCHours(), min: d.getUTCMinutes(),
    };
  }

  const pad = (n) => String(n).padStart(2, "0");
  const FORMATS = {
    hour: (p) => `${pad(p.d)} ${MONTHS[p.m]} ${pad(p.h)}:${pad(p.min)}`, // %d %b %H:%M
    day: (p) => `${pad(p.d)} ${MONTHS[p.m]}`, // %d %b
    month: (p) => `${MONTHS[p.m]} '${pad(p.y % 100)}`, // %b '%y
    year: (p) => `${p.y}`, // %Y
    dayYear: (p) => `${pad(p.d)} ${MONTHS[p.m]} '${pad(p.y % 100)}`, // %d %b '%y
  };

  const days = (t) => Math.floor(t / 86400);
  const months = (t) => {
    const p = parts(t);
    return (p.y - 1970) * 12 + p.m;
  };
  // As plotly_time._UNITS: (key of each bar's period, label format), finest first.
  const UNITS = [
    ...[1, 2, 4, 6, 12].map((n) => [(t) => Math.floor(t / 3600 / n), "hour"]),
    [days, "day"],
    [(t) => Math.floor((days(t) + 3) / 7), "day"], // weeks from Monday
    ...[1, 3, 6].map((n) => [(t) => Math.floor(months(t) / n), "month"]),
    ...[1, 2, 5, 10, 25].map((n) => [(t) => Math.floor((parts(t).y - 1970) / n), "year"]),
  ];

  /** {tickvals, ticktext}: the first bar of each calendar period (the finest unit with at most
   * MAX_TICKS of them), labelled in that unit's words; evenly spread dates when no unit has
   * enough boundaries (a few bars). ``times``: the bars' UNIX seconds, ``positions`` their x. */
  function timeTicks(times, positions) {
    if (!times.length) return { tickvals: [], ticktext: [] };
    let chosen = null;
    let finer = null;
    for (const [key, format] of UNITS) {
      const keys = times.map(key);
      const starts = [];
      for (let i = 1; i < keys.length; i++) if (keys[i] !== keys[i - 1]) starts.push(i);
      if (starts.length <= MAX_TICKS) {
        if (starts.length >= MIN_TICKS) chosen = [starts, format];
        else if (finer) {
          // too few here, too many one unit finer: every n-th of those
          const step = Math.ceil(finer[0].length / MAX_TICKS);
          chosen = [finer[0].filter((_, i) => i % step === 0), finer[1]];
        }
        break;
      }
      finer = [starts, format];
    }
    if (!chosen) {
      const count = Math.min(times.length, 5);
      const spread = Array.from({ length: count }, (_, i) =>
        Math.round((i * (times.length - 1)) / Math.max(count - 1, 1)),
      );
      const daily = times.every((t) => t % 86400 === 0);
      chosen = [[...new Set(spread)], daily ? "dayYear" : "hour"];
    }
    const [rows, format] = chosen;
    return {
      tickvals: rows.map((i) => positions[i]),
      ticktext: rows.map((i) => FORMATS[format](parts(times[i]))),
    };
  }

  /** The ticks for the bars inside ``range`` (the x axis' [from, to]), or null when none is in
   * it. ``dates``: every bar's hover date (the candles' customdata); the bars sit at the
   * consecutive positions ``first``, ``first + 1``... (plotly_time.bar_positions). */
  function visibleTicks(dates, first, range) {
    if (!dates || !dates.length || !Array.isArray(range) || !Number.isFinite(first)) return null;
    const ends = range.map(Number);
    const low = Math.max(Math.ceil(Math.min(...ends)) - first, 0);
    const high = Math.min(Math.floor(Math.max(...ends)) - first, dates.length - 1);
    if (!(high >= low)) return null;
    const times = [];
    const positions = [];
    for (let row = low; row <= high; row++) {
      const t = barSeconds(dates[row]);
      if (Number.isFinite(t)) {
        times.push(t);
        positions.push(first + row);
      }
    }
    return times.length ? timeTicks(times, positions) : null;
  }

  /** Whether ``axis`` (a plotly x axis) already shows ``ticks``. */
  function shows(axis, ticks) {
    const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
    return (
      same(Array.from((axis && axis.tickvals) || []), ticks.tickvals) &&
      same(Array.from((axis && axis.ticktext) || []), ticks.ticktext)
    );
  }

  globalThis.superChartTimeTicks = Object.freeze({ barSeconds, timeTicks, visibleTicks, shows });
})();
