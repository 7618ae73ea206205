// One WebSocket to /ws for the whole page, multiplexed by subscription id: every chart (the
// workspace's several, /chart's one), the watchlist and the alert log subscribe through it (four
// live charts are four subscriptions on one connection). Frames are routed to their
// subscription's handler by ``id``; after a reconnect (with backoff) every open subscription is
// sent again, so each gets a new snapshot. A replay is a handler by id, not sent again.

import { withToken } from "./access.js";

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;

export function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return withToken(scheme + "//" + location.host + "/ws");
}

export function createSharedSocket({ dot } = {}) {
  const subscriptions = new Map(); // id -> { message, handler }
  const handlers = new Map(); // id -> handler, for frames of a request made with send() (a replay)
  const status = { state: "connecting", title: "Connecting…", connections: 0, reconnects: 0 };
  const listeners = new Set(); // told of each change of the connection's state (the charts' dots)
  let socket = null;
  let serial = 0;
  let delay = FIRST_DELAY_MS;
  let timer = null;

  function setState(name, title) {
    status.state = name;
    status.title = title;
    for (const listener of [...listeners]) listener(status);
    if (!dot) return;
    dot.dataset.state = name;
    dot.title = title;
    dot.setAttribute("aria-label", title);
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function onMessage(event) {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    const subscription = subscriptions.get(frame.id);
    if (subscription) subscription.handler(frame);
    else if (handlers.has(frame.id)) handlers.get(frame.id)(frame);
  }

  function connect() {
    if (socket) return; // already open or opening
    clearTimeout(timer);
    setState("connecting", "Connecting…");
    socket = new WebSocket(socketUrl());
    status.connections += 1;
    socket.addEventListener("open", () => {
      delay = FIRST_DELAY_MS;
      setState("live", "Live: connected");
      for (const { message } of subscriptions.values()) send(message);
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", (event) => {
      socket = null;
      const why = event.code === 1013 ? "the server is full" : "the connection was lost";
      setState("offline", "Offline: " + why + "; reconnecting in " + Math.round(delay / 1000) + " s");
      status.reconnects += 1;
      clearTimeout(timer);
      timer = setTimeout(connect, delay * (0.8 + 0.4 * Math.random()));
      delay = Math.min(MAX_DELAY_MS, delay * 2);
    });
  }

  /** Sends ``message`` with a new id (again after each reconnect); frames with that id go to
   * ``handler``. Returns the subscription: ``close()`` unsubscribes. */
  function subscribe(message, handler, prefix = "s") {
    serial += 1;
    const id = prefix + "-" + serial;
    const full = { ...message, id };
    subscriptions.set(id, { message: full, handler });
    send(full);
    return {
      id,
      close() {
        if (!subscriptions.delete(id)) return;
        send({ type: "unsubscribe", id });
      },
    };
  }

  return {
    status,
    connect,
    subscribe,
    send,
    /** Frames with ``id`` go to ``handler`` (none: no longer), for a request sent with send(). */
    handle(id, handler) {
      if (handler) handlers.set(id, handler);
      else handlers.delete(id);
    },
    get socket() {
      return socket;
    },
    /** ``listener(status)`` on each change of the connection's state; returns the unlisten. */
    onState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get count() {
      return subscriptions.size;
    },
  };
}
