"""What a person's records say, field by field: every value with its source, the accepted one, the alternatives.

The accepted value follows one stated rule, applied in order:
1. a value given by a verified record (one with evidence attached, or from a source the caller names verified);
2. otherwise the value most records agree on (names agree when their canonical forms agree);
3. otherwise, on a tie, the value of the most recent record.
No value is dropped: the others stay listed as alternatives with their sources.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.errors import NotFoundError
from tollbook.model import Evidence, Person, Record
from tollbook.records import display_value, plain_value, record_value
from tollbook.text import canonical_name

VIEW_FIELDS = ("given_name", "family_name", "father_name", "sex", "age", "date_of_death", "province",
               "province_code", "city", "city_code", "status", "cause", "perpetrator")  # fmt: skip
NAME_FIELDS = {"given_name", "family_name", "father_name"}
RULE = "verified source first, then agreement of records, then the most recent record"


@dataclass(frozen=True)
class Claimed:
    """One value of one field as one record gives it."""

    value: Any
    source: str
    record_id: int
    verified: bool
    recorded_at: dt.datetime | None


@dataclass(frozen=True)
class FieldView:
    """A field of a person: the accepted value, why, and every value with its source."""

    field: str
    accepted: Any
    reason: str
    values: list[Claimed]

    @property
    def alternatives(self) -> list[Claimed]:
        """Values that differ from the accepted one (kept, never dropped)."""
        return [c for c in self.values if _key(self.field, c.value) != _key(self.field, self.accepted)]


@dataclass(frozen=True)
class PersonView:
    """A person with each field's accepted value and alternatives."""

    public_id: str
    verification: str
    sources: list[str]
    record_ids: list[int]
    fields: dict[str, FieldView] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)  # record id, source, the source's record id

    def accepted(self, name: str) -> Any:
        """The accepted value of one field (None when no record gives one)."""
        view = self.fields.get(name)
        return view.accepted if view else None

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output and the web app."""
        return {"public_id": self.public_id, "verification": self.verification, "sources": self.sources,
                "record_ids": self.record_ids, "records": self.records, "rule": RULE,
                "fields": {name: {"accepted": display_value(v.accepted), "reason": v.reason,
                                  "values": [{"value": display_value(c.value), "source": c.source,
                                              "record_id": c.record_id, "verified": c.verified}
                                             for c in v.values]}
                           for name, v in self.fields.items()}}


def _key(field_name: str, value: Any) -> Any:
    """What counts as 'the same value' of a field: canonical form for names, the value itself otherwise."""
    if value is None:
        return None
    if field_name in NAME_FIELDS:
        return canonical_name(str(value)) or str(value)
    return display_value(value)  # a month-only date is not the same value as its first day


def accept(field_name: str, values: list[Claimed]) -> tuple[Any, str]:
    """The accepted value among claimed ones and the rule step that chose it."""
    if not values:
        return None, "no record gives a value"
    verified = [c for c in values if c.verified]
    pool, reason = (verified, "from a verified source") if verified else (values, "")
    counts: dict[Any, int] = {}
    for claimed in pool:
        counts[_key(field_name, claimed.value)] = counts.get(_key(field_name, claimed.value), 0) + 1
    best = max(counts.values())
    leaders = [c for c in pool if counts[_key(field_name, c.value)] == best]
    newest = max(leaders, key=lambda c: (c.recorded_at or dt.datetime.min.replace(tzinfo=dt.UTC), c.record_id))
    if not reason:
        agreed = len({_key(field_name, c.value) for c in leaders}) == 1
        reason = f"given by {best} of {len(pool)} records" if agreed else "records disagree: the most recent"
    return newest.value, reason


def field_view(field_name: str, records: Iterable[Record], verified_ids: set[int]) -> FieldView:
    """One field of a person across its records."""
    values = [Claimed(value, record.source.name, record.id, record.id in verified_ids, _as_utc(record.created_at))
              for record in records if (value := record_value(record, field_name)) not in (None, "", "unknown")]
    accepted, reason = accept(field_name, values)
    return FieldView(field_name, accepted, reason, values)


def _as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes: read them as UTC so they compare with aware ones."""
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


def records_with_evidence(session: Session) -> set[int]:
    """Ids of all records that have evidence attached (one query, for views of many persons)."""
    return set(session.scalars(select(Evidence.record_id).where(Evidence.record_id.is_not(None))))


def verified_record_ids(session: Session, records: list[Record], verified_sources: Iterable[str] = (),
                        evidence_ids: set[int] | None = None) -> set[int]:
    """Records counted as verified: with evidence attached or listed, or from a source named verified."""
    named = set(verified_sources)
    if evidence_ids is None:
        ids = [r.id for r in records]
        evidence_ids = set(session.scalars(select(Evidence.record_id).where(Evidence.record_id.in_(ids))))
    return {r.id for r in records if r.id in evidence_ids or r.evidence_refs or r.source.name in named}


def build_view(session: Session, person: Person, records: list[Record],
               verified_sources: Iterable[str] = (), evidence_ids: set[int] | None = None) -> PersonView:
    """The view of a person from its current records (`evidence_ids`: precomputed records_with_evidence)."""
    verified = verified_record_ids(session, records, verified_sources, evidence_ids)
    fields = {name: field_view(name, records, verified) for name in VIEW_FIELDS}
    sources = sorted({r.source.name for r in records})
    listed = [{"record_id": r.id, "source": r.source.name, "source_record_id": r.source_record_id}
              for r in sorted(records, key=lambda r: r.id)]
    return PersonView(person.public_id, plain_value(person.verification), sources, [r.id for r in records], fields,
                      listed)


def person_view(session: Session, public_id: str, verified_sources: Iterable[str] = ()) -> PersonView:
    """The view of one person by public id, from its current records only."""
    from tollbook.link.store import current_records_of

    person = session.scalars(select(Person).where(Person.public_id == public_id)).first()
    if person is None:
        raise NotFoundError(f"no person with id {public_id!r}: run `tollbook link` first, or check the id")
    return build_view(session, person, current_records_of(session, [person.id]).get(person.id, []),
                      verified_sources)


LIST_FIELDS = ("given_name", "family_name", "age", "date_of_death", "province", "city")


def person_rows(session: Session, limit: int | None = 50, source: str | None = None,
                public_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """One summary row per person (accepted values, lists, record count), most-reported first; with
    `public_ids`, those persons in that order."""
    from tollbook.link.store import current_records_of

    query = select(Person).where(Person.records.any())
    if public_ids is not None:
        query = query.where(Person.public_id.in_(public_ids))
    persons = {p.id: p for p in session.scalars(query)}
    records_of = current_records_of(session, list(persons))
    chosen = [pid for pid, records in records_of.items()
              if source is None or any(r.source.name == source for r in records)]
    chosen.sort(key=lambda pid: (-len(records_of[pid]), persons[pid].public_id))
    if public_ids is not None:
        order = {pid: i for i, pid in enumerate(public_ids)}
        chosen.sort(key=lambda pid: order[persons[pid].public_id])
    rows, evidence_ids = [], records_with_evidence(session)
    for pid in chosen[:limit] if limit else chosen:
        view = build_view(session, persons[pid], records_of[pid], evidence_ids=evidence_ids)
        rows.append({"public_id": view.public_id, **{name: display_value(view.accepted(name)) for name in LIST_FIELDS},
                     "records": len(view.record_ids), "lists": ", ".join(view.sources),
                     "verification": view.verification})
    return rows
