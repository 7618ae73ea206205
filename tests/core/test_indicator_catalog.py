"""Every catalog indicator against TA-Lib called directly, on the sample file's 5,000 hourly bars,
and across a window boundary (an older page's first value is the whole series' value there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from app.core import build_view, read_ohlcv_file
from app.core.indicators import (
    CATALOG,
    MAX_LINES,
    IndicatorSpec,
    add_indicators,
    catalog_json,
    parse_indicators,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample_ohlcv.csv"


@pytest.fixture(scope="module")
def bars() -> pd.DataFrame:
    return read_ohlcv_file(SAMPLE)


def arrays(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {name: frame[name].to_numpy(dtype=np.float64) for name in ("high", "low", "close")} | {
        "volume": frame["volume"].to_numpy(dtype=np.float64)
    }


def day_by_day_vwap(frame: pd.DataFrame) -> np.ndarray:
    """TA-Lib's VWAP restarted on each UTC day: the definition, the slow way."""
    out = np.empty(len(frame))
    days = frame["time"].dt.floor("D").to_numpy()
    for day in np.unique(days):
        rows = np.flatnonzero(days == day)
        part = frame.iloc[rows]
        a = arrays(part)
        out[rows] = talib.VWAP(a["high"], a["low"], a["close"], a["volume"])
    return out


def talib_reference(frame: pd.DataFrame, spec: IndicatorSpec) -> tuple[np.ndarray, ...]:
    """The spec's outputs from TA-Lib called directly (MACD as TradingView: EMAs of TA-Lib)."""
    a = arrays(frame)
    h, lo, c, v = a["high"], a["low"], a["close"], a["volume"]
    p = spec.params
    match spec.name:
        case "sma":
            return (talib.SMA(c, p[0]),)
        case "ema":
            return (talib.EMA(c, p[0]),)
        case "wma":
            return (talib.WMA(c, p[0]),)
        case "bb":
            return talib.BBANDS(c, p[0], p[1], p[1], 0)
        case "vwap":
            return (day_by_day_vwap(frame),)
        case "psar":
            return (talib.SAR(h, lo, p[0], p[1]),)
        case "rsi":
            return (talib.RSI(c, p[0]),)
        case "macd":
            line = talib.EMA(c, p[0]) - talib.EMA(c, p[1])
            first = int(np.flatnonzero(~np.isnan(line))[0])
            signal = np.full(len(c), np.nan)
            signal[first:] = talib.EMA(line[first:], p[2])
            return line, signal, line - signal
        case "stoch":
            return talib.STOCH(h, lo, c, p[0], p[1], 0, p[2], 0)
        case "atr":
            return (talib.ATR(h, lo, c, p[0]),)
        case "adx":
            return (talib.ADX(h, lo, c, p[0]),)
        case "mfi":
            return (talib.MFI(h, lo, c, v, p[0]),)
        case "obv":
            return (talib.OBV(c, v),)
        case "cci":
            return (talib.CCI(h, lo, c, p[0]),)
        case "willr":
            return (talib.WILLR(h, lo, c, p[0]),)
    raise AssertionError(f"no reference for {spec.name}")


DEFAULTS = [IndicatorSpec(name) for name in CATALOG]
OTHERS = parse_indicators("sma:50,ema:9,wma:30,bb:10:1.5,psar:0.01:0.1,rsi:7,macd:5:35:5")
OTHERS += parse_indicators("stoch:5:1:1,atr:1,adx:30,mfi:20,cci:14,willr:28")


@pytest.mark.parametrize("spec", DEFAULTS + list(OTHERS), ids=lambda s: s.token)
def test_values_equal_talib_on_real_data(bars, spec):
    out = add_indicators(bars, [spec])
    expected = talib_reference(bars, spec)
    assert list(out.columns) == [*bars.columns, *spec.columns]
    for column, reference in zip(spec.columns, expected, strict=True):
        got = out[column].to_numpy()
        np.testing.assert_array_equal(np.isnan(got), np.isnan(reference), err_msg=column)
        np.testing.assert_allclose(got, reference, rtol=1e-12, atol=1e-9, err_msg=column)
        assert not np.isnan(got[-1])  # warmed up by the end of 5,000 bars


@pytest.mark.parametrize("spec", DEFAULTS, ids=lambda s: s.token)
def test_an_older_page_starts_with_the_whole_series_value(bars, spec):
    full = add_indicators(bars, [spec])
    newest = build_view(bars, symbol="s", indicators=[spec], limit=1000)
    end = newest.frame["time"].iloc[0] - pd.Timedelta(seconds=1)
    older = build_view(bars, symbol="s", indicators=[spec], end=end, limit=1000)
    assert older.first_index == newest.first_index - 1000 > 0
    for column in spec.columns:
        first = older.frame[column].iloc[0]
        assert first == full[column].iloc[older.first_index]
        assert not np.isnan(first)  # warm at the window's first bar
        assert newest.frame[column].iloc[0] == full[column].iloc[newest.first_index]


