"""Every benchmark case: its name in the table, its target ratio, and what it needs to exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bench import (
    access_cases,
    alert_cases,
    analysis_cases,
    browser_cases,
    core_cases,
    dash_cases,
    http_cases,
    hub_cases,
    image_cases,
    indicator_cases,
    live_cases,
    scale_cases,
    scan_cases,
    source_cases,
    store_cases,
    streamlit_cases,
    toggle_cases,
    udf_cases,
    workspace_cases,
)
from bench.context import BenchContext, Sizes
from bench.table import Row


@dataclass(frozen=True)
class Case:
    name: str
    target: float | None
    run: Callable[[BenchContext, str, float | None], Row]
    needs: tuple[str, ...] = ("app.core.synthetic",)  # modules that must exist to run
    higher_is_better: bool = False
    budget: bool = False  # ``target`` is an absolute bound in the row's unit, not a ratio

    def sized(self, sizes: Sizes) -> Case:
        """This case named with the sizes of the run ({big} rows, {large} bars)."""
        name = self.name.format(
            big=count_label(sizes.big_rows), large=count_label(sizes.api_large_bars)
        )
        return replace(self, name=name)


def count_label(count: int) -> str:
    """1_000_000 -> '1M', 100_000 -> '100k'."""
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count % 1000 == 0:
        return f"{count // 1000}k"
    return f"{count:,}"


FASTAPI = ("app.core.synthetic", "app.main_fastapi")
DASH = ("app.core.synthetic", "app.main_dash", "app.main_fastapi")

CASES: tuple[Case, ...] = (
    Case("load {big}-row CSV -> canonical frame", 1.5, core_cases.load_csv),
    Case("load {big}-row Parquet -> canonical frame", 1.3, core_cases.load_parquet),
    Case("4 EMAs on {big} closes", 1.5, core_cases.four_emas),
    Case("resample {big} 1m bars -> 1h", 1.5, core_cases.resample_to_1h),
    Case(
        "all 15 catalog indicators on {big} bars vs TA-Lib direct",
        1.5,
        indicator_cases.catalog_vs_talib,
        ("app.core.indicators.catalog",),
    ),
    Case(
        "/api/ohlcv 5k bars + 5 indicators vs none, warm",
        1.5,
        indicator_cases.api_with_indicators_warm,
        FASTAPI,
    ),
    Case(
        "/api/ohlcv 5k bars + 5 indicators vs none, uncached answer",
        1.5,
        indicator_cases.api_with_indicators_uncached,
        FASTAPI,
    ),
    Case(
        "analysis (levels, spikes, signals) on {big} bars vs 1 ATR",
        300.0,
        analysis_cases.analysis_big,
        ("app.core.analysis",),
    ),
    Case(
        "scan 100 symbols x 2k bars, cold, vs reading them",
        10.0,
        analysis_cases.scan_100,
        ("app.core.analysis",),
    ),
    Case(
        "POST /api/v1/analyze 200 bars + PNG, warm, vs /api/analysis",
        None,
        scan_cases.analyze_warm,
        (*FASTAPI, "app.web.routes.analyze_v1"),
    ),
    Case(
        "scheduled scan 200 symbols x 50 bars vs /api/scan",
        1.5,
        scan_cases.scheduled_run_vs_scan,
        (*FASTAPI, "app.scan"),
    ),
    Case(
        "/api/ohlcv p99 during a scheduled run vs without",
        1.5,
        scan_cases.ohlcv_p99_during_run,
        (*FASTAPI, "app.scan"),
    ),
    Case(
        "/api/ohlcv 500 bars + 4 EMAs, warm, 1 client", 2.0, http_cases.api_small_latency, FASTAPI
    ),
    Case("/api/ohlcv {large} bars + 4 EMAs, warm", 3.0, http_cases.api_large_vs_orjson, FASTAPI),
    Case(
        "alert fires after its bar, p99, 1,000 alerts armed",
        None,
        alert_cases.alert_fires_1000,
        (*FASTAPI, "app.alerts"),
    ),
    Case(
        "/api/quotes 100 symbols x 20k bars, warm",
        None,
        store_cases.quotes_100_warm,
        (*FASTAPI, "app.core.quotes"),
    ),
    Case(
        "req/s /api/ohlcv 500 bars + 4 EMAs, 32 clients",
        0.5,
        http_cases.requests_per_second_small,
        FASTAPI,
        higher_is_better=True,
    ),
    Case(
        "req/s /api/ohlcv with API_TOKENS + RATE_LIMIT vs off, 32 clients",
        1 / 1.1,
        access_cases.requests_per_second_guarded,
        (*FASTAPI, "app.web.access"),
        higher_is_better=True,
    ),
    *(
        Case(
            f"req/s /api/ohlcv 500 bars + 4 EMAs, {workers} uvicorn worker(s), 32 clients",
            None,
            scale_cases.workers_case(workers),
            FASTAPI,
            higher_is_better=True,
        )
        for workers in (1, 2, 4)
    ),
    Case(
        "live p99: 2 replicas through Redis vs 1 process, 1,000 WS clients, 10 bars/s",
        1.5,
        scale_cases.fanout_two_replicas,
        (*FASTAPI, "app.live.redis_hub"),
    ),
    Case(
        "broker polls per interval: 4 replicas vs 1 (Redis poll lease)",
        1.0,
        scale_cases.broker_polls,
        (*FASTAPI, "app.live.shared_poll"),
    ),
    Case(
        "/udf/history 5k bars vs /api/ohlcv columns, same request",
        1.2,
        udf_cases.udf_history_warm,
        (*FASTAPI, "app.web.routes.udf"),
    ),
    Case(
        "/udf/history 5k bars vs /api/ohlcv columns, new to= each",
        1.2,
        udf_cases.udf_history_new_to,
        (*FASTAPI, "app.web.routes.udf"),
    ),
    Case(
        "feed=pyth /api/ohlcv 1k bars vs the UDF stand-in direct, warm",
        1.2,
        source_cases.feed_warm,
        (*FASTAPI, "app.core.sources.udf"),
    ),
    Case(
        "feed=pyth /api/ohlcv 1k bars vs the UDF stand-in direct, uncached",
        1.2,
        source_cases.feed_uncached,
        (*FASTAPI, "app.core.sources.udf"),
    ),
    Case(
        "symbol search /api/symbols?q= over 5,000 listed symbols vs 20 ms",
        1.0,
        source_cases.symbol_search,
        (*FASTAPI, "app.core.sources.registry"),
    ),
    Case(
        "/udf/search over 5,000 listed symbols vs /api/symbols?q=",
        1.2,
        udf_cases.udf_search_many,
        (*FASTAPI, "app.web.routes.udf"),
    ),
    Case(
        "chart page: navigation -> 5k candles drawn", 1.5, browser_cases.chart_page_small, FASTAPI
    ),
    Case("chart page on the {big}-bar symbol", 2.0, browser_cases.chart_page_big, FASTAPI),
    Case(
        "chart page: 4 panes (RSI, MACD, Stoch) ready vs no indicators",
        1.5,
        browser_cases.chart_page_panes,
        FASTAPI,
    ),
    Case(
        "workspace: 4 live charts of 10,000 bars open vs 1 chart",
        1.5,
        workspace_cases.workspace_open,
        (*FASTAPI, "app.web.routes.workspace"),
    ),
    Case(
        "workspace: frame time panning 4 charts of 10,000 bars vs 16 ms",
        1.0,
        workspace_cases.workspace_pan,
        (*FASTAPI, "app.web.routes.workspace"),
    ),
    *(
        Case(name, budget, run, DASH, budget=True)
        for name, budget, run in (
            ("dash first chart 5k bars", 2.0, dash_cases.dash_first_chart),
            ("dash indicator added", 0.5, dash_cases.dash_indicator_added),
            ("dash toggle", 0.3, dash_cases.dash_toggle),
            ("dash live bar visible", 2.0, dash_cases.dash_live_bar),
            ("dash first PNG", 5.9, dash_cases.dash_first_png),  # the figure, to beat
        )
    ),
    Case(
        "Streamlit: EMA toggle -> redrawn, {big}-bar symbol",
        2.0,
        toggle_cases.streamlit_toggle,
        ("app.core.synthetic", "app.charts.plotly_charts", "app.main_streamlit"),
    ),
    *(
        Case(name, budget, run, ("app.core.synthetic", "app.main_streamlit"), budget=True)
        for name, budget, run in (
            ("streamlit first chart 5k bars", 2.0, streamlit_cases.first_chart),
            ("streamlit indicator added", 0.5, streamlit_cases.indicator_added),
            ("streamlit toggle", 0.3, streamlit_cases.toggle),
            ("streamlit toggle (legend)", 0.3, streamlit_cases.toggle_legend),
            ("streamlit live bar visible", 2.0, streamlit_cases.live_bar),
        )
    ),
    Case(
        "peak RSS of FastAPI server after {big}-bar symbol",
        None,
        http_cases.peak_rss_after_big_symbol,
        FASTAPI,
    ),
    Case(
        "live hub: 10,000 subscribes + unsubscribes (shuffled) vs a dict of them",
        2.0,
        hub_cases.subscribe_churn,
        ("app.live.hub",),
    ),
    Case(
        "live hub: one bar to 10,000 subscriptions vs a loop offering it",
        1.1,
        hub_cases.one_bar_fanout,
        ("app.live.hub",),
    ),
    Case(
        "live p99: 1,000 WS clients, 1 symbol, 10 bars/s (file write -> client)",
        1.5,
        live_cases.fanout_1000,
        FASTAPI,
    ),
    Case(
        "live p99: 1,000 WS clients, 1 symbol, last row rewritten in place 10/s (every 10th "
        "write a new minute; the floor fed by its own file watcher)",
        1.2,
        live_cases.fanout_1000_rewrites,
        FASTAPI,
    ),
    Case(
        "live p99: 1,000 WS clients with permessage-deflate (as browsers), 1 symbol, 10 bars/s",
        1.5,
        live_cases.fanout_1000_deflate,
        FASTAPI,
    ),
    Case(
        "live p99: 10,000 WS clients, 1 symbol, 10 bars/s",
        None,
        live_cases.fanout_10000,
        FASTAPI,
    ),
    Case(
        "live p99: 100 symbols x 100 WS clients, 100 bars/s",
        None,
        live_cases.fanout_100x100,
        FASTAPI,
    ),
    *(
        Case(
            f"chart PNG {bars:,} candles{' + RSI, MACD panes' if panes else ''}, warm, vs "
            "mplfinance",
            1.0,
            image_cases.image_case(bars, panes),
            ("app.images", "mplfinance"),
        )
        for bars in (300, 500, 5000)
        for panes in (False, True)
    ),
)
