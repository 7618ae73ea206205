// Compare (TradingView's): other symbols drawn on a chart as lines, the price scale in percent
// from the first visible bar (Lightweight Charts' percentage mode takes each series from its own
// first visible value); each compared symbol in the legend with a button that removes it.

import { state } from "../page_state.js";
import { fetchColumns } from "./chart_data.js";

const MAX_COMPARED = 5;

export function createCompare(view, { onChange, render }) {
  const lines = new Map(); // symbol -> { series, error }
  const palette = state.options.indicatorPalette || ["#f7a21b", "#ab47bc", "#26c6da", "#ec407a", "#9ccc65"];

  function points(columns) {
    const out = [];
    for (let i = 0; i < columns.time.length; i++) {
      if (columns.close[i] !== null) out.push({ time: columns.time[i], value: columns.close[i] });
    }
    return out;
  }

  async function fill(symbol) {
    const line = lines.get(symbol);
    try {
      const payload = await fetchColumns({ symbol, timeframe: view.spec.timeframe, emas: [] }, state.pageBars);
      if (lines.get(symbol) !== line) return;
      line.series.setData(points(payload.columns));
      line.error = null;
    } catch (error) {
      line.error = error.message;
    }
    render();
  }

  function add(symbol) {
    symbol = String(symbol).trim();
    if (!symbol || lines.has(symbol) || lines.size >= MAX_COMPARED) return;
    const series = view.chart.addSeries(window.LightweightCharts.LineSeries, {
      color: palette[lines.size % palette.length],
      lineWidth: 2,
      priceLineVisible: false,
      title: symbol,
    }, 0);
    lines.set(symbol, { series, error: null });
    view.spec.compare = [...lines.keys()];
    view.applyScaleMode();
    onChange();
    return fill(symbol);
  }

  function remove(symbol) {
    const line = lines.get(symbol);
    if (!line) return;
    view.chart.removeSeries(line.series);
    lines.delete(symbol);
    view.spec.compare = [...lines.keys()];
    view.applyScaleMode();
    render();
    onChange();
  }

  function legend() {
    const box = document.createElement("div");
    for (const [symbol, line] of lines) {
      const item = document.createElement("span");
      item.className = "compare";
      item.style.color = line.series.options().color;
      item.textContent = symbol + (line.error ? " (" + line.error + ")" : "");
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", "Remove " + symbol + " from the comparison");
      close.addEventListener("click", () => remove(symbol));
      item.append(close);
      box.append(item);
    }
    return box;
  }

  /** After the chart's own bars loaded: the compared symbols at its (maybe new) timeframe. */
  async function reload() {
    for (const symbol of view.spec.compare || []) {
      if (!lines.has(symbol)) add(symbol);
    }
    await Promise.all([...lines.keys()].map(fill));
  }

  return {
    add,
    remove,
    legend,
    reload,
    onBars() {},
    count: () => lines.size,
    symbols: () => [...lines.keys()],
    close() {
      lines.clear();
    },
  };
}
