// The pointer on a chart's canvas: with a tool chosen, a click places its next point (a preview
// follows the pointer); otherwise a press on a handle of the selected drawing drags that point
// alone, a press on a drawing selects it and dragging moves it whole; a double-click on a note
// edits its words. A drag ends in one saved, undoable change (tools.commit).

export function createPointer(tools) {
  const { state, store, views } = tools;

  /** The chart point at media pixel (x, y) of ``view``'s pane (the magnet applied); null off it. */
  function pointAtXY(view, x, y) {
    if (x < 0 || x > view.chart.timeScale().width()) return null; // on the price scale
    const time = view.xToTime(x);
    let price = view.series().coordinateToPrice(y);
    if (time === null || price === null) return null;
    if (tools.magnetOn()) price = snapToBar(view, time, price);
    return { time, price };
  }

  function pointAt(view, event) {
    const box = view.canvasElement.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const point = pointAtXY(view, x, y);
    return point && { x, y, point };
  }

  /** Magnet: the nearest of the open, high, low and close of the bar at ``time``. */
  function snapToBar(view, time, price) {
    const { columns } = view;
    if (!columns || !columns.time.length) return price;
    let index = columns.time.findIndex((each) => each > time) - 1;
    if (index < 0) index = time < columns.time[0] ? 0 : columns.time.length - 1;
    const prices = [columns.open[index], columns.high[index], columns.low[index], columns.close[index]];
    return prices.reduce((best, each) => (Math.abs(each - price) < Math.abs(best - price) ? each : best), prices[0]);
  }

  function startDrag(view, drawing, at, handle) {
    const series = view.series();
    const start = drawing.points.map((p) => ({ x: view.timeToX(p.time), y: series.priceToCoordinate(p.price) }));
    state.drag = { view, drawing, before: structuredClone(drawing), start, from: at, handle, moved: false };
    view.chart.applyOptions({ handleScroll: false, handleScale: false });
  }

  function onDown(view, event) {
    if (event.button !== 0) return;
    const at = pointAt(view, event);
    if (!at) return;
    const stop = () => {
      event.stopPropagation();
      event.preventDefault();
    };
    if (state.tool) {
      stop();
      tools.place(view, at);
      return;
    }
    const primitive = view.drawings.primitive;
    const selected = tools.selectedDrawing();
    const handle = selected && selected.symbol === view.spec.symbol && primitive.handleAt(selected.id, at.x, at.y);
    if (handle) {
      stop();
      startDrag(view, selected, at, handle);
      return;
    }
    const id = primitive.hit(at.x, at.y);
    tools.select(view, id);
    const drawing = id && store.of(view.spec.symbol).find((each) => each.id === id);
    if (drawing) {
      stop();
      startDrag(view, drawing, at, null);
    }
  }

  function dragTo(drag, at) {
    const { view, drawing, start, handle } = drag;
    const dx = at.x - drag.from.x;
    const dy = at.y - drag.from.y;
    drag.moved = drag.moved || Math.abs(dx) + Math.abs(dy) > 2;
    if (!drag.moved) return;
    if (handle) {
      const point = pointAtXY(view, handle.x + dx, handle.y + dy);
      if (!point) return;
      const points = drawing.points.map((p) => ({ ...p }));
      points[handle.time].time = point.time;
      points[handle.price].price = point.price;
      drawing.points = points;
    } else {
      drawing.points = start.map((p) => ({
        time: view.xToTime(p.x + dx),
        price: view.series().coordinateToPrice(p.y + dy),
      }));
    }
    for (const each of views) if (each.spec.symbol === view.spec.symbol) each.drawings.redraw();
  }

  function onMove(view, event) {
    const at = pointAt(view, event);
    if (!at) return;
    const pending = state.pending;
    if (state.tool && pending && pending.symbol === view.spec.symbol) {
      pending.points = [...pending.points.slice(0, pending.placed), at.point];
      view.drawings.redraw();
    }
    if (state.drag && state.drag.view === view) dragTo(state.drag, at);
  }

  async function onUp() {
    const drag = state.drag;
    if (!drag) return;
    state.drag = null;
    drag.view.chart.applyOptions({ handleScroll: true, handleScale: true });
    if (!drag.moved) return;
    if (drag.drawing.points.some((p) => p.time === null || p.price === null)) {
      drag.drawing.points = drag.before.points; // dragged off the chart: put it back
      for (const each of views) each.drawings.redraw();
      return;
    }
    await tools.commit(drag.drawing, drag.before, drag.handle ? "The point was not saved: " : "The move was not saved: ");
  }

  function onDoubleClick(view, event) {
    if (state.tool) return;
    const at = pointAt(view, event);
    const id = at && view.drawings.primitive.hit(at.x, at.y);
    if (!id) return;
    event.stopPropagation();
    event.preventDefault();
    tools.select(view, id);
    const drawing = tools.selectedDrawing();
    if (drawing && drawing.type === "text") tools.editText();
  }

  /** Listens on ``view``'s canvas; returns the function that stops listening. */
  function listen(view) {
    const element = view.canvasElement;
    const handlers = {
      mousedown: (event) => onDown(view, event),
      mousemove: (event) => onMove(view, event),
      dblclick: (event) => onDoubleClick(view, event),
    };
    for (const [name, handler] of Object.entries(handlers)) element.addEventListener(name, handler, true);
    window.addEventListener("mouseup", onUp);
    return () => {
      for (const [name, handler] of Object.entries(handlers)) element.removeEventListener(name, handler, true);
      window.removeEventListener("mouseup", onUp);
    };
  }

  return { listen };
}
