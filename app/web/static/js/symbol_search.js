// The symbol box: type a few letters, pick from the symbols /api/symbols lists (arrow keys and
// Enter, or a click). Picking opens that symbol's chart with the same EMAs and indicators.

const MAX_SHOWN = 30;

export function createSymbolSearch({ input, list, onPick }) {
  let symbols = null; // [{symbol, timeframe, bars}] once fetched
  let shown = [];
  let active = -1;

  async function load() {
    if (symbols) return symbols;
    try {
      const response = await fetch("/api/symbols");
      symbols = response.ok ? await response.json() : [];
    } catch (error) {
      symbols = [];
    }
    return symbols;
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function highlight(index) {
    active = index;
    [...list.children].forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    if (list.children[index]) list.children[index].scrollIntoView({ block: "nearest" });
  }

  /** Symbols holding what was typed, those starting with it first. */
  function matches(text) {
    const wanted = text.trim().toLowerCase();
    const hits = (symbols || []).filter((info) => info.symbol.toLowerCase().includes(wanted));
    hits.sort((a, b) => {
      const first = Number(!a.symbol.toLowerCase().startsWith(wanted));
      return first - Number(!b.symbol.toLowerCase().startsWith(wanted)) || a.symbol.localeCompare(b.symbol);
    });
    return hits.slice(0, MAX_SHOWN);
  }

  async function update() {
    await load();
    shown = matches(input.value);
    const items = shown.map((info, index) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.dataset.symbol = info.symbol;
      const name = document.createElement("span");
      name.textContent = info.symbol;
      const detail = document.createElement("span");
      detail.className = "symbol-detail";
      detail.textContent = info.timeframe + (info.bars ? " · " + info.bars.toLocaleString("en") + " bars" : "");
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
      pick(active);
    } else if (event.key === "Escape") {
      close();
      input.blur();
    }
  });
}
