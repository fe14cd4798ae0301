"""A share claim ("more than 85 percent were not protesters") set beside what the documented persons' own
sources assert about them: for each claimant, how many persons of the scope it classifies, and what share of
those fall in the claim's subset; and how many persons nobody classifies.

A subset is written in the claim as `role=…`, `role!=…`, `cause=…`, `cause!=…` (or `force`/`perpetrator`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.claims.timeline import STATUS_OF_METRIC
from tollbook.model import Claim, Record

ASPECT_OF = {"role": "role", "cause": "cause", "force": "force", "perpetrator": "force"}
ROLE_NOUNS = {"protester": "protesters", "bystander": "bystanders", "security_force": "members of the security forces",
              "other": "of another role", "unknown": "of unknown role"}
FORCE_NAMES = {"irgc": "the IRGC", "basij": "the Basij", "police": "the police", "other": "another force",
               "unknown": "an unknown force"}


@dataclass(frozen=True)
class Subset:
    """`aspect op value`: e.g. role != protester."""

    aspect: str
    negated: bool
    value: str

    def holds(self, value: str) -> bool:
        """Whether one asserted value is in the subset."""
        return (value != self.value) if self.negated else (value == self.value)

    def __str__(self) -> str:
        return f"{self.aspect}{'!=' if self.negated else '='}{self.value}"

    def words(self) -> str:
        """The subset in plain words: "not protesters", "killed by beating", "not killed by the IRGC"."""
        if self.aspect == "role":
            noun = ROLE_NOUNS.get(self.value, self.value.replace("_", " "))
        elif self.aspect == "cause":
            noun = f"killed by {self.value.replace('_', ' ')}"
        else:
            noun = f"killed by {FORCE_NAMES.get(self.value, self.value)}"
        return f"not {noun}" if self.negated else noun


def parse_subset(text: str | None) -> Subset | None:
    """The subset a claim names, when it is one the persons' assertions can be checked against."""
    if not text:
        return None
    negated = "!=" in text
    name, _, value = text.partition("!=" if negated else "=")
    aspect = ASPECT_OF.get(name.strip().lower())
    return Subset(aspect, negated, value.strip().lower()) if aspect and value.strip() else None


@dataclass(frozen=True)
class ClaimantShare:
    """What one claimant's assertions say about the persons of the scope."""

    claimant: str
    classified: int
    in_subset: int

    @property
    def share_percent(self) -> float | None:
        """Share of the persons it classifies that fall in the subset."""
        return round(100 * self.in_subset / self.classified, 1) if self.classified else None


@dataclass(frozen=True)
class ShareComparison:
    """A share claim against the documented persons of its scope."""

    claim_key: str
    subset: str
    subset_words: str
    claimed_percent: float
    qualifier: str
    persons: int
    unclassified: int
    by_claimant: list[ClaimantShare] = field(default_factory=list)
    agreed_in: int = 0
    agreed_out: int = 0
    disputed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON, the report and the web app)."""
        row = asdict(self)
        row["by_claimant"] = [asdict(c) | {"share_percent": c.share_percent} for c in self.by_claimant]
        return row


def scope_person_ids(session: Session, claim: Claim) -> list[int]:
    """Persons of a claim's metric, area and period (by date of death), as the list holds them now."""
    status = STATUS_OF_METRIC.get(claim.metric)
    if status is None:
        return []
    newer = select(Record.supersedes_id).where(Record.supersedes_id.is_not(None))
    query = select(Record.person_id).distinct().where(
        Record.person_id.is_not(None), Record.id.not_in(newer), Record.status == status)
    query = query.where(Record.province_code == claim.scope_area) if claim.scope_area != "IR" else query
    query = query.where(Record.date_of_death >= claim.scope_start) if claim.scope_start else query
    query = query.where(Record.date_of_death <= claim.scope_end) if claim.scope_end else query
    return sorted(session.scalars(query))


def _values_by_claimant(session: Session, person_ids: list[int], aspect: str) -> dict[int, dict[str, set[str]]]:
    """Person → claimant → the values it asserts (role or force assertions; a cause is each record's own)."""
    from tollbook.evidence.assertions import assertions_of_persons
    from tollbook.link.store import current_records_of

    found: dict[int, dict[str, set[str]]] = {pid: {} for pid in person_ids}
    if aspect == "cause":
        for pid, records in current_records_of(session, person_ids).items():
            for record in records:
                if record.cause.value != "unknown":
                    found[pid].setdefault(record.source.name, set()).add(record.cause.value)
        return found
    for pid, items in assertions_of_persons(session, person_ids).items():
        for item in items:
            if item.aspect == aspect:
                found[pid].setdefault(item.asserted_by, set()).add(item.value)
    return found


def _tally(subset: Subset, values: dict[int, dict[str, set[str]]]) -> tuple[list[ClaimantShare], dict[str, int]]:
    """Per claimant (classified, in subset); overall: agreed in, agreed out, disputed, unclassified."""
    per: dict[str, list[int]] = {}
    overall = {"agreed_in": 0, "agreed_out": 0, "disputed": 0, "unclassified": 0}
    for claims in values.values():
        verdicts = set()
        for claimant, asserted in claims.items():
            inside = all(subset.holds(v) for v in asserted)
            per.setdefault(claimant, [0, 0])
            per[claimant][0] += 1
            per[claimant][1] += inside
            verdicts.add(inside)
        key = ("unclassified" if not verdicts else "disputed" if len(verdicts) > 1
               else "agreed_in" if verdicts == {True} else "agreed_out")
        overall[key] += 1
    shares = [ClaimantShare(name, n, k) for name, (n, k) in sorted(per.items(), key=lambda kv: (-kv[1][0], kv[0]))]
    return shares, overall


def compare_share(session: Session, claim: Claim) -> ShareComparison | None:
    """A share claim with a checkable subset against the documented persons of its scope; None otherwise."""
    subset = parse_subset(claim.subset)
    if claim.share_percent is None or subset is None:
        return None
    person_ids = scope_person_ids(session, claim)
    shares, overall = _tally(subset, _values_by_claimant(session, person_ids, subset.aspect))
    return ShareComparison(claim.claim_key or str(claim.id), str(subset), subset.words(), claim.share_percent,
                           claim.qualifier.value, len(person_ids), overall["unclassified"], shares,
                           overall["agreed_in"], overall["agreed_out"], overall["disputed"])


def compare_shares(session: Session, claims: Iterable[Claim]) -> list[ShareComparison]:
    """`compare_share` for every claim it applies to."""
    return [found for claim in claims if (found := compare_share(session, claim)) is not None]


def describe(comparison: ShareComparison, source: str, area: str, day: dt.date) -> str:
    """The comparison in one paragraph of plain words."""
    said = f"{source} said on {day} that {comparison.qualifier.replace('_', ' ')} {comparison.claimed_percent:g}% "
    said += f"of those killed in {area} were {comparison.subset_words} ({comparison.subset})"
    if not comparison.persons:
        return f"{said}; the list holds nobody of that scope to compare with"
    parts = [f"{c.claimant} classifies {c.classified:,} of them and calls {c.in_subset:,} ({c.share_percent:g}%) "
             f"{comparison.subset_words}" for c in comparison.by_claimant]
    sources = "; ".join(parts) or "no source classifies any of them"
    return (f"{said}. Of the {comparison.persons:,} persons the list holds there, {sources}; "
            f"{comparison.unclassified:,} are classified by nobody, and the sources disagree on "
            f"{comparison.disputed:,}")
