"""SQLAlchemy 2 tables of Tollbook's data model (DESIGN.md, "Data model").

Records are immutable once imported: a correction is a new revision pointing at the one it supersedes.
Audit events are append-only and hash-chained (see :mod:`tollbook.audit`).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    event,
    true,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from tollbook.enums import (
    AsserterKind,
    Cause,
    ClaimMetric,
    DatePrecision,
    EvidenceKind,
    Perpetrator,
    Qualifier,
    Role,
    Sex,
    SourceKind,
    Status,
    Verdict,
    Verification,
    VictimRole,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def enum_column(enum: type[StrEnum]) -> SAEnum:
    """A portable text column holding an enum's values (not its member names)."""
    return SAEnum(
        enum, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e], validate_strings=True
    )


class Base(DeclarativeBase):
    """Declarative base with stable constraint names, so migrations agree across engines."""

    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """A member of the team; every change is attributed to one."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.VIEWER)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id; None: cannot sign in
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # bumped: sessions end


class Source(Base):
    """A list or publisher; its contact details are confidential."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[SourceKind] = mapped_column(enum_column(SourceKind), default=SourceKind.OTHER)
    independence_group: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)  # confidential
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def group(self) -> str:
        """The independence group, defaulting to the source itself."""
        return self.independence_group or self.name


class ImportBatch(Base):
    """One import of one file (or bundle) into one source."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str | None] = mapped_column(String(200))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rows_failed: Mapped[int] = mapped_column(Integer, default=0)
    mapping: Mapped[dict | None] = mapped_column(JSON)


class Person(Base):
    """A linked cluster of records believed to be one individual; `public_id` survives re-linking."""

    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    verification: Mapped[Verification] = mapped_column(enum_column(Verification), default=Verification.REPORTED)
    verification_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    records: Mapped[list[Record]] = relationship(back_populates="person")


class Record(Base):
    """One victim report as a source gave it: raw row verbatim beside the parsed fields; never updated."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_source_raw", "source_id", "raw_hash"),
                      Index("ix_records_source_record", "source_id", "source_record_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    source_record_id: Mapped[str | None] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), unique=True)
    raw: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))  # of the parsed fields (tollbook.records.content_hash)
    raw_hash: Mapped[str | None] = mapped_column(String(64))  # of the raw row as the source gave it: its identity
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    father_name: Mapped[str | None] = mapped_column(String(200))
    given_name_key: Mapped[str | None] = mapped_column(String(200))
    family_name_key: Mapped[str | None] = mapped_column(String(200))
    father_name_key: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[Sex] = mapped_column(enum_column(Sex), default=Sex.UNKNOWN)
    age: Mapped[int | None] = mapped_column(Integer)  # the single best value (midpoint of a range)
    age_low: Mapped[int | None] = mapped_column(Integer)
    age_high: Mapped[int | None] = mapped_column(Integer)
    age_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    date_of_death: Mapped[dt.date | None] = mapped_column(Date)  # first day of the period the source gave
    date_of_death_end: Mapped[dt.date | None] = mapped_column(Date)  # its last day (= the day for a full date)
    date_precision: Mapped[DatePrecision | None] = mapped_column(enum_column(DatePrecision))
    date_text: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(200))
    province_code: Mapped[str | None] = mapped_column(String(10), index=True)
    city: Mapped[str | None] = mapped_column(String(200))
    city_code: Mapped[str | None] = mapped_column(String(40))
    place_detail: Mapped[str | None] = mapped_column(Text)  # may hold an exact address: confidential
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.KILLED)
    cause: Mapped[Cause] = mapped_column(enum_column(Cause), default=Cause.UNKNOWN)
    perpetrator: Mapped[Perpetrator] = mapped_column(enum_column(Perpetrator), default=Perpetrator.UNKNOWN)
    evidence_refs: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    role: Mapped[VictimRole | None] = mapped_column(enum_column(VictimRole))  # the source's assertion
    reported_on: Mapped[dt.date | None] = mapped_column(Date)  # when the source reported it, if known
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[Source] = relationship()
    person: Mapped[Person | None] = relationship(back_populates="records")


