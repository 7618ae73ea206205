// A layout as its address: /workspace?grid=4&charts=EURUSD~1h~candles~normal~10.21~GOOG|AAPL~rsi:14|macd:12:26:9,...
// &sync=crosshair.range (only the symbol of each chart is required; the fields are symbol,
// timeframe, type, scale, EMAs, compared symbols, indicator tokens).

export const GRIDS = { 1: [1, 1], "2h": [2, 1], "2v": [1, 2], 3: [3, 1], 4: [2, 2], 6: [3, 2], 8: [4, 2] };
export const SYNC_NAMES = ["crosshair", "range", "symbol", "timeframe"];

export function gridFor(count) {
  for (const name of ["1", "2h", "3", "4", "6", "8"]) {
    const [cols, rows] = GRIDS[name];
    if (cols * rows >= count) return name;
  }
  return "8";
}

export function capacity(grid) {
  const [cols, rows] = GRIDS[grid] || GRIDS[1];
  return cols * rows;
}

export function encodeChart(spec) {
  const fields = [spec.symbol, spec.timeframe, spec.type, spec.scale, (spec.emas || []).join("."),
    (spec.compare || []).join("|"), (spec.indicators || []).join("|")];
  return fields.join("~").replace(/~+$/, "");
}

export function decodeChart(text) {
  const [symbol, timeframe, type, scale, emas, compare, indicators] = text.split("~");
  return {
    symbol,
    timeframe,
    type,
    scale,
    emas: emas ? emas.split(".").filter(Boolean).map(Number) : [],
    compare: compare ? compare.split("|").filter(Boolean) : [],
    indicators: indicators ? indicators.split("|").filter(Boolean) : [],
  };
}

/** The layout an address describes, or null when it names none (layout=/share= are loaded). */
export function layoutFromQuery(query) {
  const charts = (query.get("charts") || "").split(",").filter(Boolean).map(decodeChart);
  if (!charts.length) return null;
  const grid = query.get("grid") in GRIDS ? query.get("grid") : gridFor(charts.length);
  const sync = (query.get("sync") || "").split(".").filter((name) => SYNC_NAMES.includes(name));
  return { version: 1, grid, charts: charts.slice(0, capacity("8")), sync, split: [0.5, 0.5] };
}

export function queryOfLayout(layout) {
  const query = new URLSearchParams({ grid: layout.grid, charts: layout.charts.map(encodeChart).join(",") });
  if (layout.sync && layout.sync.length) query.set("sync", layout.sync.join("."));
  return query;
}

/** A layout read from JSON (an import, the store): checked and cut to what the page can show. */
export function checkLayout(body) {
  if (!body || typeof body !== "object" || !Array.isArray(body.charts) || !body.charts.length) {
    throw new Error("Not a Super Chart layout: it needs a non-empty \"charts\" list.");
  }
  const charts = body.charts.slice(0, 8).map((chart) => {
    if (!chart || typeof chart.symbol !== "string" || !chart.symbol.trim()) {
      throw new Error("Not a Super Chart layout: every chart needs a \"symbol\".");
    }
    return {
      symbol: chart.symbol.slice(0, 100),
      timeframe: chart.timeframe,
      type: chart.type,
      scale: chart.scale,
      emas: Array.isArray(chart.emas) ? chart.emas : [],
      compare: Array.isArray(chart.compare) ? chart.compare.map(String) : [],
      indicators: Array.isArray(chart.indicators) ? chart.indicators.map(String).slice(0, 12) : [],
    };
  });
  const grid = body.grid in GRIDS && capacity(body.grid) >= charts.length ? body.grid : gridFor(charts.length);
  const sync = Array.isArray(body.sync) ? body.sync.filter((name) => SYNC_NAMES.includes(name)) : [];
  const split = Array.isArray(body.split) && body.split.length === 2 ? body.split.map(Number) : [0.5, 0.5];
  return { version: 1, grid, charts, sync, split, active: Number(body.active) || 0 };
}
