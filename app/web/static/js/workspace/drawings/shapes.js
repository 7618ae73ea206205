// Each drawing type: how many points it takes, how it paints (bitmap space of a Lightweight
// Charts pane renderer), how a pointer hits it and where its handles are. Geometry is in media
// pixels: ``pts`` the points as {x, y}, ``width`` the pane's width. Style: ``color``, ``width``,
// ``line_style`` (solid, dashed, dotted; the older ``dash: true`` is dashed) and, for a trend
// line, ``extend_left`` / ``extend_right``.

const FIB_LEVELS = [0, 0.236, 0.382, 0.5, 0.618, 0.786, 1];
const HIT_PX = 6;

function distanceToSegment(px, py, a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t = length ? Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / length)) : 0;
  return Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

function line(ctx, scope, a, b) {
  ctx.beginPath();
  ctx.moveTo(a.x * scope.horizontalPixelRatio, a.y * scope.verticalPixelRatio);
  ctx.lineTo(b.x * scope.horizontalPixelRatio, b.y * scope.verticalPixelRatio);
  ctx.stroke();
}

export const LINE_STYLES = ["solid", "dashed", "dotted"];

export function lineStyleOf(style) {
  if (LINE_STYLES.includes(style.line_style)) return style.line_style;
  return style.dash ? "dashed" : "solid";
}

/** The dash pattern (bitmap pixels) of a line style at line width ``width`` (media pixels). */
function dashPattern(name, width, ratio) {
  if (name === "dashed") return [Math.max(6, 3 * width) * ratio, Math.max(4, 2 * width) * ratio];
  if (name === "dotted") return [width * ratio, Math.max(3, 2 * width) * ratio];
  return [];
}

/** The trend line's segment, carried to the pane's edges on the sides its style extends. */
export function extendedSegment(geo, style) {
  let [a, b] = geo.pts;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  if (!dx && !dy) return [a, b];
  // The line's parameter t at the left (x = 0) and right (x = width) edges; vertical lines reach
  // the top and bottom instead (far enough off the pane either way).
  const far = 4 * Math.max(geo.width, 1000);
  const tLeft = dx ? (0 - a.x) / dx : -far / Math.abs(dy);
  const tRight = dx ? (geo.width - a.x) / dx : far / Math.abs(dy);
  const [tBack, tAhead] = [Math.min(tLeft, tRight), Math.max(tLeft, tRight)];
  const at = (t) => ({ x: a.x + t * dx, y: a.y + t * dy });
  const ahead = dx >= 0 ? style.extend_right : style.extend_left; // beyond b
  const back = dx >= 0 ? style.extend_left : style.extend_right; // before a
  if (back && tBack < 0) a = at(tBack);
  if (ahead && tAhead > 1) b = at(tAhead);
  return [a, b];
}

/** Where a drawing's handles are: each moves the time of point ``time`` and the price of point
 * ``price`` (the same point, or, on a rectangle's other two corners, one of each). */
export function handlesOf(geo) {
  const out = geo.pts.map((p, i) => ({ x: p.x, y: p.y, time: i, price: i }));
  if (geo.type === "rectangle") {
    const [a, b] = geo.pts;
    out.push({ x: a.x, y: b.y, time: 0, price: 1 }, { x: b.x, y: a.y, time: 1, price: 0 });
  }
  return out;
}

function handles(ctx, scope, pts) {
  for (const p of pts) {
    ctx.beginPath();
    ctx.arc(p.x * scope.horizontalPixelRatio, p.y * scope.verticalPixelRatio, 4 * scope.horizontalPixelRatio, 0, 2 * Math.PI);
    ctx.fill();
  }
}

export const SHAPES = {
  horizontal_line: {
    points: 1,
    paint(ctx, scope, geo) {
      line(ctx, scope, { x: 0, y: geo.pts[0].y }, { x: geo.width, y: geo.pts[0].y });
    },
    hit: (geo, x, y) => Math.abs(y - geo.pts[0].y) <= HIT_PX,
  },
  horizontal_ray: {
    points: 1,
    paint(ctx, scope, geo) {
      line(ctx, scope, geo.pts[0], { x: geo.width, y: geo.pts[0].y });
    },
    hit: (geo, x, y) => x >= geo.pts[0].x - HIT_PX && Math.abs(y - geo.pts[0].y) <= HIT_PX,
  },
  trend_line: {
    points: 2,
    paint(ctx, scope, geo, style) {
      const [a, b] = extendedSegment(geo, style);
      line(ctx, scope, a, b);
    },
    hit(geo, x, y) {
      const [a, b] = extendedSegment(geo, (geo.drawing && geo.drawing.style) || {});
      return distanceToSegment(x, y, a, b) <= HIT_PX;
    },
  },
  rectangle: {
    points: 2,
    paint(ctx, scope, geo, style) {
      const [a, b] = geo.pts;
      const h = scope.horizontalPixelRatio;
      const v = scope.verticalPixelRatio;
      ctx.globalAlpha = 0.2;
      ctx.fillRect(Math.min(a.x, b.x) * h, Math.min(a.y, b.y) * v, Math.abs(b.x - a.x) * h, Math.abs(b.y - a.y) * v);
      ctx.globalAlpha = 1;
      ctx.strokeRect(Math.min(a.x, b.x) * h, Math.min(a.y, b.y) * v, Math.abs(b.x - a.x) * h, Math.abs(b.y - a.y) * v);
    },
    hit(geo, x, y) {
      const [a, b] = geo.pts;
      return x >= Math.min(a.x, b.x) - HIT_PX && x <= Math.max(a.x, b.x) + HIT_PX &&
        y >= Math.min(a.y, b.y) - HIT_PX && y <= Math.max(a.y, b.y) + HIT_PX;
    },
  },
  fib_retracement: {
    points: 2,
    paint(ctx, scope, geo) {
      const [a, b] = geo.pts;
      const left = Math.min(a.x, b.x);
      const right = Math.max(a.x, b.x);
      ctx.font = `${11 * scope.verticalPixelRatio}px sans-serif`;
      for (const level of FIB_LEVELS) {
        const y = b.y + (a.y - b.y) * level;
        line(ctx, scope, { x: left, y }, { x: right, y });
        ctx.fillText(String(level), left * scope.horizontalPixelRatio + 2, y * scope.verticalPixelRatio - 2);
      }
      ctx.setLineDash([4 * scope.horizontalPixelRatio, 4 * scope.horizontalPixelRatio]);
      line(ctx, scope, a, b);
      ctx.setLineDash([]);
    },
    hit(geo, x, y) {
      const [a, b] = geo.pts;
      if (x < Math.min(a.x, b.x) - HIT_PX || x > Math.max(a.x, b.x) + HIT_PX) return false;
      return FIB_LEVELS.some((level) => Math.abs(y - (b.y + (a.y - b.y) * level)) <= HIT_PX);
    },
  },
};

