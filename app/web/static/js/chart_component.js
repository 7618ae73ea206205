// One chart, made as many times as a page needs (each workspace cell; /chart's one): its own
// state (the chart context ``ctx``), its bars (held, paged in as the user scrolls back or
// forward), the price pane with volume at its foot, EMA lines, indicator instances over the
// prices or in panes of their own, and the legends. No module-level state: two charts on a page
// share nothing but the look and the catalog. The page around it owns the controls, the address
// and the live subscription, and hands it the live bars.

import { state } from "./page_state.js";
import { createHeld, mergeLiveBars } from "./bars.js";
import { createLoader } from "./paging.js";
import { createPricePane } from "./price_series.js";
import { createEmaLines, emaColumn } from "./emas.js";
import { createInstances } from "./indicators.js";
import { createStudies } from "./studies.js";
import { createLegend } from "./legend.js";
import { createIndicatorActions } from "./indicator_actions.js";
import { chartThemeOptions } from "./theme.js";
import { formatTime, isDaily, pricePrecision } from "./format.js";

/** ``ctx``: the chart's state as {symbol, timeframe, chart (type), scale, precision, pageBars,
 * heldBars, standalone, barSeconds(timeframe)}; the component writes ``precision``.
 * ``emas``: the EMA periods shown; ``indicators``: instance tokens ("rsi:14").
 * ``fetchEmas``: "all" (every EMA offered is fetched: a tick draws at once) or "shown" (only
 * those ticked: less to compute and send per chart; a tick fetches the bars held again).
 * ``dialog``: the page's indicators dialog (opened for this chart by the legend's ⚙), or null.
 * ``hooks``: showMessage(text), onChange() (what is drawn changed: the address, the layout),
 * beforeData(payload) and onData(payload) (around drawing a new set of bars), onPage() (older or
 * newer bars joined on). */
