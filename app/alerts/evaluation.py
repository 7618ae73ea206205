"""One stream's armed alerts, evaluated together on each change of its bars.

A ``StreamAlerts`` follows its (symbol, timeframe) through one ``StreamTap`` (as a client
would), so 1,000 alerts on a stream cost one pass per change: the bar fields read once, each
indicator they name computed once (TA-Lib over the last INDICATOR_WINDOW bars), then a few
comparisons per alert. Crossings are between the values of the previous pass and this one (a
forming bar that crosses a level and comes back fires once per crossing, as TradingView does).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from app.alerts.conditions import Condition
from app.core.analysis.spikes import DEFAULT_SIGMA, DEFAULT_WINDOW
from app.core.indicators import indicator_columns
from app.live.bars import BarBook
from app.live.hub import LiveMessage
from app.live.taps import StreamTap

if TYPE_CHECKING:
    from app.alerts.engine import AlertEngine

INDICATOR_WINDOW = 1000  # bars the indicators are computed over (EMAs and RSI are warm by then)


@dataclass
class ArmedAlert:
    id: str
    owner: str
    symbol: str
    timeframe: str
    condition: Condition
    frequency: str
    expires: float | None
    webhook_url: str | None
    message: str | None
    last_fired_bar: int | None = None
    prev: tuple[float, float] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, alert: dict[str, Any], condition: Condition) -> ArmedAlert:
        return cls(
            alert["id"],
            alert["owner"],
            alert["symbol"],
            alert["timeframe"],
            condition,
            alert["frequency"],
            alert["expires"],
            alert["webhook_url"],
            alert["message"],
            alert["last_fired_bar"],
        )


class PassValues:
    """The values a pass reads at the newest bar, each worked out once."""

    def __init__(self, book: BarBook) -> None:
        self.book = book
        self.n = book.n
        self._columns: dict[str, float] = {}

    def field(self, name: str, back: int = 0) -> float:
        return float(self.book.columns[name][self.n - 1 - back])

    def value(self, operand: str | float, condition: Condition) -> float:
        if isinstance(operand, float):
            return operand
        if operand in self.book.columns:
            return self.field(operand)
        if operand not in self._columns:
            start = max(0, self.n - INDICATOR_WINDOW)
            frame = self.book.tail_frame(start)
            for name, values in indicator_columns(frame, condition.specs).items():
                self._columns[name] = float(values[-1]) if len(values) else math.nan
        return self._columns.get(operand, math.nan)

    def pair(self, condition: Condition) -> tuple[float, float]:
        return self.value(condition.left, condition), self.value(condition.right, condition)

    def volume_spike(self) -> bool:
        """The core's rule on the newest bar: volume > mean + 4 std of the 25 bars before."""
        if self.n <= DEFAULT_WINDOW:
            return False
        volumes = self.book.columns["volume"][self.n - 1 - DEFAULT_WINDOW : self.n]
        window = volumes[:-1]
        return bool(volumes[-1] > window.mean() + DEFAULT_SIGMA * np.std(window, ddof=1))


def holds(op: str, prev: tuple[float, float] | None, cur: tuple[float, float]) -> bool:
    left, right = cur
    if math.isnan(left) or math.isnan(right):
        return False
    if op == ">":
        return left > right
    if op == "<":
        return left < right
    if op == ">=":
        return left >= right
    if op == "<=":
        return left <= right
    if prev is None or math.isnan(prev[0]) or math.isnan(prev[1]):
        return False
    up = prev[0] < prev[1] and left >= right
    down = prev[0] > prev[1] and left <= right
    if op == "crosses_above":
        return up
    if op == "crosses_below":
        return down
    return up or down


class StreamAlerts:
    """The armed alerts of one (symbol, timeframe)."""

    def __init__(self, engine: AlertEngine, key: tuple[str, str]) -> None:
        self.engine = engine
        self.key = key
        self.tap: StreamTap | None = None
        self.alerts: dict[str, ArmedAlert] = {}

    async def open(self, symbol: str, timeframe: Any) -> None:
        self.tap = await StreamTap.open(self.engine.service, symbol, timeframe, self.changed)

    def add(self, alert: ArmedAlert) -> None:
        """Arm ``alert`` from the bars as they are now (a crossing is counted from here)."""
        assert self.tap is not None
        values = PassValues(self.tap.bars)
        if values.n and alert.condition.kind != "volume_spike":
            alert.prev = values.pair(alert.condition)
        self.alerts[alert.id] = alert

    def changed(self, tap: StreamTap, _reset: bool, _message: LiveMessage | None) -> None:
        self.evaluate(tap.bars)

    def evaluate(self, book: BarBook) -> None:
        if book.n == 0 or not self.alerts:
            return
        values = PassValues(book)
        bar_time = int(book.times[book.n - 1]) // 1_000_000_000
        now = time.time()
        fired: list[ArmedAlert] = []
        expired: list[ArmedAlert] = []
        for alert in list(self.alerts.values()):
            if alert.expires is not None and now >= alert.expires:
                expired.append(alert)
                continue
            condition = alert.condition
            if condition.kind == "volume_spike":
                hit = values.volume_spike()
            else:
                cur = values.pair(condition)
                hit = holds(condition.op, alert.prev, cur)
                alert.prev = cur
            if not hit:
                continue
            if alert.frequency != "every_time" and alert.last_fired_bar == bar_time:
                continue
            alert.last_fired_bar = bar_time
            fired.append(alert)
        for alert in expired:
            self.alerts.pop(alert.id, None)
        for alert in fired:
            if alert.frequency == "once":
                self.alerts.pop(alert.id, None)
        if fired or expired:
            self.engine.fired(self, fired, expired, bar_time, values.field("close"))

    def close(self) -> None:
        if self.tap is not None:
            self.tap.close()
            self.tap = None
