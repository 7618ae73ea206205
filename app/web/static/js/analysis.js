// The analysis overlays and panel (GET /api/analysis): support and resistance as price lines
// with their touch counts, volume spikes as markers on the volume bars, and the signals and
// summary in a panel that links to the report. Text from the server goes in with textContent.

import { state, timeframeSeconds } from "./page_state.js";
import { formatTime, formatVolume } from "./format.js";
import { showMessage } from "./notices.js";
import { layoutLevels, layoutSpikes, MAX_LEVELS } from "./level_layout.js";

const SPIKE_COLOR = "#f9a825";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function analysisQuery() {
  const query = new URLSearchParams({ symbol: state.symbol, timeframe: state.timeframe });
  const lang = new URLSearchParams(window.location.search).get("lang"); // /chart?lang=fa
  if (lang) query.set("lang", lang);
  return query;
}

export function createAnalysis({ chart, pricePane, held, panel, showMessage }) {
  const shown = { levels: Boolean(state.levels), spikes: Boolean(state.spikes), panel: false };
  // The last answer, for state.symbol + state.timeframe; the offline file has it embedded.
  let result = state.analysis || null;
  let resultKey = state.analysis ? analysisQuery().toString() : "";
  let lines = []; // [series, priceLine]
  let markers = null;
  let layout = { hidden: 0, merged: 0 }; // levels left out and labels merged, last drawn
  let asked = null;

  async function load() {
    const key = analysisQuery().toString();
    if (result && resultKey === key) return result;
    if (asked && asked.key === key) return asked.promise;
    const promise = fetch("/api/analysis?" + key).then(async (response) => {
      const body = await response.json().catch(() => null);
      if (!response.ok) {
        const detail = body && body.detail ? body.detail : "The server answered " + response.status + ".";
        throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
      }
      return body;
    });
    asked = { key, promise };
    try {
      const body = await promise;
      if (asked && asked.key === key) {
        result = body;
        resultKey = key;
      }
      return body;
    } finally {
      if (asked && asked.key === key) asked = null;
    }
  }

  function clearLevels() {
    for (const [series, line] of lines) {
      try {
        series.removePriceLine(line);
      } catch (error) {
        // the series was replaced (another chart type): its lines went with it
      }
    }
    lines = [];
  }

  /** The strongest levels (MAX_LEVELS), labels that would overlap merged, none over the last
   * price's label; how many are hidden is said beside the Levels box. */
  function drawLevels() {
    clearLevels();
    layout = { hidden: 0, merged: 0 };
    if (!shown.levels || !result || !pricePane.series) return sayHidden();
    const colors = state.options.candles;
    const series = pricePane.series;
    const yOf = (price) => series.priceToCoordinate(price);
    const closes = held.data.columns ? held.data.columns.close : [];
    const lastY = closes && closes.length ? yOf(closes[closes.length - 1]) : null;
    const { drawn, hidden } = layoutLevels(result.levels, yOf, lastY);
    for (const item of drawn) {
      const support = item.level.kind === "support";
      const line = series.createPriceLine({
        price: item.level.price,
        color: support ? colors.upColor : colors.downColor,
        lineWidth: 1,
        lineStyle: 2,
        axisLabelVisible: item.label,
        title: item.label
          ? (support ? "S" : "R") + " ×" + item.level.touches + (item.merged ? " +" + item.merged : "")
          : "",
      });
      lines.push([series, line]);
    }
    layout = { hidden, merged: drawn.filter((item) => !item.label).length };
    sayHidden();
  }

  function sayHidden() {
    const box = document.getElementById("levels-toggle");
    const label = box && box.parentElement;
    if (!label) return;
    const text = layout.hidden ? "Levels (" + layout.hidden + " weaker hidden)" : "Levels";
    if (label.lastChild && label.lastChild.nodeType === Node.TEXT_NODE) label.lastChild.textContent = text;
    label.title = layout.hidden
      ? "The " + MAX_LEVELS + " strongest levels are drawn; " + layout.hidden + " weaker ones are hidden"
      : "";
  }

  /** Markers on the volume bars held (a spike outside them has no bar to sit on); a label
   * that would overlap a larger spike's is left off (the arrow stays). */
  function drawSpikes() {
    const wanted = [];
    if (shown.spikes && result && held.data.columns) {
      const times = new Set(held.data.columns.time);
      const onBars = result.volume_spikes.filter((spike) => times.has(spike.time));
      const xOf = (time) => chart.timeScale().timeToCoordinate(time);
      for (const { spike, showText } of layoutSpikes(onBars, xOf)) {
        wanted.push({
          time: spike.time,
          position: "aboveBar",
          color: SPIKE_COLOR,
          shape: "arrowDown",
          text: showText ? (spike.zscore === null ? "Vol" : "z " + spike.zscore.toFixed(1)) : "",
        });
      }
    }
    if (!markers) markers = window.LightweightCharts.createSeriesMarkers(pricePane.volume, []);
    markers.setMarkers(wanted);
  }

  // Zooming or scrolling moves the labels: lay them out again, once per frame at most.
  let pending = false;
  chart.timeScale().subscribeVisibleLogicalRangeChange(() => {
    if (pending || !result || !(shown.levels || shown.spikes)) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawLevels();
      drawSpikes();
    });
  });

  function renderPanel() {
    if (!panel || !shown.panel) return;
    const body = panel.querySelector(".analysis-body");
    if (!result) {
      body.replaceChildren(element("p", "muted", "Loading…"));
      return;
    }
    const signals = element("dl", "signals");
    for (const signal of result.signals) {
      const term = element("dt", "", signal.name);
      const state_ = element("dd", "", signal.state_label || signal.state.replaceAll("_", " "));
      state_.appendChild(element("span", "signal-detail", signal.detail));
      signals.append(term, state_);
    }
    const levels = element("ul", "levels");
    for (const level of result.levels) {
      levels.appendChild(element("li", level.kind,
        level.kind + " " + level.price.toFixed(state.precision) + " · " + level.touches + " touches"));
    }
    const spikes = result.volume_spikes.slice(-5).reverse().map((spike) =>
      element("li", "", formatTime(spike.time, timeframeSeconds()) +
        " UTC · " + formatVolume(spike.volume) + " · z " + spike.zscore.toFixed(1)));
    const report = element("a", "report-link", "Open the report");
    report.href = "/report?" + analysisQuery().toString();
    report.target = "_blank";
    const summary = element("p", "summary", result.narrative || result.summary);
    summary.dir = result.narrative_dir || "auto"; // a Persian narrative reads right-to-left
    if (result.narrative_lang) summary.lang = result.narrative_lang;
    body.replaceChildren(
      summary,
      element("h3", "", "Signals"), signals,
      element("h3", "", "Levels"), levels,
      element("h3", "", "Latest volume spikes"), element("ul", "spikes"),
      report,
      element("p", "muted analysis-scope", result.scope || ""), // the one analysis rule, said
    );
    body.querySelector(".spikes").replaceChildren(...spikes);
  }

  function draw() {
    drawLevels();
    drawSpikes();
    renderPanel();
  }

  /** Fetches (when something is on and the answer is not held) and draws. */
  async function refresh() {
    if (state.standalone || !(shown.levels || shown.spikes || shown.panel)) return draw();
    renderPanel();
    try {
      await load();
    } catch (error) {
      showMessage(error.message);
      return;
    }
    draw();
  }

  function set(what, on) {
    shown[what] = on;
    if (what === "panel" && panel) panel.hidden = !on;
    return refresh();
  }

  /** Another answer to draw (the Streamlit component hands its own; there is no server). */
  function setResult(next) {
    result = next;
    resultKey = next ? analysisQuery().toString() : "";
    return refresh();
  }

  /** What is drawn now, for tests: the level lines and the spike markers. */
  function drawn() {
    return {
      lines: lines.map(([, line]) => line.options()),
      markers: markers ? markers.markers() : [],
      hidden: layout.hidden,
    };
  }

  return { shown, set, setResult, refresh, draw, drawn };
}

/** The Levels and Volume spikes boxes and the panel's open/close buttons (the offline file
 * has the boxes only). */
export function wireAnalysisControls(analysis, onChange) {
  for (const what of ["levels", "spikes"]) {
    const box = document.getElementById(what + "-toggle");
    if (!box) continue;
    box.addEventListener("change", () => {
      state[what] = box.checked;
      analysis.set(what, box.checked);
      onChange();
    });
  }
  if (state.standalone && state.analysisError && (state.levels || state.spikes)) {
    showMessage(state.analysisError); // asked for in the link, and not in the file: say so
  }
  const button = document.getElementById("analysis-button");
  if (!button) return;
  const showPanel = (on) => {
    button.setAttribute("aria-pressed", String(on));
    analysis.set("panel", on);
  };
  button.addEventListener("click", () => showPanel(!analysis.shown.panel));
  document.getElementById("analysis-close").addEventListener("click", () => showPanel(false));
}
