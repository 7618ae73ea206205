"""Settings of the server-side store (layouts, watchlists, drawings) and of ``/api/quotes``."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

SQL_SCHEMES = ("sqlite", "postgresql")


class StoreSettings(BaseSettings):
    """``DATABASE_URL`` (blank: SQLite at ``DATA_DIR/superchart.db``) and per-owner caps."""

    database_url: str | None = None
    database_timeout_s: float = Field(default=5.0, gt=0, le=120)  # connect and each statement
    store_layout_max_kb: int = Field(default=256, ge=1, le=16_384)  # one layout's JSON
    store_max_layouts: int = Field(default=100, ge=1, le=100_000)  # per owner
    store_max_watchlists: int = Field(default=50, ge=1, le=10_000)  # per owner
    store_watchlist_max_symbols: int = Field(default=200, ge=1, le=10_000)
    store_max_drawings: int = Field(default=2000, ge=1, le=1_000_000)  # per owner
    quotes_max_symbols: int = Field(default=200, ge=1, le=10_000)  # one /api/quotes request
    quotes_max_followed: int = Field(default=1000, ge=1, le=100_000)  # WS quotes, per process

    @field_validator("database_url", mode="before")
    @classmethod
    def _blank_url_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        """``postgres://`` and ``postgresql://`` mean psycopg 3 (the driver we pin)."""
        if value is None:
            return None
        value = value.strip()
        scheme, sep, rest = value.partition("://")
        scheme = scheme.lower()
        if not sep or scheme.split("+")[0] not in (*SQL_SCHEMES, "postgres"):
            raise ValueError(
                "must be a sqlite:///path/to/file.db or postgresql://user:password@host/db URL"
            )
        if scheme in ("postgres", "postgresql"):
            scheme = "postgresql+psycopg"
        return f"{scheme}://{rest}"
