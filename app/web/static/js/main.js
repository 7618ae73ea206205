// Super Chart page (/chart, Lightweight Charts 5, vendored): one chart component (the same one
// each workspace chart is: price pane with volume, EMA lines, indicators in panes of their own,
// paging older and newer bars in on scroll) plus the page's extras: the toolbar, the address,
// the indicators dialog, analysis, the scanner, live updates and Bar Replay, the screenshot and
// the offline file. Each part lives in its own module; this one wires them.

import { lastLegendText } from "./screenshot_legend.js";
import { sendTokenWithFetches } from "./access.js";
import { state, pageContext, pageQuery } from "./page_state.js";
import { createChartComponent } from "./chart_component.js";
import { createIndicatorDialog } from "./dialog.js";
import { createAnalysis, wireAnalysisControls } from "./analysis.js";
import { createScanner } from "./scanner.js";
import { createLive } from "./live.js";
import { createSharedSocket } from "./shared_socket.js";
import { createReplay } from "./replay.js";
import { createSymbolSearch } from "./symbol_search.js";
import { applyPageTheme, chartThemeOptions, themeColors } from "./theme.js";
import { showMessage, showNotices } from "./notices.js";
import {
  markTimeframe, saveScreenshot, toggleFullscreen, wireButton, wireSelect, wireTimeframes,
} from "./toolbar.js";

sendTokenWithFetches(); // API_TOKENS: before any fetch (a no-op on an open server)
const container = document.getElementById("chart");
state.precision = 2;
applyPageTheme(state.theme);

// The page's one chart: the chart component (as each workspace chart is), its context a view
// onto the page's state; this module adds the page's extras around it.
const component = createChartComponent({
  container,
  ctx: pageContext(),
  emas: state.shown,
  indicators: state.indicators,
  hooks: {
    showMessage,
    onChange: () => updateUrl(),
    beforeData() {
      state.error = null;
      container.hidden = false;
    },
    onData() {
      analysis.refresh(); // a new symbol or timeframe has its own analysis
      if (live && !replay.active) live.resubscribe(); // updates for what is drawn now
    },
    onPage: () => analysis.draw(), // the spike markers on the bars a page brought
  },
  legendOptions: { titleId: "legend", readOnly: state.standalone },
});
const { chart, held, instances, studies, legend, loader } = component;
const shown = component.shown; // EMAs the user has ticked (drawn once there is data)
const actions = state.standalone ? null : component.actions;

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
const dialog = dialogElement ? createIndicatorDialog({ dialog: dialogElement, instances, actions }) : null;
component.setDialog(dialog);
const analysis = createAnalysis({
  chart, pricePane: component.pricePane, held, panel: document.getElementById("analysis-panel"), showMessage,
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

// Live on the page's shared socket (the module every workspace chart subscribes on).
const live = state.standalone ? null : createLive({
  socket: createSharedSocket(),
  held,
  dot: document.getElementById("live-dot"),
  request: component.request,
  onBars: component.drawBars,
  fetchGap: component.fetchGap,
});
const replay = live ? createReplay({
  live,
  held,
  request: component.request,
  onStart: component.setData,
  onExit: () => loader.switchTimeframe(state.timeframe, {}).then(updateUrl),
  showMessage,
}) : { active: false };
wireButton("replay-button", () => replay.toggle && replay.toggle());

// -- controls -------------------------------------------------------------------------------

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
  component.setType(type, { onFail: () => (select.value = state.chart) }).then(() => {
    analysis.draw(); // the levels belong to the new price series
    updateUrl();
  });
}

for (const box of document.querySelectorAll("#ema-toggles input[type=checkbox]")) {
  box.addEventListener("change", () => component.toggleEma(Number(box.dataset.period), box.checked));
}
wireTimeframes(switchTimeframe);
const typeSelect = wireSelect("chart-type", (type) => setChartType(type, typeSelect));
wireSelect("scale-mode", (mode) => {
  component.setScale(mode);
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
wireButton("indicators-button", () => component.openDialog());
wireButton("scanner-button", () => scanner && scanner.open());
wireAnalysisControls(analysis, updateUrl);
const searchInput = document.getElementById("symbol-search");
if (searchInput) {
  createSymbolSearch({ input: searchInput, list: document.getElementById("symbol-options"), onPick: openSymbol });
}

window.superChart = {
  chart,
  get candles() {
    return component.pricePane.series;
  },
  volume: component.pricePane.volume,
  emas: component.emas.lines,
  data: held.data,
  status: loader.status,
  state,
  instances,
  studies,
  legend,
  dialog,
  component,
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
  component.setData(state.initial);
  updateUrl();
}
if (live) live.connect();
window.superChart.ready = true;
