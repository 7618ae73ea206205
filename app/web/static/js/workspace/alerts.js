// Alerts in the page: the server's alert frames (WS "alerts" subscription on the shared socket,
// owned by this browser's client id) shown as a notification and in the log panel; a horizontal
// line made an alert (POST /api/alerts, price_cross, once).

import { formatTime } from "../format.js";
import { clientId, storeFetch } from "./layout_store.js";

const LOG_MAX = 100;
const TOAST_MS = 6000;

export function createAlerts({ socket, log, toasts }) {
  const fired = []; // frames received, newest last (bounded)

  function toast(text) {
    const item = document.createElement("div");
    item.className = "toast";
    item.setAttribute("role", "alert");
    item.textContent = text;
    toasts.append(item);
    while (toasts.children.length > 5) toasts.firstChild.remove();
    setTimeout(() => item.remove(), TOAST_MS);
  }

  function onFrame(frame) {
    if (frame.type !== "alert") return;
    fired.push(frame);
    if (fired.length > LOG_MAX) fired.shift();
    const text = `${frame.symbol} ${frame.timeframe}: ${frame.message || "alert"} at ${frame.price}`;
    toast("Alert: " + text);
    const entry = document.createElement("li");
    entry.textContent = formatTime(frame.time, 60) + " " + text;
    log.prepend(entry);
    while (log.children.length > LOG_MAX) log.lastChild.remove();
    if (window.Notification && Notification.permission === "granted") {
      try {
        new Notification("Super Chart alert", { body: text });
      } catch (error) { /* notifications off */ }
    }
  }

  async function priceCross(view, price) {
    const body = {
      symbol: view.spec.symbol,
      timeframe: view.spec.timeframe,
      condition: { type: "price_cross", price },
      frequency: "once",
      expires: null,
      webhook_url: null,
      message: `${view.spec.symbol} crossed ${price.toFixed(view.precision)}`,
    };
    const alert = await storeFetch("/api/alerts", { method: "POST", body });
    toast(`Alert armed: ${view.spec.symbol} crossing ${price.toFixed(view.precision)}`);
    if (window.Notification && Notification.permission === "default") Notification.requestPermission();
    return alert;
  }

  return {
    fired,
    toast,
    priceCross,
    start() {
      socket.subscribe({ type: "alerts", client_id: clientId() }, onFrame, "alerts");
    },
  };
}
