// The workspace page: charts (ChartView components) composed in a grid, all live on one shared
// WebSocket; the layout is the page's address, saved to the server store (or this browser's
// storage when it is unreachable), exported and imported as JSON. The watchlist, drawings,
// alerts and shortcuts are modules of their own, wired here.

import { sendTokenWithFetches } from "../access.js";
import { state } from "../page_state.js";
import { applyPageTheme } from "../theme.js";
import { createSharedSocket } from "../shared_socket.js";
import { createChartView } from "./chart_view.js";
import { createGrid } from "./grid.js";
import { createSync } from "./sync.js";
import { capacity, checkLayout, gridFor, layoutFromQuery, queryOfLayout } from "./layout_url.js";
import { createLayoutStore } from "./layout_store.js";
import { wireLayoutControls } from "./layout_controls.js";
import { createWatchlist } from "./watchlist.js";
import { createDrawingTools } from "./drawings/tools.js";
import { createAlerts } from "./alerts.js";
import { wireShortcuts } from "./shortcuts.js";
import { createIndicatorDialog } from "../dialog.js";

sendTokenWithFetches();
applyPageTheme(state.theme);

const socket = createSharedSocket({ dot: document.getElementById("live-dot") });
const gridSelect = document.getElementById("grid");
const storeStatus = document.getElementById("store-status");
const store = createLayoutStore({
  onStatus(status) {
    storeStatus.textContent = status.detail;
    storeStatus.dataset.offline = String(status.offline);
  },
});

const workspace = { views: [], active: null, socket, store, gridName: "1" };
// One indicators dialog for the page, opened for one chart at a time (its ƒx button, a legend's ⚙).
const dialog = createIndicatorDialog({ dialog: document.getElementById("indicators-dialog") });
const grid = createGrid(document.getElementById("grid-root"), { onSplit: () => updateUrl() });
const sync = createSync(workspace);
const toasts = document.getElementById("toasts");
const alerts = createAlerts({ socket, log: document.getElementById("alert-log"), toasts });
const drawings = createDrawingTools(workspace, { alerts, toast: (text) => alerts.toast(text) });
workspace.drawings = drawings;

function layout() {
  return {
    version: 1,
    grid: workspace.gridName,
    charts: workspace.views.map((view) => view.settings()),
    sync: [...sync.on],
    split: [...grid.split],
    active: Math.max(0, workspace.views.indexOf(workspace.active)),
  };
}
workspace.layout = layout;

function updateUrl() {
  if (!workspace.views.length) return;
  history.replaceState(null, "", "/workspace?" + queryOfLayout(layout()).toString());
}
workspace.updateUrl = updateUrl;

function activate(view) {
  if (workspace.active === view) return;
  workspace.active = view;
  for (const other of workspace.views) other.cell.dataset.active = String(other === view);
  drawings.onActivate(view);
}
workspace.activate = activate;

const hooks = {
  onActivate: activate,
  onChange(view) {
    sync.spec(view);
    updateUrl();
  },
  onDuplicate: (view) => addChart(view.settings(), workspace.views.indexOf(view) + 1),
  onMaximise: (view) => grid.toggleMaximise(view.cell),
  onRemove: (view) => removeChart(view),
  onCrosshair: (view, param) => sync.crosshair(view, param),
  onRange: (view) => sync.range(view),
};

function setGrid(name) {
  workspace.gridName = name;
  gridSelect.value = name;
  grid.set(name);
}

/** A new chart of ``spec`` (at ``index``, default the end); the grid grows to hold it. */
function addChart(spec, index) {
  if (workspace.views.length >= state.maxCharts) {
    alerts.toast("At most " + state.maxCharts + " charts in a layout.");
    return null;
  }
  const cell = grid.newCell();
  const view = createChartView({ cell, socket, spec, hooks, dialog });
  drawings.attach(view);
  const at = index === undefined ? workspace.views.length : index;
  workspace.views.splice(at, 0, view);
  const root = cell.parentNode;
  const next = workspace.views[at + 1];
  if (next) root.insertBefore(cell, next.cell);
  if (capacity(workspace.gridName) < workspace.views.length) setGrid(gridFor(workspace.views.length));
  activate(view);
  view.load();
  updateUrl();
  return view;
}
workspace.addChart = addChart;

function removeChart(view) {
  if (workspace.views.length === 1) return;
  const index = workspace.views.indexOf(view);
  workspace.views.splice(index, 1);
  view.destroy();
  grid.forget(view.cell);
  if (workspace.active === view) activate(workspace.views[Math.max(0, index - 1)]);
  const fitting = gridFor(workspace.views.length);
  if (capacity(fitting) < capacity(workspace.gridName)) setGrid(fitting);
  updateUrl();
}

/** Replaces every chart with those of ``saved`` (a checked layout). */
function openLayout(saved) {
  const checked = checkLayout(saved);
  for (const view of workspace.views.splice(0)) {
    view.destroy();
    grid.forget(view.cell);
  }
  workspace.active = null;
  workspace.gridName = checked.grid;
  gridSelect.value = checked.grid;
  grid.set(checked.grid, checked.split);
  sync.set(checked.sync);
  for (const box of document.querySelectorAll("[data-sync]")) box.checked = sync.on.has(box.dataset.sync);
  for (const spec of checked.charts) addChart(spec);
  activate(workspace.views[Math.min(checked.active || 0, workspace.views.length - 1)]);
  updateUrl();
}
workspace.openLayout = openLayout;

gridSelect.addEventListener("change", () => {
  const name = gridSelect.value;
  while (workspace.views.length > capacity(name)) removeChart(workspace.views.at(-1));
  setGrid(name);
  while (workspace.views.length < capacity(name)) {
    addChart(workspace.active ? workspace.active.settings() : { symbol: state.defaultSymbol });
  }
  updateUrl();
});
document.getElementById("add-chart").addEventListener("click", () => {
  addChart(workspace.active ? workspace.active.settings() : { symbol: state.defaultSymbol });
});
for (const box of document.querySelectorAll("[data-sync]")) {
  box.addEventListener("change", () => {
    if (box.checked) sync.on.add(box.dataset.sync);
    else sync.on.delete(box.dataset.sync);
    updateUrl();
  });
}

async function start() {
  const query = new URLSearchParams(location.search);
  let initial = layoutFromQuery(query);
  try {
    if (!initial && query.get("share")) initial = await store.loadShared(query.get("share"));
    else if (!initial && query.get("layout")) {
      initial = await store.load(query.get("layout"));
      if (!initial) alerts.toast("No saved layout named “" + query.get("layout") + "”.");
      document.getElementById("layout-name").value = query.get("layout");
    }
  } catch (error) {
    alerts.toast("The layout could not be opened: " + error.message);
  }
  openLayout(initial || { grid: "1", charts: [{ symbol: state.defaultSymbol, timeframe: state.defaultTimeframe }] });
}

wireLayoutControls(workspace, { toast: (text) => alerts.toast(text) });
const watchlist = createWatchlist({
  socket,
  root: document.getElementById("watchlist"),
  onPick: (symbol) => workspace.active && workspace.active.setSymbol(symbol),
  initialSymbols: () => workspace.views.map((view) => view.spec.symbol),
});
wireShortcuts(workspace, { drawings });
window.superWorkspace = { workspace, socket, store, sync, watchlist, alerts, drawings, layout, dialog };
socket.connect();
alerts.start();
start().then(() => {
  watchlist.start();
  window.superWorkspace.ready = true;
});
