// Fetching bars: older and newer pages as the user scrolls, and whole windows when the timeframe,
// the chart type or the indicators change. A page is only joined onto the bars it was asked for;
// anything that replaced them meanwhile (a switch, a page on the other side) drops it. One loader
// per chart: sizes and the timeframe's spacing come from the chart context ``ctx``.

const EDGE_BARS = 50; // bars from an edge of what is held that trigger fetching the next page

export function createLoader({ chart, held, request, onReplace, onPage, showMessage, ctx }) {
  // loadingOlder/loadingNewer: a page of that side is on its way (one per side at a time).
  const status = { loadingOlder: false, loadingNewer: false, requests: 0 };
  let latestSwitch = null; // the switch asked for last: an earlier one arriving later is dropped

  function apiUrl(params) {
    const query = new URLSearchParams({ ...request(), format: "columns", limit: String(ctx.pageBars) });
    for (const key of ["indicators", "chart"]) {
      if (!query.get(key)) query.delete(key);
    }
    for (const [key, value] of Object.entries(params || {})) {
      if (value === null || value === undefined || value === "") query.delete(key);
      else query.set(key, String(value));
    }
    return "/api/ohlcv?" + query.toString();
  }

  async function fetchColumns(params) {
    status.requests += 1;
    const response = await fetch(apiUrl(params));
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (!response.ok) {
      const detail = body && body.detail ? body.detail : "The server answered " + response.status + ".";
      throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
    }
    return body;
  }

  /** How many bars may be held: the configured number, or three screens when one holds more. */
  function heldLimit() {
    const range = chart.timeScale().getVisibleLogicalRange();
    return range ? 3 * Math.ceil(range.to - range.from) : 0;
  }

  /** Keeps the same bars on screen after ``by`` bars were added (or dropped) in front of them. */
  function shiftView(range, by) {
    if (range) chart.timeScale().setVisibleLogicalRange({ from: range.from + by, to: range.to + by });
  }

  const SIDES = {
    older: {
      busy: "loadingOlder",
      hasMore: () => held.hasMoreBefore(),
      // The older bars just before ``edge`` (a time).
      params: (edge) => ({ end: edge - 1 }),
      show(page) {
        const range = chart.timeScale().getVisibleLogicalRange();
        held.prepend(page, heldLimit());
        if (!page.columns.time.length) return;
        onPage();
        shiftView(range, page.columns.time.length);
      },
    },
    newer: {
      busy: "loadingNewer",
      hasMore: () => held.hasMoreAfter(),
      // The first bars after ``edge``, however long a gap follows it: the API answers start=
      // without end= with the first bars at or after start.
      params: (edge) => ({ start: edge + 1 }),
      show(page) {
        const range = chart.timeScale().getVisibleLogicalRange();
        const dropped = held.append(page, heldLimit());
        if (!page.columns.time.length) return;
        onPage();
        shiftView(range, -dropped);
      },
    },
  };

  /** Fetches the next page on one side and shows it, unless the bars held changed under it. */
  async function loadPage(side) {
    const how = SIDES[side];
    if (ctx.standalone || status[how.busy] || !how.hasMore()) return;
    const edge = held.edgeTime(side);
    const generation = held.data.generation;
    const stillWanted = () => held.data.generation === generation && held.edgeTime(side) === edge;
    status[how.busy] = true;
    try {
      const page = await fetchColumns(how.params(edge));
      if (stillWanted()) how.show(page);
    } catch (error) {
      if (stillWanted()) showMessage(error.message);
    } finally {
      status[how.busy] = false;
      checkEdges();
    }
  }

  function checkEdges() {
    if (!held.data.columns || ctx.standalone) return;
    const range = chart.timeScale().getVisibleLogicalRange();
    if (!range) return;
    if (range.from < EDGE_BARS) loadPage("older");
    if (range.to > held.count() - 1 - EDGE_BARS) loadPage("newer");
  }

  function isAtRightEdge() {
    const range = chart.timeScale().getVisibleLogicalRange();
    return !range || (!held.hasMoreAfter() && range.to >= held.count() - 2);
  }

  /** The time range the user is looking at, or null when following the newest bars. */
  function currentPlace() {
    if (!held.data.columns || isAtRightEdge()) return null;
    const visible = chart.timeScale().getVisibleRange();
    return visible ? { from: visible.from, to: visible.to } : null;
  }

  /** Fetch parameters for a window of ``timeframe`` bars around ``place`` (or the newest). */
  function windowParams(timeframe, place) {
    const params = { timeframe };
    if (!place) return params;
    const seconds = ctx.barSeconds(timeframe);
    const half = Math.floor(ctx.pageBars / 2);
    const inView = Math.ceil((place.to - place.from) / seconds) + 1;
    params.end = place.to + half * seconds;
    params.limit = Math.min(ctx.heldBars, inView + 2 * half);
    return params;
  }

  /** Fetches a new set of bars with ``changes`` to the query. On arrival (unless another
   * switch was asked for since) ``hooks.commit(payload)`` makes them the state, they are drawn,
   * ``restore`` puts the view back and ``hooks.done()`` follows up. On failure the error is
   * shown and ``hooks.onFail(error)`` puts the controls back to what is still drawn. */
  async function replaceWith(params, changes, restore, hooks) {
    const ticket = {};
    latestSwitch = ticket;
    try {
      const payload = await fetchColumns({ ...params, ...changes });
      if (latestSwitch !== ticket) return;
      if (hooks && hooks.commit) hooks.commit(payload);
      onReplace(payload);
      showMessage("");
      restore();
      if (hooks && hooks.done) hooks.done();
    } catch (error) {
      if (latestSwitch !== ticket) return;
      showMessage(error.message);
      if (hooks && hooks.onFail) hooks.onFail(error);
    }
    checkEdges();
  }

  /** A timeframe switch: a window of the new bars around the time the user looks at. */
  function switchTimeframe(timeframe, hooks) {
    const place = currentPlace();
    const restore = () => {
      if (place) chart.timeScale().setVisibleRange(place);
      else chart.timeScale().scrollToPosition(0, false); // at once: an animated scroll would
      // pass the left edge on its way and page in bars nobody asked for
    };
    return replaceWith(windowParams(timeframe, place), { timeframe }, restore, hooks);
  }

  /** The bars held again with other columns (indicators) or prices (Heikin Ashi): the same
   * bars, so the user's view stays where it is. */
  function refetchHeld(changes, hooks) {
    if (!held.data.columns || !held.count()) {
      return replaceWith({}, changes, () => chart.timeScale().scrollToPosition(0, false), hooks);
    }
    const range = chart.timeScale().getVisibleLogicalRange();
    const params = {
      start: held.edgeTime("older"),
      end: held.edgeTime("newer"),
      limit: held.count(),
    };
    const restore = () => {
      if (range) chart.timeScale().setVisibleLogicalRange(range);
    };
    return replaceWith(params, changes, restore, hooks);
  }

  chart.timeScale().subscribeVisibleLogicalRangeChange(checkEdges);

  return { status, fetchColumns, checkEdges, switchTimeframe, refetchHeld };
}
