// The component's entry: one plot for the life of the iframe. Each render from the app that
// brings another figure calls Plotly.react on it (a render with the same figure draws nothing),
// so the zoom and pan the user set stay while live bars arrive (the figure's uirevision).

import { listen, setFrameHeight } from "./streamlit_protocol.js";
import { followedRange } from "./live_edge.js";
import { LineToggles } from "./visibility.js";
import { followBarsInView } from "./visible_ticks.js";

const plot = document.getElementById("plot");
const message = document.getElementById("message");
const exposed = { plot, renders: 0, draws: 0, follows: 0, parseMs: 0, drawMs: 0 }; // the last draw's
window.superChartPlotly = exposed; // for tests and benchmarks
const toggles = new LineToggles(plot, exposed); // the EMA lines: shown or hidden by a restyle

let drawn = { figure: null, height: null, lastPosition: null, uirevision: null };
let asked = { figure: null, height: null }; // the last render's, drawn or queued
let queue = Promise.resolve(); // draws in the order the renders came

function showMessage(text) {
  message.textContent = text;
  message.hidden = !text;
}

async function draw(args, height) {
  const start = performance.now();
  const figure = JSON.parse(args.figure);
  toggles.prepare(figure.data || []);
  const parsed = performance.now();
  const layout = { ...(figure.layout || {}), height, autosize: true };
  delete layout.width;
  const lastPosition = Number(args.lastPosition);
  const sameView = drawn.figure !== null && layout.uirevision === drawn.uirevision;
  const full = plot._fullLayout;
  const range = sameView && full ? followedRange(full.xaxis, drawn.lastPosition, lastPosition) : null;
  if (range) {
    layout.xaxis = { ...(layout.xaxis || {}), range, autorange: false };
    exposed.follows += 1;
  }
  // Not Plotly's "responsive": it redraws on every resize of the frame, and the frame's height
  // changes with the panes (an indicator added drew the whole chart twice). A new width only.
  const config = { ...(args.config || {}), responsive: false };
  await Plotly.react(plot, figure.data || [], layout, config);
  toggles.listen(schedule);
  await followBarsInView(plot); // date labels for the bars in view, now and on zoom and pan
  drawn = { figure: args.figure, height, lastPosition, uirevision: layout.uirevision };
  exposed.draws += 1;
  exposed.parseMs = parsed - start;
  exposed.drawMs = performance.now() - parsed;
}

let drawnWidth = window.innerWidth;
window.addEventListener("resize", () => {
  if (window.innerWidth === drawnWidth || !plot._fullLayout) return;
  drawnWidth = window.innerWidth;
  queue = queue.then(() => Plotly.Plots.resize(plot)).catch((error) => console.error(error));
});

function schedule(job) {
  queue = queue.then(job).catch((error) => console.error(error));
}
toggles.watchSidebar(schedule);

listen((args) => {
  const height = Number(args.height) || 640;
  setFrameHeight(height);
  exposed.renders += 1;
  toggles.want(args);
  if (args.figure === asked.figure && height === asked.height) {
    schedule(() => toggles.apply()); // the same figure: only a line shown or hidden, if any
    return;
  }
  asked = { figure: args.figure, height };
  queue = queue
    .then(() => draw(args, height))
    .then(() => showMessage(""))
    .catch((error) => {
      console.error(error);
      showMessage("The chart could not be drawn: " + error.message);
    });
});
