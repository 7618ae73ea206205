"""One settings object for every front end.

Values come from, in order of precedence: the process environment, a git-ignored
``.env.local`` (secrets such as ``DATA_API_KEY``), and the committed ``.env`` (safe defaults).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.core.errors import ConfigError
from app.core.redact import Redactor
from app.settings.access import AccessSettings
from app.settings.alerts import AlertSettings
from app.settings.data_files import DataFileSettings
from app.settings.images import ImageSettings
from app.settings.live_redis import LiveRedisSettings
from app.settings.ops import OpsSettings
from app.settings.replay import ReplaySettings
from app.settings.scan import ScanSettings
from app.settings.shared_redis import SharedRedisSettings
from app.settings.sources import SourcesSettings
from app.settings.store import StoreSettings
from app.settings.udf import UdfSettings

safe_text = Redactor()  # a bad DATA_API_BASE is echoed without its userinfo

DEFAULT_EMA_PERIODS = (10, 21, 50, 150)
# A bad value of a variable whose name holds one of these is never echoed in an error.
SECRET_NAME_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD")


class Settings(
    SourcesSettings,
    ScanSettings,
    StoreSettings,
    AlertSettings,
    DataFileSettings,
    UdfSettings,
    LiveRedisSettings,
    AccessSettings,
    OpsSettings,
    SharedRedisSettings,
    ImageSettings,
    ReplaySettings,
    BaseSettings,
):
    """Every knob Super Chart reads; environment variable names are the upper-case field names."""

    model_config = SettingsConfigDict(
        env_file=(".env", ".env.local"),
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    data_source: Literal["csv", "api", "exchange"] = "csv"
    data_dir: Path = Path("data")
    csv_path: Path = Path("data/sample_ohlcv.csv")
    default_symbol: str = "sample_ohlcv"
    default_timeframe: str = "1h"
    ema_periods: Annotated[tuple[int, ...], NoDecode] = DEFAULT_EMA_PERIODS

    data_api_base: str | None = None
    data_api_key: SecretStr | None = None
    request_timeout: float = Field(default=10.0, gt=0, le=300)
    cache_ttl: float = Field(default=60.0, ge=0)
    # Limits are in bars: a file or upload of more rows is refused before its rows are decoded.
    max_bars: int = Field(default=5_000_000, ge=1, le=200_000_000)
    # An upload's size, and the size of the CSV a .gz/.zip upload unpacks to.
    upload_max_mb: float = Field(default=200.0, gt=0)
    # Dash: seconds between checks for new bars (dcc.Interval); 0 turns live updates off.
    dash_refresh_s: float = Field(default=1.0, ge=0, le=3600)
    # The broker's answers: at most this many MB each, at most this many fetches at once (the
    # web server has 40 worker threads: upstream fetches must never take them all).
    upstream_max_mb: float = Field(default=50.0, gt=0, le=4096)
    upstream_max_concurrent: int = Field(default=8, ge=1, le=32)

    # Live bars over WS /ws (app.live)
    # memory: one process; redis: replicas share bars through Redis pub/sub (app.live.redis_hub)
    live_backend: Literal["memory", "redis"] = "memory"
    redis_url: str = "redis://127.0.0.1:6379/0"
    live_redis_prefix: str = Field(default="superchart:live:", min_length=1, max_length=100)
    live_redis_lease_ms: int = Field(default=5000, ge=300, le=600_000)  # a stream's publisher
    live_redis_timeout_s: float = Field(default=2.0, gt=0, le=60)  # every Redis call
    live_max_clients: int = Field(default=2000, ge=1, le=100_000)
    live_max_subscriptions: int = Field(default=20, ge=1, le=1000)
    live_max_limit: int = Field(default=10_000, ge=1, le=100_000)
    live_max_message_bytes: int = Field(default=4096, ge=256, le=1_048_576)
    live_client_buffer_bytes: int = Field(default=1_048_576, ge=16_384, le=67_108_864)
    live_socket_send_buffer_bytes: int = Field(default=262_144, ge=0, le=67_108_864)
    live_send_timeout_s: float = Field(default=10.0, gt=0, le=300)
    live_close_deadline_s: float = Field(default=5.0, gt=0, le=300)  # then the socket is aborted
    live_poll_s: float = Field(default=5.0, ge=0.1, le=3600)
    live_ws_url: str | None = None
    live_watch_debounce_ms: int = Field(default=200, ge=10, le=10_000)
    live_watch_step_ms: int = Field(default=20, ge=1, le=1000)
    live_max_replay_speed: float = Field(default=100.0, gt=0, le=10_000)
    live_replay_max_bars: int = Field(default=100_000, ge=1, le=1_000_000)

    # Chart images (GET /api/chart.png|.svg): a warm Chromium driven by Kaleido.
    chromium_path: Path | None = None  # None: the first chromium / google-chrome on PATH
    image_workers: int = Field(default=2, ge=1, le=8)  # renders at a time (browser tabs)
    image_queue: int = Field(default=4, ge=0, le=64)  # waiting renders before a 503
    image_timeout: float = Field(default=10.0, gt=0, le=120)  # one render, then restart
    image_cache_mb: float = Field(default=32.0, ge=0, le=1024)  # rendered images kept

    # The Streamlit dashboard redraws its chart this often, picking up new bars (0: never).
    streamlit_refresh_s: float = Field(default=1.0, ge=0, le=3600)

    # DATA_SOURCE=exchange: CCXT exchanges tried in order, the pairs listed, one fetch's deadline.
    exchanges: Annotated[tuple[str, ...], NoDecode] = ("binance", "bybit", "okx")
    exchange_symbols: Annotated[tuple[str, ...], NoDecode] = ("BTC/USDT", "ETH/USDT")
    exchange_deadline: float = Field(default=20.0, gt=0, le=300)
    # name=URL pairs replacing an exchange's API host (a proxy, a testnet, a local stand-in).
    exchange_api_urls: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)

    # Optional LLM narrative for /api/analysis and /report (OpenAI-compatible /chat/completions).
    llm_api_base: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout: float = Field(default=20.0, gt=0, le=120)

    @field_validator("llm_api_base", "llm_api_key", "llm_model", mode="before")
    @classmethod
    def _blank_llm_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("llm_api_base")
    @classmethod
    def _check_llm_base(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError(
                "must be an http:// or https:// URL (the part before /chat/completions)"
            )
        return value

    @field_validator("data_source", mode="before")
    @classmethod
    def _normalise_source(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value  # ' CSV ' -> 'csv'

    @field_validator("data_dir")
    @classmethod
    def _data_dir_exists(cls, value: Path, info: ValidationInfo) -> Path:
        """With DATA_SOURCE=csv the symbols are DATA_DIR's files: a typo there would otherwise
        only show as an empty symbol list. (A missing DEFAULT_SYMBOL file is fine: files may
        arrive later.)"""
        if info.data.get("data_source") != "csv":
            return value
        resolved = value.expanduser().resolve()
        if not resolved.exists():
            raise ValueError(
                f"the folder does not exist (resolved to {resolved}); create it or set DATA_DIR "
                "to the folder holding your .csv / .parquet files"
            )
        if not resolved.is_dir():
            raise ValueError(
                f"not a folder (resolved to {resolved}); set DATA_DIR to the folder holding "
                "your .csv / .parquet files"
            )
        return value

    @field_validator("exchanges", "exchange_symbols", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("exchanges")
    @classmethod
    def _check_exchanges(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names = tuple(name.lower() for name in value)
        if not names:
            raise ValueError("list at least one CCXT exchange id, e.g. binance,bybit,okx")
        bad = [name for name in names if not re.fullmatch(r"[a-z0-9]{2,30}", name)]
        if bad:
            raise ValueError(f"not CCXT exchange ids: {bad} (e.g. binance,bybit,okx)")
        return names

    @field_validator("exchange_api_urls", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        urls = {}
        for part in (p.strip() for p in value.split(",") if p.strip()):
            name, _, url = part.partition("=")
            if not url.lower().startswith(("http://", "https://")):
                raise ValueError(
                    "use name=http(s)://host pairs, e.g. binance=http://127.0.0.1:9000"
                )
            urls[name.strip().lower()] = url.strip()
        return urls

    @field_validator("ema_periods", mode="before")
    @classmethod
    def _split_periods(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return tuple(int(p) for p in value.replace(" ", "").split(",") if p)
            except ValueError:
                raise ValueError(
                    "EMA periods must be whole numbers from 2 to 1000, comma-separated "
                    "(e.g. 10,21,50,150)"
                ) from None
        return value

    @field_validator("ema_periods")
    @classmethod
    def _check_periods(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        bad = [p for p in value if not 2 <= p <= 1000]
        if bad:
            raise ValueError(f"EMA periods must be whole numbers from 2 to 1000, got {bad}")
        return value

    @field_validator("live_backend", mode="before")
    @classmethod
    def _normalise_backend(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("redis_url", mode="before")
    @classmethod
    def _blank_redis_url(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return "redis://127.0.0.1:6379/0"
        return value.strip() if isinstance(value, str) else value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str) -> str:
        if not value.lower().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                "must be a redis://, rediss:// or unix:// URL, e.g. redis://127.0.0.1:6379/0"
            )
        return value

    @field_validator("live_ws_url", mode="before")
    @classmethod
    def _blank_ws_url(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("live_ws_url")
    @classmethod
    def _check_ws_url(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("ws://", "wss://")):
            raise ValueError("must be a ws:// or wss:// URL")
        return value

    @field_validator("data_api_base", "chromium_path", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("data_api_base")
    @classmethod
    def _check_api_base(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _api_needs_base(self) -> Settings:
        if self.data_source == "api" and not self.data_api_base:
            raise ValueError("DATA_API_BASE must be set (an http(s) URL) when DATA_SOURCE=api")
        return self

    @field_validator("default_timeframe")
    @classmethod
    def _check_timeframe(cls, value: str) -> str:
        from app.core.errors import TimeframeError
        from app.core.timeframes import parse_timeframe

        try:
            return parse_timeframe(value).name
        except TimeframeError as exc:  # pydantic only reports ValueError as a validation error
            raise ValueError(str(exc)) from None

    @property
    def upload_max_bytes(self) -> int:
        return int(self.upload_max_mb * 1024 * 1024)

    @property
    def upstream_max_bytes(self) -> int:
        return int(self.upstream_max_mb * 1024 * 1024)


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            message = str(err["msg"]).removeprefix("Value error, ")
            if not err["loc"]:  # a check across variables: its input is every setting, secrets too
                lines.append(message)
                continue
            name = str(err["loc"][0]).upper()
            secret = any(word in name for word in SECRET_NAME_WORDS)
            shown = "***" if secret else repr(safe_text(err.get("input")))
            lines.append(f"{name}: {message} (got {shown})")
        raise ConfigError("Invalid settings:\n  " + "\n  ".join(lines)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once. Tests call ``get_settings.cache_clear()``."""
    return load_settings()
