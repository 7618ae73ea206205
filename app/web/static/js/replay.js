// Bar Replay, as on TradingView: pick a start date, and the history plays bar by bar from there
// over WS /ws (play, pause, step, speed); Exit goes back to the newest bars, live.

import { state } from "./page_state.js";
import { recordsToColumns } from "./live.js";

const SNAPSHOT_BARS = 500;

export function createReplay({ live, held, request, onStart, onExit, showMessage }) {
  const bar = document.getElementById("replay-bar");
  const startInput = document.getElementById("replay-start");
  const playButton = document.getElementById("replay-play");
  const speedSelect = document.getElementById("replay-speed");
  const status = { id: null, playing: false, played: 0 };
  let serial = 0;

  function control(action, value) {
    if (!status.id) return;
    const message = { type: "replay_control", id: status.id, action };
    if (value !== undefined) message.value = value;
    live.send(message);
  }

  function setPlaying(on) {
    status.playing = on;
    playButton.textContent = on ? "Pause" : "Play";
    playButton.setAttribute("aria-pressed", String(on));
  }

  function onFrame(frame) {
    if (frame.type === "error") {
      showMessage(frame.detail);
      return;
    }
    if (frame.type === "snapshot") {
      const names = Object.keys(held.data.columns || { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 });
      onStart({
        columns: recordsToColumns(frame.bars, names),
        first_index: 0,
        total_bars: frame.bars.length,
        price_precision: state.precision, // the symbol's, as the page has it
      });
      return;
    }
    if (frame.type === "update") {
      status.played += frame.bars.length;
      live.apply(frame.bars, false);
    }
  }

  /** Starts playing from the date picked (UTC). */
  function start() {
    const when = Date.parse(startInput.value + "Z");
    if (Number.isNaN(when)) {
      showMessage("Pick the date and time the replay starts from.");
      return;
    }
    stopReplay();
    live.unsubscribeCurrent();
    serial += 1;
    status.id = "replay-" + serial;
    status.played = 0;
    live.handle(status.id, onFrame);
    const base = request();
    live.send({
      type: "replay",
      id: status.id,
      symbol: base.symbol,
      timeframe: base.timeframe,
      emas: base.emas,
      indicators: base.indicators,
      chart: base.chart || "candles",
      start: Math.floor(when / 1000),
      speed: Number(speedSelect.value),
      limit: SNAPSHOT_BARS,
    });
    setPlaying(true);
  }

  function stopReplay() {
    if (!status.id) return;
    live.send({ type: "unsubscribe", id: status.id });
    live.handle(status.id, null);
    status.id = null;
    setPlaying(false);
  }

  function exit() {
    stopReplay();
    bar.hidden = true;
    onExit();
  }

  function toggle() {
    if (!bar.hidden) return exit();
    bar.hidden = false;
    if (!startInput.value && held.data.columns && held.count()) {
      // A default a few hundred bars back from the newest.
      const index = Math.max(0, held.count() - 200);
      startInput.value = new Date(held.data.columns.time[index] * 1000).toISOString().slice(0, 16);
    }
  }

  playButton.addEventListener("click", () => {
    if (!status.id) return start();
    control(status.playing ? "pause" : "play");
    setPlaying(!status.playing);
  });
  document.getElementById("replay-step").addEventListener("click", () => {
    if (!status.id) start();
    control("pause");
    setPlaying(false);
    control("step");
  });
  speedSelect.addEventListener("change", () => control("speed", Number(speedSelect.value)));
  document.getElementById("replay-exit").addEventListener("click", exit);
  startInput.addEventListener("change", () => {
    if (status.id) start();
  });

  return { status, toggle, start, exit, get active() { return Boolean(status.id); } };
}
