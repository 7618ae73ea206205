"""The indicator catalog: what each indicator is called, takes, outputs and where it draws.

Data only, one entry per indicator; the math is in ``compute`` and the text form in ``parsing``.
Every front end (the API's ``GET /api/indicators``, the page's dialog, the Streamlit and Dash
pickers) reads this one table.

Periods run from 2 to 1,000: TA-Lib documents 2 as the least period of its averages and
oscillators (RSI, ADX, CCI... refuse 1; an EMA of 1 would only redraw the close), and EMA periods
have been 2-1000 in the API, the EMA_PERIODS setting and its docs. 1 is allowed where it means
something: an ATR of 1 is the true range, a stochastic smoothing or MACD signal of 1 is none. The
upper bound keeps the warm-up from hiding most of a page and bounds the work per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

MAX_LINES = 12  # EMAs + indicator instances per request, checked before anything is computed
MIN_PERIOD, MAX_PERIOD = 2, 1000  # EMA periods (and the widest any period may be)

Pane = Literal["price", "own"]
Style = Literal["line", "histogram", "dots"]


@dataclass(frozen=True)
class Param:
    """One parameter: whole numbers (``kind="int"``) or decimals (``kind="float"``)."""

    name: str
    label: str
    default: int | float
    min: int | float
    max: int | float
    kind: Literal["int", "float"] = "int"

    def as_json(self) -> dict[str, Any]:
        step = 1 if self.kind == "int" else 0.01 if self.max <= 1 else 0.1
        return {
            "name": self.name,
            "label": self.label,
            "type": self.kind,
            "default": self.default,
            "min": self.min,
            "max": self.max,
            "step": step,
        }


@dataclass(frozen=True)
class Plot:
    """How one output draws: its legend label and style."""

    output: str
    label: str
    style: Style = "line"


@dataclass(frozen=True)
class IndicatorDef:
    name: str
    label: str  # short, as in TradingView's legend: "RSI", "BB"
    title: str  # what the dialog lists: "Relative Strength Index"
    params: tuple[Param, ...]
    plots: tuple[Plot, ...]  # one per output, in column order
    pane: Pane  # "price": over the candles; "own": a pane under the price
    talib: str  # the TA-Lib function behind it
    levels: tuple[float, ...] = ()  # guide lines of an oscillator (RSI 30/70)
    value_range: tuple[float, float] | None = None  # fixed scale of a bounded oscillator
    aliases: tuple[str, ...] = ()

    @property
    def outputs(self) -> tuple[str, ...]:
        """Output names; a column is the output plus ``_param`` per parameter."""
        return tuple(plot.output for plot in self.plots)

    @property
    def defaults(self) -> tuple[int | float, ...]:
        return tuple(param.default for param in self.params)

    def as_json(self) -> dict[str, Any]:
        from app.core.indicators.spec import IndicatorSpec  # spec reads this module

        default = IndicatorSpec(self.name)
        return {
            "name": self.name,
            "label": self.label,
            "title": self.title,
            "aliases": list(self.aliases),
            "pane": self.pane,
            "talib": self.talib,
            "params": [param.as_json() for param in self.params],
            "outputs": list(self.outputs),
            "plots": [{"output": p.output, "label": p.label, "style": p.style} for p in self.plots],
            "levels": list(self.levels),
            "range": list(self.value_range) if self.value_range else None,
            "default": {"token": default.token, "columns": list(default.columns)},
        }


def _period(default: int, minimum: int = 2, label: str = "Length") -> Param:
    return Param("period", label, default, minimum, MAX_PERIOD)


_DEFS = (
    IndicatorDef(
        "sma", "SMA", "Simple Moving Average", (_period(20),), (Plot("sma", "SMA"),),
        "price", "SMA", aliases=("ma",),
    ),
    IndicatorDef(
        "ema", "EMA", "Exponential Moving Average", (_period(20),), (Plot("ema", "EMA"),),
        "price", "EMA",
    ),
    IndicatorDef(
        "wma", "WMA", "Weighted Moving Average", (_period(20),), (Plot("wma", "WMA"),),
        "price", "WMA",
    ),
    IndicatorDef(
        "bb",
        "BB",
        "Bollinger Bands",
        (_period(20), Param("stddev", "StdDev", 2.0, 0.1, 10.0, "float")),
        (Plot("bb_upper", "Upper"), Plot("bb_middle", "Basis"), Plot("bb_lower", "Lower")),
        "price",
        "BBANDS",
    ),
    IndicatorDef(
        "vwap", "VWAP", "Volume Weighted Average Price (UTC day session)", (),
        (Plot("vwap", "VWAP"),), "price", "VWAP",
    ),
    IndicatorDef(
        "psar",
        "SAR",
        "Parabolic SAR",
        (
            Param("acceleration", "Start / increment", 0.02, 0.001, 1.0, "float"),
            Param("maximum", "Max value", 0.2, 0.001, 1.0, "float"),
        ),
        (Plot("psar", "SAR", "dots"),),
        "price",
        "SAR",
    ),
    IndicatorDef(
        "rsi", "RSI", "Relative Strength Index", (_period(14),), (Plot("rsi", "RSI"),), "own",
        "RSI", levels=(30.0, 70.0), value_range=(0.0, 100.0),
    ),
    IndicatorDef(
        "macd",
        "MACD",
        "Moving Average Convergence Divergence",
        (
            Param("fast", "Fast length", 12, 2, MAX_PERIOD),
            Param("slow", "Slow length", 26, 2, MAX_PERIOD),
            Param("signal", "Signal smoothing", 9, 1, MAX_PERIOD),
        ),
        (
            Plot("macd", "MACD"),
            Plot("macd_signal", "Signal"),
            Plot("macd_hist", "Histogram", "histogram"),
        ),
        "own",
        "EMA",
        levels=(0.0,),
    ),
    IndicatorDef(
        "stoch",
        "Stoch",
        "Stochastic",
        (
            Param("k", "%K length", 14, 1, MAX_PERIOD),
            Param("k_smoothing", "%K smoothing", 3, 1, MAX_PERIOD),
            Param("d", "%D smoothing", 3, 1, MAX_PERIOD),
        ),
        (Plot("stoch_k", "%K"), Plot("stoch_d", "%D")),
        "own",
        "STOCH",
        levels=(20.0, 80.0),
        value_range=(0.0, 100.0),
    ),
    IndicatorDef(
        "atr", "ATR", "Average True Range", (_period(14, 1),), (Plot("atr", "ATR"),), "own",
        "ATR",
    ),
    IndicatorDef(
        "adx", "ADX", "Average Directional Index", (_period(14),), (Plot("adx", "ADX"),),
        "own", "ADX", levels=(20.0,), value_range=(0.0, 100.0),
    ),
    IndicatorDef(
        "mfi", "MFI", "Money Flow Index", (_period(14),), (Plot("mfi", "MFI"),), "own", "MFI",
        levels=(20.0, 80.0), value_range=(0.0, 100.0),
    ),
    IndicatorDef("obv", "OBV", "On Balance Volume", (), (Plot("obv", "OBV"),), "own", "OBV"),
    IndicatorDef(
        "cci", "CCI", "Commodity Channel Index", (_period(20),), (Plot("cci", "CCI"),), "own",
        "CCI", levels=(-100.0, 100.0),
    ),
    IndicatorDef(
        "willr", "%R", "Williams %R", (_period(14),), (Plot("willr", "%R"),), "own", "WILLR",
        levels=(-80.0, -20.0), value_range=(-100.0, 0.0),
    ),
)  # fmt: skip

CATALOG: dict[str, IndicatorDef] = {definition.name: definition for definition in _DEFS}
ALIASES: dict[str, str] = {
    alias: definition.name for definition in _DEFS for alias in definition.aliases
}


def catalog_json() -> list[dict[str, Any]]:
    """The catalog as ``GET /api/indicators`` returns it, in the order of ``CATALOG``."""
    return [definition.as_json() for definition in CATALOG.values()]
