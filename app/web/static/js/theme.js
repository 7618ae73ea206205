// Light and dark looks: the chart's colours come from the server (app/charts/lightweight.py, one
// source with the Plotly engine); the page's own colours follow a class on <html>.

import { state } from "./page_state.js";

export function themeColors(name) {
  return state.options.themes[name] || state.options.themes.dark;
}

/** Chart options for a theme: background, text, grid, borders, pane separators. */
export function chartThemeOptions(name) {
  const look = themeColors(name);
  return {
    layout: {
      background: { type: "solid", color: look.background },
      textColor: look.text,
      fontFamily: state.options.fontFamily,
      panes: { separatorColor: look.border, separatorHoverColor: look.grid, enableResize: true },
    },
    grid: { vertLines: { color: look.grid }, horzLines: { color: look.grid } },
    rightPriceScale: { borderColor: look.border },
    timeScale: { borderColor: look.border },
  };
}

export function applyPageTheme(name) {
  document.documentElement.dataset.theme = name === "light" ? "light" : "dark";
}
