// Super Chart page (Lightweight Charts 5, vendored): price pane with volume at its foot, EMA
// lines and indicators over the prices, oscillators in panes of their own; pages older and
// newer bars in as the user scrolls. Each part lives in its own module; this one wires them.

import { lastLegendText } from "./screenshot_legend.js";
import { sendTokenWithFetches } from "./access.js";
import { state, pageQuery, timeframeSeconds } from "./page_state.js";
import { createHeld } from "./bars.js";
import { createLoader } from "./paging.js";
import { createPricePane } from "./price_series.js";
import { createEmaLines } from "./emas.js";
import { createInstances } from "./indicators.js";
import { createStudies } from "./studies.js";
import { createLegend } from "./legend.js";
import { createIndicatorDialog } from "./dialog.js";
import { createIndicatorActions } from "./indicator_actions.js";
import { createAnalysis, wireAnalysisControls } from "./analysis.js";
import { createScanner } from "./scanner.js";
import { createLive } from "./live.js";
import { createReplay } from "./replay.js";
import { createSymbolSearch } from "./symbol_search.js";
import { applyPageTheme, chartThemeOptions, themeColors } from "./theme.js";
import { formatTime, isDaily, pricePrecision } from "./format.js";
import { showMessage, showNotices } from "./notices.js";
import {
  markTimeframe, saveScreenshot, toggleFullscreen, wireButton, wireSelect, wireTimeframes,
} from "./toolbar.js";

sendTokenWithFetches(); // API_TOKENS: before any fetch (a no-op on an open server)
const container = document.getElementById("chart");
const options = state.options;
state.precision = 2;

function timeOptions() {
  return {
    timeScale: { timeVisible: !isDaily(timeframeSeconds()), secondsVisible: false },
    localization: { timeFormatter: (time) => formatTime(time, timeframeSeconds()) },
  };
}

const chart = window.LightweightCharts.createChart(container, { autoSize: true, crosshair: options.crosshair });
chart.applyOptions(chartThemeOptions(state.theme));
chart.applyOptions(timeOptions());
applyPageTheme(state.theme);

const held = createHeld(state.heldBars);
const pricePane = createPricePane(chart);
pricePane.setType(state.chart, null);
pricePane.setScaleMode(state.scale);
const emas = createEmaLines(chart, options.emaColors);
const shown = new Set(state.shown); // EMAs the user has ticked (drawn once there is data)
const instances = createInstances(state.indicators);
const studies = createStudies(chart, options.studyColors);

const page = { held, instances, studies, updateUrl };
const indicators = createIndicatorActions(page);
const actions = state.standalone ? null : indicators;
const legend = createLegend({ container, chart, held, emas, studies, actions });
page.legend = legend;

function request() {
  return {
    symbol: state.symbol,
    timeframe: state.timeframe,
    emas: state.offered.join(","),
    indicators: instances.tokens().join(","),
    chart: state.chart === "heikin_ashi" ? "heikin_ashi" : "",
  };
}

/** Everything drawn from the bars held. */
function draw() {
  const columns = held.data.columns;
  pricePane.draw(columns);
  emas.draw(columns);
  studies.draw(columns, held.data.indicators);
  legend.render();
}

/** Live bars merged into those held: the few changed drawn one by one (the forming bar
 * replaced, new ones appended), many at once redrawn whole. */
function drawBars(indices) {
  const columns = held.data.columns;
  const over = held.count() - (state.heldBars + state.pageBars);
  if (over > 0) {
    // Bounded: the oldest page goes, and the view stays on the same bars.
    const range = chart.timeScale().getVisibleLogicalRange();
    held.dropOldest(state.pageBars);
    draw();
    if (range) chart.timeScale().setVisibleLogicalRange({ from: range.from - state.pageBars, to: range.to - state.pageBars });
    return;
  }
  if (indices.length > 3) {
    draw();
    return;
  }
  for (const index of indices) {
    pricePane.updateBar(columns, index);
    emas.updateBar(columns, index);
    studies.updateBar(columns, index);
  }
  legend.render();
}

/** Bars between the newest held and a live snapshot, from the API (after a reconnect). */
async function fetchGap(newest, first) {
  const gap = await loader.fetchColumns({ start: newest + 1, end: first - 1, limit: state.heldBars });
  if (gap.columns.time.length) {
    held.append(gap, 0);
    draw();
  }
}

/** A page of bars joined on: drawn, and the spike markers on the bars it brought. */
function drawPage() {
  draw();
  analysis.draw();
}

function setPrecision(precision) {
  if (precision === state.precision) return;
  state.precision = precision;
  pricePane.setPrecision(precision);
  emas.setPrecision(precision);
  studies.setPrecision(precision);
}

function setData(payload) {
  held.replace(payload);
  state.error = null;
  container.hidden = false;
  setPrecision(pricePrecision(payload, payload.columns));
  chart.applyOptions(timeOptions());
  draw();
  // The EMA lines ticked, including any ticked while there was nothing to draw.
  for (const period of state.offered) {
    if (shown.has(period) && !(period in emas.lines)) emas.add(period, held.data.columns, state.precision);
    if (!shown.has(period) && period in emas.lines) emas.remove(period);
  }
  indicators.sync();
  analysis.refresh(); // a new symbol or timeframe has its own analysis
  if (live && !replay.active) live.resubscribe(); // updates for what is drawn now
}

