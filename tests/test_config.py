"""Settings: where values come from, and how a bad one stops start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import DEFAULT_EMA_PERIODS, get_settings, load_settings
from app.core import ConfigError

VARIABLES = (
    "DATA_SOURCE", "DATA_DIR", "CSV_PATH", "DEFAULT_SYMBOL", "DEFAULT_TIMEFRAME", "EMA_PERIODS",
    "DATA_API_BASE", "DATA_API_KEY", "REQUEST_TIMEOUT", "CACHE_TTL", "UPLOAD_MAX_MB",
)  # fmt: skip


@pytest.fixture
def clean_env(monkeypatch, tmp_path) -> Path:
    """No Super Chart variables in the environment; a working directory with an empty data/."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    return tmp_path


def test_defaults(clean_env):
    settings = load_settings()
    assert settings.data_source == "csv"
    assert settings.data_dir == Path("data")
    assert settings.csv_path == Path("data/sample_ohlcv.csv")
    assert settings.ema_periods == DEFAULT_EMA_PERIODS == (10, 21, 50, 150)
    assert settings.default_timeframe == "1h"
    assert settings.upload_max_bytes == 200 * 1024 * 1024


def test_environment_over_env_local_over_env(clean_env, monkeypatch):
    (clean_env / ".env").write_text("DEFAULT_SYMBOL=from_env\nCACHE_TTL=5\nDEFAULT_TIMEFRAME=4h\n")
    (clean_env / ".env.local").write_text("DEFAULT_SYMBOL=from_local\nCACHE_TTL=7\n")
    monkeypatch.setenv("DEFAULT_SYMBOL", "from_process")
    settings = load_settings()
    assert settings.default_symbol == "from_process"
    assert settings.cache_ttl == 7
    assert settings.default_timeframe == "4h"


def test_values_are_normalised(clean_env, monkeypatch):
    monkeypatch.setenv("EMA_PERIODS", " 9, 20 ,200")
    monkeypatch.setenv("DEFAULT_TIMEFRAME", "H4")
    monkeypatch.setenv("DATA_API_BASE", "  ")
    settings = load_settings()
    assert settings.ema_periods == (9, 20, 200)
    assert settings.default_timeframe == "4h"
    assert settings.data_api_base is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DATA_SOURCE",
            "excel",
            r"DATA_SOURCE: Input should be 'csv', 'api' or 'exchange' \(got 'excel'\)",
        ),
        ("DEFAULT_TIMEFRAME", "3h", r"DEFAULT_TIMEFRAME: Unknown timeframe '3h'\. Allowed: 1m, 5m"),
        ("EMA_PERIODS", "10,1", r"EMA_PERIODS: EMA periods must be whole numbers from 2 to 1000"),
        (
            "EMA_PERIODS",
            "10,abc",
            r"EMA_PERIODS: EMA periods must be whole numbers from 2 to 1000, comma",
        ),
        ("REQUEST_TIMEOUT", "0", r"REQUEST_TIMEOUT: Input should be greater than 0"),
        ("CACHE_TTL", "-1", r"CACHE_TTL: Input should be greater than or equal to 0"),
        ("UPLOAD_MAX_MB", "lots", r"UPLOAD_MAX_MB: Input should be a valid number"),
        ("DATA_API_BASE", "ftp://x", r"DATA_API_BASE: must be an http:// or https:// URL"),
    ],
)
def test_bad_values_name_the_variable(clean_env, monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_api_source_needs_a_base_url_and_hides_the_key(clean_env, monkeypatch):
    monkeypatch.setenv("DATA_SOURCE", "api")
    monkeypatch.setenv("DATA_API_KEY", "sk-very-secret")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "DATA_API_BASE must be set (an http(s) URL) when DATA_SOURCE=api" in str(err.value)
    assert "sk-very-secret" not in str(err.value)
    monkeypatch.setenv("DATA_API_BASE", "https://broker.example/v1")
    settings = load_settings()
    assert settings.data_api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in repr(settings)


def test_get_settings_is_read_once(clean_env, monkeypatch):
    monkeypatch.setenv("DEFAULT_SYMBOL", "one")
    first = get_settings()
    monkeypatch.setenv("DEFAULT_SYMBOL", "two")
    assert get_settings() is first
    get_settings.cache_clear()
    assert get_settings().default_symbol == "two"


@pytest.mark.parametrize("value", ["CSV", " csv ", "Api"])
def test_data_source_ignores_case_and_spaces(clean_env, monkeypatch, value):
    monkeypatch.setenv("DATA_SOURCE", value)
    monkeypatch.setenv("DATA_API_BASE", "https://broker.example/v1")
    assert load_settings().data_source == value.strip().lower()


def test_a_missing_data_dir_stops_start_up_naming_the_resolved_path(clean_env, monkeypatch):
    monkeypatch.setenv("DATA_DIR", "dta")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value) == (
        "Invalid settings:\n  DATA_DIR: the folder does not exist (resolved to "
        f"{clean_env / 'dta'}); create it or set DATA_DIR to the folder holding your .csv / "
        ".parquet files (got 'dta')"
    )


def test_a_data_dir_that_is_a_file_stops_start_up(clean_env, monkeypatch):
    (clean_env / "prices.csv").write_text("time,open,high,low,close\n")
    monkeypatch.setenv("DATA_DIR", "prices.csv")
    with pytest.raises(ConfigError, match=r"DATA_DIR: not a folder \(resolved to .*prices\.csv\)"):
        load_settings()


def test_data_dir_need_not_exist_for_the_api_nor_the_default_symbol_file(clean_env, monkeypatch):
    monkeypatch.setenv("DATA_SOURCE", "api")
    monkeypatch.setenv("DATA_API_BASE", "https://broker.example/v1")
    monkeypatch.setenv("DATA_DIR", "nowhere")
    assert load_settings().data_dir == Path("nowhere")
    monkeypatch.setenv("DATA_SOURCE", "csv")
    monkeypatch.setenv("DATA_DIR", "data")
    monkeypatch.setenv("DEFAULT_SYMBOL", "arrives_later")  # no such file in data/ yet
    assert load_settings().default_symbol == "arrives_later"
