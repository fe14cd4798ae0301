"""Claims over time beside what the list documents and what the estimate says, for one metric and scope.

Two counts stand beside each claim, and they answer different questions:
- `documented`: persons (linked `Person`s through their current records) of the claim's scope whose date of
  death is on or before the claim's day — what the list *now* holds up to that date, whenever it learnt of them;
- `reported_by_then`: those of them some source had reported on or before the claim's day (a record's
  `reported_on`), with `report_dates_unknown` counting the persons none of whose records says when it was reported.
Only the second can show that a claimant was below what was known at the time.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.claims.fields import extra, figure, place_label
from tollbook.claims.ledger import list_claims
from tollbook.claims.rows import parse_metric
from tollbook.enums import Cause, ClaimMetric, Status
from tollbook.errors import TollbookError
from tollbook.model import Claim, Record
from tollbook.records import retracted_ids_query

STATUS_OF_METRIC = {
    ClaimMetric.KILLED: Status.KILLED,
    ClaimMetric.INJURED: Status.INJURED,
    ClaimMetric.ARRESTED: Status.DETAINED,
}
COUNTRY_STRATA = frozenset({"", "IR", "ALL", "TOTAL", "COUNTRY"})


@dataclass(frozen=True)
class StratumEstimate:
    """An estimate of the true number for one stratum (province code or country) and its 95% interval."""

    stratum: str
    estimate: float
    lower: float
    upper: float


def _field(item: Any, name: str) -> Any:
    """A field of a dict or an attribute of an object (estimates come as either)."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _has_numbers(item: Any) -> bool:
    """Whether an estimate has a finite point and interval (a stratum too thin to estimate has none)."""
    values = [_field(item, name) for name in ("estimate", "lower", "upper")]
    return all(value is not None and math.isfinite(float(value)) for value in values)


def as_estimates(items: Iterable[Any] | None) -> list[StratumEstimate]:
    """Estimates from dicts or objects with stratum, estimate, lower and upper (e.g. EstimateResult);
    strata without numbers are left out."""
    return [
        StratumEstimate(
            str(_field(i, "stratum") or "IR"),
            float(_field(i, "estimate")),
            float(_field(i, "lower")),
            float(_field(i, "upper")),
        )
        for i in items or []
        if _has_numbers(i)
    ]


def load_estimates(path: Path | str) -> list[StratumEstimate]:
    """Estimates from a JSON file: a list of objects with stratum, estimate, lower and upper."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return as_estimates(data if isinstance(data, list) else [data])
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise TollbookError(
            f"cannot read estimates from {path}: {exc}; give a JSON list of "
            '{"stratum": "IR-23", "estimate": 500, "lower": 420, "upper": 640} objects'
        ) from None


def estimate_for(estimates: Iterable[StratumEstimate], area: str) -> StratumEstimate | None:
    """The estimate whose stratum is the scope area; for `IR` also a stratum named all/total/country."""
    wanted = COUNTRY_STRATA if area.upper() == "IR" else {area.upper()}
    return next((e for e in estimates if e.stratum.upper() in wanted), None)


def documented_count(
    session: Session,
    metric: ClaimMetric,
    area: str,
    on_or_before: dt.date,
    since: dt.date | None = None,
    cause: Cause | None = None,
) -> int | None:
    """Unique persons of the scope (and cause, if given) with a current record of this metric dated on or
    before the day — whenever they were reported; None when the list does not hold the metric (cities, names)."""
    counts = reported_by(session, metric, area, on_or_before, since, cause)
    return None if counts is None else counts.now


@dataclass(frozen=True)
class ReportedBy:
    """Of the persons the list now holds for a scope up to a day: how many some source had reported by that day,
    and how many have no report date on any record (so whether they were known then cannot be said)."""

    now: int
    reported: int
    unknown: int

    @property
    def exact(self) -> bool:
        """True when every person's report date is known, so `reported` is the count known at the time."""
        return self.unknown == 0


def _scope_query(metric: ClaimMetric, area: str, on_or_before: dt.date, since: dt.date | None,
                 cause: Cause | None):  # noqa: ANN202 - a SQLAlchemy Select
    """(person id, reported_on) of current records of a scope, or None when the list does not hold the metric."""
    status = STATUS_OF_METRIC.get(metric)
    if status is None:
        return None
    newer = select(Record.supersedes_id).where(Record.supersedes_id.is_not(None))
    query = select(Record.person_id, Record.reported_on).where(
        Record.person_id.is_not(None), Record.id.not_in(newer), Record.id.not_in(retracted_ids_query()),
        Record.status == status, Record.date_of_death.is_not(None),
        func.coalesce(Record.date_of_death_end, Record.date_of_death) <= on_or_before)  # its whole period before
    query = query.where(Record.province_code == area.upper()) if area.upper() != "IR" else query
    query = query.where(Record.date_of_death >= since) if since is not None else query
    return query.where(Record.cause == cause) if cause is not None else query


