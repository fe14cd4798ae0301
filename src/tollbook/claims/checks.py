"""Consistency checks on the claims ledger: each a named `Finding` with its claims and its numbers.

The checks are pure functions over `ClaimFact`s; `run_checks` gathers the facts, the documented counts and the
estimates from the database and runs them all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tollbook.claims.fields import extra, figure, place_label
from tollbook.claims.ledger import list_claims
from tollbook.claims.timeline import ReportedBy, StratumEstimate, as_estimates, claim_reported_by, estimate_for
from tollbook.model import Claim

LOWER_BOUNDS = frozenset({"at_least", "more_than"})


@dataclass(frozen=True)
class ClaimFact:
    """The parts of a claim the checks read."""

    key: str
    source: str
    date: dt.date
    metric: str
    qualifier: str
    value: float | None
    value_high: float | None
    share_percent: float | None
    area: str
    start: dt.date | None = None
    end: dt.date | None = None
    subset: str | None = None
    figure: str = ""

    @property
    def top(self) -> float | None:
        """The highest number the claim allows (the high end of a range)."""
        return self.value_high if self.value_high is not None else self.value


@dataclass(frozen=True)
class Finding:
    """One thing the checks found: what kind, in words, on which claims, with which numbers."""

    kind: str
    message: str
    claim_keys: tuple[str, ...]
    numbers: dict[str, float | int | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "kind": self.kind,
            "message": self.message,
            "claim_keys": list(self.claim_keys),
            "numbers": self.numbers,
        }


def fact_of(claim: Claim) -> ClaimFact:
    """The checkable facts of a stored claim."""
    return ClaimFact(
        claim.claim_key or str(claim.id),
        claim.source,
        claim.date_stated,
        claim.metric.value,
        claim.qualifier.value,
        claim.value,
        claim.value_high,
        claim.share_percent,
        claim.scope_area,
        claim.scope_start,
        claim.scope_end,
        extra(claim, "subset"),
        figure(claim),
    )


def _groups(
    facts: Iterable[ClaimFact], key: Callable[[ClaimFact], Hashable]
) -> dict[Hashable, list[ClaimFact]]:
    """Counts (not shares) grouped by `key`, each group in date order."""
    groups: dict[Hashable, list[ClaimFact]] = defaultdict(list)
    for fact in sorted(facts, key=lambda f: (f.date, f.key)):
        if fact.value is not None:
            groups[key(fact)].append(fact)
    return groups


def _series_drops(series: list[ClaimFact]) -> list[Finding]:
    """Claims below the highest figure the same series gave on an earlier day."""
    findings, best = [], None
    for day in sorted({f.date for f in series}):
        today = [f for f in series if f.date == day]
        for fact in today:
            if best is not None and fact.value < best.value:
                findings.append(
                    Finding(
                        "series_down",
                        f"{fact.source} said {fact.figure} {fact.metric} in {place_label(fact.area)} on {day}, "
                        f"down from {best.figure} on {best.date}",
                        (best.key, fact.key),
                        {"before": best.value, "after": fact.value, "drop": best.value - fact.value},
                    )
                )
        top_today = max(today, key=lambda f: f.value)
        best = top_today if best is None or top_today.value > best.value else best
    return findings


def series_going_down(facts: Iterable[ClaimFact]) -> list[Finding]:
    """A source's own series for one metric, scope, period and subset going down over time."""
    groups = _groups(facts, lambda f: (f.source, f.metric, f.area, f.start, f.end, f.subset))
    return [finding for series in groups.values() for finding in _series_drops(series)]


def _breakdown(total: ClaimFact, parts: list[ClaimFact]) -> Finding | None:
    """Compare one total with the sum of its province parts (largest figure per province)."""
    per_area = {p.area: max(q.value for q in parts if q.area == p.area) for p in parts}
    parts_sum = sum(per_area.values())
    if total.value <= parts_sum <= total.top:
        return None
    kind = "breakdown_exceeds_total" if parts_sum > total.top else "breakdown_short_of_total"
    gap = parts_sum - total.top if parts_sum > total.top else total.value - parts_sum
    words = "above" if parts_sum > total.top else "short of"
    message = (
        f"{total.source} on {total.date}: {len(per_area)} province figures of {total.metric} sum to "
        f"{parts_sum:,.0f}, {gap:,.0f} {words} the total of {total.figure}"
    )
    keys = (total.key, *sorted(p.key for p in parts))
    return Finding(
        kind,
        message,
        keys,
        {"total": total.value, "parts_sum": parts_sum, "difference": gap, "parts": len(per_area)},
    )


def breakdown_mismatches(facts: Iterable[ClaimFact]) -> list[Finding]:
    """A source's province figures of one day whose sum exceeds or falls short of its country total."""
    findings = []
    for group in _groups(facts, lambda f: (f.source, f.date, f.metric, f.start, f.end, f.subset)).values():
        parts = [f for f in group if f.area.startswith("IR-")]
        for total in (f for f in group if f.area == "IR"):
            finding = _breakdown(total, parts) if parts else None
            findings += [finding] if finding else []
    return findings


def _charge(fact: ClaimFact, place: str, known: ReportedBy) -> Finding:
    """A claim below what sources had reported by its day: a contradiction unless it is a lower bound."""
    nature = (
        "a lower bound the list has already passed"
        if fact.qualifier in LOWER_BOUNDS
        else "contradicted by the list"
    )
    unknown = f" ({known.unknown:,} more with no report date)" if known.unknown else ""
    message = (
        f"{fact.source} said {fact.figure} {fact.metric} in {place} on {fact.date}, but {known.reported:,} "
        f"persons of that scope had already been reported by then{unknown}: {nature}"
    )
    numbers = {"claimed": fact.top, "documented": known.now, "reported_by_then": known.reported,
               "report_dates_unknown": known.unknown, "shortfall": known.reported - fact.top}
    return Finding("below_documented", message, (fact.key,), numbers)


