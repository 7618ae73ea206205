// The series primitive (Lightweight Charts' plugin API) that draws one chart's drawings: its
// pane view turns each drawing's (time, price) points into pixels (times placed between bars
// by interpolation, so a point keeps its time on every timeframe) and its renderer paints them
// over the candles. Hit testing reads the same geometry.

import { SHAPES, handlesOf, paintDrawing } from "./shapes.js";

const HANDLE_PX = 8;

export class DrawingsPrimitive {
  constructor(view, source) {
    this.view = view;
    this.source = source; // () => { drawings, selectedId }
    this.geometry = [];
    this.requestUpdate = null;
    this.paneView = {
      zOrder: () => "top",
      renderer: () => ({
        draw: (target) => {
          const { selectedId, drawings } = this.source();
          target.useBitmapCoordinateSpace((scope) => {
            const ctx = scope.context;
            for (const geo of this.geometry) {
              const drawing = drawings.find((each) => each.id === geo.id) || geo.drawing;
              paintDrawing(ctx, scope, geo, drawing.style || {}, geo.id === selectedId);
            }
          });
        },
      }),
    };
  }

  attached({ requestUpdate }) {
    this.requestUpdate = requestUpdate;
  }

  detached() {
    this.requestUpdate = null;
  }

  updateAllViews() {
    const series = this.view.series();
    const width = this.view.chart.timeScale().width();
    this.geometry = [];
    for (const drawing of this.source().drawings) {
      const pts = drawing.points.map((point) => ({
        x: this.view.timeToX(point.time),
        y: series.priceToCoordinate(point.price),
      }));
      if (pts.some((p) => p.x === null || p.y === null)) continue;
      this.geometry.push({ id: drawing.id, type: drawing.type, pts, width, drawing });
    }
  }

  paneViews() {
    return [this.paneView];
  }

  /** The drawing under (x, y), the topmost first. */
  hit(x, y) {
    for (let i = this.geometry.length - 1; i >= 0; i--) {
      const geo = this.geometry[i];
      if (SHAPES[geo.type].hit(geo, x, y)) return geo.id;
    }
    return null;
  }

  /** The handle of drawing ``id`` under (x, y), the nearest within reach; null when none. */
  handleAt(id, x, y) {
    const geo = this.geometry.find((each) => each.id === id);
    if (!geo) return null;
    let best = null;
    for (const handle of handlesOf(geo)) {
      const distance = Math.hypot(handle.x - x, handle.y - y);
      if (distance <= HANDLE_PX && (!best || distance < best.distance)) best = { ...handle, distance };
    }
    return best;
  }

  redraw() {
    if (this.requestUpdate) this.requestUpdate();
  }
}
