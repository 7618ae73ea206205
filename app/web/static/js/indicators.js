// The indicator instances on the chart (several of one indicator allowed), each with the colour
// it got when added, kept while others come and go. Tokens are the API's: "rsi:14", "macd:12:26:9".

import { state } from "./page_state.js";

let nextId = 1;

export function catalogEntry(name) {
  return (state.catalog || []).find((entry) => entry.name === name) || null;
}

export function tokenOf(name, params) {
  return params.length ? name + ":" + params.join(":") : name;
}

/** The instance of a canonical token ("macd:12:26:9"). */
export function parseToken(token) {
  const [name, ...params] = token.split(":");
  return { name, params: params.map(Number) };
}

/** Whether the indicator draws in a pane of its own (an oscillator) or over the prices. */
export function ownPane(name) {
  const entry = catalogEntry(name);
  return entry ? entry.pane !== "price" : true;
}

/** A short text for the legend and the dialog: "RSI 14", "MACD 12 26 9". */
export function labelOf(instance) {
  const entry = catalogEntry(instance.name);
  const short = entry && entry.label ? entry.label : instance.name.toUpperCase();
  return [short, ...instance.params].join(" ");
}

function hashOf(text) {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash;
}

export function createInstances(initial) {
  const palette = state.options.indicatorPalette;
  const list = [];

  /** A colour of its own: the token's place in the palette, or the next one free. The same
   * link draws the same colours. */
  function freeColor(token) {
    const used = new Set(list.map((item) => item.color));
    const start = hashOf(token) % palette.length;
    for (let step = 0; step < palette.length; step++) {
      const color = palette[(start + step) % palette.length];
      if (!used.has(color)) return color;
    }
    // Past the palette: theme.py's generated colours, in the same order (never a repeat).
    const extra = (state.options.indicatorExtraPalette || []).find((color) => !used.has(color));
    return extra || palette[start];
  }

  function add(token) {
    const { name, params } = parseToken(token);
    const instance = { id: nextId++, token, name, params, color: freeColor(token) };
    list.push(instance);
    return instance;
  }

  function remove(id) {
    const index = list.findIndex((item) => item.id === id);
    return index >= 0 ? list.splice(index, 1)[0] : null;
  }

  /** New parameters for one instance; it keeps its colour and its place. */
  function edit(id, params) {
    const instance = list.find((item) => item.id === id);
    if (!instance) return null;
    instance.params = params;
    instance.token = tokenOf(instance.name, params);
    return instance;
  }

  /** The tokens the API is asked for (each once). */
  function tokens() {
    return [...new Set(list.map((item) => item.token))];
  }

  /** The tokens of every instance, repeats kept: what the address carries. */
  function allTokens() {
    return list.map((item) => item.token);
  }

  for (const token of initial || []) add(token);
  return { list, add, remove, edit, tokens, allTokens };
}
