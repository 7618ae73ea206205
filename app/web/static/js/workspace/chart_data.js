// A chart's bars: fetched from /api/ohlcv as columns, and live bars from the shared socket merged
// in (a bar of the same time replaces the forming one, a newer one is appended). Bounded: past
// HELD_MAX bars the oldest go.

const HELD_MAX = 10000;
// The live snapshot only bridges the bars formed since the answer over HTTP (a hole past it
// loads the chart again), so it need not send the history a second time.
const SNAPSHOT_BARS = 50;

export function ohlcvUrl(spec, limit) {
  const query = new URLSearchParams({ symbol: spec.symbol, format: "columns", limit: String(limit) });
  if (spec.timeframe) query.set("timeframe", spec.timeframe);
  if (spec.emas) query.set("emas", spec.emas.join(",")); // [] is none; absent, the default EMAs
  if (spec.indicators && spec.indicators.length) query.set("indicators", spec.indicators.join(","));
  if (spec.type === "heikin_ashi") query.set("chart", "heikin_ashi");
  return "/api/ohlcv?" + query.toString();
}

async function fetchPayload(url) {
  const response = await fetch(url);
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  if (!response.ok) {
    const detail = body && body.detail ? body.detail : "The server answered " + response.status + ".";
    throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return body;
}

// Answers on their way, by address: charts asking for the same bars at once (a layout of one
// symbol, a duplicated chart) share one request and one JSON parse, and each gets its own copy
// of the columns (merged into by its live bars).
const inFlight = new Map();

function ownCopy(payload) {
  const columns = {};
  for (const [name, values] of Object.entries(payload.columns || {})) columns[name] = values.slice();
  return { ...payload, columns };
}

export async function fetchColumns(spec, limit) {
  const url = ohlcvUrl(spec, limit);
  let pending = inFlight.get(url);
  if (!pending) {
    pending = fetchPayload(url).finally(() => inFlight.delete(url));
    inFlight.set(url, pending);
  }
  return ownCopy(await pending);
}

/** The live subscription for ``spec`` (its snapshot and updates go to ``onBars(bars, snapshot)``,
 * the feed's `status` frames to ``onStatus(frame)``). */
export function subscribeBars(socket, spec, onBars, onError, onStatus) {
  return socket.subscribe({
    type: "subscribe",
    symbol: spec.symbol,
    timeframe: spec.timeframe,
    emas: (spec.emas || []).join(","),
    indicators: (spec.indicators || []).join(","),
    chart: spec.type === "heikin_ashi" ? "heikin_ashi" : "candles",
    limit: SNAPSHOT_BARS,
  }, (frame) => {
    if (frame.type === "snapshot") onBars(frame.bars, true);
    else if (frame.type === "update") onBars(frame.bars, false);
    else if (frame.type === "error") onError(frame.detail);
    else if (frame.type === "status" && onStatus) onStatus(frame);
  }, "chart");
}

/** Merges ``bars`` (records) into ``columns``; returns the indices changed and how many of the
 * oldest were dropped to stay bounded. */
export function mergeBars(columns, bars) {
  const names = Object.keys(columns);
  const changed = [];
  for (const bar of bars) {
    const count = columns.time.length;
    const last = count ? columns.time[count - 1] : -Infinity;
    if (bar.time < last) continue;
    const index = bar.time === last ? count - 1 : count;
    for (const name of names) {
      const value = bar[name] === undefined ? null : bar[name];
      if (index === count) columns[name].push(value);
      else columns[name][index] = value;
    }
    changed.push(index);
  }
  let dropped = 0;
  if (columns.time.length > HELD_MAX) {
    dropped = columns.time.length - HELD_MAX;
    for (const name of names) columns[name].splice(0, dropped);
  }
  return { changed, dropped };
}

/** The fractional bar index of ``time`` in ``times`` (sorted): between two bars by interpolation,
 * past the ends by the bar spacing, so a point drawn on one timeframe lands at the same time on
 * another. */
export function logicalOfTime(times, time, barSeconds) {
  const n = times.length;
  if (!n) return null;
  if (time <= times[0]) return (time - times[0]) / barSeconds;
  if (time >= times[n - 1]) return n - 1 + (time - times[n - 1]) / barSeconds;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= time) lo = mid;
    else hi = mid;
  }
  return lo + (time - times[lo]) / (times[hi] - times[lo]);
}

/** The time at fractional bar index ``logical`` (the inverse of logicalOfTime). */
export function timeOfLogical(times, logical, barSeconds) {
  const n = times.length;
  if (!n) return null;
  if (logical <= 0) return Math.round(times[0] + logical * barSeconds);
  if (logical >= n - 1) return Math.round(times[n - 1] + (logical - (n - 1)) * barSeconds);
  const lo = Math.floor(logical);
  return Math.round(times[lo] + (logical - lo) * (times[lo + 1] - times[lo]));
}