def test_contract_column_names():
    text = "rsi:14,macd:12:26:9,bb:20:2,stoch:14:3:3,atr,adx,mfi,cci,willr,psar,ma:50,wma"
    columns = [c for spec in parse_indicators(text) for c in spec.columns]
    assert columns == [
        "rsi_14",
        "macd_12_26_9",
        "macd_signal_12_26_9",
        "macd_hist_12_26_9",
        "bb_upper_20_2",
        "bb_middle_20_2",
        "bb_lower_20_2",
        "stoch_k_14_3_3",
        "stoch_d_14_3_3",
        "atr_14",
        "adx_14",
        "mfi_14",
        "cci_20",
        "willr_14",
        "psar_0.02_0.2",
        "sma_50",
        "wma_20",
    ]
    assert [s.columns for s in parse_indicators("obv,vwap")] == [("obv",), ("vwap",)]


def test_defaults_aliases_tokens_and_labels():
    specs = parse_indicators(" RSI , macd:12, ma:20 ,bb:20:2.5, sma:20 ,rsi:14")
    assert [s.token for s in specs] == ["rsi:14", "macd:12:26:9", "sma:20", "bb:20:2.5"]
    assert [s.label for s in specs] == ["RSI 14", "MACD 12 26 9", "SMA 20", "BB 20 2.5"]
    assert [s.pane for s in specs] == ["own", "own", "price", "price"]
    assert parse_indicators(None) == parse_indicators("") == parse_indicators(" , ") == ()
    assert IndicatorSpec("bb", (20, 2)) == IndicatorSpec("bb") == IndicatorSpec("BB", ("20",))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo", "Unknown indicator 'foo'; use one of: sma (ma), ema, wma, bb, vwap, psar, rsi,"),
        ("rsi:1", "rsi period must be a whole number from 2 to 1000 (default 14), got 1."),
        ("rsi:1001", "rsi period must be a whole number from 2 to 1000 (default 14), got 1001."),
        ("rsi:14.5", "rsi period must be a whole number from 2 to 1000 (default 14), got '14.5'."),
        ("bb:20:nan", "bb stddev must be a number from 0.1 to 10 (default 2), got 'nan'."),
        ("bb:20:0", "bb stddev must be a number from 0.1 to 10 (default 2), got 0."),
        ("obv:3", "obv takes 0 parameter(s) (no parameters), got 1."),
        ("macd:1:2:3:4", "macd takes 3 parameter(s) (fast, slow, signal), got 4."),
        ("macd:26:12", "macd fast length (26) must be below the slow one (12)."),
        ("psar:0.5:0.2", "psar acceleration (0.5) must not be above the maximum (0.2)."),
        (":14", "Indicator ':14' has no name; write name:param, like rsi:14."),
        ("x" * 500, "Unknown indicator '" + "x" * 39 + "…'"),
    ],
)
def test_bad_indicators_are_parameter_errors_naming_what_is_allowed(text, message):
    with pytest.raises(Exception) as err:
        parse_indicators(text)
    assert type(err.value).__name__ == "ParameterError"
    assert err.value.parameter == "indicators"
    assert str(err.value).startswith(message)


def test_the_line_cap_stops_parsing_at_the_first_line_too_many():
    ok = ",".join(f"sma:{n}" for n in range(2, 2 + MAX_LINES))
    assert len(parse_indicators(ok)) == MAX_LINES
    with pytest.raises(Exception, match="at most 12 lines per request") as err:
        parse_indicators(",".join(f"ema:{n}" for n in range(2, 1000)))
    assert err.value.parameter == "indicators"


def test_catalog_json_lists_every_indicator_with_its_ranges():
    entries = {entry["name"]: entry for entry in catalog_json()}
    assert set(entries) >= {"sma", "ema", "wma", "bb", "vwap", "psar"}
    assert set(entries) >= {"rsi", "macd", "stoch", "atr", "adx", "mfi", "obv", "cci", "willr"}
    for name in ("sma", "ema", "wma", "bb", "vwap", "psar"):
        assert entries[name]["pane"] == "price"
    macd = entries["macd"]
    assert macd["pane"] == "own" and macd["talib"] == "EMA"
    assert [p["name"] for p in macd["params"]] == ["fast", "slow", "signal"]
    assert macd["params"][0] | {} == {
        "name": "fast",
        "label": "Fast length",
        "type": "int",
        "default": 12,
        "min": 2,
        "max": 1000,
        "step": 1,
    }
    assert macd["outputs"] == ["macd", "macd_signal", "macd_hist"]
    assert macd["default"] == {
        "token": "macd:12:26:9",
        "columns": ["macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9"],
    }
    assert entries["sma"]["aliases"] == ["ma"]
    assert entries["stoch"]["talib"] == "STOCH"


def test_an_empty_frame_gets_empty_columns(bars):
    out = add_indicators(bars.iloc[:0], parse_indicators("rsi,macd,vwap,obv"))
    assert len(out) == 0 and "macd_hist_12_26_9" in out.columns


def test_a_history_shorter_than_the_warm_up_is_all_null(bars):
    out = add_indicators(bars.iloc[:20], parse_indicators("rsi:50,macd,sma:30,adx"))
    assert out.iloc[:, 6:].isna().all().all()
