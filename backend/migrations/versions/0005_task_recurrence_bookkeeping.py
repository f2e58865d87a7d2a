"""task recurrence bookkeeping: the occurrence a completion scheduled, the monthly anchor day

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 00:33:48.759317
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEXT_OCCURRENCE_FK = "fk_tasks_next_occurrence_id_tasks"


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_occurrence_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            NEXT_OCCURRENCE_FK, "tasks", ["next_occurrence_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.add_column(sa.Column("recurrence_anchor_day", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_constraint(NEXT_OCCURRENCE_FK, type_="foreignkey")
        batch_op.drop_column("recurrence_anchor_day")
        batch_op.drop_column("next_occurrence_id")
