"""evidence kind and size, verification changes, classification assertions, record role and report date

Revision ID: 0003_i12
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_i12"
down_revision = "0002"
branch_labels = None
depends_on = None

LEVELS = ("reported", "corroborated", "verified", "contested", "discounted")


def _enum(*values: str) -> sa.Enum:
    """A portable text column of enum values, as model.enum_column makes it."""
    return sa.Enum(*values, native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.add_column(sa.Column("kind", _enum("video", "photo", "death_certificate", "burial_record",
                                                    "testimony", "other"), nullable=False, server_default="other"))
        batch_op.add_column(sa.Column("size_bytes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("added_by", sa.String(length=200), nullable=True))
    with op.batch_alter_table("records") as batch_op:
        batch_op.add_column(sa.Column("role", _enum("protester", "bystander", "security_force", "other",
                                                    "unknown"), nullable=True))
        batch_op.add_column(sa.Column("reported_on", sa.Date(), nullable=True))
    op.create_table(
        "verification_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("level", _enum(*LEVELS), nullable=False),
        sa.Column("previous", _enum(*LEVELS), nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence_ids", sa.JSON(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name=op.f("fk_verification_changes_person_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_changes")),
    )
    op.create_index(op.f("ix_verification_changes_person_id"), "verification_changes", ["person_id"])
    op.create_table(
        "classification_assertions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("aspect", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=32), nullable=False),
        sa.Column("asserted_by", sa.String(length=300), nullable=False),
        sa.Column("asserter_kind", _enum("source", "claim", "reviewer"), nullable=False),
        sa.Column("asserted_on", sa.Date(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name=op.f("fk_classification_assertions_person_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classification_assertions")),
    )
    op.create_index(op.f("ix_classification_assertions_person_id"), "classification_assertions", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_classification_assertions_person_id"), table_name="classification_assertions")
    op.drop_table("classification_assertions")
    op.drop_index(op.f("ix_verification_changes_person_id"), table_name="verification_changes")
    op.drop_table("verification_changes")
    with op.batch_alter_table("records") as batch_op:
        batch_op.drop_column("reported_on")
        batch_op.drop_column("role")
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.drop_column("added_by")
        batch_op.drop_column("size_bytes")
        batch_op.drop_column("kind")
