// What the server embedded in the page (the first bars or the error, the look, the catalog), and
// the address that reproduces what is drawn.

export const state = JSON.parse(document.getElementById("sc-state").textContent);

export const CHART_TYPES = {
  candles: "Candles",
  hollow: "Hollow candles",
  bars: "Bars",
  line: "Line",
  area: "Area",
  heikin_ashi: "Heikin Ashi",
};
export const SCALE_MODES = { normal: "Normal", log: "Log", percent: "Percent" };

export function timeframeSeconds(timeframe) {
  return state.timeframeSeconds[timeframe || state.timeframe] || 60;
}

/** The chart context of the page's one chart: what the chart modules (legend, paging,
 * indicator actions) read of their chart's state, here a view onto the page's state. A
 * workspace chart passes its own (see workspace/chart_view.js). */
export function pageContext() {
  return {
    get symbol() {
      return state.symbol;
    },
    get timeframe() {
      return state.timeframe;
    },
    get precision() {
      return state.precision;
    },
    set precision(value) {
      state.precision = value;
    },
    get chart() {
      return state.chart;
    },
    set chart(type) {
      state.chart = type;
    },
    get scale() {
      return state.scale;
    },
    set scale(mode) {
      state.scale = mode;
    },
    get pageBars() {
      return state.pageBars;
    },
    get heldBars() {
      return state.heldBars;
    },
    get standalone() {
      return state.standalone;
    },
    barSeconds: (timeframe) => timeframeSeconds(timeframe),
  };
}

/** The page's query: symbol, timeframe, EMA flags, indicators, chart type, scale, theme and
 * the analysis overlays. */
export function pageQuery(shownEmas, indicatorTokens) {
  const query = new URLSearchParams({ symbol: state.symbol, timeframe: state.timeframe });
  for (const period of state.offered) {
    query.set("ema_" + period, shownEmas.has(period) ? "true" : "false");
  }
  if (indicatorTokens.length) query.set("indicators", indicatorTokens.join(","));
  if (state.chart !== "candles") query.set("chart", state.chart);
  if (state.scale !== "normal") query.set("scale", state.scale);
  if (state.theme !== "dark") query.set("theme", state.theme);
  if (state.levels) query.set("levels", "true");
  if (state.spikes) query.set("spikes", "true");
  return query;
}
