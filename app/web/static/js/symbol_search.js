// The symbol box: type a few letters, pick from the symbols of every source (/api/symbols?q=,
// searched on the server: a deployment with Binance or Pyth lists thousands), with arrow keys
// and Enter, or a click. Picking opens that symbol's chart with the same EMAs and indicators.

import { lookUpSymbol, showNotFound } from "./symbol_lookup.js";

const MAX_SHOWN = 30;

export function createSymbolSearch({ input, list, onPick }) {
  let shown = []; // [{symbol, timeframe, bars, source}] matching what was typed
  let shownFor = null; // the text ``shown`` answers: older than the box's while a search is out
  let active = -1;
  let asked = 0; // the newest search sent: older answers arriving late are dropped

  /** The server's matches, exact names first, then names starting with the text; null when a
   * newer search has been sent since. */
  async function search(text) {
    const ask = ++asked;
    const params = new URLSearchParams({ limit: String(MAX_SHOWN) });
    if (text.trim()) params.set("q", text.trim().slice(0, 100));
    let found = [];
    try {
      const response = await fetch("/api/symbols?" + params);
      found = response.ok ? await response.json() : [];
    } catch (error) {
      found = [];
    }
    return ask === asked ? found : null;
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function highlight(index) {
    active = index;
    const options = list.querySelectorAll("[role=option]"); // not the "no symbol" note
    options.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    if (options[index]) options[index].scrollIntoView({ block: "nearest" });
  }

  async function update() {
    const text = input.value;
    const found = await search(text);
    if (found === null) return;
    shown = found.slice(0, MAX_SHOWN);
    shownFor = text;
    const items = shown.map((info, index) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.dataset.symbol = info.symbol;
      const name = document.createElement("span");
      name.textContent = info.symbol;
      const detail = document.createElement("span");
      detail.className = "symbol-detail";
      const bars = info.bars ? " · " + info.bars.toLocaleString("en") + " bars" : "";
      detail.textContent = (info.source ? info.source + " · " : "") + info.timeframe + bars;
      item.append(name, detail);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep the focus: the blur would close the list first
        pick(index);
      });
      return item;
    });
    list.replaceChildren(...items);
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(items.length > 0));
    highlight(items.length ? 0 : -1);
  }

  function pick(index) {
    const info = shown[index];
    close();
    if (info) onPick(info.symbol);
  }

  /** Enter pressed before the matches for what is typed came (the list still shows the
   * focus's symbols, or fewer letters' matches): wait for them, then act on them as Enter
   * would have, rather than open the older list's pick. */
  async function enterWhenAnswered() {
    const text = input.value;
    await update();
    if (input.value !== text || shownFor !== text) return; // typed on: the newer keys decide
    if (active >= 0 && shown[active]) pick(active);
    else void enterTyped();
  }

  /** Enter with nothing listed: open the symbol if the API knows it, else say it does not
   * exist and list the close matches (arrow keys and Enter pick one). */
  async function enterTyped() {
    const text = input.value.trim().slice(0, 100);
    if (!text) return;
    const ask = ++asked;
    const answer = await lookUpSymbol(text);
    if (ask !== asked) return;
    if (answer.found) return void onPick(text);
    const suggestions = showNotFound(list, text, answer, (symbol) => {
      close();
      onPick(symbol);
    });
    shown = suggestions.map((symbol) => ({ symbol }));
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  input.addEventListener("focus", () => {
    input.select();
    update();
  });
  input.addEventListener("input", update);
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) return void update();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(Math.max(0, Math.min(shown.length - 1, active + step)));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (shownFor !== input.value) void enterWhenAnswered();
      else if (active >= 0 && shown[active]) pick(active);
      else void enterTyped();
    } else if (event.key === "Escape") {
      close();
      input.blur();
    }
  });
}
