// One chart of the workspace, a cell made as many times as there are charts: its head (symbol,
// live dot, timeframe, type, scale, EMAs, indicators, compare), and the page's chart component
// (../chart_component.js: bars paged in on scroll, EMA lines, indicators in their own panes,
// legends) with its own chart context, live on its own subscription on the page's shared socket.

import { state } from "../page_state.js";
import { createChartComponent } from "../chart_component.js";
import { fetchColumns, logicalOfTime, subscribeBars, timeOfLogical } from "./chart_data.js";
import { createCompare } from "./compare.js";
import { buildHead } from "./chart_head.js";
import { createChartStatus } from "../chart_status.js";

export const CHART_TYPES = ["candles", "hollow", "bars", "line", "area", "heikin_ashi"];
export const SCALES = ["normal", "log", "percent"];
const TOKEN = /^[a-z][a-z0-9_]*(:-?\d+(\.\d+)?)*$/;
const MAX_LINES = 12; // EMAs + indicator instances the API computes per request

export function normalSpec(spec) {
  const out = { ...spec };
  out.symbol = String(out.symbol || state.defaultSymbol);
  out.timeframe = state.timeframes.includes(out.timeframe) ? out.timeframe : state.defaultTimeframe;
  out.type = CHART_TYPES.includes(out.type) ? out.type : "candles";
  out.scale = SCALES.includes(out.scale) ? out.scale : "normal";
  out.emas = (out.emas || []).map(Number).filter((p) => state.offered.includes(p));
  out.compare = (out.compare || []).map(String).filter(Boolean).slice(0, 5);
  out.indicators = (out.indicators || []).map(String).filter((token) => TOKEN.test(token))
    .slice(0, Math.max(0, MAX_LINES - state.offered.length));
  return out;
}

/** The chart context of a workspace chart: a view onto its spec. */
function contextOf(spec) {
  return {
    get symbol() {
      return spec.symbol;
    },
    get timeframe() {
      return spec.timeframe;
    },
    get chart() {
      return spec.type;
    },
    set chart(type) {
      spec.type = type;
    },
    get scale() {
      return spec.scale;
    },
    set scale(mode) {
      spec.scale = mode;
    },
    precision: 2,
    pageBars: state.pagingBars || 2000,
    heldBars: state.heldBars || 20000,
    standalone: false,
    barSeconds: (timeframe) => state.timeframeSeconds[timeframe || spec.timeframe] || 60,
  };
}

