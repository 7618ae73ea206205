// The EMA switches, in the browser: every offered EMA is a trace of the figure, hidden ones
// visible=false (app/dash_app/chart_callbacks.py), so a switch needs no request.
// Off: the line's SVG group leaves the screen in the switch's own change event, then one
// Plotly.restyle (a whole recalculation, ~0.2-1 s for 2,000 candles) takes it out of the legend,
// the hover and the scales. On: a line plotly.js has not drawn needs that restyle to appear.
// The restyle always makes the chart what the switches say when it runs, so quick flips in a
// row end right. (A figure that lands later is set right by ema_toggle_js.SYNC_NEW_FIGURE_JS.)
(function () {
  let pending = false;
  const chart = () => document.querySelector("#chart .js-plotly-plot");
  const switches = () => [...document.querySelectorAll("#emas input[type=checkbox]")];
  const nameOf = (input) => {  // "EMA 10", as the trace is named
    const option = input.closest(".form-check");
    return option ? option.textContent.trim() : null;
  };
  const groups = (gd) => [...gd.querySelectorAll(".scatterlayer .trace")].map((group) => {
    const data = group.__data__;
    return [group, data && data[0] && data[0].trace];
  });

  function reconcile() {
    pending = false;
    const gd = chart();
    if (!gd || !gd.data || !window.Plotly) return;
    const indices = [], visible = [];
    for (const input of switches()) {
      gd.data.forEach((trace, index) => {
        if (trace.name === nameOf(input) && (trace.visible !== false) !== input.checked) {
          indices.push(index);
          visible.push(input.checked);
        }
      });
    }
    if (!indices.length) return;
    // plotly.js may reuse a group hidden here for another line: none stays hidden
    const shown = () => groups(gd).forEach(([group]) => { group.style.display = ""; });
    window.Plotly.restyle(gd, {visible: visible}, indices).then(shown);
  }

  function flipped(input) {
    const gd = chart();
    if (!gd || !gd.data) return;
    const name = nameOf(input);
    let drawn = false;
    for (const [group, trace] of groups(gd)) {
      if (trace && trace.name === name) {
        group.style.display = input.checked ? "" : "none";
        drawn = true;
      }
    }
    if (input.checked && !drawn) {
      reconcile();  // nothing to show yet: plotly.js draws it now
    } else if (!pending) {
      pending = true;  // once the frame without the line is painted
      requestAnimationFrame(() => setTimeout(reconcile, 0));
    }
  }

  document.addEventListener(
    "change",
    (event) => {
      const input = event.target;
      if (input.closest && input.closest("#emas") && input.type === "checkbox") flipped(input);
    },
    true,
  );
})();