export function createChartComponent({
  container, ctx, emas = [], indicators = [], dialog: initialDialog = null, hooks, legendOptions = {}, fetchEmas = "all",
}) {
  let dialog = initialDialog;
  const chart = window.LightweightCharts.createChart(container, { autoSize: true, crosshair: state.options.crosshair });
  chart.applyOptions(chartThemeOptions(state.theme));
  const held = createHeld(ctx.heldBars);
  const pricePane = createPricePane(chart);
  pricePane.setType(ctx.chart, null);
  pricePane.setScaleMode(ctx.scale);
  const emaLines = createEmaLines(chart, state.options.emaColors);
  const shown = new Set(emas.map(Number).filter((period) => state.offered.includes(period)));
  const instances = createInstances(indicators);
  const studies = createStudies(chart, state.options.studyColors);
  const page = { held, instances, studies, ctx, dialog, updateUrl: () => hooks.onChange() };
  const actions = createIndicatorActions(page);
  const component = { chart, held, pricePane, emas: emaLines, shown, instances, studies, actions, ctx };
  const legendActions = {
    edit: (id) => (dialog ? dialog.open(id, component) : null),
    remove: (id) => actions.remove(id),
  };
  const legend = createLegend({
    container, chart, held, emas: emaLines, studies, ctx,
    actions: legendOptions.readOnly ? null : legendActions,
    titleId: legendOptions.titleId ?? null, // one element of an id per page
    extraRows: legendOptions.extraRows,
  });
  page.legend = legend;
  component.legend = legend;

  /** The EMA periods fetched (see ``fetchEmas``). */
  function emasWanted() {
    return fetchEmas === "all" ? [...state.offered] : state.offered.filter((period) => shown.has(period));
  }

  /** What /api/ohlcv and the live subscription are asked for: the EMAs wanted, the indicators'
   * tokens, Heikin Ashi prices when drawn. */
  function request() {
    return {
      symbol: ctx.symbol,
      timeframe: ctx.timeframe,
      emas: emasWanted().join(","),
      indicators: instances.tokens().join(","),
      chart: ctx.chart === "heikin_ashi" ? "heikin_ashi" : "",
    };
  }

  function timeOptions() {
    return {
      timeScale: { timeVisible: !isDaily(ctx.barSeconds()), secondsVisible: false },
      localization: { timeFormatter: (time) => formatTime(time, ctx.barSeconds()) },
    };
  }
  chart.applyOptions(timeOptions());

  /** Everything drawn from the bars held. */
  function draw() {
    const columns = held.data.columns;
    pricePane.draw(columns);
    emaLines.draw(columns);
    studies.draw(columns, held.data.indicators);
    legend.render();
  }

  /** Bars changed at ``indices``: the few changed drawn one by one (the forming bar replaced,
   * new ones appended), many at once redrawn whole; past the bound the oldest page goes. */
  function drawBars(indices) {
    const columns = held.data.columns;
    const over = held.count() - (ctx.heldBars + ctx.pageBars);
    if (over > 0) {
      const range = chart.timeScale().getVisibleLogicalRange();
      held.dropOldest(ctx.pageBars);
      draw();
      if (range) chart.timeScale().setVisibleLogicalRange({ from: range.from - ctx.pageBars, to: range.to - ctx.pageBars });
      return;
    }
    if (indices.length > 3) {
      draw();
      return;
    }
    for (const index of indices) {
      pricePane.updateBar(columns, index);
      emaLines.updateBar(columns, index);
      studies.updateBar(columns, index);
    }
    legend.render();
  }

  function setPrecision(precision) {
    if (precision === ctx.precision) return;
    ctx.precision = precision;
    pricePane.setPrecision(precision);
    emaLines.setPrecision(precision);
    studies.setPrecision(precision);
  }

  /** The EMA lines ticked, including any ticked while there was nothing to draw. */
  function syncEmas() {
    for (const period of state.offered) {
      if (shown.has(period) && !(period in emaLines.lines)) emaLines.add(period, held.data.columns, ctx.precision);
      if (!shown.has(period) && period in emaLines.lines) emaLines.remove(period);
    }
  }

  /** A new set of bars (a load, a switch of timeframe or chart type, a refetch). */
  function setData(payload) {
    if (hooks.beforeData) hooks.beforeData(payload);
    held.replace(payload);
    setPrecision(pricePrecision(payload, payload.columns));
    chart.applyOptions(timeOptions());
    draw();
    syncEmas();
    actions.sync();
    if (hooks.onData) hooks.onData(payload);
  }

  const loader = createLoader({
    chart, held, request, ctx,
    onReplace: setData,
    onPage() {
      draw();
      if (hooks.onPage) hooks.onPage();
    },
    showMessage: (text) => hooks.showMessage(text),
  });
  page.loader = loader;

  /** Bars between the newest held and a live snapshot's first, from the API (after a
   * reconnect or a late subscription). */
  async function fetchGap(newest, first) {
    const gap = await loader.fetchColumns({ start: newest + 1, end: first - 1, limit: ctx.heldBars });
    if (gap.columns.time.length) {
      held.append(gap, 0);
      draw();
    }
  }

  /** Live bars (a snapshot's or an update's) merged in and drawn; returns the indices changed. */
  async function applyLive(bars, snapshot) {
    if (!held.data.columns) return [];
    const newest = held.count() ? held.data.columns.time[held.count() - 1] : null;
    if (snapshot && newest !== null && bars.length && bars[0].time > newest && !held.hasMoreAfter()) {
      await fetchGap(newest, bars[0].time); // a hole between what is held and the snapshot
    }
    const changed = mergeLiveBars(held, bars, snapshot);
    if (changed.length) drawBars(changed);
    return changed;
  }

  function toggleEma(period, on) {
    if (on) shown.add(period);
    else shown.delete(period);
    if (!held.data.columns) return; // nothing drawn yet: the tick is used once there is data
    if (on && !(emaColumn(period) in held.data.columns)) {
      // Not fetched ("shown" only): the bars held again with it, drawn by setData.
      loader.refetchHeld({}, {
        done: () => hooks.onChange(),
        onFail() {
          shown.delete(period);
          hooks.onChange();
        },
      });
      return;
    }
    syncEmas();
    // Fetched only while shown: a column no longer fetched goes, so later pages still join.
    if (!on && fetchEmas === "shown") held.dropColumns([emaColumn(period)]);
    legend.render();
    hooks.onChange();
  }

  /** Heikin Ashi needs other prices from the server; the other types redraw what is held. */
  function setType(type, { commit, onFail } = {}) {
    const heikin = (name) => name === "heikin_ashi";
    if (heikin(type) === heikin(ctx.chart) || !held.data.columns) {
      ctx.chart = type;
      pricePane.setType(type, held.data.columns);
      if (commit) commit();
      legend.render();
      return Promise.resolve();
    }
    return loader.refetchHeld({ chart: heikin(type) ? "heikin_ashi" : "" }, {
      commit() {
        ctx.chart = type;
        pricePane.setType(type, null);
        if (commit) commit();
      },
      onFail,
    });
  }

  function setScale(mode) {
    ctx.scale = mode;
    pricePane.setScaleMode(mode);
  }

  function openDialog(focusId) {
    if (dialog) dialog.open(focusId, component);
  }

  Object.assign(component, {
    loader, request, emasWanted, draw, drawBars, setData, setPrecision, fetchGap, applyLive, toggleEma, setType, setScale,
    openDialog,
    /** The indicators dialog, when the page makes it after the chart. */
    setDialog(value) {
      dialog = value;
      page.dialog = value;
    },
    /** The EMA periods shown and the indicator tokens (repeats kept): what a layout keeps. */
    settings: () => ({ emas: state.offered.filter((period) => shown.has(period)), indicators: instances.allTokens() }),
    destroy() {
      chart.remove();
    },
  });
  return component;
}
