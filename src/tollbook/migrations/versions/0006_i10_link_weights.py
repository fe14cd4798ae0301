"""links keep the match weight of each comparison (the review waterfall)

Revision ID: 0006_i10
Revises: 0005_i15
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_i10"
down_revision = "0005_i15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("links") as batch_op:
        batch_op.add_column(sa.Column("weights", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("links") as batch_op:
        batch_op.drop_column("weights")