class RecordRetraction(Base):
    """A record withdrawn with a reason: it stays stored and visible, but leaves linkage and estimates."""

    __tablename__ = "record_retractions"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), unique=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    retracted_by: Mapped[str] = mapped_column(String(200))
    retracted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Link(Base):
    """A scored candidate pair from a linkage run; pairs between the thresholds wait in the review queue."""

    __tablename__ = "links"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    record_a_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    record_b_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    match_probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float | None] = mapped_column(Float)
    weights: Mapped[dict | None] = mapped_column(JSON)  # comparison -> [level (gamma), match weight]: the waterfall
    in_review_queue: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewDecision(Base):
    """A reviewer's match / non-match / unsure decision; later linkage runs must respect it."""

    __tablename__ = "review_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_a_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    record_b_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict))
    reviewer: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Claim(Base):
    """What someone said, when, of what; never edited into truth, only superseded or annotated."""

    __tablename__ = "claims"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    source: Mapped[str] = mapped_column(String(300))
    date_stated: Mapped[dt.date] = mapped_column(Date)
    date_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    date_basis: Mapped[str | None] = mapped_column(Text)  # the phrase an inferred date was resolved from
    metric: Mapped[ClaimMetric] = mapped_column(enum_column(ClaimMetric))
    qualifier: Mapped[Qualifier] = mapped_column(enum_column(Qualifier), default=Qualifier.EXACTLY)
    value: Mapped[float | None] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    share_percent: Mapped[float | None] = mapped_column(Float)
    scope_area: Mapped[str] = mapped_column(String(100), default="IR")
    subset: Mapped[str | None] = mapped_column(String(100))  # a sub-population counted, e.g. cause=beating
    scope_start: Mapped[dt.date | None] = mapped_column(Date)
    scope_end: Mapped[dt.date | None] = mapped_column(Date)
    quote: Mapped[str | None] = mapped_column(Text)
    citation: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    annotation: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Evidence(Base):
    """A file supporting a record or person: its hash, type, and who captured it when."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind), default=EvidenceKind.OTHER)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    added_by: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    captured_by: Mapped[str | None] = mapped_column(String(200))  # confidential
    captured_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VerificationChange(Base):
    """One change of a person's verification level: by whom, why, on which evidence; never edited."""

    __tablename__ = "verification_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    level: Mapped[Verification] = mapped_column(enum_column(Verification))
    previous: Mapped[Verification | None] = mapped_column(enum_column(Verification))
    reviewer: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    evidence_ids: Mapped[list] = mapped_column(JSON, default=list)
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ClassificationAssertion(Base):
    """Someone's assertion of a person's role or of the force responsible: who, when, on what basis.

    Assertions compete; none overwrites another. Those a list makes sit on its records (`Record.role`,
    `Record.perpetrator`); this table holds the ones made by hand, by a source, a claim or a reviewer.
    """

    __tablename__ = "classification_assertions"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    aspect: Mapped[str] = mapped_column(String(16))  # "role" or "force"
    value: Mapped[str] = mapped_column(String(32))
    asserted_by: Mapped[str] = mapped_column(String(300))
    asserter_kind: Mapped[AsserterKind] = mapped_column(enum_column(AsserterKind))
    asserted_on: Mapped[dt.date | None] = mapped_column(Date)
    basis: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Bundle(Base):
    """An offline field bundle that was imported; its hash makes re-import a no-op."""

    __tablename__ = "bundles"
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_uid: Mapped[str] = mapped_column(String(64), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    collector_key: Mapped[str] = mapped_column(String(128))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Estimate(Base):
    """One saved estimation result (method, stratum, point, interval), with every setting and diagnostic."""

    __tablename__ = "estimates"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(100))
    stratum: Mapped[str | None] = mapped_column(String(200))
    observed: Mapped[int] = mapped_column(Integer)
    estimate: Mapped[float | None] = mapped_column(Float)
    lower: Mapped[float | None] = mapped_column(Float)
    upper: Mapped[float | None] = mapped_column(Float)
    converged: Mapped[bool | None] = mapped_column(Boolean)
    stratified_by: Mapped[str | None] = mapped_column(String(100))
    result: Mapped[dict] = mapped_column(JSON)  # the full EstimateResult.to_dict()
    draws: Mapped[bytes | None] = mapped_column(LargeBinary)  # posterior draws and chains, compressed (.npz)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """Who did what to which object, when; append-only, each event hashes the one before."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO-8601 UTC text: hashed exactly as stored
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str | None] = mapped_column(String(100))
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON text: hashed exactly as stored
    rows_hash: Mapped[str | None] = mapped_column(String(64))  # digest of its AuditRow entries, hashed too
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # one successor per event: no forks
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditRow(Base):
    """The hash of one row an audit event wrote (None: it removed the row); ties the data to the chain."""

    __tablename__ = "audit_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[int] = mapped_column(Integer)
    row_hash: Mapped[str | None] = mapped_column(String(64))


