// Where the time axis goes when new bars arrive. Plotly's uirevision keeps the range the user
// zoomed or panned to (bar positions are the bars' places in the whole history, so a window
// that slid keeps the same bars in view); a view that showed the newest bar moves right with
// the new ones instead, keeping its width, as TradingView's does.

/** The x range to draw next, or null to let Plotly keep (or autorange) the axis. ``axis`` is
 * the drawn plot's full x axis, ``drawnLast``/``nextLast`` the newest bar's x before and after. */
export function followedRange(axis, drawnLast, nextLast) {
  if (!axis || axis.autorange !== false || !Array.isArray(axis.range)) return null;
  if (!Number.isFinite(drawnLast) || !Number.isFinite(nextLast) || nextLast <= drawnLast) return null;
  const [from, to] = axis.range.map(Number);
  if (!(to >= drawnLast)) return null; // the user looks at older bars: their view stays
  const by = nextLast - drawnLast;
  return [from + by, to + by];
}
