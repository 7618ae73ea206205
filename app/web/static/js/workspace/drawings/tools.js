// Drawing on the workspace's charts: the toolbar's tools (and Alt+H/T/...), placing points
// (pointer.js), selecting, moving a drawing or one of its points, its style editor (editor.js:
// colour, width, line style, a trend line's extension, a note's words), Delete, undo/redo, and a
// selected horizontal line made a server-side alert. Every change is one PUT /api/drawings/{id}
// and one undo step. Drawings belong to the symbol (store.js): every chart of that symbol shows
// them, on every timeframe.

import { DrawingsPrimitive } from "./primitive.js";
import { SHAPES } from "./shapes.js";
import { createDrawingStore } from "./store.js";
import { createHistory } from "./history.js";
import { createPointer } from "./pointer.js";
import { createStyleEditor } from "./editor.js";

const DEFAULT_STYLE = { color: "#2962ff", width: 2 };

export function createDrawingTools(workspace, { alerts, toast }) {
  const views = new Set();
  const state = { tool: null, pending: null, selected: null, drag: null };
  const store = createDrawingStore({
    onChange: (symbol) => {
      for (const view of views) if (view.spec.symbol === symbol) view.drawings.redraw();
      showEditor();
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
  const editor = createStyleEditor({
    onStyle: (patch) => restyle(patch),
    onText: (words) => restyle({ text: words }),
    onDelete: () => deleteSelected(),
  });
  // The toolbar's colour and width: those of new drawings, and of the selected one.
  colorInput.addEventListener("change", () => restyle({ color: colorInput.value }));
  widthSelect.addEventListener("change", () => restyle({ width: Number(widthSelect.value) }));

  /** Saves ``drawing`` (changed in place from ``before``) as one undoable step. */
  async function commit(drawing, before, failure = "Not saved: ") {
    try {
      await store.update(drawing);
      history.record({ id: drawing.id }, before, structuredClone(drawing));
    } catch (error) {
      toast(failure + error.message);
    }
  }

  async function restyle(patch) {
    const drawing = selectedDrawing();
    if (!drawing) return;
    const style = { ...drawing.style, ...patch };
    if (JSON.stringify(style) === JSON.stringify(drawing.style || {})) return;
    const before = structuredClone(drawing);
    drawing.style = style;
    await commit(drawing, before);
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

  function showEditor() {
    const view = state.selected && state.selected.view;
    // Hidden once its chart is gone or shows another symbol (the drawing stays selected).
    const shown = view && views.has(view) && view.spec.symbol === state.selected.symbol;
    editor.show(shown ? view : null, selectedDrawing());
  }

  function select(view, id) {
    state.selected = id ? { id, symbol: view.spec.symbol, view } : null;
    const drawing = selectedDrawing();
    if (drawing && drawing.style) {
      if (drawing.style.color) colorInput.value = drawing.style.color;
      if (drawing.style.width) widthSelect.value = String(drawing.style.width);
    }
    showEditor();
    for (const each of views) each.drawings.redraw();
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

  const pointer = createPointer({
    state,
    store,
    views,
    place,
    select,
    selectedDrawing,
    commit,
    magnetOn: () => magnet.checked,
    editText: () => editor.editText(),
  });

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
    const stopListening = pointer.listen(view);
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
      load() {
        showEditor(); // the chart may show another symbol now
        return store.load(view.spec.symbol);
      },
      close() {
        views.delete(view);
        stopListening();
        if (state.selected && state.selected.view === view) select(view, null);
      },
    };
    view.drawings.reattach();
    store.load(view.spec.symbol); // on its way while the bars are fetched, not after them
  }

  async function deleteSelected() {
    const drawing = selectedDrawing();
    if (!drawing) return;
    state.selected = null;
    showEditor();
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
      drawing.style = { ...drawing.style, alert: alert.id, line_style: "dashed", dash: true };
      await store.update(drawing);
    } catch (error) {
      toast("No alert made: " + error.message);
    }
  }

  return {
    store,
    history,
    state,
    editor,
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