def _list_now(fact: ClaimFact, place: str, known: ReportedBy) -> Finding:
    """A claim below what the list holds *now* for its scope up to its day: no charge, since the list may have
    learnt of those deaths later."""
    later = known.now - known.reported - known.unknown
    parts = [f"{known.reported:,} of them reported by then"] + ([f"{later:,} reported later"] if later else [])
    parts += [f"{known.unknown:,} with no report date"] if known.unknown else []
    message = (
        f"{fact.source} said {fact.figure} {fact.metric} in {place} on {fact.date}; the list now holds "
        f"{known.now:,} deaths up to that date ({', '.join(parts)})"
    )
    numbers = {"claimed": fact.top, "documented": known.now, "reported_by_then": known.reported,
               "report_dates_unknown": known.unknown}
    return Finding("below_list_now", message, (fact.key,), numbers)


def _as_reported(count: ReportedBy | int | None) -> ReportedBy | None:
    """A plain count is read as persons all reported by then (report dates known)."""
    return ReportedBy(count, count, 0) if isinstance(count, int) else count


def below_documented(facts: Iterable[ClaimFact], documented: Mapping[str, ReportedBy | int | None]) -> list[Finding]:
    """Claims whose highest figure is below the persons sources had reported for their scope by their date (a
    charge), or only below what the list now holds up to that date (said as such, never as a charge)."""
    findings = []
    for fact in facts:
        known = _as_reported(documented.get(fact.key))
        if fact.top is None or known is None or known.now <= fact.top:
            continue
        place = place_label(fact.area)
        findings.append(_charge(fact, place, known) if known.reported > fact.top else _list_now(fact, place, known))
    return findings


def _implied(
    share: ClaimFact, totals: list[ClaimFact], estimate: StratumEstimate | None
) -> dict[str, float | None]:
    """The counts a share implies under each total claim and under the estimate and its interval."""
    ratio = share.share_percent / 100
    numbers: dict[str, float | None] = {"share_percent": share.share_percent}
    numbers |= {f"under:{t.key}": round(ratio * t.value, 1) for t in totals}
    if estimate is not None:
        numbers |= {
            "under:estimate": round(ratio * estimate.estimate, 1),
            "under:estimate_lower": round(ratio * estimate.lower, 1),
            "under:estimate_upper": round(ratio * estimate.upper, 1),
        }
    return numbers


def _same_scope_totals(share: ClaimFact, facts: list[ClaimFact]) -> list[ClaimFact]:
    """Counts of the share's metric, area and period that are not themselves about a subset."""
    return [
        f
        for f in facts
        if f.value is not None
        and f.subset is None
        and f.metric == share.metric
        and f.area == share.area
        and (f.start, f.end) == (share.start, share.end)
    ]


def _share_finding(share: ClaimFact, totals: list[ClaimFact], estimate: StratumEstimate | None) -> Finding:
    """The finding for one share: the counts it implies, in numbers and in words."""
    numbers = _implied(share, totals, estimate)
    implied = [f"{value:,.0f} under {name[6:]}" for name, value in numbers.items() if name[:6] == "under:"]
    described = "; ".join(implied) or "no total to apply it to"
    message = (f"{share.source} on {share.date}: {share.figure} of {share.metric} in {place_label(share.area)}: "
               f"{described}")
    return Finding("share_implied_counts", message, (share.key, *(t.key for t in totals)), numbers)


def share_implications(
    facts: Iterable[ClaimFact], estimates: Iterable[StratumEstimate] = ()
) -> list[Finding]:
    """A share stated without a total, turned into the count it implies under every other claim of its scope
    (same metric, area and period) and under the estimate for that stratum."""
    facts, estimates = list(facts), list(estimates)
    shares = [f for f in facts if f.share_percent is not None and f.value is None]
    return [
        _share_finding(
            share,
            _same_scope_totals(share, facts),
            estimate_for(estimates, share.area) if share.metric == "killed" else None,
        )
        for share in shares
    ]


def share_against_documented(session: Session, claims: Iterable[Claim]) -> list[Finding]:
    """Each share claim with a role or cause subset beside what the documented persons' sources assert."""
    from tollbook.claims.shares import compare_share, describe

    findings = []
    for claim in claims:
        found = compare_share(session, claim)
        if found is None:
            continue
        numbers: dict[str, float | int | None] = {"claimed_percent": found.claimed_percent, "persons": found.persons,
                                                  "unclassified": found.unclassified, "disputed": found.disputed}
        for item in found.by_claimant:
            numbers |= {f"{item.claimant}:classified": item.classified, f"{item.claimant}:share_percent":
                        item.share_percent}
        message = describe(found, claim.source, place_label(claim.scope_area), claim.date_stated)
        findings.append(Finding("share_vs_documented", message, (found.claim_key,), numbers))
    return findings


def run_checks(session: Session, estimates: Iterable[Any] | None = None) -> list[Finding]:
    """Every check over the current (not superseded) claims, with documented counts from the database."""
    claims = list_claims(session)
    facts = [fact_of(claim) for claim in claims]
    documented = {
        fact.key: claim_reported_by(session, claim) for fact, claim in zip(facts, claims, strict=True)
    }
    strata = as_estimates(estimates)
    return (
        series_going_down(facts)
        + breakdown_mismatches(facts)
        + below_documented(facts, documented)
        + share_implications(facts, strata)
        + share_against_documented(session, claims)
    )
