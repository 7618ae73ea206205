// One chart of the workspace, a component made as many times as there are charts: its own DOM
// (a head with symbol, timeframe, type and scale, a legend, the canvas), its own state (the spec),
// its own bars and its own subscriptions on the page's shared socket. The workspace composes them.

import { state } from "../page_state.js";
import { createPricePane } from "../price_series.js";
import { createEmaLines } from "../emas.js";
import { chartThemeOptions } from "../theme.js";
import { formatPrice, formatTime, isDaily, pricePrecision } from "../format.js";
import { fetchColumns, logicalOfTime, mergeBars, subscribeBars, timeOfLogical } from "./chart_data.js";
import { createCompare } from "./compare.js";
import { buildHead } from "./chart_head.js";
import { createChartStatus } from "./chart_status.js";

export const CHART_TYPES = ["candles", "hollow", "bars", "line", "area", "heikin_ashi"];
export const SCALES = ["normal", "log", "percent"];

export function normalSpec(spec) {
  const out = { ...spec };
  out.symbol = String(out.symbol || state.defaultSymbol);
  out.timeframe = state.timeframes.includes(out.timeframe) ? out.timeframe : state.defaultTimeframe;
  out.type = CHART_TYPES.includes(out.type) ? out.type : "candles";
  out.scale = SCALES.includes(out.scale) ? out.scale : "normal";
  out.emas = (out.emas || []).map(Number).filter((p) => state.offered.includes(p));
  out.compare = (out.compare || []).map(String).filter(Boolean).slice(0, 5);
  return out;
}

