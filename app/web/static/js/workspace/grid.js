// The charts' grid: CSS grid tracks from the layout (1, 2 side by side or stacked, 3, 4, 6, 8),
// the first column and row resizable by dragging a divider, one chart maximised over the rest.
// Charts follow their cell's size (Lightweight Charts' autoSize is a ResizeObserver on it).

import { GRIDS } from "./layout_url.js";

const MIN_SPLIT = 0.15;

export function createGrid(root, { onSplit }) {
  let current = { grid: "1", split: [0.5, 0.5], maximised: null };
  const dividers = { col: divider("col"), row: divider("row") };

  function divider(kind) {
    const element = document.createElement("div");
    element.className = "ws-divider " + kind;
    element.setAttribute("role", "separator");
    element.setAttribute("aria-orientation", kind === "col" ? "vertical" : "horizontal");
    element.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      element.setPointerCapture(event.pointerId);
      element.classList.add("dragging");
      const move = (moveEvent) => {
        const box = root.getBoundingClientRect();
        const at = kind === "col" ? (moveEvent.clientX - box.left) / box.width : (moveEvent.clientY - box.top) / box.height;
        current.split[kind === "col" ? 0 : 1] = Math.min(1 - MIN_SPLIT, Math.max(MIN_SPLIT, at));
        apply();
      };
      const up = () => {
        element.classList.remove("dragging");
        element.removeEventListener("pointermove", move);
        element.removeEventListener("pointerup", up);
        onSplit(current.split);
      };
      element.addEventListener("pointermove", move);
      element.addEventListener("pointerup", up);
    });
    return element;
  }

  function tracks(count, first) {
    if (count === 1) return "minmax(0, 1fr)";
    if (count === 2) return `minmax(0, ${first}fr) minmax(0, ${1 - first}fr)`;
    return `repeat(${count}, minmax(0, 1fr))`;
  }

  function apply() {
    const [cols, rows] = current.maximised ? [1, 1] : GRIDS[current.grid] || GRIDS[1];
    root.style.gridTemplateColumns = tracks(cols, current.split[0]);
    root.style.gridTemplateRows = tracks(rows, current.split[1]);
    dividers.col.hidden = cols !== 2;
    dividers.row.hidden = rows !== 2;
    dividers.col.style.left = current.split[0] * 100 + "%";
    dividers.row.style.top = current.split[1] * 100 + "%";
    for (const cell of root.querySelectorAll(".ws-cell")) {
      cell.hidden = Boolean(current.maximised) && cell !== current.maximised;
    }
  }

  root.append(dividers.col, dividers.row);
  return {
    set(grid, split) {
      current.grid = grid in GRIDS ? grid : "1";
      if (split) current.split = [...split];
      apply();
    },
    newCell() {
      const cell = document.createElement("section");
      cell.className = "ws-cell";
      root.insertBefore(cell, dividers.col);
      return cell;
    },
    toggleMaximise(cell) {
      current.maximised = current.maximised === cell ? null : cell;
      apply();
      return current.maximised === cell;
    },
    forget(cell) {
      if (current.maximised === cell) current.maximised = null;
      cell.remove();
      apply();
    },
    get split() {
      return current.split;
    },
    get maximised() {
      return current.maximised;
    },
  };
}
