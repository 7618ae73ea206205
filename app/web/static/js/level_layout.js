// Where the analysis overlays may put their labels without clutter: support/resistance labels
// that would overlap on the price axis are merged into the stronger one ("S ×5 +2"), none covers
// the last price's label, at most MAX_LEVELS lines are drawn (the strongest; the rest are
// counted as hidden), and spike labels closer than a label's width keep only the larger z.

export const MAX_LEVELS = 6;
export const LABEL_PX = 20; // an axis label's height, with a little air
export const SPIKE_LABEL_PX = 36; // "z 8.0" is about this wide

/** ``levels`` (strongest first) -> {drawn: [{level, label, merged}], hidden}. ``yOf(price)``
 * is the price's y on the axis (null when off the scale); ``lastY`` the last price's. */
export function layoutLevels(levels, yOf, lastY) {
  const drawn = [];
  let hidden = 0;
  for (const level of levels) {
    const y = yOf(level.price);
    if (drawn.length >= MAX_LEVELS) {
      hidden += 1;
      continue;
    }
    const near = y === null ? null : drawn.find((item) => item.label && Math.abs(item.y - y) < LABEL_PX);
    if (near) {
      near.merged += 1; // its label speaks for this one too; the line is still drawn
      drawn.push({ level, y, label: false, merged: 0 });
      continue;
    }
    const onLast = y !== null && lastY !== null && Math.abs(y - lastY) < LABEL_PX;
    drawn.push({ level, y, label: y !== null && !onLast, merged: 0 });
  }
  return { drawn, hidden };
}

/** ``spikes`` -> the same spikes with ``showText``: false for one whose label would overlap a
 * larger spike's (``xOf(time)`` its x, null when off screen). */
export function layoutSpikes(spikes, xOf) {
  const order = [...spikes].sort((a, b) => b.zscore - a.zscore);
  const placed = [];
  const shown = new Set();
  for (const spike of order) {
    const x = xOf(spike.time);
    if (x !== null && placed.some((other) => Math.abs(other - x) < SPIKE_LABEL_PX)) continue;
    if (x !== null) placed.push(x);
    shown.add(spike);
  }
  return spikes.map((spike) => ({ spike, showText: shown.has(spike) }));
}
