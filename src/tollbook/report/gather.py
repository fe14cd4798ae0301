"""Everything one report says, gathered from the database into plain data (no HTML here): a notebook user can
call `gather_report(session)` and read the same numbers the report prints, each traceable by id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tollbook.estimate.database import saved_estimates
from tollbook.report import sections
from tollbook.report.classes import classification_rows
from tollbook.report.estimation import estimates_section
from tollbook.report.facts import PersonFacts, data_version, person_facts, relabelled, source_labels
from tollbook.report.ledger import claims_section
from tollbook.report.method import method_section
from tollbook.report.numbers import NumberBook
from tollbook.report.redaction import load_policy

NOT_YET: dict[str, str] = {}


@dataclass
class ReportData:
    """The numbers, rows and notes of one report; `book` holds every number by id."""

    book: NumberBook
    generated_at: dt.datetime
    data_version: str
    headline: dict[str, Any]
    days: list[dict[str, Any]]
    documented_by_day: list[dict[str, Any]]
    provinces: list[dict[str, Any]]
    causes: list[dict[str, Any]]
    perpetrators: list[dict[str, Any]]
    verification: list[dict[str, Any]]
    overlap: list[dict[str, Any]]
    list_sizes: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    forces: list[dict[str, Any]]
    estimates: dict[str, Any]
    claims: dict[str, Any]
    method: dict[str, Any]
    not_available: dict[str, str] = field(default_factory=dict)
    facts: list[PersonFacts] = field(default_factory=list, repr=False)


def gather_report(session: Session, now: dt.datetime | None = None, public: bool = True) -> ReportData:
    """Gather the whole report from the database (linked persons, saved estimates, claims); in public mode
    lists of the kinds the default redaction policy keeps unnamed are named by their kind."""
    labels = source_labels(session, load_policy().hidden_kinds if public else frozenset())
    book, facts = NumberBook(), [relabelled(f, labels) for f in person_facts(session)]
    saved = saved_estimates(session)
    headline = sections.headline_counts(book, facts)
    days = sections.by_day(book, facts)
    overlap, sizes = sections.overlap(book, facts)
    version = data_version(session)
    return ReportData(
        book=book, generated_at=now or dt.datetime.now(dt.UTC), data_version=version, headline=headline,
        days=days, documented_by_day=sections.cumulative(days), provinces=sections.by_province(book, facts),
        causes=sections.by_field(book, facts, "cause"), perpetrators=sections.by_field(book, facts, "perpetrator"),
        verification=sections.by_verification(book, facts), overlap=overlap, list_sizes=sizes,
        roles=classification_rows(book, session, facts, "role", labels),
        forces=classification_rows(book, session, facts, "force", labels),
        estimates=estimates_section(book, saved, labels, facts), claims=claims_section(book, session, saved),
        method=method_section(book, session, version, labels), not_available=dict(NOT_YET), facts=facts,
    )
