"""Rows of the benchmark table and their markdown rendering."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

HEADER = ("case", "ours (median)", "floor (median, same run)", "ratio", "target", "ok")


@dataclass(frozen=True)
class Row:
    case: str
    ours: float | None  # in ``unit``; None when the case could not run
    floor: float | None
    unit: str  # "s" (shown as ms), "req/s" or "MiB"
    target: float | None  # ratio ours/floor must be <= target (>= when higher_is_better)
    higher_is_better: bool = False
    note: str = ""  # why a case did not run, or what the figures mean
    budget: float | None = None  # an absolute bound on ``ours`` (an issue's "<= 2 s"), if any

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.floor:
            return None
        return self.ours / self.floor

    @property
    def ok(self) -> str:
        if self.ratio is None:
            return "not run" + (f": {self.note}" if self.note else "")
        if self.budget is not None:
            passed = self.ours <= self.budget
        elif self.target is None:
            return "info" + (f": {self.note}" if self.note else "")
        elif self.higher_is_better:
            passed = self.ratio >= self.target
        else:
            passed = self.ratio <= self.target
        verdict = "yes" if passed else "**NO**"
        return verdict + (f" ({self.note})" if self.note else "")

    def cells(self) -> tuple[str, ...]:
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}"
        if self.budget is not None:
            target = "≤ " + format_value(self.budget, self.unit) + " (absolute)"
        elif self.target is None:
            target = "-"
        else:
            target = ("≥ " if self.higher_is_better else "≤ ") + f"{self.target:g}"
        return (
            self.case,
            format_value(self.ours, self.unit),
            format_value(self.floor, self.unit),
            ratio,
            target,
            self.ok,
        )


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        milliseconds = value * 1000
        if milliseconds >= 100:
            return f"{milliseconds:,.0f} ms"
        if milliseconds >= 10:
            return f"{milliseconds:.1f} ms"
        return f"{milliseconds:.2f} ms"
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    return f"{value:,.1f} {unit}"


def render_markdown(rows: Iterable[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row.cells()) + " |" for row in rows
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """One line, no stray column separators."""
    return " ".join(text.split()).replace("|", "\\|")
