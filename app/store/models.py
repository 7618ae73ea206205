"""The tables: one owner column on each (``app.store.owner``), JSON kept as text so SQLite and
PostgreSQL store it the same way. Times are UNIX seconds (float)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

OWNER_CHARS = 120
NAME_CHARS = 100


class Base(DeclarativeBase):
    pass


class Layout(Base):
    __tablename__ = "layouts"
    owner: Mapped[str] = mapped_column(String(OWNER_CHARS), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_CHARS), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated: Mapped[float] = mapped_column(Float)
    share_id: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)


class Watchlist(Base):
    __tablename__ = "watchlists"
    owner: Mapped[str] = mapped_column(String(OWNER_CHARS), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_CHARS), primary_key=True)
    symbols: Mapped[str] = mapped_column(Text)  # a JSON list
    updated: Mapped[float] = mapped_column(Float)


class Drawing(Base):
    __tablename__ = "drawings"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(OWNER_CHARS))
    symbol: Mapped[str] = mapped_column(String(NAME_CHARS))
    symbol_key: Mapped[str] = mapped_column(String(NAME_CHARS))  # lower-cased, for lookups
    type: Mapped[str] = mapped_column(String(32))
    points: Mapped[str] = mapped_column(Text)  # JSON [{"time", "price"}]
    style: Mapped[str] = mapped_column(Text)  # JSON object
    created: Mapped[float] = mapped_column(Float)
    updated: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_drawings_owner_symbol", "owner", "symbol_key"),)


class Alert(Base):
    __tablename__ = "alerts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(OWNER_CHARS), index=True)
    symbol: Mapped[str] = mapped_column(String(NAME_CHARS))
    timeframe: Mapped[str] = mapped_column(String(8))
    condition: Mapped[str] = mapped_column(Text)  # JSON object
    frequency: Mapped[str] = mapped_column(String(16))
    expires: Mapped[float | None] = mapped_column(Float, nullable=True)
    webhook_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # armed, triggered, expired
    created: Mapped[float] = mapped_column(Float)
    updated: Mapped[float] = mapped_column(Float)
    fired_count: Mapped[int] = mapped_column(Integer, default=0)
    last_fired_bar: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class AlertEvent(Base):
    __tablename__ = "alert_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("alerts.id", ondelete="CASCADE"), index=True
    )
    time: Mapped[int] = mapped_column(BigInteger)  # the bar's time
    price: Mapped[float] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text)
    fired: Mapped[float] = mapped_column(Float)  # wall clock
    pages: Mapped[int] = mapped_column(Integer, default=0)  # open pages it was sent to
    webhook: Mapped[str] = mapped_column(String(16))  # none, pending, sent, failed
