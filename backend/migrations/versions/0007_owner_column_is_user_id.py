"""one word for the owner column: conversations and messages say user_id, like tasks and tags

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_owner_id_updated_at")
        batch_op.alter_column("owner_id", new_column_name="user_id")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversations_user_id_updated_at", ["user_id", "updated_at"], unique=False
        )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_owner_id")
        batch_op.alter_column("owner_id", new_column_name="user_id")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_user_id")
        batch_op.alter_column("user_id", new_column_name="owner_id")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_owner_id", ["owner_id"], unique=False)
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_user_id_updated_at")
        batch_op.alter_column("user_id", new_column_name="owner_id")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversations_owner_id_updated_at", ["owner_id", "updated_at"], unique=False
        )
