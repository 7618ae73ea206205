// The price pane: the bars drawn as the chosen chart type (candles, hollow candles, bars, line,
// area; Heikin Ashi is candles of the prices the API computed) and volume at its foot, on its own
// scale so it never moves the price scale.

import { state } from "./page_state.js";
import { priceFormat } from "./format.js";

const VOLUME_SCALE = "volume";

function definition(type) {
  const lwc = window.LightweightCharts;
  if (type === "bars") return lwc.BarSeries;
  if (type === "line") return lwc.LineSeries;
  if (type === "area") return lwc.AreaSeries;
  return lwc.CandlestickSeries;
}

function seriesOptions(type, precision) {
  const colors = state.options.candles;
  const base = { priceFormat: priceFormat(precision) };
  if (type === "hollow") return { ...base, ...colors, upColor: "rgba(0, 0, 0, 0)" };
  if (type === "bars") return { ...base, upColor: colors.upColor, downColor: colors.downColor, thinBars: false };
  if (type === "line") return { ...base, color: state.options.lineColor, lineWidth: 2 };
  if (type === "area") {
    return {
      ...base,
      lineColor: state.options.lineColor,
      topColor: state.options.areaTop,
      bottomColor: state.options.areaBottom,
      lineWidth: 2,
    };
  }
  return { ...base, ...colors };
}

function isOhlc(type) {
  return type !== "line" && type !== "area";
}

function priceData(type, columns) {
  const { time, open, high, low, close } = columns;
  const out = new Array(time.length);
  if (isOhlc(type)) {
    for (let i = 0; i < time.length; i++) {
      out[i] = { time: time[i], open: open[i], high: high[i], low: low[i], close: close[i] };
    }
  } else {
    for (let i = 0; i < time.length; i++) out[i] = { time: time[i], value: close[i] };
  }
  return out;
}

function volumeData(columns) {
  const { time, open, close, volume } = columns;
  const { up, down } = state.options.volume;
  const out = new Array(time.length);
  for (let i = 0; i < time.length; i++) {
    out[i] = { time: time[i], value: volume[i], color: close[i] >= open[i] ? up : down };
  }
  return out;
}

export function createPricePane(chart) {
  const lwc = window.LightweightCharts;
  const pane = { series: null, type: null, precision: 2 };
  // Volume first, so the prices draw over it.
  pane.volume = chart.addSeries(lwc.HistogramSeries, {
    priceScaleId: VOLUME_SCALE,
    priceFormat: { type: "volume" },
    lastValueVisible: false,
    priceLineVisible: false,
  }, 0);
  chart.priceScale(VOLUME_SCALE, 0).applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  chart.priceScale("right", 0).applyOptions({ scaleMargins: { top: 0.05, bottom: 0.25 } });

  /** Draws the prices as ``type`` (replacing the series when the type changes). */
  pane.setType = function (type, columns) {
    const shape = type === "heikin_ashi" ? "candles" : type;
    if (pane.series && pane.type === shape) return;
    if (pane.series) chart.removeSeries(pane.series);
    pane.series = chart.addSeries(definition(shape), seriesOptions(shape, pane.precision), 0);
    pane.type = shape;
    if (columns) pane.series.setData(priceData(shape, columns));
  };

  pane.setPrecision = function (precision) {
    pane.precision = precision;
    if (pane.series) pane.series.applyOptions({ priceFormat: priceFormat(precision) });
  };

  pane.draw = function (columns) {
    pane.series.setData(priceData(pane.type, columns));
    pane.volume.setData(volumeData(columns));
  };

  /** One bar (the forming one replaced, or a new one appended) without redrawing the rest. */
  pane.updateBar = function (columns, index) {
    const one = {};
    for (const name of Object.keys(columns)) one[name] = [columns[name][index]];
    pane.series.update(priceData(pane.type, one)[0]);
    pane.volume.update(volumeData(one)[0]);
  };

  pane.setScaleMode = function (mode) {
    const modes = { normal: 0, log: 1, percent: 2 };
    chart.priceScale("right", 0).applyOptions({ mode: modes[mode] || 0 });
  };

  return pane;
}
