"""Settings of the TradingView UDF datafeed served under /udf."""

from __future__ import annotations

from typing import Annotated

from pydantic import field_validator
from pydantic_settings import BaseSettings, NoDecode


class UdfSettings(BaseSettings):
    """UDF_ALLOW_ORIGINS: web origins (``https://pro.openbb.co``, where a Charting Library page is
    served from) allowed to read /udf/* from a browser (CORS); empty: same origin only; ``*``:
    any."""

    udf_allow_origins: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("udf_allow_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip().rstrip("/") for part in value.split(",") if part.strip())
        return value

    @field_validator("udf_allow_origins")
    @classmethod
    def _check_origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for origin in value:
            if origin != "*" and not origin.lower().startswith(("http://", "https://")):
                raise ValueError(
                    f"{origin[:60]!r} is not an origin; give http(s)://host[:port] names, "
                    "comma-separated, or *"
                )
        return value