def reported_by(session: Session, metric: ClaimMetric, area: str, died_by: dt.date, since: dt.date | None = None,
                cause: Cause | None = None, known_by: dt.date | None = None) -> ReportedBy | None:
    """Persons of the scope dead by `died_by`: all of them, those some source reported by `known_by` (default
    `died_by`), and those whose records give no report date; None when the list does not hold the metric."""
    query = _scope_query(metric, area, died_by, since, cause)
    if query is None:
        return None
    known_by = known_by or died_by
    dates: dict[int, list[dt.date | None]] = {}
    for person_id, reported_on in session.execute(query):
        dates.setdefault(person_id, []).append(reported_on)
    reported = {pid for pid, days in dates.items() if any(d is not None and d <= known_by for d in days)}
    unknown = {pid for pid, days in dates.items() if pid not in reported and None in days}
    return ReportedBy(len(dates), len(reported), len(unknown))


def claim_reported_by(session: Session, claim: Claim) -> ReportedBy | None:
    """`reported_by` for a claim's own scope, period and cause, as known on the day it was made."""
    subset = extra(claim, "subset")
    cause = subset_cause(subset) if subset else None
    if subset and cause is None:
        return None
    until = min(claim.date_stated, claim.scope_end) if claim.scope_end else claim.date_stated
    return reported_by(session, claim.metric, claim.scope_area, until, claim.scope_start, cause, claim.date_stated)


def claim_documented(session: Session, claim: Claim) -> int | None:
    """What the list now holds for a claim's own scope, period and cause up to its day; None for a subset the
    list cannot be narrowed to (anything but `cause=<a Cause value>`)."""
    counts = claim_reported_by(session, claim)
    return None if counts is None else counts.now


def subset_cause(subset: str) -> Cause | None:
    """The cause a `cause=<value>` subset names, or None for any other subset."""
    name, _, value = subset.partition("=")
    return Cause(value.strip()) if name.strip() == "cause" and value.strip() in set(Cause) else None


@dataclass(frozen=True)
class TimelinePoint:
    """One claim beside the documented count at its date and the estimate for its scope."""

    claim_key: str
    date: dt.date
    figure: str
    qualifier: str
    value: float
    value_high: float | None
    date_inferred: bool
    documented: int | None  # the list now holds, dead by the claim's date
    reported_by_then: int | None = None  # of those, reported by a source on or before the claim's date
    report_dates_unknown: int | None = None  # of those, with no report date on any record
    estimate: float | None = None
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class Timeline:
    """Each source's series of claims for one metric and scope, oldest first."""

    metric: str
    area: str
    series: dict[str, list[TimelinePoint]] = field(default_factory=dict)

    @property
    def area_label(self) -> str:
        """The scope with its name: "Tehran (IR-23)"."""
        return place_label(self.area)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates in ISO form."""
        series = {
            source: [asdict(p) | {"date": p.date.isoformat()} for p in points]
            for source, points in self.series.items()
        }
        return {"metric": self.metric, "area": self.area, "area_label": self.area_label, "series": series}

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per point, sources in order of their first claim (for tables)."""
        return [
            {"source": source} | asdict(point) for source, points in self.series.items() for point in points
        ]


def in_series(claim: Claim, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether a claim is a plain count of the whole scope and period (not a share nor a subset)."""
    return (
        claim.value is not None
        and extra(claim, "subset") is None
        and claim.scope_start == start
        and claim.scope_end == end
    )


def _point(session: Session, claim: Claim, estimate: StratumEstimate | None) -> TimelinePoint:
    """A timeline point for one claim."""
    numbers = (estimate.estimate, estimate.lower, estimate.upper) if estimate else (None, None, None)
    known = claim_reported_by(session, claim)
    return TimelinePoint(
        claim.claim_key or str(claim.id),
        claim.date_stated,
        figure(claim),
        claim.qualifier.value,
        float(claim.value or 0),
        claim.value_high,
        claim.date_inferred,
        known.now if known else None,
        known.reported if known else None,
        known.unknown if known else None,
        *numbers,
    )


def timeline(
    session: Session,
    metric: ClaimMetric | str,
    area: str = "IR",
    estimates: Iterable[Any] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Timeline:
    """Each source's claims of `metric` for `area` (and the period start–end, if given) with the documented
    count at each date and, for killings, the estimate for that stratum."""
    metric = parse_metric(metric)
    stratum = estimate_for(as_estimates(estimates), area) if metric is ClaimMetric.KILLED else None
    result = Timeline(metric.value, area.upper())
    for claim in list_claims(session, metric, area=area):
        if in_series(claim, start, end):
            result.series.setdefault(claim.source, []).append(_point(session, claim, stratum))
    return result
