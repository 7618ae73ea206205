"""Bodies of the store's routes: drawings and watchlists (layouts are any JSON object)."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.store.drawings import POINTS_BY_TYPE

NAME_PATTERN = r"^[^\x00-\x1f/\\]{1,100}$"  # a layout or watchlist name (the URL's last part)
STYLE_MAX_BYTES = 4096
TEXT_MAX_CHARS = 1000
EARLIEST, LATEST = -2_208_988_800, 32_503_680_000  # 1900 .. 3000, UNIX seconds

DrawingType = Literal[
    "horizontal_line",
    "horizontal_ray",
    "trend_line",
    "parallel_channel",
    "rectangle",
    "fib_retracement",
    "long_position",
    "short_position",
    "text",
]
Symbol = Annotated[str, Field(min_length=1, max_length=100)]


def check_name(name: str, what: str) -> str:
    from app.core.errors import ParameterError

    if not re.fullmatch(NAME_PATTERN, name) or not name.strip():
        raise ParameterError(
            "name", f"A {what} name is 1 to 100 characters, without / \\ or control characters."
        )
    return name


class PointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time: int = Field(ge=EARLIEST, le=LATEST, description="UNIX seconds")
    price: float

    @field_validator("price")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("price must be a finite number")
        return value


class DrawingIn(BaseModel):
    """``{"symbol", "type", "points": [{"time", "price"}], "style": {...}}``; points per type:
    1 for horizontal_line, horizontal_ray, text; 2 for trend_line, rectangle, fib_retracement;
    3 for parallel_channel and long/short_position (entry, target, stop). ``style`` is any JSON
    object up to 4 KB; a text drawing's words are ``style.text`` (up to 1,000 characters)."""

    model_config = ConfigDict(extra="forbid")
    symbol: Symbol
    type: DrawingType
    points: list[PointIn] = Field(min_length=1, max_length=3)
    style: dict[str, Any] = Field(default_factory=dict)

    @field_validator("symbol")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("symbol must not be blank")
        return value.strip()

    @field_validator("style")
    @classmethod
    def _style_size(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(orjson.dumps(value)) > STYLE_MAX_BYTES:
            raise ValueError(f"style is over its {STYLE_MAX_BYTES}-byte cap")
        return value

    @model_validator(mode="after")
    def _points_for_type(self) -> DrawingIn:
        wanted = POINTS_BY_TYPE[self.type]
        if len(self.points) != wanted:
            raise ValueError(f"a {self.type} takes {wanted} point(s), got {len(self.points)}")
        if self.type == "text":
            text = self.style.get("text")
            if not isinstance(text, str) or not 1 <= len(text) <= TEXT_MAX_CHARS:
                raise ValueError(f"a text drawing needs style.text, 1 to {TEXT_MAX_CHARS} chars")
        return self

    def fields(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "type": self.type,
            "points": [p.model_dump() for p in self.points],
            "style": self.style,
        }


class DrawingOut(BaseModel):
    id: str
    symbol: str
    type: str
    points: list[dict[str, Any]]
    style: dict[str, Any]
    created: float
    updated: float


class WatchlistIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    symbols: list[Symbol]


class WatchlistOut(BaseModel):
    name: str
    symbols: list[str]
    updated: float


class NamedOut(BaseModel):
    name: str
    updated: float = Field(description="UNIX seconds of the last save")


class LayoutOut(NamedOut):
    share_id: str | None = Field(
        default=None, description="GET /api/shared-layouts/{share_id} opens it read-only"
    )
