"""Indicators: one catalog, its text form, and the TA-Lib math behind it.

Modules by job: ``catalog`` (what each indicator takes, outputs and where it draws; the line
cap), ``spec`` (one checked instance: ``IndicatorSpec``), ``parsing`` (``"rsi:14,macd"`` ->
specs; EMA period lists), ``compute`` (TA-Lib on a frame's arrays), ``vwap`` (the session VWAP),
``single`` (one ``add_*`` function per indicator, fixed column names).
"""

from app.core.indicators.catalog import (
    CATALOG,
    MAX_LINES,
    MAX_PERIOD,
    MIN_PERIOD,
    IndicatorDef,
    Param,
    Plot,
    catalog_json,
)
from app.core.indicators.compute import add_indicators, indicator_columns, macd_lines
from app.core.indicators.parsing import (
    check_line_count,
    count_lines,
    parse_ema_periods,
    parse_indicators,
)
from app.core.indicators.single import (
    add_atr,
    add_bollinger_bands,
    add_emas,
    add_macd,
    add_obv,
    add_rsi,
    add_smas,
    add_stochastic,
    add_vwap,
    add_wmas,
    ema_column,
    ema_values,
)
from app.core.indicators.spec import IndicatorSpec, format_param
from app.core.indicators.vwap import vwap_values

__all__ = [
    "CATALOG",
    "MAX_LINES",
    "MAX_PERIOD",
    "MIN_PERIOD",
    "IndicatorDef",
    "IndicatorSpec",
    "Param",
    "Plot",
    "add_atr",
    "add_bollinger_bands",
    "add_emas",
    "add_indicators",
    "add_macd",
    "add_obv",
    "add_rsi",
    "add_smas",
    "add_stochastic",
    "add_vwap",
    "add_wmas",
    "catalog_json",
    "check_line_count",
    "count_lines",
    "ema_column",
    "ema_values",
    "format_param",
    "indicator_columns",
    "macd_lines",
    "parse_ema_periods",
    "parse_indicators",
    "vwap_values",
]
