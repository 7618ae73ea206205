// Super Chart page: draws the server's columns with Lightweight Charts (v4 API, from the
// installed lightweight-charts package), pages older and newer bars in as the user scrolls, and
// switches EMAs and timeframe without a reload. Text from the server goes in with textContent.
(function () {
  "use strict";

  const state = JSON.parse(document.getElementById("sc-state").textContent);
  const options = state.options;
  const messageBox = document.getElementById("message");
  const legend = document.getElementById("legend");
  const container = document.getElementById("chart");
  const EDGE_BARS = 50; // bars from an edge of what is held that trigger fetching the next page
  // At most this many bars are held (and re-sent to the chart on each page): beyond it the side
  // away from the view is dropped, so scrolling far back costs the same per page.
  const HELD_BARS = state.heldBars || 10000;

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

  const emas = {}; // period -> line series, only for EMAs drawn
  const shown = new Set(state.shown); // EMAs the user has ticked (drawn once there is data)
  // meta: {first_index, total_bars} of what is held; columns: one array per field.
  const data = { meta: null, columns: null };
  // loadingOlder/loadingNewer: a page of that side is on its way (one per side at a time).
  const status = { loadingOlder: false, loadingNewer: false, requests: 0 };
  window.superChart = { chart, candles, volume, emas, data, status, state };

  function showMessage(text) {
    messageBox.textContent = text || "";
    messageBox.hidden = !text;
  }

  function showNotices(notices) {
    const box = document.getElementById("notices");
    if (!box || !notices || !notices.length) return;
    const list = box.querySelector("ul");
    for (const notice of notices) {
      const item = document.createElement("li");
      item.textContent = notice;
      list.appendChild(item);
    }
    box.querySelector("button").addEventListener("click", () => {
      box.hidden = true;
    });
    box.hidden = false;
  }

  function emaColumn(period) {
    return "ema_" + period;
  }

  // -- what the series draw ---------------------------------------------------------------

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

  function removeEmaSeries(period) {
    chart.removeSeries(emas[period]);
    delete emas[period];
  }

  /** Candles, volume and every EMA line drawn from the bars held. */
  function draw() {
    candles.setData(candleData(data.columns));
    volume.setData(volumeData(data.columns));
    for (const period of Object.keys(emas)) {
      emas[period].setData(lineData(data.columns, period));
    }
  }

  // -- the bars held ----------------------------------------------------------------------

  function barCount() {
    return data.columns ? data.columns.time.length : 0;
  }

  function hasMoreBefore() {
    return Boolean(data.meta) && data.meta.first_index > 0;
  }

  function hasMoreAfter() {
    return Boolean(data.meta) && data.meta.first_index + barCount() < data.meta.total_bars;
  }

  function sliceColumns(columns, from, to) {
    const out = {};
    for (const key of Object.keys(columns)) out[key] = columns[key].slice(from, to);
    return out;
  }

  function joinColumns(left, right) {
    const out = {};
    for (const key of Object.keys(data.columns)) out[key] = (left[key] || []).concat(right[key] || []);
    return out;
  }

  /** How many bars may be held: HELD_BARS, or three screens when one screen holds more. */
  function heldLimit() {
    const range = chart.timeScale().getVisibleLogicalRange();
    const screen = range ? Math.ceil(range.to - range.from) : 0;
    return Math.max(HELD_BARS, 3 * screen);
  }

  /** Older bars in front; the newest dropped beyond the limit. Where the held bars start is
   * the page's own first_index (0 for an empty page: nothing older). */
  function prependPage(older) {
    const merged = joinColumns(older.columns, data.columns);
    const keep = Math.min(merged.time.length, heldLimit());
    data.columns = keep < merged.time.length ? sliceColumns(merged, 0, keep) : merged;
    data.meta = { first_index: older.first_index, total_bars: older.total_bars };
  }

  /** Newer bars behind; the oldest dropped beyond the limit. Returns how many were dropped.
   * The held bars now end where the page ends (total_bars for an empty page: nothing newer). */
  function appendPage(newer) {
    const merged = joinColumns(data.columns, newer.columns);
    const dropped = Math.max(0, merged.time.length - heldLimit());
    data.columns = dropped ? sliceColumns(merged, dropped, merged.time.length) : merged;
    const end = newer.first_index + newer.columns.time.length;
    data.meta = { first_index: end - barCount(), total_bars: newer.total_bars };
    return dropped;
  }

  function setData(payload) {
    data.meta = {
      first_index: payload.first_index,
      total_bars: payload.total_bars,
    };
    data.columns = payload.columns;
    state.error = null;
    container.hidden = false;
    draw();
    // The EMA lines ticked, including any ticked while there was nothing to draw.
    for (const period of state.offered) {
      if (shown.has(period) && !(period in emas)) addEmaSeries(period);
      if (!shown.has(period) && period in emas) removeEmaSeries(period);
    }
    legend.textContent = state.symbol + " · " + state.timeframe;
  }

  // -- fetching ---------------------------------------------------------------------------

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

  function secondsOf(timeframe) {
    return state.timeframeSeconds[timeframe] || 60;
  }

  /** The older bars just before ``edge`` (a time), at ``timeframe``. */
  function fetchOlder(timeframe, edge) {
    return fetchColumns({ timeframe, end: edge - 1 });
  }

  /** The first bars after ``edge`` (a time), at ``timeframe``, however long a gap follows it:
   * the API answers start= without end= with the first bars at or after start. */
  function fetchNewer(timeframe, edge) {
    return fetchColumns({ timeframe, start: edge + 1 });
  }

  /** Keeps the same bars on screen after ``by`` bars were added (or dropped) in front of them. */
  function shiftView(range, by) {
    if (!range) return;
    chart.timeScale().setVisibleLogicalRange({ from: range.from + by, to: range.to + by });
  }

  /** Shows an older page in front of the bars held. */
  function showOlder(older) {
    const added = older.columns.time.length;
    // Where the user is now (they may have scrolled while the page was on its way).
    const range = chart.timeScale().getVisibleLogicalRange();
    prependPage(older);
    if (!added) return;
    draw();
    shiftView(range, added);
  }

  /** Shows a newer page behind the bars held (the oldest may be let go). */
  function showNewer(newer) {
    const range = chart.timeScale().getVisibleLogicalRange();
    const dropped = appendPage(newer);
    if (!newer.columns.time.length) return;
    draw();
    shiftView(range, -dropped);
  }

  const SIDES = {
    older: { busy: "loadingOlder", hasMore: hasMoreBefore, fetch: fetchOlder, show: showOlder },
    newer: { busy: "loadingNewer", hasMore: hasMoreAfter, fetch: fetchNewer, show: showNewer },
  };

  /** The time of the oldest or newest bar held. */
  function edgeTime(side) {
    return side === "older" ? data.columns.time[0] : data.columns.time[barCount() - 1];
  }

  /** Fetches the next page on one side ("older" or "newer") and shows it, unless the bars held
   * changed under it while it was on its way: a timeframe switch replaced them, or a page on
   * the other side let this edge go. Such a page is dropped and the edge asked for again. */
  async function loadPage(side) {
    const how = SIDES[side];
    if (state.standalone || status[how.busy] || !how.hasMore()) return;
    const timeframe = state.timeframe;
    const edge = edgeTime(side);
    const stillWanted = () => state.timeframe === timeframe && edgeTime(side) === edge;
    status[how.busy] = true;
    try {
      const page = await how.fetch(timeframe, edge);
      if (stillWanted()) how.show(page);
    } catch (error) {
      if (stillWanted()) showMessage(error.message);
    } finally {
      status[how.busy] = false;
      checkEdges();
    }
  }

  function checkEdges() {
    if (!data.columns || state.standalone) return;
    const range = chart.timeScale().getVisibleLogicalRange();
    if (!range) return;
    if (range.from < EDGE_BARS) loadPage("older");
    if (range.to > barCount() - 1 - EDGE_BARS) loadPage("newer");
  }

  chart.timeScale().subscribeVisibleLogicalRangeChange(checkEdges);

  // -- controls ---------------------------------------------------------------------------

  function pageQuery() {
    const query = new URLSearchParams({ symbol: state.symbol, timeframe: state.timeframe });
    for (const period of state.offered) query.set("ema_" + period, shown.has(period) ? "true" : "false");
    return query;
  }

  function setDownloadLink(query) {
    const link = document.getElementById("download");
    if (link) link.href = "/chart.html?" + query + (query ? "&" : "") + "download=1";
  }

  /** The address bar and download link follow what is drawn (not while an error is shown). */
  function updateUrl() {
    if (state.standalone || !data.columns) return;
    const query = pageQuery().toString();
    history.replaceState(null, "", "/chart?" + query);
    setDownloadLink(query);
  }

  function toggleEma(period, on) {
    if (on) shown.add(period);
    else shown.delete(period);
    if (!data.columns) return; // nothing drawn yet: the tick is used once there is data
    if (on && !(period in emas)) addEmaSeries(period);
    if (!on && period in emas) removeEmaSeries(period);
    updateUrl();
  }

  function isAtRightEdge() {
    const range = chart.timeScale().getVisibleLogicalRange();
    return !range || (!hasMoreAfter() && range.to >= barCount() - 2);
  }

  /** The time range the user is looking at, or null when following the newest bars. */
  function currentPlace() {
    if (!data.columns || isAtRightEdge()) return null;
    const visible = chart.timeScale().getVisibleRange();
    return visible ? { from: visible.from, to: visible.to } : null;
  }

  /** Fetch parameters for a window of ``timeframe`` bars around ``place`` (or the newest). */
  function windowParams(timeframe, place) {
    const params = { timeframe };
    if (!place) return params;
    const seconds = secondsOf(timeframe);
    const half = Math.floor(state.pageBars / 2);
    const inView = Math.ceil((place.to - place.from) / seconds) + 1;
    params.end = place.to + half * seconds;
    params.limit = Math.min(HELD_BARS, inView + 2 * half);
    return params;
  }

  let latestSwitch = null; // the switch asked for last: an earlier one arriving later is dropped

  async function switchTimeframe(timeframe) {
    const place = currentPlace();
    const request = { timeframe };
    latestSwitch = request;
    try {
      const payload = await fetchColumns(windowParams(timeframe, place));
      if (latestSwitch !== request) return;
      state.timeframe = timeframe; // only now: the bars drawn are of this timeframe
      setData(payload);
      showMessage("");
      if (place) chart.timeScale().setVisibleRange(place);
      else chart.timeScale().scrollToRealTime();
      updateUrl();
    } catch (error) {
      if (latestSwitch !== request) return;
      showMessage(error.message);
      if (timeframeSelect) timeframeSelect.value = state.timeframe; // what is still drawn
    }
    checkEdges();
  }

  function formatNumber(value) {
    if (value === null || value === undefined) return "–";
    return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toPrecision(6);
  }

  chart.subscribeCrosshairMove((param) => {
    const bar = param && param.seriesData ? param.seriesData.get(candles) : null;
    if (!bar) {
      if (data.columns) legend.textContent = state.symbol + " · " + state.timeframe;
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
      const query = pageQuery(); // the EMA ticks carry over; the new symbol opens at its own timeframe
      query.set("symbol", symbolSelect.value);
      query.delete("timeframe");
      window.location.assign("/chart?" + query.toString());
    });
  }

  // First draw, from the data embedded in the page.
  if (state.initial) showNotices(state.initial.notices); // the loader's, carried by the payload
  if (state.error) {
    showMessage(state.error.detail);
    container.hidden = true;
    setDownloadLink(location.search.replace(/^\?/, ""));
  } else {
    setData(state.initial);
    updateUrl();
  }
  window.superChart.ready = true;
})();
