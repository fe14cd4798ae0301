"""record lifecycle: distinct ids are distinct records, age ranges, date intervals, retractions

Revision ID: 0007_i9
Revises: 0006_i10
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0007_i9"
down_revision = "0006_i10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_constraint("uq_records_source_id", type_="unique")
        batch_op.add_column(sa.Column("age_low", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("age_high", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("age_approximate", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("date_of_death_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("raw_hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_records_source_raw", ["source_id", "raw_hash"], unique=False)
        batch_op.create_index("ix_records_source_record", ["source_id", "source_record_id"], unique=False)
    op.execute("UPDATE records SET age_low = age, age_high = age, date_of_death_end = date_of_death "
               "WHERE date_precision = 'day' OR date_precision IS NULL")
    op.execute("UPDATE records SET age_low = age, age_high = age WHERE age IS NOT NULL")
    _backfill_raw_hashes()
    op.create_table(
        "record_retractions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("retracted_by", sa.String(length=200), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"],
                                name=op.f("fk_record_retractions_batch_id_import_batches")),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], name=op.f("fk_record_retractions_record_id_records")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_retractions")),
        sa.UniqueConstraint("record_id", name=op.f("uq_record_retractions_record_id")),
    )
    with op.batch_alter_table("record_retractions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_retractions_batch_id"), ["batch_id"], unique=False)


def _backfill_raw_hashes() -> None:
    """Each existing record's raw-row hash, as tollbook.records.raw_hash computes it (sorted-key JSON)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, raw FROM records")).all()
    updates = [{"id": row_id, "digest": _raw_hash(raw)} for row_id, raw in rows]
    if updates:
        connection.execute(sa.text("UPDATE records SET raw_hash = :digest WHERE id = :id"), updates)


def _raw_hash(raw: object) -> str:
    value = json.loads(raw) if isinstance(raw, str) else raw
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def downgrade() -> None:
    op.drop_table("record_retractions")
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_source_record")
        batch_op.drop_index("ix_records_source_raw")
        batch_op.drop_column("raw_hash")
        batch_op.drop_column("date_of_death_end")
        batch_op.drop_column("age_approximate")
        batch_op.drop_column("age_high")
        batch_op.drop_column("age_low")
        batch_op.create_unique_constraint("uq_records_source_id", ["source_id", "content_hash"])