class RegisteredKey(Base):
    """A public key the project trusts, by fingerprint: its own (project) or a field collector's."""

    __tablename__ = "registered_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # "project" or "collector"
    signing_key: Mapped[str] = mapped_column(String(64))  # Ed25519 public key, base64
    encryption_key: Mapped[str | None] = mapped_column(String(64))  # X25519 public key, base64 (project only)
    label: Mapped[str | None] = mapped_column(String(200))  # the collector's name: confidential
    registered_by: Mapped[str | None] = mapped_column(String(200))
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebJob(Base):
    """A background job of the web app (linkage, estimation) and how far it got: every worker process of the
    server reads and writes it here, so each shows the same jobs. Times are Unix seconds."""

    __tablename__ = "web_jobs"
    __table_args__ = {"info": {"audited": False}}  # how a job is going, not data: its outcome is audited
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))  # queued, running, done, failed, abandoned
    slot: Mapped[int | None] = mapped_column(Integer, unique=True)  # 1 while queued or running: one job at a time
    owner: Mapped[str] = mapped_column(String(200))  # host, process id and process start of the worker running it
    message: Mapped[str] = mapped_column(Text, default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[float] = mapped_column(Float)
    heartbeat_at: Mapped[float] = mapped_column(Float)  # the owner says it is alive at least this recently
    finished_at: Mapped[float | None] = mapped_column(Float)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class LoginAttempt(Base):
    """One sign-in attempt counted against the rate limit, by account name or by client address; shared by every
    worker process. Rows leave the window with time and are dropped then (they are not data)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_scope_key_at", "scope", "key", "at"), {"info": {"audited": False}})
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # "name" or "address"
    key: Mapped[str] = mapped_column(String(200))  # the casefolded name, or the address
    at: Mapped[float] = mapped_column(Float)  # Unix seconds


class ImmutableError(RuntimeError):
    """Raised when code tries to change a row the model keeps immutable."""


IMMUTABLE_RECORD_FIELDS = frozenset(c.name for c in Record.__table__.columns) - {"person_id"}


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_immutable_rows(session: Session, _ctx: object, _instances: object) -> None:
    """Records may only change their person assignment; audit events never change nor go.

    The guard sees changes made through ORM sessions; bulk UPDATE statements bypass it, and Tollbook issues one
    only to set `Record.person_id` after linkage. Tampering below the ORM is what `tollbook audit verify` finds.
    """
    for obj in session.dirty:
        if isinstance(obj, AuditEvent | AuditRow | RecordRetraction) and session.is_modified(obj):
            raise ImmutableError(f"{type(obj).__name__} {obj.id} is append-only")
        if isinstance(obj, Record) and _changed_fields(session, obj) & IMMUTABLE_RECORD_FIELDS:
            raise ImmutableError(f"record {obj.id} is immutable: use tollbook.records.revise_record() for a correction")
    for obj in session.deleted:
        if isinstance(obj, AuditEvent | AuditRow | Record | RecordRetraction):
            raise ImmutableError(f"{type(obj).__name__} {obj.id} cannot be deleted")


def _changed_fields(session: Session, obj: Base) -> set[str]:
    """Names of the column attributes of `obj` with pending changes."""
    from sqlalchemy import inspect

    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}
