// The lines the sidebar toggles (the EMAs), shown or hidden without a new figure. The figure's
// text carries every offered EMA whatever is ticked, so a toggle sends the same text (nothing
// to parse or draw again); the app names the toggled lines and the hidden ones (args.toggled,
// args.hidden) and this module makes the plot say so: inside the Plotly.react of a new figure
// (one draw), else with one Plotly.restyle of the lines that changed.
//
// A hidden line is visible: "legendonly", as Plotly's own legend click leaves it: not drawn, not
// in the hover, not in the y autorange, its legend entry greyed (a click on it shows it again).
// (An opacity-0 line restyles faster but stays in the autorange and the legend as if drawn.)
//
// Two controls act here at once, before the app's run: the sidebar's checkbox (read in the page,
// which this frame shares the origin of) and the line's legend entry (restyled at
// once: Plotly's own click waits out its 300 ms double-click delay first). A legend click is
// handed to the app (setComponentValue: what it changed, so a checkbox flipped meanwhile keeps
// its flip), which sets the sidebar's checkbox. Each such change holds until a render agrees
// with it: a render from a run that started before it does not undo it.

import { setComponentValue } from "./streamlit_protocol.js";

const HIDDEN = "legendonly";
const HOLD_MS = 20_000; // a change no render ever agrees with stops holding after this
const CHECKBOX = '[data-testid="stCheckbox"]';

const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
const groups = (gd) =>
  Array.from(gd.querySelectorAll(".scatterlayer .trace"), (group) => {
    const data = group.__data__;
    return [group, data && data[0] && data[0].trace];
  });
const shown = (trace) => trace.visible === undefined || trace.visible === true;
const names = (value) => (Array.isArray(value) ? value.filter((n) => typeof n === "string") : []);

export class LineToggles {
  constructor(plot, stats) {
    this.plot = plot;
    this.stats = stats; // window.superChartPlotly: restyles, restyleMs, reports
    this.toggled = new Set(); // trace names the app toggles
    this.hidden = new Set(); // those to hide
    this.held = new Map(); // name -> {hide, legend, at}: changes made here, no render agreed yet
    this.session = Math.random().toString(36).slice(2, 10);
    this.applying = false;
    this.listening = false;
    Object.assign(stats, { restyles: 0, restyleMs: 0, reports: 0 });
  }

  /** Takes a render's arguments; changes made here that it does not show yet still hold. */
  want(args) {
    this.toggled = new Set(names(args.toggled));
    const hidden = new Set(names(args.hidden));
    const now = performance.now();
    for (const [name, change] of this.held) {
      if (hidden.has(name) === change.hide || now - change.at > HOLD_MS) this.held.delete(name);
      else if (change.hide) hidden.add(name);
      else hidden.delete(name);
    }
    this.hidden = hidden;
  }

  /** Sets each toggled line's visibility in a figure's data about to be drawn. */
  prepare(data) {
    for (const trace of data) {
      if (this.toggled.has(trace.name)) trace.visible = this.hidden.has(trace.name) ? HIDDEN : true;
    }
  }

  /** Makes the plot show what is wanted: a line to hide leaves the screen at once (its SVG
   * group), then, once that frame is painted, one restyle of the lines that differ (a whole
   * recalculation: ~0.1-0.5 s for 2,000 candles) takes it out of the hover, the legend and the
   * autorange, as the Dash app's switches do. A line to show needs the restyle to be drawn. */
  async apply() {
    const gd = this.plot;
    if (!gd.data || !gd._fullLayout) return;
    if (!this.differing().indices.length) return;
    const start = performance.now();
    if (this.hideGroups()) await painted();
    const { indices, visible } = this.differing(); // what flips in that frame changed
    this.applying = true;
    try {
      if (indices.length) await Plotly.restyle(gd, { visible }, indices);
    } finally {
      this.applying = false;
      // plotly.js may reuse a group hidden here for another line: none stays hidden
      for (const [group] of groups(gd)) group.style.display = "";
    }
    this.stats.restyles += indices.length ? 1 : 0;
    this.stats.restyleMs = performance.now() - start;
  }

