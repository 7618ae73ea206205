// Keyboard shortcuts (TradingView's common ones), listed in the "?" dialog.

const SHORTCUTS = [
  ["A letter or digit", "Type a symbol for the active chart (Enter opens it)"],
  [", and .", "Previous / next timeframe of the active chart"],
  ["Alt+H", "Horizontal line"],
  ["Alt+R", "Horizontal ray"],
  ["Alt+T", "Trend line"],
  ["Alt+G", "Rectangle"],
  ["Alt+F", "Fibonacci retracement"],
  ["Delete", "Delete the selected drawing"],
  ["Ctrl+Z / Ctrl+Y", "Undo / redo a drawing change"],
  ["Esc", "Cancel the drawing tool, drop the selection, close a dialog"],
  ["?", "This list"],
];
const TOOL_KEYS = { h: "horizontal_line", r: "horizontal_ray", t: "trend_line", g: "rectangle", f: "fib_retracement" };

function typing(target) {
  return target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
}

export function wireShortcuts(workspace, { drawings }) {
  const dialog = document.getElementById("shortcuts-dialog");
  const list = dialog.querySelector(".shortcut-list");
  for (const [keys, what] of SHORTCUTS) {
    const dt = document.createElement("dt");
    dt.textContent = keys;
    const dd = document.createElement("dd");
    dd.textContent = what;
    list.append(dt, dd);
  }
  const openDialog = () => dialog.open || dialog.showModal();
  document.getElementById("shortcuts-open").addEventListener("click", openDialog);

  document.addEventListener("keydown", (event) => {
    if (typing(event.target) || dialog.open) return;
    const view = workspace.active;
    const key = event.key;
    if (event.altKey && TOOL_KEYS[key.toLowerCase()]) {
      event.preventDefault();
      drawings.setTool(TOOL_KEYS[key.toLowerCase()]);
    } else if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "z") {
      event.preventDefault();
      if (event.shiftKey) drawings.redo();
      else drawings.undo();
    } else if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === "y") {
      event.preventDefault();
      drawings.redo();
    } else if (key === "Delete" || key === "Backspace") {
      drawings.deleteSelected();
    } else if (key === "Escape") {
      drawings.cancel();
    } else if (key === "?") {
      openDialog();
    } else if ((key === "," || key === ".") && view) {
      const names = [...view.head.timeframe.options].map((option) => option.value);
      const at = names.indexOf(view.spec.timeframe) + (key === "." ? 1 : -1);
      if (at >= 0 && at < names.length) view.setTimeframe(names[at]);
    } else if (view && key.length === 1 && /[A-Za-z0-9]/.test(key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // Type to search: the active chart's symbol box takes the keystrokes from here on.
      event.preventDefault();
      view.head.symbol.value = key.toUpperCase();
      view.head.symbol.focus();
    }
  });
}
