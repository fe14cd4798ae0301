"""The report's claims: the largest public claims, each source's series over time, the whole ledger with quotes
and citations, and the consistency findings; every claimed value gets the id `claim.<key>`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from tollbook.claims import list_claims, run_checks, timeline
from tollbook.claims.fields import figure
from tollbook.enums import ClaimMetric
from tollbook.model import Claim, Estimate
from tollbook.report.numbers import Number, NumberBook, number_id


def claim_id(claim: Claim) -> str:
    """The report's id of a claim's number."""
    return number_id("claim", claim.claim_key or claim.id)


def ledger_rows(book: NumberBook, claims: Sequence[Claim]) -> list[dict[str, Any]]:
    """Every current claim in date order with its quote and citation (internal notes are left out)."""
    rows = []
    for claim in claims:
        how = f"what {claim.source} said on {claim.date_stated}: {figure(claim)} {claim.metric.value}"
        number = book.add(claim_id(claim), claim.value if claim.value is not None else claim.share_percent,
                          how, claims=[claim.claim_key or str(claim.id)])
        high = _part(book, number, "high", claim.value_high, f"high end of the range {how}")
        share = _part(book, number, "share", claim.share_percent if claim.value is not None else None,
                      f"the share (percent) {how}")
        rows.append({"id": number.id, "high_id": high, "share_id": share, "key": claim.claim_key,
                     "source": claim.source, "date": claim.date_stated.isoformat(),
                     "date_inferred": claim.date_inferred,
                     "metric": claim.metric.value, "qualifier": claim.qualifier.value, "value": claim.value,
                     "value_high": claim.value_high, "share_percent": claim.share_percent, "figure": figure(claim),
                     "area": claim.scope_area, "subset": claim.subset, "quote": claim.quote,
                     "citation": claim.citation, "url": claim.url})
    return rows


def _part(book: NumberBook, number: Number, part: str, value: float | None, how: str) -> str | None:
    """Register a further number of a claim (its range's high end, its share) and return its id."""
    return book.add(f"{number.id}.{part}", value, how, claims=number.claims).id if value is not None else None


def largest_claims(rows: Sequence[dict[str, Any]], limit: int = 3) -> list[dict[str, Any]]:
    """The country-wide killing claims with the highest figures, one per source."""
    country = [r for r in rows if r["metric"] == "killed" and r["area"] == "IR" and r["value"] is not None
               and not r["subset"]]
    best: dict[str, dict[str, Any]] = {}
    for row in sorted(country, key=lambda r: -(r["value_high"] or r["value"])):
        best.setdefault(row["source"], row)
    return list(best.values())[:limit]


def series_rows(book: NumberBook, session: Session, estimates: Sequence[Estimate] | None) -> list[dict[str, Any]]:
    """Each source's country-wide killing claims over time, as flat chart rows, with the documented count on
    each claim's day registered as `claim.<key>.documented`."""
    line = timeline(session, ClaimMetric.KILLED, "IR", estimates)
    rows = []
    for source, points in line.series.items():
        for point in points:
            id_ = number_id("claim", point.claim_key)
            documented = book.add(f"{id_}.documented", point.documented,
                                  f"unique persons with a current record of a killing in the claim's scope dated on "
                                  f"or before {point.date} (the day {source} made claim {point.claim_key})")
            rows.append({"source": source, "date": point.date.isoformat(), "value": point.value,
                         "figure": point.figure, "qualifier": point.qualifier, "documented": point.documented,
                         "id": id_, "documented_id": documented.id})
    return rows


def finding_rows(book: NumberBook, session: Session, estimates: Sequence[Estimate] | None,
                 ledger: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """The consistency checks' findings, each with an id of its own and one for each figure it names (a page in
    another language than the checks' English writes them from these), and the claim it is about first (its
    source and date, from the `ledger` rows)."""
    claims = {row["key"]: row for row in ledger}
    rows = []
    for index, finding in enumerate(run_checks(session, estimates), start=1):
        number = book.add(number_id("finding", index, finding.kind), len(finding.claim_keys),
                          f"{finding.message} (claims involved)", claims=finding.claim_keys)
        figures = [(name, book.add(number_id(number.id, name), value, f"{name.replace('_', ' ')}, a figure of "
                                   f"the finding: {finding.message}", claims=finding.claim_keys).id)
                   for name, value in finding.numbers.items()]
        about = next((claims[key] for key in finding.claim_keys if key in claims), {})
        rows.append({"id": number.id, "kind": finding.kind, "message": finding.message,
                     "claims": list(finding.claim_keys), "figures": figures, "source": about.get("source"),
                     "date": about.get("date")})
    return rows


def claims_section(book: NumberBook, session: Session, estimates: Sequence[Estimate] | None) -> dict[str, Any]:
    """Ledger, largest claims, series and findings in one mapping for the templates."""
    rows = ledger_rows(book, list_claims(session))
    return {"ledger": rows, "largest": largest_claims(rows), "series": series_rows(book, session, estimates),
            "findings": finding_rows(book, session, estimates, rows)}