export function createChartView({ cell, socket, spec: initial, hooks }) {
  const spec = normalSpec(initial);
  const view = { spec, cell, columns: null, precision: 2, error: null, loads: 0, liveFrames: 0 };
  const head = buildHead(cell, spec, {
    symbol: (value) => view.setSymbol(value),
    timeframe: (value) => view.setTimeframe(value),
    type: (value) => view.setType(value),
    scale: (value) => view.setScale(value),
    compare: (value) => view.addCompare(value),
    duplicate: () => hooks.onDuplicate(view),
    maximise: () => hooks.onMaximise(view),
    remove: () => hooks.onRemove(view),
  });
  view.head = head;
  const liveStatus = createChartStatus(head.dot, socket);
  view.liveStatus = liveStatus.status;
  const canvas = cell.querySelector(".ws-canvas");
  const legend = cell.querySelector(".ws-legend");
  const chart = window.LightweightCharts.createChart(canvas, { autoSize: true, crosshair: state.options.crosshair });
  chart.applyOptions(chartThemeOptions(state.theme));
  view.chart = chart;
  const pricePane = createPricePane(chart);
  pricePane.setType(spec.type, null);
  pricePane.setScaleMode(spec.scale);
  const emas = createEmaLines(chart, state.options.emaColors);
  const compare = createCompare(view, { onChange: () => changed(), render: () => renderLegend() });
  let live = null;
  let generation = 0; // a load started later wins over one still on its way
  cell.addEventListener("pointerdown", () => hooks.onActivate(view), true);

  view.barSeconds = () => state.timeframeSeconds[spec.timeframe] || 60;
  view.series = () => pricePane.series;

  function changed() {
    hooks.onChange(view);
  }

  function renderLegend(bar) {
    const columns = view.columns;
    let text = spec.symbol + " · " + spec.timeframe;
    if (view.error) text += " — " + view.error;
    else if (columns && columns.time.length) {
      const i = bar === undefined ? columns.time.length - 1 : bar;
      const p = view.precision;
      text += `  O ${formatPrice(columns.open[i], p)} H ${formatPrice(columns.high[i], p)}` +
        ` L ${formatPrice(columns.low[i], p)} C ${formatPrice(columns.close[i], p)}`;
    }
    legend.textContent = "";
    const main = document.createElement("div");
    main.className = view.error ? "ws-error" : "";
    main.textContent = text;
    legend.append(main, compare.legend());
  }

  chart.subscribeCrosshairMove((param) => {
    if (!view.columns) return;
    if (param.logical !== undefined && param.logical !== null && param.time !== undefined) {
      renderLegend(Math.max(0, Math.min(view.columns.time.length - 1, Math.round(param.logical))));
    } else renderLegend();
    if (hooks.onCrosshair && param.sourceEvent !== undefined) hooks.onCrosshair(view, param);
  });
  chart.timeScale().subscribeVisibleLogicalRangeChange(() => hooks.onRange && hooks.onRange(view));

  function draw() {
    const columns = view.columns;
    pricePane.draw(columns);
    emas.draw(columns);
    for (const period of spec.emas) if (!(period in emas.lines)) emas.add(period, columns, view.precision);
    for (const period of Object.keys(emas.lines).map(Number)) if (!spec.emas.includes(period)) emas.remove(period);
    renderLegend();
    if (view.drawings) view.drawings.redraw();
  }

  function onBars(bars, snapshot) {
    if (!view.columns) return;
    const newest = view.columns.time.at(-1);
    if (snapshot && bars.length && bars[0].time > newest) return load(); // a hole: load again
    if (snapshot) liveStatus.snapshot();
    const { changed: indices, dropped } = mergeBars(view.columns, bars);
    if (!indices.length) return;
    view.liveFrames += 1;
    if (dropped || indices.length > 3) draw();
    else {
      for (const index of indices) {
        pricePane.updateBar(view.columns, index);
        emas.updateBar(view.columns, index);
      }
      renderLegend();
    }
    compare.onBars();
    if (hooks.onBars) hooks.onBars(view);
  }

  async function load() {
    generation += 1;
    const mine = generation;
    if (live) live.close();
    live = null;
    liveStatus.reset();
    try {
      const payload = await fetchColumns(spec, state.pageBars);
      if (mine !== generation) return;
      view.columns = payload.columns;
      view.error = null;
      view.precision = pricePrecision(payload, payload.columns);
      pricePane.setPrecision(view.precision);
      emas.setPrecision(view.precision);
      chart.applyOptions({
        timeScale: { timeVisible: !isDaily(view.barSeconds()), secondsVisible: false },
        localization: { timeFormatter: (time) => formatTime(time, view.barSeconds()) },
      });
      draw();
      chart.timeScale().scrollToRealTime();
      live = subscribeBars(socket, spec, onBars, (detail) => {
        view.liveError = detail;
        liveStatus.refused(detail);
      }, liveStatus.feed);
      await compare.reload();
      if (view.drawings) await view.drawings.load();
      view.loads += 1;
    } catch (error) {
      if (mine !== generation) return;
      view.error = error.message;
      renderLegend();
    }
  }

  view.load = load;
  view.setSymbol = (symbol) => {
    symbol = String(symbol || "").trim();
    if (!symbol || symbol === spec.symbol) return;
    spec.symbol = symbol;
    head.sync(spec);
    changed();
    load();
  };
  view.setTimeframe = (timeframe) => {
    if (!state.timeframes.includes(timeframe) || timeframe === spec.timeframe) return;
    spec.timeframe = timeframe;
    head.sync(spec);
    changed();
    load();
  };
  view.setType = (type) => {
    if (!CHART_TYPES.includes(type) || type === spec.type) return;
    const reload = (type === "heikin_ashi") !== (spec.type === "heikin_ashi");
    spec.type = type;
    head.sync(spec);
    pricePane.setType(type, view.columns);
    if (view.drawings) view.drawings.reattach();
    changed();
    if (reload) load();
    else if (view.columns) draw();
  };
  view.setScale = (scale) => {
    if (!SCALES.includes(scale)) return;
    spec.scale = scale;
    head.sync(spec);
    pricePane.setScaleMode(compare.count() ? "percent" : scale);
    changed();
  };
  view.addCompare = (symbol) => compare.add(symbol);
  view.removeCompare = (symbol) => compare.remove(symbol);
  view.applyScaleMode = () => pricePane.setScaleMode(compare.count() ? "percent" : spec.scale);
  view.settings = () => normalSpec(spec);
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
    chart.remove();
  };
  return view;
}
