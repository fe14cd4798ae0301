"""Sources: the lists and publishers that victim reports come from."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.enums import SourceKind
from tollbook.errors import NotFoundError, TollbookError
from tollbook.model import Source, utcnow
from tollbook.text.normalize import normalize_persian


def normalise_source_name(name: str) -> str:
    """A source name as stored: Persian letters unified (ي/ك), spaces tidied, so one list keeps one name."""
    return " ".join(normalize_persian(name).split())


def find_source(session: Session, name: str) -> Source | None:
    """The source of that name (spelled with other spaces, case or Arabic letters), or None."""
    wanted = normalise_source_name(name)
    source = session.scalar(select(Source).where(Source.name == wanted))
    if source is not None:
        return source
    folded = wanted.casefold()
    return next((s for s in list_sources(session) if normalise_source_name(s.name).casefold() == folded), None)


def add_source(session: Session, name: str, kind: SourceKind | str = SourceKind.OTHER,
               independence_group: str | None = None, description: str | None = None,
               contact: str | None = None, actor: str = "system") -> Source:
    """Register a source; names are unique (after normalising) and kinds come from SourceKind."""
    name = normalise_source_name(name)
    if not name:
        raise TollbookError("a source needs a non-empty name")
    if (existing := find_source(session, name)) is not None:
        raise TollbookError(f"source {existing.name!r} already exists: pick another name or use it as it is")
    source = Source(name=name, kind=parse_kind(kind), independence_group=independence_group,
                    description=description, contact=contact)
    session.add(source)
    session.flush()
    record_event(session, actor, "source.add", "source", source.id, {"name": name, "kind": source.kind.value},
                 wrote=[source])
    return source


def parse_kind(kind: SourceKind | str) -> SourceKind:
    """A SourceKind from its value, with the allowed values listed when it is wrong."""
    try:
        return SourceKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in SourceKind)
        raise TollbookError(f"unknown source kind {kind!r}: use one of {allowed}") from None


def get_source(session: Session, name: str) -> Source:
    """The source called `name`, or a NotFoundError that says how to add it."""
    source = find_source(session, name)
    if source is None:
        raise NotFoundError(f"no source named {name!r}: add it with `tollbook sources add {name}`")
    return source


def get_or_create_source(session: Session, name: str, kind: SourceKind | str = SourceKind.OTHER,
                         actor: str = "system") -> Source:
    """The named source, registered first when it does not exist yet. Two sessions creating one source at once
    do not crash: the second's insert waits for the first to commit, does nothing, and the second uses the row
    the first wrote (only the session that made the source audits it)."""
    source = find_source(session, name)
    if source is not None:
        return source
    insert_for = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}.get(session.get_bind().dialect.name)
    if insert_for is None:  # another engine: a plain insert, a concurrent twin fails on the unique name
        return add_source(session, name, kind, actor=actor)
    name = normalise_source_name(name)
    if not name:
        raise TollbookError("a source needs a non-empty name")
    made = session.scalar(insert_for(Source.__table__).values(name=name, kind=parse_kind(kind), created_at=utcnow())
                          .on_conflict_do_nothing(index_elements=["name"]).returning(Source.__table__.c.id))
    if made is None:  # another session registered it meanwhile: its row is committed now
        return session.scalars(select(Source).where(Source.name == name)).one()
    source = session.get_one(Source, made)
    record_event(session, actor, "source.add", "source", source.id, {"name": name, "kind": source.kind.value},
                 wrote=[source])
    return source


def list_sources(session: Session) -> list[Source]:
    """All sources by name."""
    return list(session.scalars(select(Source).order_by(Source.name)))


def source_row(source: Source, confidential: bool = False) -> dict:
    """A source as a plain dict; the contact is included only when asked for."""
    row = {"id": source.id, "name": source.name, "kind": source.kind.value,
           "independence_group": source.group, "description": source.description}
    if confidential:
        row["contact"] = source.contact
    return row
