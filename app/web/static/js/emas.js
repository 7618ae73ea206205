// The EMA lines over the prices, switched on and off by the design's ema_<period> toggles.

import { priceFormat } from "./format.js";

export function emaColumn(period) {
  return "ema_" + period;
}

function points(columns, period) {
  const { time } = columns;
  const values = columns[emaColumn(period)] || [];
  const out = [];
  for (let i = 0; i < time.length; i++) {
    if (values[i] !== null && values[i] !== undefined) out.push({ time: time[i], value: values[i] });
  }
  return out;
}

export function createEmaLines(chart, colors) {
  const lines = {}; // period -> line series, only for EMAs drawn

  function add(period, columns, precision) {
    const series = chart.addSeries(window.LightweightCharts.LineSeries, {
      color: colors[String(period)],
      lineWidth: 2,
      priceLineVisible: false,
      lastValueVisible: false,
      crosshairMarkerVisible: false,
      priceFormat: priceFormat(precision),
    }, 0);
    series.setData(points(columns, period));
    lines[period] = series;
  }

  function remove(period) {
    chart.removeSeries(lines[period]);
    delete lines[period];
  }

  function draw(columns) {
    for (const period of Object.keys(lines)) lines[period].setData(points(columns, period));
  }

  function updateBar(columns, index) {
    for (const period of Object.keys(lines)) {
      const value = (columns[emaColumn(period)] || [])[index];
      if (value !== null && value !== undefined) lines[period].update({ time: columns.time[index], value });
    }
  }

  function setPrecision(precision) {
    for (const series of Object.values(lines)) series.applyOptions({ priceFormat: priceFormat(precision) });
  }

  return { lines, add, remove, draw, updateBar, setPrecision };
}
