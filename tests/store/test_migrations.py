"""The migrations on a fresh database of each kind: step by step from empty to head, with a
layout saved under the first schema keeping its content and getting a share id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from app.store.database import MIGRATIONS, make_engine

OLD_LAYOUT = """INSERT INTO layouts (owner, name, body, updated) VALUES ('default', 'old', '{"a": 1}', 1.0)"""  # noqa: E501


def upgrade_to(engine: sa.Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@pytest.fixture
def empty_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    server = request.getfixturevalue("postgres")
    admin = sa.create_engine(server.url.replace("postgresql://", "postgresql+psycopg://"),
                             isolation_level="AUTOCOMMIT")  # fmt: skip
    name = f"fresh_{tmp_path.name[-12:].lower().replace('-', '_')}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server.url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    yield f"{url}/{name}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_keeps_rows_and_adds_share_ids(empty_database: str):
    engine = make_engine(empty_database, 5.0)
    try:
        upgrade_to(engine, "0001")
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO layouts (owner, name, body, updated) VALUES "
                    "('default', 'old', '{\"a\": 1}', 1.0)"
                )
            )
        upgrade_to(engine, "head")
        upgrade_to(engine, "head")  # again: nothing to do
        with engine.connect() as connection:
            body, share_id = connection.execute(
                sa.text("SELECT body, share_id FROM layouts WHERE name = 'old'")
            ).one()
            version = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            assert version.scalar() == "0002"
        assert body == '{"a": 1}' and len(share_id) == 32
    finally:
        engine.dispose()
