"""layouts get a share id: a read-only link anyone may open

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("layouts") as batch:
        batch.add_column(sa.Column("share_id", sa.String(32), nullable=True))
    layouts = sa.table(
        "layouts", sa.column("owner"), sa.column("name"), sa.column("share_id", sa.String)
    )
    bind = op.get_bind()
    for owner, name in bind.execute(sa.select(layouts.c.owner, layouts.c.name)).all():
        bind.execute(
            layouts.update()
            .where(layouts.c.owner == owner, layouts.c.name == name)
            .values(share_id=uuid.uuid4().hex)
        )
    op.create_index("ix_layouts_share_id", "layouts", ["share_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_layouts_share_id", table_name="layouts")
    with op.batch_alter_table("layouts") as batch:
        batch.drop_column("share_id")
