"""chatkit ids: every conversation and message gets the unique string id ChatKit knows it by

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00

ChatKit names a thread or an item before the server stores it, so these cannot be the integer
ids. Existing rows take `thr_<id>` / `msg_<id>`; new rows get `thr_<32 hex>` / `msg_<32 hex>`.
The column is added with a `''` default (SQLite adds a NOT NULL column only with one) that is
dropped on Postgres; on SQLite dropping it would rebuild the table, and rebuilding
`conversations` under `PRAGMA foreign_keys=ON` would cascade-delete every message.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {"conversations": "thr_", "messages": "msg_"}


def upgrade() -> None:
    for table, prefix in TABLES.items():
        op.add_column(
            table, sa.Column("chatkit_id", sa.String(length=64), nullable=False, server_default="")
        )
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("chatkit_id", sa.String))
        op.execute(
            rows.update().values(chatkit_id=sa.literal(prefix) + sa.cast(rows.c.id, sa.String))
        )
        if op.get_bind().dialect.name == "postgresql":
            op.alter_column(table, "chatkit_id", server_default=None)
        op.create_index(f"ix_{table}_chatkit_id", table, ["chatkit_id"], unique=True)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_chatkit_id", table_name=table)
        # Not in batch mode: SQLite drops a column in place (a rebuild would cascade, as above).
        op.drop_column(table, "chatkit_id")
