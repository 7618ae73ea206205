// The header's controls: timeframe buttons, chart type, price scale mode, theme, fullscreen and
// the screenshot (the library's takeScreenshot with the legends drawn on, saved as a PNG).

import { state } from "./page_state.js";
import { drawLegendOnto } from "./screenshot_legend.js";

/** Marks the button of ``timeframe`` as pressed (the timeframe drawn). */
export function markTimeframe(timeframe) {
  for (const button of document.querySelectorAll("#timeframes button")) {
    button.setAttribute("aria-pressed", String(button.dataset.timeframe === timeframe));
  }
}

export function wireTimeframes(onPick) {
  for (const button of document.querySelectorAll("#timeframes button")) {
    button.addEventListener("click", () => {
      markTimeframe(button.dataset.timeframe);
      onPick(button.dataset.timeframe);
    });
  }
}

export function wireSelect(id, onChange) {
  const select = document.getElementById(id);
  if (select) select.addEventListener("change", () => onChange(select.value));
  return select;
}

export function wireButton(id, onClick) {
  const button = document.getElementById(id);
  if (button) button.addEventListener("click", onClick);
  return button;
}

export function toggleFullscreen(target) {
  if (document.fullscreenElement) return document.exitFullscreen();
  return target.requestFullscreen ? target.requestFullscreen() : null;
}

function fileName(extension) {
  const safe = (state.symbol + "_" + state.timeframe).replace(/[^\p{L}\p{N}_-]+/gu, "_");
  return safe + "." + extension;
}

/** The chart as drawn (all panes) with its legends (symbol, OHLC, EMAs, indicators: as
 * TradingView's snapshot), downloaded as a PNG; a title only when there is no legend. */
export function saveScreenshot(chart, textColor) {
  const canvas = chart.takeScreenshot(true);
  const drawn = drawLegendOnto(canvas, chart.chartElement().parentElement); // where the legends sit
  if (!drawn.length) {
    const context = canvas.getContext("2d");
    const ratio = window.devicePixelRatio || 1;
    context.save();
    context.scale(ratio, ratio);
    context.font = "13px " + state.options.fontFamily;
    context.fillStyle = textColor;
    context.fillText(state.symbol + " · " + state.timeframe, 8, 16);
    context.restore();
  }
  return new Promise((resolve) => {
    canvas.toBlob((blob) => {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = fileName("png");
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      resolve(blob);
    }, "image/png");
  });
}
