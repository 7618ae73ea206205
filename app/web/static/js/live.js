// The page goes live over WS /ws: one subscription for what is drawn, its bars merged into the
// bars held (a bar of the same time replaces the forming one, a newer one is appended), a dot
// that says whether the connection is up, and reconnection with backoff that resumes from the
// newest bar held: the snapshot's bars from that one on, and any hole before them fetched from
// /api/ohlcv, so nothing is missed or drawn twice. Every chart type is live: for Heikin Ashi the
// subscription asks for HA candles (and indicators on them), as the bars held are.

import { withToken } from "./access.js";
import { feedStatusView, writeStatusLabel } from "./live_status.js";
import { mergeLiveBars } from "./bars.js";

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
const SNAPSHOT_BARS = 500;

export function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return withToken(scheme + "//" + location.host + "/ws");
}

/** ``records`` (as /api/ohlcv gives them) as columns named like ``columns``. */
export function recordsToColumns(records, names) {
  const out = {};
  for (const name of names) out[name] = records.map((bar) => (bar[name] === undefined ? null : bar[name]));
  return out;
}

export function createLive({ held, dot, request, onBars, fetchGap, showMessage }) {
  let socket = null;
  let current = null; // id of the subscription for what is drawn
  let serial = 0;
  let delay = FIRST_DELAY_MS;
  let timer = null;
  let stopped = false;
  const status = { state: "connecting", updates: 0, reconnects: 0, replay: null, feed: null };
  const handlers = {}; // replay frames go to the replay control

  /** The connection's state (``status.state``); while connected, the dot shows the feed's
   * own state from the server's last `status` frame (an error, stale data) instead. */
  function setState(name, title) {
    status.state = name;
    if (name !== "live" || !status.feed) return showDot(name, title);
    const view = feedStatusView(status.feed);
    showDot(view.state, view.title, view.label);
  }

  function showDot(name, title, label) {
    if (!dot) return;
    dot.dataset.state = name;
    dot.title = title;
    dot.setAttribute("aria-label", title);
    writeStatusLabel(dot, name, title, label);
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function subscribe() {
    if (!held.data.columns) {
      setState("paused", "Nothing drawn to update");
      return;
    }
    if (current) send({ type: "unsubscribe", id: current });
    status.feed = null; // until the new subscription's first status frame
    serial += 1;
    current = "page-" + serial;
    const base = request();
    send({
      type: "subscribe",
      id: current,
      symbol: base.symbol,
      timeframe: base.timeframe,
      emas: base.emas,
      indicators: base.indicators,
      chart: base.chart || "candles", // Heikin Ashi: HA candles, indicators computed on them
      limit: SNAPSHOT_BARS,
    });
  }

  async function onSnapshot(frame) {
    const bars = frame.bars;
    const columns = held.data.columns;
    const newest = held.count() ? columns.time[held.count() - 1] : null;
    if (newest !== null && bars.length && bars[0].time > newest && !held.hasMoreAfter()) {
      // A hole between the newest bar held and the snapshot: fill it from the API first.
      await fetchGap(newest, bars[0].time);
    }
    apply(bars, true);
    delay = FIRST_DELAY_MS;
    setState("live", "Live: connected");
  }

  function apply(bars, snapshot) {
    const changed = mergeLiveBars(held, bars, snapshot);
    if (changed.length) {
      status.updates += 1;
      onBars(changed);
    }
  }

  function onMessage(event) {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (frame.id && handlers[frame.id]) return handlers[frame.id](frame);
    if (frame.id !== current) return; // an old subscription's last frames
    if (frame.type === "snapshot") onSnapshot(frame);
    else if (frame.type === "update") apply(frame.bars);
    else if (frame.type === "status") {
      status.feed = frame; // the feed's truth: ok, error, stale
      if (status.state === "live") setState("live", "Live: connected");
    }
    else if (frame.type === "error") {
      setState("paused", "Live updates are off: " + frame.detail);
    }
  }

  function connect() {
    if (stopped) return;
    setState("connecting", "Connecting…");
    socket = new WebSocket(socketUrl());
    socket.addEventListener("open", () => {
      current = null;
      subscribe();
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", (event) => {
      socket = null;
      current = null;
      if (stopped) return;
      const why = event.code === 1013 ? "the server is full" : "the connection was lost";
      setState("offline", "Offline: " + why + "; reconnecting in " + Math.round(delay / 1000) + " s");
      status.reconnects += 1;
      clearTimeout(timer);
      timer = setTimeout(connect, delay * (0.8 + 0.4 * Math.random()));
      delay = Math.min(MAX_DELAY_MS, delay * 2);
    });
  }

  function close() {
    stopped = true;
    clearTimeout(timer);
    if (socket) socket.close();
  }

  return {
    status,
    connect,
    close,
    resubscribe: subscribe,
    apply,
    send,
    handle(id, handler) {
      if (handler) handlers[id] = handler;
      else delete handlers[id];
    },
    unsubscribeCurrent() {
      if (current) send({ type: "unsubscribe", id: current });
      current = null;
      setState("paused", "Live updates are off during the replay");
    },
    get socket() {
      return socket;
    },
  };
}
