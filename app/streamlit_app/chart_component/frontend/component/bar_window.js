// How a new set of bars relates to the bars drawn, so the chart can keep the user's view:
// the same bars with the last one changed and a few appended (drawn bar by bar, as the page
// draws live bars), the same bars at other places (a window that slid or grew: redrawn, the
// view moved by as many bars), or other bars altogether.

export const MAX_APPENDED = 3; // more new bars than this are redrawn whole

/** Index of ``time`` in the ascending ``times``, or -1. */
export function indexOfTime(times, time) {
  let low = 0;
  let high = times.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (times[middle] === time) return middle;
    if (times[middle] < time) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

function sameNames(a, b) {
  const left = Object.keys(a);
  return left.length === Object.keys(b).length && left.every((name) => name in b);
}

/** {kind: "append", from} | {kind: "shift", by} | {kind: "new"}: ``from`` is the first index
 * to draw again; ``by`` how many places the bars drawn moved right (negative: left). */
export function planUpdate(drawn, next) {
  if (!drawn || !drawn.time.length || !next.time.length) return { kind: "new" };
  const before = drawn.time;
  const after = next.time;
  const start = indexOfTime(after, before[0]);
  const last = before.length - 1;
  if (
    start === 0 &&
    sameNames(drawn, next) &&
    after.length >= before.length &&
    after.length - before.length <= MAX_APPENDED &&
    after[last] === before[last]
  ) {
    return { kind: "append", from: last };
  }
  if (start >= 0) return { kind: "shift", by: start };
  const back = indexOfTime(before, after[0]);
  if (back >= 0) return { kind: "shift", by: -back };
  return { kind: "new" };
}
