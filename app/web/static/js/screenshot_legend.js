// The legend drawn onto the screenshot, as TradingView's snapshot has it: every text of the
// panes' legends (symbol, OHLC, EMAs, indicators with their values), in its own colour and
// font, where the page shows it over the chart. Buttons (remove, settings) are left out.

let lastDrawn = []; // the texts drawn on the last screenshot (tests read them)

/** Texts of ``root``'s legends with where they sit, relative to ``origin``'s top left. */
function legendTexts(root, origin) {
  const base = origin.getBoundingClientRect();
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest("button")) continue;
    const style = getComputedStyle(parent);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (!rect.width || !rect.height) continue;
    out.push({
      text,
      x: rect.left - base.left,
      y: rect.top - base.top + rect.height / 2,
      font: style.fontWeight + " " + style.fontSize + " " + style.fontFamily,
      color: style.color,
    });
  }
  return out;
}

/** Draws the legends under ``container`` (the chart's element) onto ``canvas`` (its
 * screenshot, in device pixels). */
export function drawLegendOnto(canvas, container) {
  const context = canvas.getContext("2d");
  const ratio = window.devicePixelRatio || 1;
  const texts = [];
  for (const legend of container.querySelectorAll(".pane-legend")) {
    texts.push(...legendTexts(legend, container));
  }
  context.save();
  context.scale(ratio, ratio);
  context.textBaseline = "middle";
  for (const item of texts) {
    context.font = item.font;
    context.fillStyle = item.color;
    context.fillText(item.text, item.x, item.y);
  }
  context.restore();
  lastDrawn = texts.map((item) => item.text);
  return lastDrawn;
}

export function lastLegendText() {
  return lastDrawn;
}
