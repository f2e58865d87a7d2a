"""chatkit ids: every conversation and message gets the unique string id ChatKit knows it by

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00

ChatKit names a thread or an item before the server stores it, so these cannot be the integer
ids. Existing rows take `thr_<id>` / `msg_<id>`; the app writes `thr_<32 hex>` / `msg_<32 hex>`.

Safe for old writers (an instance of the previous release still running during a rolling
deploy inserts rows without the column): the column defaults to `''` on both databases (SQLite
adds a NOT NULL column only with a constant default), and a trigger gives such a row
`thr_<id>` / `msg_<id>` at once, so the unique index never sees two `''`. On Postgres a BEFORE
INSERT trigger sets it before the row is checked; on SQLite an AFTER INSERT trigger updates the
row (SQLite's ADD COLUMN takes no expression default, and rebuilding `conversations` under
`PRAGMA foreign_keys=ON` would cascade-delete every message). A later table rebuild must
recreate the SQLite triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {"conversations": "thr_", "messages": "msg_"}

POSTGRES_TRIGGER = (
    """
CREATE FUNCTION {table}_chatkit_id() RETURNS trigger AS $$
BEGIN
    IF NEW.chatkit_id = '' THEN
        NEW.chatkit_id := '{prefix}' || NEW.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER {table}_chatkit_id BEFORE INSERT ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_chatkit_id()
""",
)
SQLITE_TRIGGER = (
    """
CREATE TRIGGER {table}_chatkit_id AFTER INSERT ON {table} WHEN NEW.chatkit_id = ''
BEGIN
    UPDATE {table} SET chatkit_id = '{prefix}' || NEW.id WHERE id = NEW.id;
END
""",
)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    for table, prefix in TABLES.items():
        op.add_column(
            table, sa.Column("chatkit_id", sa.String(length=64), nullable=False, server_default="")
        )
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("chatkit_id", sa.String))
        op.execute(
            rows.update().values(chatkit_id=sa.literal(prefix) + sa.cast(rows.c.id, sa.String))
        )
        op.create_index(f"ix_{table}_chatkit_id", table, ["chatkit_id"], unique=True)
        for statement in POSTGRES_TRIGGER if _postgres() else SQLITE_TRIGGER:
            op.execute(statement.format(table=table, prefix=prefix))


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_chatkit_id" + (f" ON {table}" if _postgres() else ""))
        if _postgres():
            op.execute(f"DROP FUNCTION {table}_chatkit_id()")
        op.drop_index(f"ix_{table}_chatkit_id", table_name=table)
        # Not in batch mode: SQLite drops a column in place (a rebuild would cascade, as above).
        op.drop_column(table, "chatkit_id")
