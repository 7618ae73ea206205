"""Prometheus metrics of every layer, defined once (``superchart_*``, units in the names).

A plain module any layer may import (it knows nothing of web frameworks). prometheus_client
switches to its multiprocess mode by itself when ``PROMETHEUS_MULTIPROC_DIR`` is set when the
process starts (several uvicorn workers: each writes its own files, ``/metrics`` sums them).
The live fan-out does not call these on its hot path: it counts in plain integers
(``LiveCounters``) that a sync every few seconds adds here (``app.web.ops.live_metrics``).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "superchart_http_requests_total",
    "HTTP requests answered, by route template and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "superchart_http_request_duration_seconds",
    "Time from request to the end of the answer, by route template.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
CACHE_LOOKUPS = Counter(
    "superchart_cache_lookups_total",
    "Cache lookups by cache (answers, images, shared) and result (hit, miss).",
    ["cache", "result"],
)
SHARED_CACHE_ERRORS = Counter(
    "superchart_shared_cache_errors_total",
    "Calls to the Redis shared cache that failed (each is a miss; see the log's one warning).",
)
UPSTREAM_DURATION = Histogram(
    "superchart_upstream_fetch_duration_seconds",
    "One fetch from a data source (the broker API, an exchange), retries included.",
    ["source"],
    buckets=LATENCY_BUCKETS,
)
UPSTREAM_ERRORS = Counter(
    "superchart_upstream_errors_total",
    "Fetches from a data source that failed, by source and error.",
    ["source", "error"],
)
WS_CONNECTIONS = Gauge(
    "superchart_ws_connections",
    "Live WebSocket clients connected now.",
    multiprocess_mode="livesum",
)
LIVE_SUBSCRIPTIONS = Gauge(
    "superchart_live_subscriptions",
    "Live subscriptions held now.",
    multiprocess_mode="livesum",
)
LIVE_MESSAGES = Counter(
    "superchart_live_messages_total",
    "Live bar messages handed to subscribers (sent), merged into one still pending "
    "(coalesced) or dropped with a client over its buffer (dropped).",
    ["outcome"],
)
LIVE_SLOW_CLOSED = Counter(
    "superchart_live_slow_clients_closed_total",
    "Live clients closed for being too slow (4008).",
)
IMAGE_RENDERS = Counter(
    "superchart_image_renders_total",
    "Chart images rendered, by format and result.",
    ["format", "result"],
)
IMAGE_RENDER_DURATION = Histogram(
    "superchart_image_render_duration_seconds",
    "One chart image's render, its wait for a browser tab included.",
    ["format"],
    buckets=LATENCY_BUCKETS,
)
IMAGE_QUEUE = Gauge(
    "superchart_image_renders_in_progress",
    "Renders running or waiting for a tab now.",
    multiprocess_mode="livesum",
)
SCAN_DURATION = Histogram(
    "superchart_scan_duration_seconds",
    "One batch scan of symbols (its count is the number of scans).",
    buckets=LATENCY_BUCKETS,
)
SCANNED_SYMBOLS = Counter(
    "superchart_scanned_symbols_total",
    "Symbols scanned, by result (ok, error: not loaded, not analysed or out of time).",
    ["result"],
)
LLM_CALLS = Counter(
    "superchart_llm_calls_total",
    "LLM narrative calls by result (ok, error, busy).",
    ["result"],
)
LLM_FALLBACKS = Counter(
    "superchart_llm_fallbacks_total",
    "Narratives that fell back to the rule summary after an LLM call failed or was refused.",
)


class LiveCounters:
    """Plain integers the live fan-out bumps (an attribute add, no lock, no label lookup)."""

    __slots__ = ("coalesced", "dropped", "sent", "slow_closed")

    def __init__(self) -> None:
        self.sent = 0
        self.coalesced = 0
        self.dropped = 0
        self.slow_closed = 0


live_counters = LiveCounters()
