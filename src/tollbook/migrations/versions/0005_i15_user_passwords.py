"""users sign in: password hash, active flag, session version

Revision ID: 0005_i15
Revises: 0004_i11
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_i15"
down_revision = "0004_i11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
        batch.drop_column("active")
        batch.drop_column("password_hash")
