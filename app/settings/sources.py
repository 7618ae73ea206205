"""Which data sources a deployment reads at once (SOURCES), the fallback order of ``feed=``
(FEED_FALLBACK), and where the direct Binance, Pyth and UDF sources point."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode

# Every source a deployment can read, by the name ``SOURCES``, ``feed=`` and prefixes use.
SOURCE_NAMES = ("files", "api", "ccxt", "binance", "pyth", "udf")
# DATA_SOURCE's historical words for the same sources.
SOURCE_ALIASES = {"csv": "files", "exchange": "ccxt", "exchanges": "ccxt", "file": "files"}
PYTH_BENCHMARKS_UDF = "https://benchmarks.pyth.network/v1/shims/tradingview"


def source_name(word: str) -> str:
    """``csv`` -> ``files``, ``exchange`` -> ``ccxt``; other names lower-cased as they are."""
    name = word.strip().lower()
    return SOURCE_ALIASES.get(name, name)


def _names(value: object) -> object:
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        names = tuple(dict.fromkeys(source_name(str(part)) for part in value))
        bad = [name for name in names if name not in SOURCE_NAMES]
        if bad:
            raise ValueError(
                f"unknown source {', '.join(bad)}; use names from {', '.join(SOURCE_NAMES)} "
                "(csv means files, exchange means ccxt)"
            )
        return names
    return value


def _http_url(value: str | None) -> str | None:
    if value is not None and not value.lower().startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value.rstrip("/") if value else value


class SourcesSettings(BaseSettings):
    """SOURCES, FEED_FALLBACK, BINANCE_URL, PYTH_URL, UDF_URL, SYMBOLS_CACHE_S."""

    # Sources read at once; DATA_SOURCE (always added) is the one a bare symbol goes to. Empty:
    # DATA_SOURCE's alone (files by default).
    sources: Annotated[tuple[str, ...], NoDecode] = ()
    # Tried in this order after the feed asked for, when it cannot answer (only those in SOURCES).
    feed_fallback: Annotated[tuple[str, ...], NoDecode] = ("ccxt", "pyth", "binance")
    binance_url: str = "https://api.binance.com"
    pyth_url: str = PYTH_BENCHMARKS_UDF
    udf_url: str | None = None
    # How long a remote source's symbol listing (exchangeInfo, UDF search) is kept.
    symbols_cache_s: float = Field(default=600.0, ge=0, le=86_400)

    @field_validator("sources", "feed_fallback", mode="before")
    @classmethod
    def _split_sources(cls, value: object) -> object:
        return _names(value)

    @field_validator("udf_url", mode="before")
    @classmethod
    def _blank_udf(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("binance_url", "pyth_url", "udf_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        return _http_url(value)

    @model_validator(mode="after")
    def _udf_needs_url(self) -> SourcesSettings:
        if "udf" in self.enabled_sources and not self.udf_url:
            raise ValueError("UDF_URL must be set (an http(s) URL) when SOURCES lists udf")
        if "api" in self.sources and not getattr(self, "data_api_base", None):
            raise ValueError("DATA_API_BASE must be set (an http(s) URL) when SOURCES lists api")
        return self

    @property
    def default_source(self) -> str:
        """The source a bare symbol goes to: DATA_SOURCE in the registry's words."""
        return source_name(str(getattr(self, "data_source", "files")))

    @property
    def enabled_sources(self) -> tuple[str, ...]:
        """SOURCES, with the default source first when SOURCES left it out."""
        default = self.default_source
        if default in self.sources or default not in SOURCE_NAMES:
            return self.sources
        return (default, *self.sources)

    @property
    def fallback_sources(self) -> tuple[str, ...]:
        """FEED_FALLBACK restricted to the enabled sources."""
        enabled = self.enabled_sources
        return tuple(name for name in self.feed_fallback if name in enabled)
