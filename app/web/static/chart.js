// Super Chart page: draws the server's columns with Lightweight Charts (v4 API, from the
// installed lightweight-charts package), pages older bars in as the user scrolls back, and
// switches EMAs and timeframe without a reload. Text from the server goes in with textContent.
(function () {
  "use strict";

  const state = JSON.parse(document.getElementById("sc-state").textContent);
  const options = state.options;
  const messageBox = document.getElementById("message");
  const legend = document.getElementById("legend");
  const container = document.getElementById("chart");
  const OLDER_WHEN_WITHIN = 50; // bars from the left edge that trigger fetching older ones

  const chart = LightweightCharts.createChart(container, {
    autoSize: true,
    layout: options.layout,
    grid: options.grid,
    crosshair: options.crosshair,
    rightPriceScale: Object.assign({}, options.rightPriceScale, {
      scaleMargins: { top: 0.05, bottom: 0.25 },
    }),
    timeScale: options.timeScale,
  });
  const candles = chart.addCandlestickSeries(options.candles);
  const volume = chart.addHistogramSeries({
    priceScaleId: "volume",
    priceFormat: { type: "volume" },
    lastValueVisible: false,
    priceLineVisible: false,
  });
  chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });

  const emas = {}; // period -> line series, only for EMAs shown
  const data = { meta: null, columns: null };
  const status = { loadingOlder: false, requests: 0 };
  window.superChart = { chart, candles, volume, emas, data, status, state };

  function showMessage(text) {
    messageBox.textContent = text || "";
    messageBox.hidden = !text;
  }

  function emaColumn(period) {
    return "ema_" + period;
  }

  function candleData(columns) {
    const { time, open, high, low, close } = columns;
    const out = new Array(time.length);
    for (let i = 0; i < time.length; i++) {
      out[i] = { time: time[i], open: open[i], high: high[i], low: low[i], close: close[i] };
    }
    return out;
  }

  function volumeData(columns) {
    const { time, open, close, volume: vol } = columns;
    const out = new Array(time.length);
    for (let i = 0; i < time.length; i++) {
      const color = close[i] >= open[i] ? options.volume.up : options.volume.down;
      out[i] = { time: time[i], value: vol[i], color };
    }
    return out;
  }

  function lineData(columns, period) {
    const { time } = columns;
    const values = columns[emaColumn(period)] || [];
    const out = [];
    for (let i = 0; i < time.length; i++) {
      if (values[i] !== null && values[i] !== undefined) out.push({ time: time[i], value: values[i] });
    }
    return out;
  }

  function addEmaSeries(period) {
    const series = chart.addLineSeries({
      color: options.emaColors[String(period)],
      lineWidth: 2,
      priceLineVisible: false,
      lastValueVisible: false,
      crosshairMarkerVisible: false,
    });
    series.setData(lineData(data.columns, period));
    emas[period] = series;
  }

  function draw() {
    candles.setData(candleData(data.columns));
    volume.setData(volumeData(data.columns));
    for (const period of Object.keys(emas)) {
      emas[period].setData(lineData(data.columns, period));
    }
  }

  function apiUrl(params) {
    const query = new URLSearchParams({
      symbol: state.symbol,
      timeframe: state.timeframe,
      emas: state.offered.join(","),
      format: "columns",
      limit: String(state.pageBars),
    });
    for (const [key, value] of Object.entries(params || {})) query.set(key, String(value));
    return "/api/ohlcv?" + query.toString();
  }

  async function fetchColumns(params) {
    status.requests += 1;
    const response = await fetch(apiUrl(params));
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (!response.ok) {
      const detail = body && body.detail ? body.detail : "The server answered " + response.status + ".";
      throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
    }
    return body;
  }

  function setData(payload) {
    data.meta = payload;
    data.columns = payload.columns;
    draw();
  }

  function prependColumns(older) {
    const merged = {};
    for (const key of Object.keys(data.columns)) {
      merged[key] = (older.columns[key] || []).concat(data.columns[key]);
    }
    data.columns = merged;
    data.meta = Object.assign({}, data.meta, {
      has_more_before: older.has_more_before,
      first_index: older.first_index,
      bars: merged.time.length,
    });
  }

  async function loadOlder() {
    if (state.standalone || status.loadingOlder || !data.meta || !data.meta.has_more_before) return;
    status.loadingOlder = true;
    try {
      const timeScale = chart.timeScale();
      const before = timeScale.getVisibleLogicalRange();
      const older = await fetchColumns({ end: data.columns.time[0] - 1 });
      const added = older.columns.time.length;
      prependColumns(older);
      draw();
      if (before && added) {
        // Keep the user's place: the same bars stay on screen.
        timeScale.setVisibleLogicalRange({ from: before.from + added, to: before.to + added });
      }
    } catch (error) {
      showMessage(error.message);
    } finally {
      status.loadingOlder = false;
    }
  }

  chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
    if (range && range.from < OLDER_WHEN_WITHIN) loadOlder();
  });

  function updateUrl() {
    if (state.standalone) return;
    const query = new URLSearchParams({ symbol: state.symbol, timeframe: state.timeframe });
    for (const period of state.offered) {
      query.set("ema_" + period, period in emas ? "true" : "false");
    }
    history.replaceState(null, "", "/chart?" + query.toString());
    const link = document.getElementById("download");
    if (link) link.href = "/chart.html?" + query.toString() + "&download=1";
  }

  function toggleEma(period, on) {
    if (on && !(period in emas)) addEmaSeries(period);
    if (!on && period in emas) {
      chart.removeSeries(emas[period]);
      delete emas[period];
    }
    updateUrl();
  }

  async function switchTimeframe(timeframe) {
    const visible = chart.timeScale().getVisibleRange();
    const atRightEdge = isAtRightEdge();
    state.timeframe = timeframe;
    try {
      setData(await fetchColumns({}));
      showMessage("");
      // Keep the place: page back until the old view's first bar is loaded (a few pages at most).
      for (let page = 0; !atRightEdge && visible && page < 10; page++) {
        if (!data.meta.has_more_before || data.columns.time[0] <= visible.from) break;
        prependColumns(await fetchColumns({ end: data.columns.time[0] - 1 }));
        draw();
      }
      if (visible && !atRightEdge) {
        chart.timeScale().setVisibleRange({ from: visible.from, to: visible.to });
      }
    } catch (error) {
      showMessage(error.message);
    }
    updateUrl();
  }

  function isAtRightEdge() {
    const range = chart.timeScale().getVisibleLogicalRange();
    return !range || !data.columns || range.to >= data.columns.time.length - 2;
  }

  function formatNumber(value) {
    if (value === null || value === undefined) return "–";
    return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(6);
  }

  chart.subscribeCrosshairMove((param) => {
    const bar = param && param.seriesData ? param.seriesData.get(candles) : null;
    if (!bar) {
      legend.textContent = state.symbol + " · " + state.timeframe;
      return;
    }
    const vol = param.seriesData.get(volume);
    let text = state.symbol + " · " + state.timeframe + "   O " + formatNumber(bar.open) +
      "  H " + formatNumber(bar.high) + "  L " + formatNumber(bar.low) +
      "  C " + formatNumber(bar.close) + "  V " + formatNumber(vol ? vol.value : null);
    for (const period of Object.keys(emas)) {
      const point = param.seriesData.get(emas[period]);
      text += "  EMA " + period + " " + formatNumber(point ? point.value : null);
    }
    legend.textContent = text;
  });

  // Controls.
  const toggles = document.querySelectorAll("#ema-toggles input[type=checkbox]");
  for (const box of toggles) {
    box.addEventListener("change", () => toggleEma(Number(box.dataset.period), box.checked));
  }
  const timeframeSelect = document.getElementById("timeframe");
  if (timeframeSelect) {
    timeframeSelect.addEventListener("change", () => switchTimeframe(timeframeSelect.value));
  }
  const symbolSelect = document.getElementById("symbol");
  if (symbolSelect) {
    symbolSelect.addEventListener("change", () => {
      const query = new URLSearchParams({ symbol: symbolSelect.value });
      for (const period of state.offered) query.set("ema_" + period, period in emas ? "true" : "false");
      window.location.assign("/chart?" + query.toString());
    });
  }

  // First draw, from the data embedded in the page.
  if (state.error) {
    showMessage(state.error.detail);
    container.hidden = true;
  } else {
    setData(state.initial);
    for (const period of state.shown) addEmaSeries(period);
    legend.textContent = state.symbol + " · " + state.timeframe;
  }
  updateUrl();
  window.superChart.ready = true;
})();
