"""Who the documented count counts: one definition for the report, the estimate's capture histories and the
persons list, so the estimate's observed count is the report's documented count.

A linked person counts when their accepted status is killed (no status given counts as killed) and no reviewer
discounted them. A person whose every record was retracted has no current record and counts nowhere. Those left
out are tallied by reason, so every output can say whom it leaves out and why.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.model import Person, Record
from tollbook.records import current_records_query, plain_value

if TYPE_CHECKING:
    from tollbook.link.person_view import PersonView

RULE = "persons whose accepted status is killed and who are not discounted"
DISCOUNTED = "discounted"
NOT_KILLED = "not killed"
RETRACTED = "every record retracted"
REASONS = (DISCOUNTED, NOT_KILLED, RETRACTED)


def is_killed(status: Any) -> bool:
    """Whether an accepted status counts as killed (None, no status given, is killed: the default)."""
    return plain_value(status) in (None, "", "killed")


def left_out_reason(status: Any, verification: Any) -> str | None:
    """Why a person with current records is not a documented death (None: they count). Discounted comes first:
    a discounted person who was not killed is left out as discounted."""
    if plain_value(verification) == DISCOUNTED:
        return DISCOUNTED
    return None if is_killed(status) else NOT_KILLED


@dataclass(frozen=True)
class LeftOut:
    """Persons with records that the documented count leaves out, by reason."""

    discounted: int = 0
    not_killed: int = 0
    retracted: int = 0

    @classmethod
    def of(cls, tally: Mapping[str, int], retracted: int = 0) -> LeftOut:
        """From a tally of :func:`left_out_reason` results and the count of retracted-only persons."""
        return cls(tally.get(DISCOUNTED, 0), tally.get(NOT_KILLED, 0), retracted)

    @property
    def total(self) -> int:
        return self.discounted + self.not_killed + self.retracted

    def line(self) -> str:
        """One line, e.g. "left out: 3 discounted, 2 not killed, 1 with every record retracted"."""
        parts = [f"{self.discounted:,} discounted"] if self.discounted else []
        parts += [f"{self.not_killed:,} not killed"] if self.not_killed else []
        parts += [f"{self.retracted:,} with every record retracted"] if self.retracted else []
        return "left out: " + (", ".join(parts) if parts else "nobody") + f" (counted: {RULE})"

    def as_dict(self) -> dict[str, Any]:
        return {"discounted": self.discounted, "not_killed": self.not_killed, "retracted": self.retracted,
                "rule": RULE, "line": self.line()}  # fmt: skip


def person_views(session: Session) -> Iterator[tuple[Person, list[Record], PersonView, str | None]]:
    """Every person with current records: the person, those records, its view (accepted values) and why it is
    left out (None: it counts)."""
    from tollbook.link.person_view import build_view, records_with_evidence
    from tollbook.link.store import current_records_of

    persons = {p.id: p for p in session.scalars(select(Person).where(Person.records.any()))}
    evidence_ids = records_with_evidence(session)
    for person_id, records in current_records_of(session, persons).items():
        view = build_view(session, persons[person_id], records, evidence_ids=evidence_ids)
        yield persons[person_id], records, view, left_out_reason(view.accepted("status"), view.verification)


def left_out_record_ids(session: Session) -> set[int]:
    """Current records of the persons left out (discounted, not killed)."""
    return {r.id for _person, records, _view, reason in person_views(session) if reason for r in records}


def retracted_only(session: Session) -> int:
    """Persons linked to records that are all retracted: they have no current record, so count nowhere."""
    def owners(include_retracted: bool) -> set[int]:
        query = current_records_query(include_retracted=include_retracted).order_by(None)
        return set(session.scalars(query.with_only_columns(Record.person_id).where(Record.person_id.is_not(None))))

    return len(owners(True) - owners(False))


def documented_count(session: Session) -> tuple[int, LeftOut]:
    """The number of documented deaths and those left out, counted as the capture histories count them."""
    from collections import Counter

    from tollbook.link.histories import person_patterns

    tally: Counter = Counter()
    patterns = person_patterns(session, None, merge_groups=True, left_out=tally)
    return sum(patterns.values()), LeftOut.of(tally, retracted_only(session))
