// The time axis' date labels follow zoom and pan. The x axis is the bars' positions, labelled by
// the server for the whole window: zoomed into 30 hourly bars, its labels were days far apart,
// or none. After each draw and each change of the x range (zoom, pan, autorange reset) the
// labels are recomputed for the bars in view by the rule the Dash page runs too (the shared
// app/charts/js/time_ticks.js, copied into this folder as charts/time_ticks.js).

import "./charts/time_ticks.js"; // sets globalThis.superChartTimeTicks

const RANGE_CHANGE = /^xaxis\.(range|autorange)/; // not our own tick changes
const listeners = new WeakMap(); // plot -> its plotly_relayout listener

/** Relabel the x axis for the bars it shows; resolves at once when the labels are right. */
export function labelBarsInView(plot) {
  const rule = globalThis.superChartTimeTicks;
  const axis = plot._fullLayout && plot._fullLayout.xaxis;
  const candles = (plot._fullData || []).find((trace) => trace.type === "candlestick");
  if (!rule || !axis || !candles || !candles.x || !candles.x.length) return Promise.resolve();
  const dates = Array.from(candles.customdata || []); // the bars' hover dates
  const ticks = rule.visibleTicks(dates, Number(candles.x[0]), axis.range);
  if (!ticks || rule.shows(axis, ticks)) return Promise.resolve();
  return Plotly.relayout(plot, {
    "xaxis.tickvals": ticks.tickvals,
    "xaxis.ticktext": ticks.ticktext,
  });
}

/** Label the bars in view now and after every zoom or pan. Called after each draw: a plot that
 * Plotly made anew has lost its listeners. */
export function followBarsInView(plot) {
  let listener = listeners.get(plot);
  if (!listener) {
    listener = (change) => {
      if (!Object.keys(change || {}).some((key) => RANGE_CHANGE.test(key))) return;
      labelBarsInView(plot).catch((error) => console.error(error));
    };
    listeners.set(plot, listener);
  }
  plot.removeListener("plotly_relayout", listener);
  plot.on("plotly_relayout", listener);
  return labelBarsInView(plot);
}
