// /chart's chart goes live as each workspace chart does: one subscription on the page's shared
// WebSocket (shared_socket.js: /ws, reconnection with backoff, every subscription sent again
// after a reconnect) for what is drawn, its bars merged into the bars held (a bar of the same
// time replaces the forming one, a newer one is appended). A snapshot after a reconnect resumes
// from the newest bar held: any hole before it is fetched from /api/ohlcv first, so nothing is
// missed or drawn twice. The dot (chart_status.js) says connecting, offline, paused or the
// feed's own state. Every chart type is live: for Heikin Ashi the subscription asks for HA
// candles (and indicators on them), as the bars held are. Bar Replay sends through it too.

import { mergeLiveBars } from "./bars.js";
import { createChartStatus } from "./chart_status.js";

const SNAPSHOT_BARS = 500;

/** ``records`` (as /api/ohlcv gives them) as columns named like ``columns``. */
export function recordsToColumns(records, names) {
  const out = {};
  for (const name of names) out[name] = records.map((bar) => (bar[name] === undefined ? null : bar[name]));
  return out;
}

export function createLive({ socket, held, dot, request, onBars, fetchGap }) {
  const dotStatus = createChartStatus(dot || document.createElement("span"), socket);
  let subscription = null; // the subscription for what is drawn
  let paused = false;
  let queue = Promise.resolve(); // frames applied in order (a snapshot may wait for a gap fetch)
  const status = { updates: 0, replay: null };
  Object.defineProperties(status, {
    // The connection's state, as the page knew it: live once the subscription's snapshot came.
    state: {
      enumerable: true,
      get() {
        if (socket.status.state !== "live") return socket.status.state;
        if (paused || dotStatus.status.refused) return "paused";
        return dotStatus.status.snapshot ? "live" : "connecting";
      },
    },
    reconnects: { enumerable: true, get: () => socket.status.reconnects },
    feed: { enumerable: true, get: () => dotStatus.status.feed },
  });

  function apply(bars, snapshot) {
    const changed = mergeLiveBars(held, bars, snapshot);
    if (changed.length) {
      status.updates += 1;
      onBars(changed);
    }
  }

  async function onSnapshot(frame) {
    const bars = frame.bars;
    const newest = held.count() ? held.data.columns.time[held.count() - 1] : null;
    if (newest !== null && bars.length && bars[0].time > newest && !held.hasMoreAfter()) {
      await fetchGap(newest, bars[0].time); // a hole between the newest bar held and the snapshot
    }
    apply(bars, true);
    dotStatus.snapshot();
  }

  function onFrame(frame) {
    if (frame.type === "snapshot") queue = queue.then(() => onSnapshot(frame)).catch(() => {});
    else if (frame.type === "update") queue = queue.then(() => apply(frame.bars, false));
    else if (frame.type === "status") dotStatus.feed(frame);
    else if (frame.type === "error") dotStatus.refused(frame.detail);
  }

  function unsubscribe() {
    if (subscription) subscription.close();
    subscription = null;
  }

  function subscribe() {
    unsubscribe();
    if (!held.data.columns) {
      paused = true;
      dotStatus.pause("Nothing drawn to update");
      return;
    }
    paused = false;
    dotStatus.reset();
    const base = request();
    subscription = socket.subscribe({
      type: "subscribe",
      symbol: base.symbol,
      timeframe: base.timeframe,
      emas: base.emas,
      indicators: base.indicators,
      chart: base.chart || "candles", // Heikin Ashi: HA candles, indicators computed on them
      limit: SNAPSHOT_BARS,
    }, onFrame, "page");
  }

  return {
    status,
    connect() {
      if (!subscription && !paused) subscribe();
      socket.connect();
    },
    close() {
      unsubscribe();
      dotStatus.close();
    },
    resubscribe: subscribe,
    apply,
    send: (message) => socket.send(message),
    handle: (id, handler) => socket.handle(id, handler),
    unsubscribeCurrent() {
      unsubscribe();
      paused = true;
      dotStatus.pause("Live updates are off during the replay");
    },
    get socket() {
      return socket.socket;
    },
  };
}
