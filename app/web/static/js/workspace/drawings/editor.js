// The style editor of the selected drawing: a small panel over its chart with its colour, line
// width, line style (solid, dashed, dotted), a trend line's extension left and right, a note's
// words, and delete. Every change goes to ``onStyle(patch)`` / ``onText(words)`` (saved and
// undoable by the tools); the panel only shows what the drawing has.

import { LINE_STYLES, lineStyleOf } from "./shapes.js";

const TEXT_MAX = 1000;
const CSS = `
.ws-drawing-editor { position: absolute; left: 44px; bottom: 34px; z-index: 6; display: flex; flex-wrap: wrap; gap: 4px;
  align-items: center; padding: 3px 6px; font-size: 12px; background: var(--panel, #1e222d);
  color: var(--text, #d1d4dc); border: 1px solid var(--border, #363a45); border-radius: 4px; }
.ws-drawing-editor[hidden] { display: none; }
.ws-drawing-editor { max-width: calc(100% - 120px); }
.ws-drawing-editor input[type="color"] { width: 26px; height: 20px; padding: 0; border: 0; }
.ws-drawing-editor input[type="text"] { width: 14em; }
`;

function element(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function options(select, values, labels = values) {
  values.forEach((value, i) => select.append(element("option", { value: String(value), textContent: labels[i] })));
  return select;
}

export function createStyleEditor({ onStyle, onText, onDelete }) {
  if (!document.getElementById("ws-drawing-editor-css")) {
    document.head.append(element("style", { id: "ws-drawing-editor-css", textContent: CSS }));
  }
  const color = element("input", { type: "color", className: "de-color", ariaLabel: "Colour of the drawing" });
  const width = options(element("select", { className: "de-width", ariaLabel: "Line width of the drawing" }), [1, 2, 3, 4], ["1 px", "2 px", "3 px", "4 px"]);
  const lineStyle = options(element("select", { className: "de-line-style", ariaLabel: "Line style" }), LINE_STYLES);
  const extendLeft = element("input", { type: "checkbox", className: "de-extend-left" });
  const extendRight = element("input", { type: "checkbox", className: "de-extend-right" });
  const extend = element("span", { className: "de-extend" }, [
    element("label", { className: "toggle" }, [extendLeft, "Extend left"]),
    element("label", { className: "toggle" }, [extendRight, "Extend right"]),
  ]);
  const text = element("input", { type: "text", className: "de-text", maxLength: TEXT_MAX, ariaLabel: "Text of the note", placeholder: "Text of the note" });
  const remove = element("button", { type: "button", className: "tool de-delete", textContent: "Delete", title: "Delete the drawing (Delete)" });
  const panel = element("div", { className: "ws-drawing-editor", hidden: true }, [color, width, lineStyle, extend, text, remove]);
  panel.setAttribute("role", "group");
  panel.setAttribute("aria-label", "Selected drawing");
  // The canvas listens for presses in the capture phase: keep the panel's own from reaching it.
  panel.addEventListener("mousedown", (event) => event.stopPropagation());

  color.addEventListener("change", () => onStyle({ color: color.value }));
  width.addEventListener("change", () => onStyle({ width: Number(width.value) }));
  lineStyle.addEventListener("change", () => onStyle({ line_style: lineStyle.value, dash: lineStyle.value === "dashed" }));
  extendLeft.addEventListener("change", () => onStyle({ extend_left: extendLeft.checked }));
  extendRight.addEventListener("change", () => onStyle({ extend_right: extendRight.checked }));
  let shownText = "";
  function saveText() {
    const words = text.value.trim().slice(0, TEXT_MAX);
    if (!words) {
      text.value = shownText; // a note keeps words: empty is not saved
      return;
    }
    if (words !== shownText) {
      shownText = words;
      onText(words);
    }
  }
  text.addEventListener("change", saveText);
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      saveText();
      text.blur();
    } else if (event.key === "Escape") {
      text.value = shownText;
      text.blur();
    }
  });
  remove.addEventListener("click", () => onDelete());

  return {
    panel,
    /** Shows the panel over ``view``'s chart for ``drawing`` (null hides it). */
    show(view, drawing) {
      if (!drawing || !view) {
        panel.hidden = true;
        return;
      }
      const style = drawing.style || {};
      // At the foot of the chart, over the volume (the legend keeps the top), clear of the
      // time scale.
      if (panel.parentNode !== view.cell) view.cell.append(panel);
      color.value = style.color || "#2962ff";
      width.value = String(style.width || 2);
      lineStyle.value = lineStyleOf(style);
      extend.hidden = drawing.type !== "trend_line";
      extendLeft.checked = Boolean(style.extend_left);
      extendRight.checked = Boolean(style.extend_right);
      text.hidden = drawing.type !== "text";
      if (document.activeElement !== text) text.value = shownText = style.text || "";
      panel.hidden = false;
    },
    /** Puts the cursor in the note's words (a double-click on the note). */
    editText() {
      if (panel.hidden || text.hidden) return;
      text.focus();
      text.select();
    },
  };
}
