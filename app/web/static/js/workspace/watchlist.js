// The watchlist side panel: named lists (GET/PUT /api/watchlists/{name}), each symbol's last
// price, change and change % live from the WS "quotes" subscription on the shared socket (a cell
// flashes when its price moves), sortable by any column, add and remove, a click loads the symbol
// into the active chart.

import { storeFetch } from "./layout_store.js";

const DEFAULT_LIST = "Main";
const FLASH_MS = 700;

export function createWatchlist({ socket, root, onPick, initialSymbols }) {
  const picker = root.querySelector("#watchlist-name");
  const body = root.querySelector(".ws-quotes tbody");
  const addForm = root.querySelector("#watchlist-add");
  const status = { name: DEFAULT_LIST, symbols: [], quotes: {}, frames: 0, offline: false };
  let sort = { key: null, down: false };
  let subscription = null;

  async function save() {
    try {
      await storeFetch("/api/watchlists/" + encodeURIComponent(status.name), {
        method: "PUT",
        body: { symbols: status.symbols },
      });
      status.offline = false;
    } catch (error) {
      status.offline = true;
      try {
        localStorage.setItem("superchart.watchlist." + status.name, JSON.stringify(status.symbols));
      } catch (_) { /* nothing kept */ }
    }
  }

  function subscribe() {
    if (subscription) subscription.close();
    subscription = null;
    if (!status.symbols.length) return render();
    subscription = socket.subscribe({ type: "quotes", symbols: status.symbols, timeframe: "1d" }, onQuotes, "quotes");
  }

  function onQuotes(frame) {
    if (frame.type === "error") {
      status.error = frame.detail;
      return;
    }
    if (frame.type !== "quotes") return;
    status.frames += 1;
    const moved = {};
    for (const quote of frame.quotes) {
      const before = status.quotes[quote.symbol];
      if (before && before.last !== undefined && quote.last !== before.last) moved[quote.symbol] = quote.last > before.last ? "up" : "down";
      status.quotes[quote.symbol] = quote;
    }
    render(moved);
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function ordered() {
    const symbols = [...status.symbols];
    if (!sort.key) return symbols;
    const value = (symbol) => (sort.key === "symbol" ? symbol : (status.quotes[symbol] || {})[sort.key]);
    symbols.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === y) return 0;
      if (x === undefined || x === null) return 1;
      if (y === undefined || y === null) return -1;
      return (x < y ? -1 : 1) * (sort.down ? -1 : 1);
    });
    return symbols;
  }

  function render(moved = {}) {
    body.textContent = "";
    for (const symbol of ordered()) {
      const quote = status.quotes[symbol] || {};
      const row = document.createElement("tr");
      row.dataset.symbol = symbol;
      const sign = quote.change > 0 ? "up" : quote.change < 0 ? "down" : "";
      row.append(cell(symbol));
      if (quote.error) row.append(cell(quote.error, "down"), cell(""), cell(""));
      else {
        const last = cell(quote.last === undefined ? "…" : quote.last === null ? "—" : String(quote.last), "last");
        if (moved[symbol]) {
          last.classList.add("flash-" + moved[symbol]);
          setTimeout(() => last.classList.remove("flash-" + moved[symbol]), FLASH_MS);
        }
        // A quote without a previous close (one bar, or a feed in error) has null changes.
        row.append(last, cell(typeof quote.change === "number" ? String(quote.change) : "", sign),
          cell(typeof quote.change_pct === "number" ? quote.change_pct.toFixed(2) + "%" : "", sign));
      }
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "×";
      remove.setAttribute("aria-label", "Remove " + symbol);
      remove.addEventListener("click", (event) => {
        event.stopPropagation();
        removeSymbol(symbol);
      });
      const last = document.createElement("td");
      last.append(remove);
      row.append(last);
      row.addEventListener("click", () => onPick(symbol));
      body.append(row);
    }
  }

  function addSymbol(symbol) {
    symbol = symbol.trim();
    if (!symbol || status.symbols.includes(symbol)) return;
    status.symbols.push(symbol);
    save();
    subscribe();
  }

  function removeSymbol(symbol) {
    status.symbols = status.symbols.filter((each) => each !== symbol);
    delete status.quotes[symbol];
    save();
    subscribe();
  }

  async function open(name, known = true) {
    status.name = name;
    status.quotes = {};
    if (!known) {
      status.symbols = [...new Set(initialSymbols())];
      await save();
      subscribe();
      return render();
    }
    try {
      status.symbols = (await storeFetch("/api/watchlists/" + encodeURIComponent(name))).symbols;
    } catch (error) {
      if (error.status === 404) {
        status.symbols = [...new Set(initialSymbols())];
        await save();
      } else {
        status.offline = true;
        try {
          status.symbols = JSON.parse(localStorage.getItem("superchart.watchlist." + name)) || [];
        } catch (_) {
          status.symbols = [];
        }
      }
    }
    subscribe();
    render();
  }

  async function refreshNames(selected) {
    let names = [];
    try {
      names = (await storeFetch("/api/watchlists")).map((row) => row.name);
    } catch (error) {
      status.offline = true;
    }
    const known = names.includes(selected);
    if (!known) names.push(selected);
    picker.length = 0;
    for (const name of names.sort()) picker.add(new Option(name, name));
    picker.value = selected;
    return known;
  }

  picker.addEventListener("change", () => open(picker.value));
  root.querySelector("#watchlist-new").addEventListener("click", async () => {
    const input = addForm.elements.symbol;
    const name = (input.value.trim() || "List " + (picker.length + 1)).slice(0, 100);
    input.value = "";
    status.symbols = [];
    status.name = name;
    await save();
    await refreshNames(name);
    open(name);
  });
  addForm.addEventListener("submit", (event) => {
    event.preventDefault();
    addSymbol(addForm.elements.symbol.value);
    addForm.elements.symbol.value = "";
  });
  for (const th of root.querySelectorAll("th[data-sort]")) {
    th.addEventListener("click", () => {
      sort = { key: th.dataset.sort, down: sort.key === th.dataset.sort ? !sort.down : false };
      render();
    });
  }
  document.getElementById("watchlist-toggle").addEventListener("click", (event) => {
    root.hidden = !root.hidden;
    event.currentTarget.setAttribute("aria-pressed", String(!root.hidden));
  });

  return {
    status,
    addSymbol,
    removeSymbol,
    open,
    async start() {
      await open(DEFAULT_LIST, await refreshNames(DEFAULT_LIST));
    },
  };
}
