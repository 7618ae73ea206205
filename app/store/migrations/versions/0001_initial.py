"""layouts, watchlists, drawings, alerts and their events

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

OWNER = sa.String(120)
NAME = sa.String(100)


def upgrade() -> None:
    op.create_table(
        "layouts",
        sa.Column("owner", OWNER, primary_key=True),
        sa.Column("name", NAME, primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("updated", sa.Float, nullable=False),
    )
    op.create_table(
        "watchlists",
        sa.Column("owner", OWNER, primary_key=True),
        sa.Column("name", NAME, primary_key=True),
        sa.Column("symbols", sa.Text, nullable=False),
        sa.Column("updated", sa.Float, nullable=False),
    )
    op.create_table(
        "drawings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", OWNER, nullable=False),
        sa.Column("symbol", NAME, nullable=False),
        sa.Column("symbol_key", NAME, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("points", sa.Text, nullable=False),
        sa.Column("style", sa.Text, nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("updated", sa.Float, nullable=False),
    )
    op.create_index("ix_drawings_owner_symbol", "drawings", ["owner", "symbol_key"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", OWNER, nullable=False),
        sa.Column("symbol", NAME, nullable=False),
        sa.Column("timeframe", sa.String(8), nullable=False),
        sa.Column("condition", sa.Text, nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("expires", sa.Float, nullable=True),
        sa.Column("webhook_url", sa.Text, nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("updated", sa.Float, nullable=False),
        sa.Column("fired_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_fired_bar", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_alerts_owner", "alerts", ["owner"])
    op.create_index("ix_alerts_state", "alerts", ["state"])
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "alert_id",
            sa.String(32),
            sa.ForeignKey("alerts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("time", sa.BigInteger, nullable=False),
        sa.Column("price", sa.Float, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("fired", sa.Float, nullable=False),
        sa.Column("pages", sa.Integer, nullable=False, server_default="0"),
        sa.Column("webhook", sa.String(16), nullable=False),
    )
    op.create_index("ix_alert_events_alert_id", "alert_events", ["alert_id"])


def downgrade() -> None:
    op.drop_table("alert_events")
    op.drop_table("alerts")
    op.drop_table("drawings")
    op.drop_table("watchlists")
    op.drop_table("layouts")
