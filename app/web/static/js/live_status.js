// The feed's state as the page shows it: the server's `status` frames (ok / error / stale, see
// the README's WS protocol) turned into the live dot's state and a short label beside it, so the
// dot never says "connected" over a feed whose last row is broken or whose data is not moving.

const LABEL_CLASS = "live-label";

/** {state, title, label} for the dot from a `status` frame. */
export function feedStatusView(frame) {
  const detail = String(frame.detail || "");
  if (frame.state === "error") {
    return { state: "error", title: "Feed error: " + detail, label: "Feed error: " + detail };
  }
  if (frame.state === "stale") {
    const why = detail || "no new bars";
    return { state: "stale", title: "Live: connected, but " + why, label: why };
  }
  // ok with words: bars are arriving, but their dates are old (a replay of history being written).
  if (detail) return { state: "live", title: "Live: connected, " + detail, label: detail };
  return { state: "live", title: "Live: connected", label: "" };
}

/** The label element beside ``dot`` (made once), where the state is written out. */
export function statusLabel(dot) {
  if (!dot) return null;
  let label = dot.nextElementSibling;
  if (!label || !label.classList.contains(LABEL_CLASS)) {
    label = document.createElement("span");
    label.className = LABEL_CLASS;
    label.setAttribute("aria-live", "polite");
    dot.after(label);
  }
  return label;
}

/** Show ``title`` beside the dot when the state needs words (an error, stale data, offline). */
export function writeStatusLabel(dot, state, title, label) {
  const element = statusLabel(dot);
  if (!element) return;
  const text = label === undefined ? (state === "live" || state === "connecting" ? "" : title) : label;
  element.textContent = text;
  element.title = title;
  element.dataset.state = state;
  element.hidden = !text;
}