  differing() {
    const indices = [];
    const visible = [];
    this.plot.data.forEach((trace, index) => {
      if (!this.toggled.has(trace.name)) return;
      const hide = this.hidden.has(trace.name);
      if (shown(trace) === hide) {
        indices.push(index);
        visible.push(hide ? HIDDEN : true);
      }
    });
    return { indices, visible };
  }

  /** Hides the drawn SVG groups of the lines to hide; whether any is hidden. */
  hideGroups() {
    let any = false;
    for (const [group, trace] of groups(this.plot)) {
      if (trace && this.toggled.has(trace.name) && this.hidden.has(trace.name)) {
        group.style.display = "none";
      }
      any = any || group.style.display === "none";
    }
    return any;
  }

  /** The sidebar's checkboxes for these lines act at once (read in the page once its click or
   * key has been handled: Streamlit's checkbox sets its input from its own click handler, no
   * change event); the app's run confirms. Without access to the page, renders alone act. */
  watchSidebar(schedule) {
    let page;
    try {
      page = window.parent.document;
    } catch {
      return;
    }
    const stop = new AbortController(); // this frame may go (another engine): so does the handler
    window.addEventListener("pagehide", () => stop.abort());
    const onInput = (event) => {
      const box = event.target && event.target.closest && event.target.closest(CHECKBOX);
      const input = box && box.querySelector('input[type="checkbox"]');
      const name = input && box.textContent.trim();
      if (!name || !this.toggled.has(name)) return;
      setTimeout(() => {
        const hide = !input.checked;
        if (hide === this.hidden.has(name)) return;
        this.change(name, hide, false);
        schedule(() => this.apply());
      }, 0);
    };
    for (const type of ["click", "change", "keyup"]) {
      page.addEventListener(type, onInput, { capture: true, signal: stop.signal });
    }
  }

  /** Once the plot exists: its legend toggles these lines too. ``schedule`` queues a job after
   * the draws already asked for. */
  listen(schedule) {
    if (this.listening || typeof this.plot.on !== "function") return;
    this.listening = true;
    this.plot.on("plotly_legendclick", (event) => {
      const trace = event && event.data && event.data[event.curveNumber];
      if (!trace || !this.toggled.has(trace.name)) return true; // Plotly's own behaviour
      this.change(trace.name, !this.hidden.has(trace.name), true);
      schedule(() => this.apply());
      this.report();
      return false;
    });
    // Plotly's own restyles (a double click that isolates a trace): the app learns the result.
    this.plot.on("plotly_restyle", () => {
      if (!this.applying) this.adoptDrawn();
    });
  }

  change(name, hide, legend) {
    if (hide) this.hidden.add(name);
    else this.hidden.delete(name);
    this.held.set(name, { hide, legend, at: performance.now() });
    if (hide) this.hideGroups(); // off the screen now, whatever the queue holds
  }

  adoptDrawn() {
    let changed = false;
    for (const trace of this.plot.data || []) {
      if (!this.toggled.has(trace.name) || !shown(trace) === this.hidden.has(trace.name)) continue;
      this.change(trace.name, !shown(trace), true);
      changed = true;
    }
    if (changed) this.report();
  }

  /** Hands the app the legend's changes no render has shown yet: {id, hidden, shown}. */
  report() {
    this.stats.reports += 1;
    const legend = [...this.held].filter(([, change]) => change.legend);
    setComponentValue({
      id: `${this.session}-${this.stats.reports}`, // a new value even when the same names come
      hidden: legend.filter(([, change]) => change.hide).map(([name]) => name),
      shown: legend.filter(([, change]) => !change.hide).map(([name]) => name),
    });
  }
}
