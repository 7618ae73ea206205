// Indicator instances drawn as series: over the prices (pane 0) or each in a pane of its own
// under them (oscillators), with guide lines where the indicator has customary levels. Removing
// the last series of a pane removes the pane (Lightweight Charts 5 does it), so the panes below
// move up.

import { catalogEntry, ownPane } from "./indicators.js";
import { priceFormat } from "./format.js";
import { state } from "./page_state.js";

const PERCENT_LIKE = new Set(["rsi", "stoch", "mfi", "willr", "adx", "cci"]);
const VOLUME_LIKE = new Set(["obv"]);
const PRICE_PANE_STRETCH = 3;

/** The columns an instance draws: as the payload named them, else from the catalog's outputs. */
export function columnsOf(instance, known) {
  const spec = known[instance.token];
  if (spec && spec.columns) return spec.columns;
  const entry = catalogEntry(instance.name);
  const outputs = entry && entry.outputs ? entry.outputs : [instance.name];
  const suffix = instance.params.map((param) => "_" + param).join("");
  return outputs.map((output) => output + suffix);
}

/** How an output draws: "line", "histogram" or "dots" (the catalog's plot style). */
function styleOf(instance, index, column) {
  const entry = catalogEntry(instance.name);
  const plot = entry && entry.plots ? entry.plots[index] : null;
  if (plot && plot.style) return plot.style;
  return column.includes("hist") ? "histogram" : "line";
}

/** How an output's numbers read: "percent" (0-100 style), "volume" or "price". */
export function unitOf(name) {
  const entry = catalogEntry(name);
  if (PERCENT_LIKE.has(name) || (entry && entry.range)) return "percent";
  if (VOLUME_LIKE.has(name)) return "volume";
  return "price";
}

function formatFor(name, precision) {
  const unit = unitOf(name);
  if (unit === "volume") return { type: "volume" };
  return priceFormat(unit === "percent" ? 2 : precision);
}

/** As app/charts/theme.py's output_color: the second output takes the colour paired with the
 * instance's own, so no two lines of a chart share a colour. */
function outputColor(instance, index) {
  if (index !== 1) return instance.color;
  const options = state.options;
  const palette = [...(options.indicatorPalette || []), ...(options.indicatorExtraPalette || [])];
  const second = [...(options.secondOutputPalette || []), ...(options.secondOutputExtraPalette || [])];
  return second[Math.max(0, palette.indexOf(instance.color))] || instance.color;
}

function seriesFor(chart, instance, column, index, paneIndex, precision, colors) {
  const lwc = window.LightweightCharts;
  const style = styleOf(instance, index, column);
  const common = {
    priceFormat: formatFor(instance.name, precision),
    priceLineVisible: false,
    lastValueVisible: paneIndex > 0,
  };
  if (style === "histogram") {
    return chart.addSeries(lwc.HistogramSeries, { ...common, color: colors.up }, paneIndex);
  }
  const options = {
    ...common,
    color: outputColor(instance, index),
    lineWidth: instance.name === "bb" && index !== 1 ? 1 : 2,
    crosshairMarkerVisible: false,
  };
  if (instance.name === "bb" && index === 1) options.lineStyle = 2; // dashed basis
  if (style === "dots") {
    Object.assign(options, { lineVisible: false, pointMarkersVisible: true, pointMarkersRadius: 1.5 });
  }
  return chart.addSeries(lwc.LineSeries, options, paneIndex);
}

function points(columns, column, histColors) {
  const { time } = columns;
  const values = columns[column] || [];
  const out = [];
  for (let i = 0; i < time.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) continue;
    if (histColors) out.push({ time: time[i], value, color: value >= 0 ? histColors.up : histColors.down });
    else out.push({ time: time[i], value });
  }
  return out;
}

export function createStudies(chart, colors) {
  const drawn = new Map(); // instance id -> {instance, outputs: [{column, series, color}]}

  function setStretch() {
    const panes = chart.panes();
    if (panes.length > 1) panes[0].setStretchFactor(PRICE_PANE_STRETCH);
    for (let i = 1; i < panes.length; i++) panes[i].setStretchFactor(1);
  }

  /** Adds an instance's series (a new pane at the foot for an oscillator). */
  function add(instance, columns, known, precision) {
    const paneIndex = ownPane(instance.name) ? chart.panes().length : 0;
    const outputs = columnsOf(instance, known).map((column, index) => {
      const series = seriesFor(chart, instance, column, index, paneIndex, precision, colors);
      const hist = styleOf(instance, index, column) === "histogram";
      return { column, series, color: outputColor(instance, index), hist };
    });
    const entry = catalogEntry(instance.name);
    for (const level of (entry && entry.levels) || []) {
      outputs[0].series.createPriceLine({
        price: level, color: colors.guide, lineWidth: 1, lineStyle: 2, axisLabelVisible: false,
      });
    }
    const drawnEntry = { instance, outputs };
    drawn.set(instance.id, drawnEntry);
    drawEntry(drawnEntry, columns, known);
    setStretch();
    return drawnEntry;
  }

  function remove(id) {
    const entry = drawn.get(id);
    if (!entry) return;
    for (const output of entry.outputs) chart.removeSeries(output.series);
    drawn.delete(id);
    setStretch();
  }

  function drawEntry(entry, columns, known) {
    const names = columnsOf(entry.instance, known);
    entry.outputs.forEach((output, index) => {
      output.column = names[index] || output.column;
      output.series.setData(points(columns, output.column, output.hist ? colors : null));
    });
  }

  function draw(columns, known) {
    for (const entry of drawn.values()) drawEntry(entry, columns, known);
  }

  function updateBar(columns, index) {
    for (const entry of drawn.values()) {
      for (const output of entry.outputs) {
        const value = (columns[output.column] || [])[index];
        if (value === null || value === undefined) continue;
        const point = { time: columns.time[index], value };
        if (output.hist) point.color = value >= 0 ? colors.up : colors.down;
        output.series.update(point);
      }
    }
  }

  function setPrecision(precision) {
    for (const entry of drawn.values()) {
      for (const output of entry.outputs) {
        output.series.applyOptions({ priceFormat: formatFor(entry.instance.name, precision) });
      }
    }
  }

  /** Panes (and the legend's order) as ``ids`` lists the instances: an edited indicator,
   * drawn again at the foot, goes back to its place. */
  function order(ids) {
    const sorted = ids.filter((id) => drawn.has(id)).map((id) => drawn.get(id));
    let paneIndex = 1;
    for (const entry of sorted) {
      if (!ownPane(entry.instance.name)) continue;
      const pane = entry.outputs[0].series.getPane();
      if (pane.paneIndex() !== paneIndex) pane.moveTo(paneIndex);
      paneIndex += 1;
    }
    drawn.clear();
    for (const entry of sorted) drawn.set(entry.instance.id, entry);
    setStretch();
  }

  /** The instances drawn, each with the index of the pane it is in now. */
  function entries() {
    return [...drawn.values()].map((entry) => ({
      ...entry,
      paneIndex: entry.outputs[0].series.getPane().paneIndex(),
    }));
  }

  return { add, remove, draw, updateBar, setPrecision, entries, order, drawn };
}