const loader = createLoader({ chart, held, request, onReplace: setData, onPage: drawPage, showMessage });

// -- the address ---------------------------------------------------------------------------

function setDownloadLink(query) {
  const link = document.getElementById("download");
  if (link) link.href = "/chart.html?" + query + (query ? "&" : "") + "download=1";
}

/** The address bar and download link follow what is drawn (not while an error is shown). */
function updateUrl() {
  if (state.standalone || !held.data.columns) return;
  const query = pageQuery(shown, instances.allTokens()).toString();
  history.replaceState(null, "", "/chart?" + query);
  setDownloadLink(query);
}

// -- indicators and analysis ---------------------------------------------------------------

const dialogElement = document.getElementById("indicators-dialog");
page.dialog = dialogElement ? createIndicatorDialog({ dialog: dialogElement, instances, actions }) : null;
page.loader = loader;
const analysis = createAnalysis({
  chart, pricePane, held, panel: document.getElementById("analysis-panel"), showMessage,
});
const scannerElement = document.getElementById("scanner-dialog");
const scanner = scannerElement ? createScanner({ dialog: scannerElement, onOpen: openSymbol }) : null;

/** Another symbol's chart, with the same EMAs and indicators; at its own timeframe unless one
 * is given. */
function openSymbol(symbol, timeframe) {
  const query = pageQuery(shown, instances.allTokens());
  query.set("symbol", symbol);
  if (timeframe) query.set("timeframe", timeframe);
  else query.delete("timeframe");
  window.location.assign("/chart?" + query.toString());
}

// -- live and replay ------------------------------------------------------------------------

const live = state.standalone ? null : createLive({
  held, dot: document.getElementById("live-dot"), request, onBars: drawBars, fetchGap, showMessage,
});
const replay = live ? createReplay({
  live,
  held,
  request,
  onStart: setData,
  onExit: () => loader.switchTimeframe(state.timeframe, {}).then(updateUrl),
  showMessage,
}) : { active: false };
wireButton("replay-button", () => replay.toggle && replay.toggle());

// -- controls -------------------------------------------------------------------------------

function toggleEma(period, on) {
  if (on) shown.add(period);
  else shown.delete(period);
  if (!held.data.columns) return; // nothing drawn yet: the tick is used once there is data
  if (on && !(period in emas.lines)) emas.add(period, held.data.columns, state.precision);
  if (!on && period in emas.lines) emas.remove(period);
  legend.render();
  updateUrl();
}

function switchTimeframe(timeframe) {
  loader.switchTimeframe(timeframe, {
    commit() {
      state.timeframe = timeframe; // only now: the bars drawn are of this timeframe
      markTimeframe(timeframe);
    },
    onFail: () => markTimeframe(state.timeframe), // what is still drawn
  }).then(updateUrl);
}

function setChartType(type, select) {
  const heikin = (name) => name === "heikin_ashi";
  if (heikin(type) === heikin(state.chart) || !held.data.columns) {
    state.chart = type;
    pricePane.setType(type, held.data.columns);
    analysis.draw(); // the levels belong to the new price series
    legend.render();
    updateUrl();
    return;
  }
  loader.refetchHeld({ chart: heikin(type) ? "heikin_ashi" : "" }, {
    commit() {
      state.chart = type;
      pricePane.setType(type, null);
    },
    onFail: () => (select.value = state.chart),
  }).then(updateUrl);
}

for (const box of document.querySelectorAll("#ema-toggles input[type=checkbox]")) {
  box.addEventListener("change", () => toggleEma(Number(box.dataset.period), box.checked));
}
wireTimeframes(switchTimeframe);
const typeSelect = wireSelect("chart-type", (type) => setChartType(type, typeSelect));
wireSelect("scale-mode", (mode) => {
  state.scale = mode;
  pricePane.setScaleMode(mode);
  updateUrl();
});
wireButton("theme-toggle", () => {
  state.theme = state.theme === "dark" ? "light" : "dark";
  chart.applyOptions(chartThemeOptions(state.theme));
  applyPageTheme(state.theme);
  updateUrl();
});
wireButton("fullscreen", () => toggleFullscreen(document.documentElement));
wireButton("screenshot", () => saveScreenshot(chart, themeColors(state.theme).text));
wireButton("indicators-button", () => page.dialog && page.dialog.open());
wireButton("scanner-button", () => scanner && scanner.open());
wireAnalysisControls(analysis, updateUrl);
const searchInput = document.getElementById("symbol-search");
if (searchInput) {
  createSymbolSearch({ input: searchInput, list: document.getElementById("symbol-options"), onPick: openSymbol });
}

window.superChart = {
  chart,
  get candles() {
    return pricePane.series;
  },
  volume: pricePane.volume,
  emas: emas.lines,
  data: held.data,
  status: loader.status,
  state,
  instances,
  studies,
  legend,
  dialog: page.dialog,
  actions,
  analysis,
  live,
  replay,
  lastLegendText, // what the last screenshot drew of the legends
};

// First draw, from the data embedded in the page.
if (state.initial) showNotices(state.initial.notices); // the loader's, carried by the payload
if (state.error) {
  showMessage(state.error.detail);
  container.hidden = true;
  setDownloadLink(location.search.replace(/^\?/, ""));
  legend.render();
} else {
  setData(state.initial);
  updateUrl();
}
if (live) live.connect();
window.superChart.ready = true;
