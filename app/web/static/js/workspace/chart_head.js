// A workspace chart's head: symbol, its live dot, timeframe, chart type, scale, the EMA toggles,
// the indicators button (the page's dialog, for this chart), compare, and the buttons that
// duplicate, maximise or remove it.

import { state } from "../page_state.js";

const TYPE_LABELS = { candles: "Candles", hollow: "Hollow", bars: "Bars", line: "Line", area: "Area", heikin_ashi: "Heikin Ashi" };
const SCALE_LABELS = { normal: "Normal", log: "Log", percent: "Percent" };

function select(className, label, entries) {
  const element = document.createElement("select");
  element.className = className;
  element.setAttribute("aria-label", label);
  for (const [value, text] of entries) element.add(new Option(text, value));
  return element;
}

function button(className, text, title) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "tool " + className;
  element.textContent = text;
  element.title = title;
  element.setAttribute("aria-label", title);
  return element;
}

/** A menu of EMA checkboxes (one per period offered), ``onToggle(period, on)``. */
function emaToggles(onToggle) {
  const element = document.createElement("details");
  element.className = "ws-emas";
  const summary = document.createElement("summary");
  summary.textContent = "EMA";
  summary.title = "EMA lines";
  const list = document.createElement("div");
  list.className = "ws-ema-list";
  const boxes = state.offered.map((period) => {
    const label = document.createElement("label");
    label.className = "ema";
    label.style.setProperty("--ema-color", state.options.emaColors[String(period)]);
    const box = document.createElement("input");
    box.type = "checkbox";
    box.dataset.period = String(period);
    box.setAttribute("aria-label", "EMA " + period);
    box.addEventListener("change", () => onToggle(period, box.checked));
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    label.append(box, swatch, "EMA " + period);
    list.append(label);
    return box;
  });
  element.append(summary, list);
  return {
    element,
    sync(shown) {
      for (const box of boxes) box.checked = shown.includes(Number(box.dataset.period));
    },
  };
}

export function buildHead(cell, spec, on) {
  cell.textContent = "";
  const head = document.createElement("div");
  head.className = "ws-head";
  const symbol = document.createElement("input");
  symbol.className = "ws-symbol";
  symbol.setAttribute("aria-label", "Symbol");
  symbol.autocomplete = "off";
  symbol.spellcheck = false;
  const timeframe = select("ws-timeframe", "Timeframe", state.timeframes.map((name) => [name, name]));
  const type = select("ws-type", "Chart type", Object.entries(TYPE_LABELS));
  const scale = select("ws-scale", "Price scale", Object.entries(SCALE_LABELS));
  const compare = document.createElement("input");
  compare.className = "ws-compare";
  compare.placeholder = "+ Compare";
  compare.setAttribute("aria-label", "Compare with a symbol");
  const emas = emaToggles(on.ema);
  const indicators = button("ws-indicators", "ƒx", "Indicators of this chart");
  const duplicate = button("ws-duplicate", "Dup", "Duplicate this chart");
  const maximise = button("ws-maximise", "⤢", "Maximise this chart");
  const remove = button("ws-remove", "×", "Remove this chart");
  const dot = document.createElement("span");
  dot.className = "live-dot ws-dot";
  dot.setAttribute("role", "status");
  head.append(symbol, dot, timeframe, type, scale, emas.element, indicators, compare, duplicate, maximise, remove);
  const canvas = document.createElement("div");
  canvas.className = "ws-canvas";
  const message = document.createElement("div");
  message.className = "ws-message";
  message.setAttribute("role", "alert");
  message.hidden = true;
  canvas.append(message);
  cell.append(head, canvas);

  symbol.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      on.symbol(symbol.value);
      symbol.blur();
    } else if (event.key === "Escape") {
      symbol.value = spec.symbol;
      symbol.blur();
    }
  });
  symbol.addEventListener("change", () => on.symbol(symbol.value));
  compare.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !compare.value.trim()) return;
    on.compare(compare.value.trim());
    compare.value = "";
  });
  timeframe.addEventListener("change", () => on.timeframe(timeframe.value));
  type.addEventListener("change", () => on.type(type.value));
  scale.addEventListener("change", () => on.scale(scale.value));
  duplicate.addEventListener("click", on.duplicate);
  maximise.addEventListener("click", on.maximise);
  remove.addEventListener("click", on.remove);
  indicators.addEventListener("click", on.indicators);

  function sync(current) {
    symbol.value = current.symbol;
    timeframe.value = current.timeframe;
    type.value = current.type;
    scale.value = current.scale;
    emas.sync(current.emas || []);
  }
  sync(spec);
  return { sync, symbol, timeframe, dot };
}
