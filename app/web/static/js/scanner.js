// The Scanner view (GET /api/scan): every symbol's latest volume spikes and signals in a table,
// sortable by any column; a row opens that symbol's chart.

import { showLastRun } from "./scan_runs.js";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const COLUMNS = [
  ["symbol", "Symbol", (row) => row.symbol],
  ["spikes", "Spikes", (row) => row.volume_spikes.length],
  ["latest", "Latest spike", (row) => (row.volume_spikes.length ? row.volume_spikes.at(-1).time : 0)],
  ["zscore", "Max z", (row) => Math.max(0, ...row.volume_spikes.map((spike) => spike.zscore || 0))],
  ["trend", "Trend", (row) => signal(row, "trend")],
  ["rsi", "RSI", (row) => signal(row, "rsi")],
  ["macd", "MACD", (row) => signal(row, "macd")],
];

function signal(row, name) {
  const found = (row.signals || []).find((item) => item.name === name);
  return found ? found.state.replaceAll("_", " ") : "";
}

function shown(key, value) {
  if (key === "latest") return value ? new Date(value * 1000).toISOString().slice(0, 16).replace("T", " ") : "–";
  if (key === "zscore") return value ? value.toFixed(1) : "–";
  return String(value);
}

export function createScanner({ dialog, onOpen }) {
  const table = dialog.querySelector("table");
  const status = dialog.querySelector(".scanner-status");
  let rows = [];
  let sort = { key: "spikes", descending: true };

  function render() {
    const [, , value] = COLUMNS.find(([key]) => key === sort.key);
    const sorted = [...rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const order = typeof x === "string" ? x.localeCompare(y) : x - y;
      return sort.descending ? -order : order;
    });
    const head = element("tr");
    for (const [key, label] of COLUMNS) {
      const cell = element("th");
      const button = element("button", "sort", label);
      button.type = "button";
      button.dataset.key = key;
      cell.setAttribute("aria-sort", key === sort.key ? (sort.descending ? "descending" : "ascending") : "none");
      button.addEventListener("click", () => {
        sort = { key, descending: key === sort.key ? !sort.descending : key !== "symbol" };
        render();
      });
      cell.appendChild(button);
      head.appendChild(cell);
    }
    const body = sorted.map((row) => {
      const line = element("tr", row.error ? "failed" : "");
      line.dataset.symbol = row.symbol;
      for (const [key, , get] of COLUMNS) {
        line.appendChild(element("td", "", key === "symbol" && row.error ? row.symbol + " (" + row.error + ")" : shown(key, get(row))));
      }
      line.tabIndex = 0;
      line.addEventListener("click", () => onOpen(row.symbol, row.timeframe));
      line.addEventListener("keydown", (event) => {
        if (event.key === "Enter") onOpen(row.symbol, row.timeframe);
      });
      return line;
    });
    table.querySelector("thead").replaceChildren(head);
    table.querySelector("tbody").replaceChildren(...body);
  }

  async function open() {
    if (!dialog.open) dialog.showModal();
    showLastRun(dialog.querySelector(".scan-last-run"), onOpen); // the saved results, if any
    status.textContent = "Scanning…";
    try {
      const response = await fetch("/api/scan?within=50");
      const body = await response.json();
      if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : "The server answered " + response.status + ".");
      rows = body.symbols;
      status.textContent = rows.length + " symbols, spikes in their last " + body.within + " bars" +
        (body.notice ? ". " + body.notice : ".");
      render();
    } catch (error) {
      status.textContent = error.message;
    }
  }

  return { open };
}
