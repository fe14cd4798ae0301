"""audit coverage of rows (audit_rows, audit_events.rows_hash) and registered keys

Revision ID: 0003_i14
Revises: 0003_i12
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_i14'
down_revision = '0003_i12'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rows_hash', sa.String(length=64), nullable=True))
    op.create_table(
        'audit_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('table_name', sa.String(length=64), nullable=False),
        sa.Column('row_id', sa.Integer(), nullable=False),
        sa.Column('row_hash', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['audit_events.id'], name=op.f('fk_audit_rows_event_id_audit_events')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_rows')),
    )
    with op.batch_alter_table('audit_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_rows_event_id'), ['event_id'], unique=False)
    op.create_table(
        'registered_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('signing_key', sa.String(length=64), nullable=False),
        sa.Column('encryption_key', sa.String(length=64), nullable=True),
        sa.Column('label', sa.String(length=200), nullable=True),
        sa.Column('registered_by', sa.String(length=200), nullable=True),
        sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registered_keys')),
        sa.UniqueConstraint('fingerprint', name=op.f('uq_registered_keys_fingerprint')),
    )


def downgrade() -> None:
    op.drop_table('registered_keys')
    with op.batch_alter_table('audit_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_rows_event_id'))
    op.drop_table('audit_rows')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('rows_hash')
