// A chart's live dot (one per chart: each workspace chart's, /chart's): the shared connection's state while
// it is not up (connecting, offline), else this chart's own subscription: waiting for its first
// bars, refused (an error frame), or the feed's truth from the server's `status` frames (ok,
// an error with the reader's words, stale data), written out beside the dot.

import { feedStatusView, writeStatusLabel } from "./live_status.js";

export function createChartStatus(dot, socket) {
  const status = { state: "connecting", title: "", feed: null, refused: null, snapshot: false };

  function view() {
    const connection = socket.status;
    if (connection.state !== "live") return { state: connection.state, title: connection.title };
    if (status.refused) return { state: "paused", title: status.refused };
    if (!status.snapshot) return { state: "connecting", title: "Waiting for the first bars…" };
    if (status.feed) return feedStatusView(status.feed);
    return { state: "live", title: "Live: connected" };
  }

  function show() {
    const { state, title, label } = view();
    status.state = state;
    status.title = title;
    dot.dataset.state = state;
    dot.title = title;
    dot.setAttribute("aria-label", title);
    writeStatusLabel(dot, state, title, label);
  }

  const unlisten = socket.onState((connection) => {
    // A new connection sends every subscription again: a new snapshot and status follow.
    if (connection.state !== "live") Object.assign(status, { feed: null, snapshot: false });
    show();
  });
  show();

  return {
    status,
    /** A new subscription (a load): nothing known of it yet. */
    reset() {
      Object.assign(status, { feed: null, refused: null, snapshot: false });
      show();
    },
    snapshot() {
      status.snapshot = true;
      show();
    },
    feed(frame) {
      status.feed = frame;
      show();
    },
    refused(detail) {
      status.refused = "Live updates are off: " + String(detail || "refused");
      show();
    },
    /** Not following live bars (nothing drawn, a replay), saying why. */
    pause(title) {
      status.refused = title;
      show();
    },
    close: unlisten,
  };
}
