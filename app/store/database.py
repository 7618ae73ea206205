"""The database behind the store: an engine for ``DATABASE_URL`` (SQLite in ``DATA_DIR`` when
blank), its migrations run once before first use, and sessions whose driver errors become
``StoreUnavailableError`` (503) instead of a traceback.

Migrations (``alembic upgrade head``) run at app start; if the database is down then, the app
still starts and each store request retries them (at most every few seconds) and answers 503
with the reason until they succeed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.core.redact import safe_url
from app.store.errors import StoreUnavailableError

if TYPE_CHECKING:
    from app.config import Settings

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
RETRY_S = 5.0  # between migration attempts while the database is down
SQLITE_FILE = "superchart.db"


def database_url(settings: Settings) -> str:
    """DATABASE_URL, or SQLite at DATA_DIR/superchart.db."""
    if settings.database_url:
        return settings.database_url
    path = Path(settings.data_dir).expanduser().resolve() / SQLITE_FILE
    return f"sqlite:///{path}"


def make_engine(url: str, timeout_s: float) -> Engine:
    """An engine whose every connect and statement has a deadline."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": timeout_s})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a writer
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    statement_ms = int(timeout_s * 1000)
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_timeout=timeout_s,
        connect_args={
            "connect_timeout": max(1, int(timeout_s)),
            "options": f"-c statement_timeout={statement_ms}",
        },
    )


def upgrade(engine: Engine) -> None:
    """``alembic upgrade head`` on ``engine`` (PostgreSQL: under an advisory lock, so replicas
    starting together migrate once)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Store:
    """The process's database: engine, migrations, sessions."""

    def __init__(self, settings: Settings) -> None:
        self.url = database_url(settings)
        self.shown_url = safe_url(self.url)
        self.engine = make_engine(self.url, settings.database_timeout_s)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._migrated = False
        self._lock = threading.Lock()
        self._last_try = 0.0
        self._last_error = ""

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> bool:
        """Run the migrations if not done yet; False (logged) if the database is down."""
        if self._migrated:
            return True
        with self._lock:
            if self._migrated:
                return True
            self._last_try = time.monotonic()
            try:
                upgrade(self.engine)
            except SQLAlchemyError as exc:
                self._last_error = _reason(exc)
                logger.warning(
                    "store: database %s unavailable (%s); store requests answer 503 until it "
                    "is back",
                    self.shown_url,
                    self._last_error,
                )
                return False
            self._migrated = True
            return True

    def ready(self) -> None:
        """StoreUnavailableError unless migrated (retrying at most every RETRY_S)."""
        if self._migrated:
            return
        if time.monotonic() - self._last_try < RETRY_S and self._last_try:
            raise StoreUnavailableError(self._unavailable())
        if not self.migrate():
            raise StoreUnavailableError(self._unavailable())

    def _unavailable(self) -> str:
        return f"The store's database is unavailable ({self._last_error}); try again shortly."

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success; database errors -> StoreUnavailableError."""
        self.ready()
        try:
            with self.sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            logger.warning("store: database error on %s: %s", self.shown_url, _reason(exc))
            raise StoreUnavailableError(
                f"The store's database failed ({_reason(exc)}); try again shortly."
            ) from None

    def close(self) -> None:
        self.engine.dispose()


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's first line, without the statement or parameters (they hold user data)."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(original).strip().splitlines()
    return (text[0] if text else type(original).__name__)[:200]
