"""Bar Replay bounds (app.live.replay): how many replays, and how much history they may hold."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings


class ReplaySettings(BaseSettings):
    """Replays at once per connection and per server, and the memory of the histories they play.

    A replay plays a shared history (one per symbol, timeframe, chart and set of lines, built
    once however many replays play it); LIVE_REPLAY_MAX_MB bounds those histories together."""

    live_replay_max_per_connection: int = Field(default=8, ge=1, le=1000)  # a workspace of 8 charts
    live_replay_max_total: int = Field(default=200, ge=1, le=100_000)
    live_replay_max_mb: float = Field(default=1024.0, gt=0, le=1_048_576)

    @property
    def live_replay_max_bytes(self) -> int:
        return int(self.live_replay_max_mb * 1024 * 1024)
