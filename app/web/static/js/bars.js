// The bars the page holds: one array per column plus where they sit in the whole history
// (meta.first_index, meta.total_bars). At most ``heldBars`` are kept: a page joined on one side
// lets the far side go, so scrolling far back costs the same per page.

export function createHeld(heldBars) {
  const data = { meta: null, columns: null, indicators: {} };

  function count() {
    return data.columns ? data.columns.time.length : 0;
  }

  function hasMoreBefore() {
    return Boolean(data.meta) && data.meta.first_index > 0;
  }

  function hasMoreAfter() {
    return Boolean(data.meta) && data.meta.first_index + count() < data.meta.total_bars;
  }

  function slice(columns, from, to) {
    const out = {};
    for (const key of Object.keys(columns)) out[key] = columns[key].slice(from, to);
    return out;
  }

  function join(left, right) {
    const out = {};
    for (const key of Object.keys(data.columns)) out[key] = (left[key] || []).concat(right[key] || []);
    return out;
  }

  /** Which columns each indicator instance (by token) draws, from the payload's meta. */
  function rememberIndicators(payload) {
    for (const spec of payload.indicators || []) data.indicators[spec.token] = spec;
  }

  /** Replaces everything held by one payload. */
  function replace(payload) {
    data.meta = { first_index: payload.first_index, total_bars: payload.total_bars };
    data.columns = payload.columns;
    data.precision = payload.price_precision;
    data.generation = (data.generation || 0) + 1;
    rememberIndicators(payload);
  }

  /** Older bars in front; the newest dropped beyond ``limit``. Where the held bars start is the
   * page's own first_index (0 for an empty page: nothing older). */
  function prepend(older, limit) {
    const merged = join(older.columns, data.columns);
    const keep = Math.min(merged.time.length, Math.max(heldBars, limit));
    data.columns = keep < merged.time.length ? slice(merged, 0, keep) : merged;
    data.meta = { first_index: older.first_index, total_bars: older.total_bars };
  }

  /** Newer bars behind; the oldest dropped beyond ``limit``. Returns how many were dropped. The
   * held bars now end where the page ends (total_bars for an empty page: nothing newer). */
  function append(newer, limit) {
    const merged = join(data.columns, newer.columns);
    const dropped = Math.max(0, merged.time.length - Math.max(heldBars, limit));
    data.columns = dropped ? slice(merged, dropped, merged.time.length) : merged;
    const end = newer.first_index + newer.columns.time.length;
    data.meta = { first_index: end - count(), total_bars: newer.total_bars };
    return dropped;
  }

  /** Lets go of the ``n`` oldest bars (live bars keep arriving; what is held stays bounded). */
  function dropOldest(n) {
    if (!data.columns || n <= 0) return;
    data.columns = slice(data.columns, n, count());
    data.meta.first_index += n;
  }

  /** Lets go of columns no longer drawn, so later pages (which lack them) still join. */
  function dropColumns(names) {
    if (!data.columns) return;
    for (const name of names) delete data.columns[name];
  }

  function edgeTime(side) {
    return side === "older" ? data.columns.time[0] : data.columns.time[count() - 1];
  }

  return {
    data, count, hasMoreBefore, hasMoreAfter, replace, prepend, append, dropColumns, dropOldest, edgeTime,
  };
}

/** Live bars (records, oldest first) merged into ``held``: a bar of the newest time replaces the
 * forming one, a newer one is appended; returns the indices changed. While the newest bars are
 * not held (the user scrolled far back) only the count of bars grows, so paging forward brings
 * them. Used by every live chart (the page's and the workspace's). */
export function mergeLiveBars(held, bars, snapshot) {
  const columns = held.data.columns;
  const names = Object.keys(columns);
  const changed = [];
  for (const bar of bars) {
    const count = held.count();
    const last = count ? columns.time[count - 1] : -Infinity;
    if (held.hasMoreAfter()) {
      if (!snapshot && held.data.newestSeen !== undefined && bar.time > held.data.newestSeen) {
        held.data.meta.total_bars += 1;
      }
      held.data.newestSeen = Math.max(held.data.newestSeen ?? bar.time, bar.time);
      continue;
    }
    if (bar.time < last) continue; // already held
    const index = bar.time === last ? count - 1 : count;
    for (const name of names) {
      const value = bar[name] === undefined ? null : bar[name];
      if (index === count) columns[name].push(value);
      else columns[name][index] = value;
    }
    if (index === count) held.data.meta.total_bars += 1;
    changed.push(index);
  }
  return changed;
}
