// Drawings kept per symbol on the server (/api/drawings, owned by this browser's X-Client-Id),
// held in memory by symbol so every chart of a symbol shows the same ones, on every timeframe.

import { storeFetch } from "../layout_store.js";

export function createDrawingStore({ onChange, onError }) {
  const bySymbol = new Map(); // symbol -> drawings (a promise while loading)

  function body(drawing) {
    return { symbol: drawing.symbol, type: drawing.type, points: drawing.points, style: drawing.style || {} };
  }

  async function load(symbol, force = false) {
    if (!force && bySymbol.has(symbol)) return bySymbol.get(symbol);
    const pending = storeFetch("/api/drawings?symbol=" + encodeURIComponent(symbol))
      .catch((error) => {
        onError("Drawings of " + symbol + " could not be read: " + error.message);
        return [];
      })
      .then((rows) => {
        bySymbol.set(symbol, rows);
        onChange(symbol);
        return rows;
      });
    bySymbol.set(symbol, pending);
    return pending;
  }

  function of(symbol) {
    const held = bySymbol.get(symbol);
    return Array.isArray(held) ? held : [];
  }

  async function create(drawing) {
    const saved = await storeFetch("/api/drawings", { method: "POST", body: body(drawing) });
    of(drawing.symbol).push(saved);
    onChange(drawing.symbol);
    return saved;
  }

  async function update(drawing) {
    const list = of(drawing.symbol);
    const at = list.findIndex((each) => each.id === drawing.id);
    if (at >= 0) list[at] = drawing;
    onChange(drawing.symbol);
    return storeFetch("/api/drawings/" + encodeURIComponent(drawing.id), { method: "PUT", body: body(drawing) });
  }

  async function remove(drawing) {
    const list = of(drawing.symbol);
    const at = list.findIndex((each) => each.id === drawing.id);
    if (at >= 0) list.splice(at, 1);
    onChange(drawing.symbol);
    await storeFetch("/api/drawings/" + encodeURIComponent(drawing.id), { method: "DELETE" });
  }

  return { load, of, create, update, remove };
}
