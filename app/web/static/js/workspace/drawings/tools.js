// Drawing on the workspace's charts: the toolbar's tools (and Alt+H/T/...), click to place each
// point (a preview follows the pointer), click a drawing to select it, drag to move it, Delete,
// undo/redo, and a selected horizontal line made a server-side alert. Drawings belong to the
// symbol (store.js): every chart of that symbol shows them, on every timeframe.

import { DrawingsPrimitive } from "./primitive.js";
import { SHAPES } from "./shapes.js";
import { createDrawingStore } from "./store.js";
import { createHistory } from "./history.js";

const DEFAULT_STYLE = { color: "#2962ff", width: 2 };

export function createDrawingTools(workspace, { alerts, toast }) {
  const views = new Set();
  const state = { tool: null, pending: null, selected: null, drag: null };
  const store = createDrawingStore({
    onChange: (symbol) => {
      for (const view of views) if (view.spec.symbol === symbol) view.drawings.redraw();
    },
    onError: toast,
  });
  const history = createHistory(store);
  const buttons = document.querySelectorAll("[data-tool]");
  for (const button of buttons) button.addEventListener("click", () => setTool(state.tool === button.dataset.tool ? null : button.dataset.tool));
  document.getElementById("alert-line").addEventListener("click", () => alertSelected());
  const colorInput = document.getElementById("drawing-color");
  const widthSelect = document.getElementById("drawing-width");
  const magnet = document.getElementById("magnet");
  // Editing the selected drawing's colour and width (undoable, saved).
  for (const input of [colorInput, widthSelect]) {
    input.addEventListener("change", async () => {
      const drawing = selectedDrawing();
      if (!drawing) return;
      const before = structuredClone(drawing);
      drawing.style = { ...drawing.style, color: colorInput.value, width: Number(widthSelect.value) };
      try {
        await store.update(drawing);
        history.record({ id: drawing.id }, before, structuredClone(drawing));
      } catch (error) {
        toast("Not saved: " + error.message);
      }
    });
  }

  function setTool(tool) {
    state.tool = SHAPES[tool] ? tool : null;
    state.pending = null;
    for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.tool === state.tool));
    for (const view of views) view.drawings.redraw();
  }

  function selectedDrawing() {
    if (!state.selected) return null;
    return store.of(state.selected.symbol).find((each) => each.id === state.selected.id) || null;
  }

  function select(view, id) {
    state.selected = id ? { id, symbol: view.spec.symbol } : null;
    const drawing = selectedDrawing();
    if (drawing && drawing.style) {
      if (drawing.style.color) colorInput.value = drawing.style.color;
      if (drawing.style.width) widthSelect.value = String(drawing.style.width);
    }
    for (const each of views) each.drawings.redraw();
  }

  function pointAt(view, event) {
    const box = view.canvasElement.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    if (x > view.chart.timeScale().width()) return null; // on the price scale
    const time = view.xToTime(x);
    let price = view.series().coordinateToPrice(y);
    if (time === null || price === null) return null;
    if (magnet.checked) price = snapToBar(view, time, price);
    return { x, y, point: { time, price } };
  }

  /** Magnet: the nearest of the open, high, low and close of the bar at ``time``. */
  function snapToBar(view, time, price) {
    const { columns } = view;
    if (!columns || !columns.time.length) return price;
    let index = columns.time.findIndex((each) => each > time) - 1;
    if (index < 0) index = time < columns.time[0] ? 0 : columns.time.length - 1;
    const prices = [columns.open[index], columns.high[index], columns.low[index], columns.close[index]];
    return prices.reduce((best, each) => (Math.abs(each - price) < Math.abs(best - price) ? each : best), prices[0]);
  }

  async function place(view, at) {
    const needed = SHAPES[state.tool].points;
    if (!state.pending) state.pending = { id: "pending", symbol: view.spec.symbol, type: state.tool, points: [], style: DEFAULT_STYLE };
    state.pending.points = [...state.pending.points.slice(0, state.pending.placed || 0), at.point];
    state.pending.placed = state.pending.points.length;
    if (state.pending.placed < needed) return view.drawings.redraw();
    const style = { ...DEFAULT_STYLE, color: colorInput.value, width: Number(widthSelect.value) };
    const drawing = { symbol: state.pending.symbol, type: state.pending.type, points: state.pending.points, style };
    state.pending = null;
    if (drawing.type === "text") {
      const words = (window.prompt("Text of the note") || "").trim().slice(0, 1000);
      if (!words) return setTool(null);
      style.text = words;
    }
    setTool(null);
    try {
      const saved = await store.create(drawing);
      history.record({ id: saved.id }, null, saved);
      select(view, saved.id);
    } catch (error) {
      toast("The drawing was not saved: " + error.message);
    }
  }

  function startDrag(view, id, at) {
    const drawing = store.of(view.spec.symbol).find((each) => each.id === id);
    if (!drawing) return;
    const series = view.series();
    const start = drawing.points.map((p) => ({ x: view.timeToX(p.time), y: series.priceToCoordinate(p.price) }));
    state.drag = { view, drawing, before: structuredClone(drawing), start, from: at, moved: false };
    view.chart.applyOptions({ handleScroll: false, handleScale: false });
  }

  function onPointerDown(view, event) {
    if (event.button !== 0) return;
    const at = pointAt(view, event);
    if (!at) return;
    if (state.tool) {
      event.stopPropagation();
      event.preventDefault();
      place(view, at);
      return;
    }
    const id = view.drawings.primitive.hit(at.x, at.y);
    select(view, id);
    if (id) {
      event.stopPropagation();
      event.preventDefault();
      startDrag(view, id, at);
    }
  }

  function onPointerMove(view, event) {
    const at = pointAt(view, event);
    if (!at) return;
    if (state.tool && state.pending && state.pending.symbol === view.spec.symbol) {
      state.pending.points = [...state.pending.points.slice(0, state.pending.placed), at.point];
      view.drawings.redraw();
    }
    const drag = state.drag;
    if (drag && drag.view === view) {
      const dx = at.x - drag.from.x;
      const dy = at.y - drag.from.y;
      drag.moved = drag.moved || Math.abs(dx) + Math.abs(dy) > 2;
      drag.drawing.points = drag.start.map((p) => ({
        time: view.xToTime(p.x + dx),
        price: view.series().coordinateToPrice(p.y + dy),
      }));
      store.of(view.spec.symbol); // same objects: the primitive reads them
      for (const each of views) if (each.spec.symbol === view.spec.symbol) each.drawings.redraw();
    }
  }

  async function onPointerUp() {
    const drag = state.drag;
    if (!drag) return;
    state.drag = null;
    drag.view.chart.applyOptions({ handleScroll: true, handleScale: true });
    if (!drag.moved) return;
    try {
      await store.update(drag.drawing);
      history.record({ id: drag.drawing.id }, drag.before, structuredClone(drag.drawing));
    } catch (error) {
      toast("The move was not saved: " + error.message);
    }
  }

  function attach(view) {
    views.add(view);
    view.canvasElement = view.cell.querySelector(".ws-canvas");
    const primitive = new DrawingsPrimitive(view, () => {
      const drawings = [...store.of(view.spec.symbol)];
      if (state.pending && state.pending.symbol === view.spec.symbol && state.pending.points.length >= SHAPES[state.pending.type].points) {
        drawings.push(state.pending);
      }
      return { drawings, selectedId: state.selected && state.selected.id };
    });
    let series = null;
    const element = view.canvasElement;
    const down = (event) => onPointerDown(view, event);
    const move = (event) => onPointerMove(view, event);
    element.addEventListener("mousedown", down, true);
    element.addEventListener("mousemove", move, true);
    window.addEventListener("mouseup", onPointerUp);
    view.drawings = {
      primitive,
      reattach() {
        try {
          if (series) series.detachPrimitive(primitive);
        } catch (error) { /* the series was removed (a new chart type) and the primitive with it */ }
        series = view.series();
        series.attachPrimitive(primitive);
      },
      redraw: () => primitive.redraw(),
      load: () => store.load(view.spec.symbol),
      close() {
        views.delete(view);
        window.removeEventListener("mouseup", onPointerUp);
      },
    };
    view.drawings.reattach();
    store.load(view.spec.symbol); // on its way while the bars are fetched, not after them
  }

  async function deleteSelected() {
    const drawing = selectedDrawing();
    if (!drawing) return;
    state.selected = null;
    try {
      await store.remove(drawing);
      history.record({ id: drawing.id }, structuredClone(drawing), null);
    } catch (error) {
      toast("Not deleted: " + error.message);
    }
  }

  async function alertSelected() {
    const drawing = selectedDrawing();
    const view = workspace.active;
    if (!drawing || drawing.type !== "horizontal_line" || !view) {
      return toast("Select a horizontal line first: it becomes an alert when the price crosses it.");
    }
    try {
      const alert = await alerts.priceCross(view, drawing.points[0].price);
      drawing.style = { ...drawing.style, alert: alert.id, dash: true };
      await store.update(drawing);
    } catch (error) {
      toast("No alert made: " + error.message);
    }
  }

  return {
    store,
    history,
    state,
    attach,
    setTool,
    deleteSelected,
    alertSelected,
    onActivate() {},
    undo: () => history.undo().catch((error) => toast("Undo failed: " + error.message)),
    redo: () => history.redo().catch((error) => toast("Redo failed: " + error.message)),
    cancel() {
      setTool(null);
      select(workspace.active, null);
    },
  };
}