function box(ctx, scope, left, right, top, bottom, color) {
  const h = scope.horizontalPixelRatio;
  const v = scope.verticalPixelRatio;
  ctx.fillStyle = color;
  ctx.globalAlpha = 0.25;
  ctx.fillRect(left * h, Math.min(top, bottom) * v, (right - left) * h, Math.abs(bottom - top) * v);
  ctx.globalAlpha = 1;
}

/** A position: entry, target, stop; green from the entry to the target, red to the stop. */
function position(ctx, scope, geo) {
  const [entry, target, stop] = geo.pts;
  const left = entry.x;
  const right = Math.max(entry.x + 40, target.x, stop.x);
  box(ctx, scope, left, right, entry.y, target.y, "#26a69a");
  box(ctx, scope, left, right, entry.y, stop.y, "#ef5350");
  line(ctx, scope, { x: left, y: entry.y }, { x: right, y: entry.y });
}

function positionHit(geo, x, y) {
  const [entry, target, stop] = geo.pts;
  const right = Math.max(entry.x + 40, target.x, stop.x);
  const ys = [entry.y, target.y, stop.y];
  return x >= entry.x - HIT_PX && x <= right + HIT_PX && y >= Math.min(...ys) - HIT_PX && y <= Math.max(...ys) + HIT_PX;
}

SHAPES.parallel_channel = {
  points: 3,
  paint(ctx, scope, geo) {
    const [a, b, c] = geo.pts;
    const dy = c.y - (a.y + ((b.y - a.y) * (c.x - a.x)) / (b.x - a.x || 1));
    line(ctx, scope, a, b);
    line(ctx, scope, { x: a.x, y: a.y + dy }, { x: b.x, y: b.y + dy });
    ctx.setLineDash([4 * scope.horizontalPixelRatio, 4 * scope.horizontalPixelRatio]);
    line(ctx, scope, { x: a.x, y: a.y + dy / 2 }, { x: b.x, y: b.y + dy / 2 });
    ctx.setLineDash([]);
  },
  hit(geo, x, y) {
    const [a, b, c] = geo.pts;
    const dy = c.y - (a.y + ((b.y - a.y) * (c.x - a.x)) / (b.x - a.x || 1));
    return distanceToSegment(x, y, a, b) <= HIT_PX ||
      distanceToSegment(x, y, { x: a.x, y: a.y + dy }, { x: b.x, y: b.y + dy }) <= HIT_PX;
  },
};
SHAPES.long_position = { points: 3, paint: position, hit: positionHit };
SHAPES.short_position = { points: 3, paint: position, hit: positionHit };
SHAPES.text = {
  points: 1,
  paint(ctx, scope, geo, style) {
    ctx.font = `${13 * scope.verticalPixelRatio}px sans-serif`;
    ctx.fillText(style.text || "", geo.pts[0].x * scope.horizontalPixelRatio, geo.pts[0].y * scope.verticalPixelRatio);
  },
  hit(geo, x, y) {
    const width = 7 * ((geo.drawing.style && geo.drawing.style.text) || "").length;
    return x >= geo.pts[0].x - HIT_PX && x <= geo.pts[0].x + width && y <= geo.pts[0].y + HIT_PX && y >= geo.pts[0].y - 16;
  },
};

export function paintDrawing(ctx, scope, geo, style, selected) {
  const shape = SHAPES[geo.type];
  if (!shape) return;
  ctx.strokeStyle = style.color || "#2962ff";
  ctx.fillStyle = style.color || "#2962ff";
  ctx.lineWidth = (style.width || 2) * scope.verticalPixelRatio;
  ctx.setLineDash(dashPattern(lineStyleOf(style), style.width || 2, scope.horizontalPixelRatio));
  shape.paint(ctx, scope, geo, style);
  ctx.setLineDash([]);
  if (selected) handles(ctx, scope, handlesOf(geo));
}
