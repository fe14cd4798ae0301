"""`tollbook explain ID`: how one number of the report was computed, and the persons or claims behind it.

In public mode (the default) persons are named by their public ids only; the team mode adds each person's
internal record ids and lists, which a published page must not carry."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tollbook.errors import NotFoundError
from tollbook.report.gather import ReportData, gather_report
from tollbook.report.i18n import fmt_number
from tollbook.report.numbers import Number


@dataclass(frozen=True)
class Explanation:
    """One number, its working, and what it counts."""

    number: Number
    data_version: str
    public: bool
    persons: list[dict[str, Any]] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"id": self.number.id, "value": self.number.value, "how": self.number.how,
                "data_version": self.data_version, "public": self.public, "persons": self.persons,
                "claims": self.claims}

    def render(self) -> str:
        """Plain text for the terminal."""
        lines = [f"{self.number.id} = {fmt_number(self.number.value, 'en')}", f"how: {self.number.how}",
                 f"data version: {self.data_version}"]
        if self.persons:
            lines.append(f"persons ({len(self.persons)}):")
            lines += [f"  {_person_line(p)}" for p in self.persons]
        if self.claims:
            lines.append(f"claims ({len(self.claims)}): " + ", ".join(self.claims))
        return "\n".join(lines)


def _person_line(person: dict[str, Any]) -> str:
    """One person as a line: the public id, and in team mode the lists and record ids."""
    if "record_ids" not in person:
        return person["public_id"]
    return f"{person['public_id']}  lists: {', '.join(person['lists'])}  records: {person['record_ids']}"


def explain_number(data: ReportData, id_: str, public: bool = True) -> Explanation:
    """The explanation of one id from gathered report data."""
    if id_ not in data.book:
        near = difflib.get_close_matches(id_, list(data.book.numbers), n=5, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else "; ids are shown on hover and in the report's notes"
        raise NotFoundError(f"no number with id {id_!r} in the report{hint}")
    number = data.book[id_]
    facts = {f.public_id: f for f in data.facts}
    persons = [{"public_id": pid} if public else
               {"public_id": pid, "lists": list(facts[pid].sources), "record_ids": list(facts[pid].record_ids)}
               for pid in number.persons]
    return Explanation(number, data.data_version, public, persons, list(number.claims))


def explain(session: Session, id_: str, public: bool = True) -> Explanation:
    """Gather the report's numbers from the database and explain one of them."""
    return explain_number(gather_report(session, public=public), id_, public)


def list_ids(session: Session, public: bool = True) -> list[Number]:
    """Every number of the report, in report order."""
    return list(gather_report(session, public=public).book)
