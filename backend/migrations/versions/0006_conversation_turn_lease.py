"""conversation turn lease: a conversation is busy until this time while a turn is answered

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 01:22:58.951459
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.datetimes

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("busy_until", backend.datetimes.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("busy_until")
