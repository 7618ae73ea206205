// Sync across the charts, each kind switchable as TradingView's layout sync is: the crosshair's
// time, the visible range (by time), the symbol and the timeframe.

export function createSync(workspace) {
  const on = new Set();
  let busy = false; // a change made by syncing is not synced again

  function others(view) {
    return workspace.views.filter((other) => other !== view && other.columns);
  }

  function nearestTime(view, time) {
    const times = view.columns.time;
    let lo = 0;
    let hi = times.length - 1;
    if (time <= times[0]) return times[0];
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= time) lo = mid;
      else hi = mid;
    }
    return times[lo];
  }

  return {
    on,
    set(names) {
      on.clear();
      for (const name of names) on.add(name);
    },
    crosshair(view, param) {
      if (!on.has("crosshair") || busy) return;
      for (const other of others(view)) {
        if (param.time === undefined) other.chart.clearCrosshairPosition();
        else {
          const time = nearestTime(other, param.time);
          const index = other.columns.time.indexOf(time);
          other.chart.setCrosshairPosition(other.columns.close[index], time, other.series());
        }
      }
    },
    range(view) {
      if (!on.has("range") || busy || !view.columns) return;
      const range = view.chart.timeScale().getVisibleRange();
      if (!range) return;
      busy = true;
      try {
        for (const other of others(view)) {
          try {
            other.chart.timeScale().setVisibleRange(range);
          } catch (error) { /* outside its data */ }
        }
      } finally {
        busy = false;
      }
    },
    /** After ``view``'s spec changed: its symbol or timeframe to the others, when synced. */
    spec(view) {
      if (busy) return;
      busy = true;
      try {
        for (const other of workspace.views) {
          if (other === view) continue;
          if (on.has("symbol")) other.setSymbol(view.spec.symbol);
          if (on.has("timeframe")) other.setTimeframe(view.spec.timeframe);
        }
      } finally {
        busy = false;
      }
    },
  };
}
