// Each drawing type: how many points it takes, how it paints (bitmap space of a Lightweight
// Charts pane renderer) and how a pointer hits it. Geometry is in media pixels: ``pts`` the
// points as {x, y}, ``width`` the pane's width.

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
    paint(ctx, scope, geo) {
      line(ctx, scope, geo.pts[0], geo.pts[1]);
    },
    hit: (geo, x, y) => distanceToSegment(x, y, geo.pts[0], geo.pts[1]) <= HIT_PX,
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
  ctx.setLineDash(style.dash ? [6 * scope.horizontalPixelRatio, 4 * scope.horizontalPixelRatio] : []);
  shape.paint(ctx, scope, geo, style);
  ctx.setLineDash([]);
  if (selected) handles(ctx, scope, geo.pts);
}
