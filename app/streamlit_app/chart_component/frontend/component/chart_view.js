// One chart composed of the page's own modules (price pane and volume, EMA lines, studies in
// their panes with their guides, legends, levels and spikes), driven by the state and bars the
// Streamlit app hands over instead of by the page's fetches. It is made once; each render
// updates its series in place (setData / update), so the user's zoom and scroll stay.

import { state, timeframeSeconds } from "../js/page_state.js";
import { createHeld } from "../js/bars.js";
import { createPricePane } from "../js/price_series.js";
import { createEmaLines } from "../js/emas.js";
import { createInstances } from "../js/indicators.js";
import { createStudies } from "../js/studies.js";
import { createLegend } from "../js/legend.js";
import { createIndicatorActions } from "../js/indicator_actions.js";
import { createAnalysis } from "../js/analysis.js";
import { applyPageTheme, chartThemeOptions } from "../js/theme.js";
import { formatTime, isDaily, pricePrecision } from "../js/format.js";
import { showMessage } from "../js/notices.js";
import { planUpdate } from "./bar_window.js";

function timeOptions() {
  return {
    timeScale: { timeVisible: !isDaily(timeframeSeconds()), secondsVisible: false },
    localization: { timeFormatter: (time) => formatTime(time, timeframeSeconds()) },
  };
}

export function createChartView(container) {
  const lwc = window.LightweightCharts;
  const chart = lwc.createChart(container, { autoSize: true, crosshair: state.options.crosshair });
  chart.applyOptions(chartThemeOptions(state.theme));
  applyPageTheme(state.theme);

  const held = createHeld(state.heldBars);
  const pricePane = createPricePane(chart);
  pricePane.setType(state.chart, null);
  pricePane.setScaleMode(state.scale);
  const emas = createEmaLines(chart, state.options.emaColors);
  const instances = createInstances([]);
  const studies = createStudies(chart, state.options.studyColors);
  const legend = createLegend({ container, chart, held, emas, studies, actions: null });
  const page = { held, instances, studies, legend, updateUrl() {} };
  const indicators = createIndicatorActions(page);
  const analysis = createAnalysis({ chart, pricePane, held, panel: null, showMessage });
  let drawnAnalysis = null; // the analysis drawn, as JSON text

  function setPrecision(precision) {
    if (precision === state.precision) return;
    state.precision = precision;
    pricePane.setPrecision(precision);
    emas.setPrecision(precision);
    studies.setPrecision(precision);
  }

  function drawAll() {
    const columns = held.data.columns;
    pricePane.draw(columns);
    emas.draw(columns);
    studies.draw(columns, held.data.indicators);
  }

  /** The instances as the app lists them: gone ones off the chart, new ones added, in order. */
  function matchInstances(tokens) {
    for (const instance of [...instances.list]) {
      if (tokens.includes(instance.token)) continue;
      instances.remove(instance.id);
      studies.remove(instance.id);
    }
    for (const token of tokens) {
      if (!instances.list.some((instance) => instance.token === token)) instances.add(token);
    }
    instances.list.sort((a, b) => tokens.indexOf(a.token) - tokens.indexOf(b.token));
  }

  function matchEmas() {
    const shown = new Set(state.shown.map(Number));
    for (const period of Object.keys(emas.lines)) if (!shown.has(Number(period))) emas.remove(period);
    for (const period of shown) {
      if (!(period in emas.lines)) emas.add(period, held.data.columns, state.precision);
    }
  }

  /** New bars: drawn bar by bar when only the last few changed, else redrawn with the view
   * kept on the same bars (a new symbol or timeframe starts at the newest bars). */
  function setBars(payload, sameSeries) {
    const plan = sameSeries ? planUpdate(held.data.columns, payload.columns) : { kind: "new" };
    const hadBars = Boolean(held.data.columns);
    const range = chart.timeScale().getVisibleLogicalRange();
    held.replace(payload);
    setPrecision(pricePrecision(payload, payload.columns));
    chart.applyOptions(timeOptions());
    if (plan.kind === "append") {
      const columns = held.data.columns;
      for (let index = plan.from; index < columns.time.length; index++) {
        pricePane.updateBar(columns, index);
        emas.updateBar(columns, index);
        studies.updateBar(columns, index);
      }
      return plan;
    }
    drawAll();
    if (plan.kind === "shift" && range) {
      chart.timeScale().setVisibleLogicalRange({ from: range.from + plan.by, to: range.to + plan.by });
    } else if (plan.kind === "new" && hadBars) {
      chart.timeScale().scrollToRealTime();
    }
    return plan;
  }

  function drawAnalysis() {
    const text = JSON.stringify([state.levels, state.spikes, state.analysis]);
    if (text === drawnAnalysis) return;
    drawnAnalysis = text;
    analysis.shown.levels = Boolean(state.levels);
    analysis.shown.spikes = Boolean(state.spikes);
    analysis.setResult(state.analysis || null);
  }

  const exposed = { chart, held, pricePane, emas, studies, legend, analysis, instances, plans: [] };

  /** Everything the app sent; ``payload`` is null when the bars are those drawn already. */
  function render(next, payload) {
    const before = { symbol: state.symbol, timeframe: state.timeframe, chart: state.chart };
    Object.assign(state, next);
    const sameSeries = ["symbol", "timeframe", "chart"].every((name) => before[name] === state[name]);
    if (before.chart !== state.chart) pricePane.setType(state.chart, null);
    chart.priceScale("right", 0).applyOptions({
      scaleMargins: { top: 0.05, bottom: state.priceMarginBottom ?? 0.25 },
    });
    matchInstances(state.indicators || []);
    if (payload) {
      const plan = setBars(payload, sameSeries && Boolean(held.data.columns));
      exposed.plans.push(plan.kind);
      if (exposed.plans.length > 50) exposed.plans.shift();
    }
    if (!held.data.columns) return;
    matchEmas();
    indicators.sync(); // draws the new instances' series, orders the panes, renders the legend
    drawAnalysis();
  }

  return { render, exposed };
}