export function createChartView({ cell, socket, spec: initial, hooks, dialog }) {
  const spec = normalSpec(initial);
  const view = { spec, cell, error: null, loads: 0, liveFrames: 0 };
  const head = buildHead(cell, spec, {
    symbol: (value) => view.setSymbol(value),
    timeframe: (value) => view.setTimeframe(value),
    type: (value) => view.setType(value),
    scale: (value) => view.setScale(value),
    ema: (period, on) => component.toggleEma(period, on),
    indicators: () => component.openDialog(),
    compare: (value) => view.addCompare(value),
    duplicate: () => hooks.onDuplicate(view),
    maximise: () => hooks.onMaximise(view),
    remove: () => hooks.onRemove(view),
  });
  view.head = head;
  const liveStatus = createChartStatus(head.dot, socket);
  view.liveStatus = liveStatus.status;
  const canvas = cell.querySelector(".ws-canvas");
  const message = cell.querySelector(".ws-message");
  const ctx = contextOf(spec);
  let compare = null; // made once the chart exists (its lines are series of the chart)
  let live = null;
  let loading = false; // a load draws, then subscribes once
  let generation = 0; // a load started later wins over one still on its way

  function showMessage(text) {
    view.error = text || null;
    message.textContent = text || "";
    message.hidden = !text;
  }

  function changed() {
    Object.assign(spec, component.settings());
    head.sync(spec);
    hooks.onChange(view);
  }

  const component = createChartComponent({
    container: canvas,
    ctx,
    emas: spec.emas,
    indicators: spec.indicators,
    dialog,
    hooks: {
      showMessage,
      onChange: changed,
      onData: () => !loading && subscribe(), // new columns (an indicator added): live for them
      onPage: () => view.drawings && view.drawings.redraw(),
    },
    legendOptions: { extraRows: () => (compare ? [compare.legend()] : []) },
    fetchEmas: "shown", // per chart, only what it draws: four charts open faster
  });
  const chart = component.chart;
  view.chart = chart;
  view.component = component;
  view.series = () => component.pricePane.series;
  view.barSeconds = () => ctx.barSeconds();
  Object.defineProperty(view, "columns", { get: () => component.held.data.columns });
  Object.defineProperty(view, "precision", { get: () => ctx.precision });
  compare = createCompare(view, { onChange: () => changed(), render: () => component.legend.render() });
  cell.addEventListener("pointerdown", () => hooks.onActivate(view), true);

  chart.subscribeCrosshairMove((param) => {
    if (view.columns && hooks.onCrosshair && param.sourceEvent !== undefined) hooks.onCrosshair(view, param);
  });
  chart.timeScale().subscribeVisibleLogicalRangeChange(() => hooks.onRange && hooks.onRange(view));

  async function onBars(bars, snapshot) {
    if (snapshot) liveStatus.snapshot();
    const indices = await component.applyLive(bars, snapshot);
    if (!indices.length) return;
    view.liveFrames += 1;
    if (view.drawings && indices.length > 3) view.drawings.redraw();
    compare.onBars();
    if (hooks.onBars) hooks.onBars(view);
  }

  /** The live subscription for what is drawn now (EMAs, indicators, Heikin Ashi prices). */
  function subscribe() {
    if (live) live.close();
    liveStatus.reset();
    const wanted = { ...spec, emas: component.emasWanted(), indicators: component.instances.tokens() };
    live = subscribeBars(socket, wanted, onBars, (detail) => {
      view.liveError = detail;
      liveStatus.refused(detail);
    }, liveStatus.feed);
  }

  async function load() {
    generation += 1;
    const mine = generation;
    if (live) live.close();
    live = null;
    liveStatus.reset();
    try {
      const wanted = { ...spec, emas: component.emasWanted(), indicators: component.instances.tokens() };
      const payload = await fetchColumns(wanted, state.pageBars);
      if (mine !== generation) return;
      showMessage("");
      loading = true;
      try {
        component.setData(payload);
      } finally {
        loading = false;
      }
      chart.timeScale().scrollToRealTime();
      if (view.drawings) view.drawings.redraw();
      subscribe();
      await compare.reload();
      if (view.drawings) await view.drawings.load();
      view.loads += 1;
    } catch (error) {
      if (mine !== generation) return;
      showMessage(spec.symbol + " · " + spec.timeframe + ": " + error.message);
    }
  }

  view.load = load;
  view.setSymbol = (symbol) => {
    symbol = String(symbol || "").trim();
    if (!symbol || symbol === spec.symbol) return;
    spec.symbol = symbol;
    head.sync(spec);
    hooks.onChange(view);
    load();
  };
  view.setTimeframe = (timeframe) => {
    if (!state.timeframes.includes(timeframe) || timeframe === spec.timeframe) return;
    spec.timeframe = timeframe;
    head.sync(spec);
    hooks.onChange(view);
    load();
  };
  view.setType = (type) => {
    if (!CHART_TYPES.includes(type) || type === spec.type) return;
    const reload = (type === "heikin_ashi") !== (spec.type === "heikin_ashi");
    if (reload) {
      spec.type = type;
      component.pricePane.setType(type, null);
      load();
    } else component.setType(type);
    head.sync(spec);
    if (view.drawings) view.drawings.reattach();
    hooks.onChange(view);
  };
  view.setScale = (scale) => {
    if (!SCALES.includes(scale)) return;
    spec.scale = scale;
    head.sync(spec);
    view.applyScaleMode();
    hooks.onChange(view);
  };
  view.addCompare = (symbol) => compare.add(symbol);
  view.removeCompare = (symbol) => compare.remove(symbol);
  view.applyScaleMode = () => component.pricePane.setScaleMode(compare.count() ? "percent" : spec.scale);
  view.settings = () => normalSpec({ ...spec, ...component.settings() });
  /** x (pixels) of a time, on any timeframe: bars interpolated, the ends extrapolated. */
  view.timeToX = (time) => {
    if (!view.columns) return null;
    const logical = logicalOfTime(view.columns.time, time, view.barSeconds());
    return chart.timeScale().logicalToCoordinate(logical);
  };
  view.xToTime = (x) => {
    const logical = chart.timeScale().coordinateToLogical(x);
    if (logical === null || !view.columns) return null;
    return timeOfLogical(view.columns.time, logical, view.barSeconds());
  };
  view.destroy = () => {
    generation += 1;
    if (live) live.close();
    liveStatus.close();
    compare.close();
    if (view.drawings) view.drawings.close();
    component.destroy();
  };
  return view;
}
