"""saved estimates keep their posterior draws (compressed)

Revision ID: 0004_i11
Revises: 0003_i14
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_i11'
down_revision = '0003_i14'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('estimates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draws', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('estimates', schema=None) as batch_op:
        batch_op.drop_column('draws')
