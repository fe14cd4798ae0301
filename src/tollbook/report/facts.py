"""One pass over the linked persons: the accepted values, lists and independence groups each section counts.

Everything the report and the export say about persons is computed from these facts, so the numbers agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.documented import is_killed
from tollbook.link.person_view import VIEW_FIELDS, build_view, records_with_evidence
from tollbook.link.store import current_records_of
from tollbook.model import Person, Record, Source
from tollbook.records import display_value, plain_value
from tollbook.text.dates import PartialDate


@dataclass(frozen=True)
class PersonFacts:
    """A linked person as the report sees it: accepted values, the lists naming them, internal record ids."""

    public_id: str
    verification: str
    sources: tuple[str, ...]
    groups: tuple[str, ...]
    record_ids: tuple[int, ...]
    accepted: dict[str, Any]
    died: dt.date | None = None  # the accepted date of death as a date (a PartialDate when month- or year-only)

    def value(self, name: str) -> Any:
        """One accepted value (None when no record gives it)."""
        return self.accepted.get(name)

    @property
    def killed(self) -> bool:
        """Whether the accepted status is killed (a person with no status given counts as killed, the default)."""
        return is_killed(self.accepted.get("status"))

    @property
    def date(self) -> dt.date | None:
        """The accepted date of death, as a date: a PartialDate when the sources give only its month or year, so
        no count reads it as its first day."""
        if self.died is not None:
            return self.died
        value = self.accepted.get("date_of_death")
        return dt.date.fromisoformat(value) if isinstance(value, str) else value


def person_facts(session: Session) -> list[PersonFacts]:
    """Facts of every person with current records, ordered by public id."""
    persons = {p.id: p for p in session.scalars(select(Person).where(Person.records.any()))}
    evidence_ids = records_with_evidence(session)
    facts = []
    for person_id, records in current_records_of(session, list(persons)).items():
        view = build_view(session, persons[person_id], records, evidence_ids=evidence_ids)
        accepted = {name: display_value(view.accepted(name)) for name in VIEW_FIELDS}
        accepted["date_precision"] = date_precision(records, view.accepted("date_of_death"))
        facts.append(PersonFacts(view.public_id, view.verification, tuple(view.sources),
                                 tuple(sorted({r.source.group for r in records})),
                                 tuple(sorted(r.id for r in records)), accepted, view.accepted("date_of_death")))
    return sorted(facts, key=lambda f: f.public_id)


def source_labels(session: Session, hidden_kinds: frozenset[str]) -> dict[str, str]:
    """How lists are named in public output: by name, but lists of the hidden kinds (a field collector, a
    family: names that can be a person's) by their kind and a number, e.g. "field collector 1"; an independence
    group with such a list among its members, named apart from its sources, by a number ("independence group 1"),
    since the estimate names a merged group's list by the group."""
    labels, seen, hidden_groups = {}, {}, []
    sources = list(session.scalars(select(Source).order_by(Source.id)))
    for source in sources:
        kind = source.kind.value
        if kind in hidden_kinds:
            seen[kind] = seen.get(kind, 0) + 1
            labels[source.name] = f"{kind.replace('_', ' ')} {seen[kind]}"
            if source.group not in hidden_groups:
                hidden_groups.append(source.group)
        else:
            labels[source.name] = source.name
    names = {source.name for source in sources}
    for number, group in enumerate((g for g in hidden_groups if g not in names), start=1):
        labels[group] = f"independence group {number}"
    return labels


def relabelled(fact: PersonFacts, labels: dict[str, str]) -> PersonFacts:
    """The fact with its lists and groups named as `labels` says (names not in it stay as they are)."""
    return replace(fact, sources=tuple(sorted(labels.get(s, s) for s in fact.sources)),
                   groups=tuple(sorted({labels.get(g, g) for g in fact.groups})))


PRECISION_ORDER = ("day", "month", "year")


def date_precision(records: list[Record], accepted: dt.date | None) -> str | None:
    """The finest precision any record gives the accepted date with (None when no date is accepted)."""
    if accepted is None:
        return None
    if isinstance(accepted, PartialDate):
        return accepted.precision
    given = {plain_value(r.date_precision) or "day" for r in records if r.date_of_death == accepted}
    return next((p for p in PRECISION_ORDER if p in given), "day")


def data_version(session: Session) -> str:
    """SHA-256 over the current linked records (content hash and person id of each): the data the numbers use."""
    current = select(Record.content_hash, Person.public_id).join(Person, Person.id == Record.person_id)
    newer = select(Record.supersedes_id).where(Record.supersedes_id.is_not(None))
    rows = sorted(f"{h}:{p}" for h, p in session.execute(current.where(Record.id.not_in(newer))))
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()
