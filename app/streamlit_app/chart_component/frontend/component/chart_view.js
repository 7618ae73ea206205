// The page's chart component (js/chart_component.js: price pane and volume, EMA lines,
// indicator instances in their panes with their guides, legends) plus the page's levels and
// spikes, driven by the state and bars the Streamlit app hands over instead of by the page's
// fetches (standalone: no paging, no server). It is made once; each render updates its series
// in place (update for the last bars, setData otherwise), so the user's zoom and scroll stay.

import { state, pageContext } from "../js/page_state.js";
import { createChartComponent } from "../js/chart_component.js";
import { createAnalysis } from "../js/analysis.js";
import { applyPageTheme, chartThemeOptions } from "../js/theme.js";
import { showMessage } from "../js/notices.js";
import { planUpdate } from "./bar_window.js";

const KEPT_PLANS = 50; // the last plans, for tests

export function createChartView(container) {
  applyPageTheme(state.theme);
  const component = createChartComponent({
    container,
    ctx: pageContext(),
    emas: state.shown,
    indicators: [],
    hooks: { showMessage, onChange() {} },
    legendOptions: { readOnly: true }, // indicators are picked in Streamlit's sidebar
  });
  const { chart, held, instances, studies } = component;
  const analysis = createAnalysis({ chart, pricePane: component.pricePane, held, panel: null, showMessage });
  let drawnAnalysis = null; // the analysis drawn, as JSON text

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
    const wanted = new Set(state.shown.map(Number));
    for (const period of state.offered) {
      if (wanted.has(period) !== component.shown.has(period)) component.toggleEma(period, wanted.has(period));
    }
  }

  /** New bars: drawn bar by bar when only the last few changed, else redrawn with the view
   * kept on the same bars (a new symbol or timeframe starts at the newest bars). */
  function setBars(payload, sameSeries) {
    const plan = sameSeries ? planUpdate(held.data.columns, payload.columns) : { kind: "new" };
    if (plan.kind === "append") {
      held.replace(payload);
      const indices = [];
      for (let index = plan.from; index < held.count(); index++) indices.push(index);
      component.drawBars(indices);
      component.actions.sync(); // an instance whose columns just came
      return plan;
    }
    const hadBars = Boolean(held.data.columns);
    const range = chart.timeScale().getVisibleLogicalRange();
    component.setData(payload);
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
    // Levels past the strongest few are left off: said above the chart (the page's words).
    document.getElementById("levels-note").hidden = !(state.levels && analysis.drawn().hidden);
  }

  /** Streamlit's light or dark theme, followed as the page's theme button would. */
  function setTheme(name) {
    const theme = name === "light" ? "light" : "dark";
    if (theme === state.theme) return;
    state.theme = theme;
    chart.applyOptions(chartThemeOptions(theme));
    applyPageTheme(theme);
  }

  const exposed = { ...component, analysis, plans: [] };

  /** Everything the app sent; ``payload`` is null when the bars are those drawn already;
   * ``themeName`` is Streamlit's theme ("light" or "dark"). */
  function render(next, payload, themeName) {
    const before = { symbol: state.symbol, timeframe: state.timeframe, chart: state.chart, theme: state.theme };
    Object.assign(state, next);
    state.theme = before.theme;
    setTheme(themeName);
    const sameSeries = ["symbol", "timeframe", "chart"].every((name) => before[name] === state[name]);
    if (before.chart !== state.chart) component.pricePane.setType(state.chart, null);
    chart.priceScale("right", 0).applyOptions({
      scaleMargins: { top: 0.05, bottom: state.priceMarginBottom ?? 0.25 },
    });
    matchInstances(state.indicators || []);
    if (payload) {
      const plan = setBars(payload, sameSeries && Boolean(held.data.columns));
      exposed.plans.push(plan.kind);
      if (exposed.plans.length > KEPT_PLANS) exposed.plans.shift();
    } else if (held.data.columns) {
      component.actions.sync();
    }
    if (!held.data.columns) return;
    matchEmas();
    drawAnalysis();
  }

  return { render, exposed };
}
