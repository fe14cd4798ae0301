"""Classifications by claimant: who says which documented persons were protesters, bystanders or security-force
members, and which force each asserter holds responsible. Assertions compete; each asserter is counted apart.

A list's own words count for its source; assertions added by hand count for their source, for the publisher of
the claim they cite, or for "reviewers" together (a reviewer's name is never published)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.evidence.assertions import Assertion, record_assertions, stored_assertions
from tollbook.link.store import current_records_of
from tollbook.model import Person
from tollbook.report.facts import PersonFacts
from tollbook.report.numbers import NumberBook, number_id
from tollbook.report.sections import counted

REVIEWERS = "reviewers"


def asserter_label(item: Assertion, labels: dict[str, str]) -> str:
    """Whom an assertion is counted for (a list by its public label)."""
    if item.asserter_kind == "reviewer":
        return REVIEWERS
    if item.asserter_kind == "claim":
        return f"{item.asserted_by} (claim)"
    return labels.get(item.asserted_by, item.asserted_by)


def assertions_by_person(session: Session, facts: Sequence[PersonFacts]) -> dict[str, list[Assertion]]:
    """Every assertion about each of the given persons, by public id."""
    ids = dict(session.execute(select(Person.public_id, Person.id)).all())
    wanted = [ids[f.public_id] for f in facts if f.public_id in ids]
    records, stored = current_records_of(session, wanted), stored_assertions(session, wanted)
    return {f.public_id: record_assertions(records.get(ids[f.public_id], [])) + stored.get(ids[f.public_id], [])
            for f in facts if f.public_id in ids}


def classification_rows(book: NumberBook, session: Session, facts: Sequence[PersonFacts], aspect: str,
                        labels: dict[str, str]) -> list[dict[str, Any]]:
    """Documented deaths per asserter and value of one aspect (role or force), each count registered."""
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for public_id, assertions in assertions_by_person(session, counted(facts)).items():
        for item in assertions:
            if item.aspect == aspect:
                groups[(asserter_label(item, labels), item.value)].add(public_id)
    rows = []
    for (asserter, value), members in sorted(groups.items()):
        number = book.add(number_id("classification", aspect, asserter, value), len(members),
                          f"documented deaths whose {aspect} {asserter} asserts is {value}", sorted(members))
        rows.append({"asserter": asserter, "value": value, "count": number.value, "id": number.id})
    return rows
