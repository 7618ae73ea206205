// A legend at the top of each pane: name, parameters and values, the hovered bar's while the
// mouse is over the chart and the newest bar's otherwise. Text goes in with textContent. Its
// chart's symbol, timeframe and precision come from the chart context ``ctx`` (one per chart;
// without one, the page's state: a single-chart page such as Streamlit's component).
// ``extraRows()`` (optional) adds rows under the price row (a workspace chart's compared symbols).

import { state, pageContext } from "./page_state.js";
import { formatPrice, formatTime, formatVolume } from "./format.js";
import { labelOf } from "./indicators.js";
import { emaColumn } from "./emas.js";
import { unitOf } from "./studies.js";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function createLegend({ container, chart, held, emas, studies, actions, ctx = pageContext(), titleId = "legend", extraRows }) {
  const root = element("div", "legends");
  root.setAttribute("aria-live", "off");
  container.appendChild(root);
  const title = element("span", "legend-title");
  if (titleId) title.id = titleId;
  let hovered = null; // index of the bar under the mouse, null when the mouse is away
  let observed = new Set();
  const observer = new ResizeObserver(() => place());

  function valueAt(column, index) {
    const values = held.data.columns && held.data.columns[column];
    return values && index >= 0 && index < values.length ? values[index] : null;
  }

  function format(name, value) {
    const unit = unitOf(name);
    if (unit === "volume") return formatVolume(value);
    return formatPrice(value, unit === "percent" ? 2 : ctx.precision);
  }

  function priceRow(index) {
    const row = element("div", "legend-row");
    row.appendChild(title);
    title.textContent = ctx.symbol + " · " + ctx.timeframe;
    if (index < 0) return row;
    const time = valueAt("time", index);
    const values = element("span", "legend-values");
    values.appendChild(element("span", "legend-time", formatTime(time, ctx.barSeconds())));
    const close = valueAt("close", index);
    const open = valueAt("open", index);
    const tone = close >= open ? "up" : "down";
    for (const [key, label] of [["open", "O"], ["high", "H"], ["low", "L"], ["close", "C"]]) {
      const item = element("span", "legend-item");
      item.appendChild(element("span", "legend-key", label));
      item.appendChild(element("span", "legend-value " + tone, formatPrice(valueAt(key, index), ctx.precision)));
      values.appendChild(item);
    }
    const previous = valueAt("close", index - 1);
    if (previous) {
      const change = close - previous;
      const sign = change >= 0 ? "+" : "−";
      const text = sign + formatPrice(Math.abs(change), ctx.precision) +
        " (" + sign + Math.abs((100 * change) / previous).toFixed(2) + "%)";
      values.appendChild(element("span", "legend-value " + tone, text));
    }
    const volume = element("span", "legend-item");
    volume.appendChild(element("span", "legend-key", "Vol"));
    volume.appendChild(element("span", "legend-value", formatVolume(valueAt("volume", index))));
    values.appendChild(volume);
    row.appendChild(values);
    return row;
  }

  function lineRow(label, parts, instance) {
    const row = element("div", "legend-row");
    row.appendChild(element("span", "legend-name", label));
    const values = element("span", "legend-values");
    for (const [text, color] of parts) {
      const value = element("span", "legend-value", text);
      value.style.color = color;
      values.appendChild(value);
    }
    row.appendChild(values);
    if (instance && actions) {
      const edit = element("button", "legend-button", "⚙");
      edit.type = "button";
      edit.title = "Settings";
      edit.setAttribute("aria-label", "Settings of " + label);
      edit.addEventListener("click", () => actions.edit(instance.id));
      const remove = element("button", "legend-button", "×");
      remove.type = "button";
      remove.title = "Remove";
      remove.setAttribute("aria-label", "Remove " + label);
      remove.addEventListener("click", () => actions.remove(instance.id));
      row.append(edit, remove);
    }
    return row;
  }

  function studyRow(entry, index) {
    const parts = entry.outputs.map((output) => [
      format(entry.instance.name, valueAt(output.column, index)),
      output.hist ? "" : output.color,
    ]);
    return lineRow(labelOf(entry.instance), parts, entry.instance);
  }

  /** Puts each pane's legend at the top of its pane. */
  function place() {
    const panes = chart.panes();
    const top = container.getBoundingClientRect().top;
    const boxes = root.children;
    for (let i = 0; i < boxes.length; i++) {
      const pane = panes[i] && panes[i].getHTMLElement();
      if (!pane) continue;
      boxes[i].style.top = pane.getBoundingClientRect().top - top + "px";
      boxes[i].style.maxHeight = Math.max(0, pane.getBoundingClientRect().height - 4) + "px";
      if (!observed.has(pane)) {
        observer.observe(pane);
        observed.add(pane);
      }
    }
  }

  /** Redraws every pane's legend for the hovered bar (or the newest). */
  function render() {
    const count = held.count();
    const index = hovered === null || hovered >= count ? count - 1 : hovered;
    const panes = Math.max(1, chart.panes().length);
    const boxes = [];
    for (let i = 0; i < panes; i++) {
      const box = element("div", "pane-legend");
      box.dataset.pane = String(i);
      boxes.push(box);
    }
    boxes[0].appendChild(priceRow(held.data.columns ? index : -1));
    if (held.data.columns) {
      for (const period of Object.keys(emas.lines)) {
        const color = state.options.emaColors[String(period)];
        const value = formatPrice(valueAt(emaColumn(period), index), ctx.precision);
        boxes[0].appendChild(lineRow("EMA " + period, [[value, color]], null));
      }
      for (const entry of studies.entries()) {
        const box = boxes[entry.paneIndex];
        if (box) box.appendChild(studyRow(entry, index));
      }
    }
    if (extraRows) boxes[0].append(...extraRows());
    root.replaceChildren(...boxes);
    place();
  }

  chart.subscribeCrosshairMove((param) => {
    const logical = param && param.time !== undefined ? param.logical : null;
    const next = logical === null || logical === undefined ? null : Math.round(logical);
    if (next === hovered) return;
    hovered = next;
    render();
  });
  observer.observe(container);

  function reset() {
    observed = new Set();
    observer.disconnect();
    observer.observe(container);
    render();
  }

  return { render, reset, place };
}
