// The lines the sidebar toggles (the EMAs), shown or hidden without a new figure. The figure's
// text carries every offered EMA whatever is ticked, so a toggle sends the same text (nothing
// to parse or draw again); the app names the toggled lines and the hidden ones (args.toggled,
// args.hidden) and this module makes the plot say so: inside the Plotly.react of a new figure
// (one draw), else with one Plotly.restyle of the lines that changed.
//
// A hidden line is visible: "legendonly", as Plotly's own legend click leaves it: not drawn, not
// in the hover, not in the y autorange, its legend entry greyed (a click on it shows it again).
// (An opacity-0 line restyles ~2x faster but stays in the autorange and the legend as if drawn.)
// A legend click on one of these lines is the same toggle: restyled here at once (Plotly's own
// waits out its double-click delay first, 300 ms), then handed to the app (setComponentValue),
// which sets the sidebar's checkbox. The app is told only what the legend changed (a checkbox
// flipped meanwhile keeps its flip), and until a render says the app has it
// (args.legendApplied), renders sent before it do not undo the click.

import { setComponentValue } from "./streamlit_protocol.js";

const HIDDEN = "legendonly";
const HOLD_MS = 20_000; // a legend click the app never confirms stops holding after this

const shown = (trace) => trace.visible === undefined || trace.visible === true;
const names = (value) => (Array.isArray(value) ? value.filter((n) => typeof n === "string") : []);

export class LineToggles {
  constructor(plot, stats) {
    this.plot = plot;
    this.stats = stats; // window.superChartPlotly: restyles, restyleMs, reports
    this.toggled = new Set(); // trace names the app toggles
    this.hidden = new Set(); // those to hide
    this.pending = null; // {id, at}: legend clicks handed to the app, not yet in a render
    this.changed = new Map(); // what those clicks did: name -> hidden
    this.session = Math.random().toString(36).slice(2, 10);
    this.applying = false;
    this.listening = false;
    Object.assign(stats, { restyles: 0, restyleMs: 0, reports: 0 });
  }

  /** Takes a render's arguments (a render sent before the last legend click keeps the click's). */
  want(args) {
    this.toggled = new Set(names(args.toggled));
    this.hidden = new Set(names(args.hidden));
    if (!this.pending) return;
    const fresh = performance.now() - this.pending.at < HOLD_MS;
    if (args.legendApplied === this.pending.id || !fresh) {
      this.pending = null;
      this.changed.clear();
      return;
    }
    for (const [name, hide] of this.changed) {
      if (hide) this.hidden.add(name);
      else this.hidden.delete(name);
    }
  }

  /** Sets each toggled line's visibility in a figure's data about to be drawn. */
  prepare(data) {
    for (const trace of data) {
      if (this.toggled.has(trace.name)) trace.visible = this.hidden.has(trace.name) ? HIDDEN : true;
    }
  }

  /** One restyle of the drawn lines that differ from what is wanted (none differ: no call). */
  async apply() {
    const gd = this.plot;
    if (!gd.data || !gd._fullLayout) return;
    const indices = [];
    const visible = [];
    gd.data.forEach((trace, index) => {
      if (!this.toggled.has(trace.name)) return;
      const hide = this.hidden.has(trace.name);
      if (shown(trace) === hide) {
        indices.push(index);
        visible.push(hide ? HIDDEN : true);
      }
    });
    if (!indices.length) return;
    const start = performance.now();
    this.applying = true;
    try {
      await Plotly.restyle(gd, { visible }, indices);
    } finally {
      this.applying = false;
    }
    this.stats.restyles += 1;
    this.stats.restyleMs = performance.now() - start;
  }

  /** Once the plot exists: its legend toggles these lines too. ``schedule`` queues a job after
   * the draws already asked for. */
  listen(schedule) {
    if (this.listening || typeof this.plot.on !== "function") return;
    this.listening = true;
    this.plot.on("plotly_legendclick", (event) => {
      const trace = event && event.data && event.data[event.curveNumber];
      if (!trace || !this.toggled.has(trace.name)) return true; // Plotly's own behaviour
      this.flip(trace.name, !this.hidden.has(trace.name));
      schedule(() => this.apply());
      this.report();
      return false;
    });
    // Plotly's own restyles (a double click that isolates a trace): the app learns the result.
    this.plot.on("plotly_restyle", () => {
      if (!this.applying) this.adoptDrawn();
    });
  }

  flip(name, hide) {
    if (hide) this.hidden.add(name);
    else this.hidden.delete(name);
    this.changed.set(name, hide);
  }

  adoptDrawn() {
    let flipped = false;
    for (const trace of this.plot.data || []) {
      if (!this.toggled.has(trace.name) || !shown(trace) === this.hidden.has(trace.name)) continue;
      this.flip(trace.name, !shown(trace));
      flipped = true;
    }
    if (flipped) this.report();
  }

  /** Hands the app every legend change it has not confirmed yet: {id, hidden, shown}. */
  report() {
    this.stats.reports += 1;
    const id = `${this.session}-${this.stats.reports}`;
    this.pending = { id, at: performance.now() };
    const changed = [...this.changed];
    setComponentValue({
      id,
      hidden: changed.filter(([, hide]) => hide).map(([name]) => name),
      shown: changed.filter(([, hide]) => !hide).map(([name]) => name),
    });
  }
}
