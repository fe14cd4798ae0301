"""The timeline against a small database built here: documented counts by scope and date, and the estimate."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy.orm import Session

from tollbook.claims import ClaimDraft, add_claim, documented_count, timeline
from tollbook.claims.timeline import as_estimates, estimate_for
from tollbook.enums import ClaimMetric, Qualifier, Status
from tollbook.model import Person, Record, Source
from tollbook.records import revise_record

D = dt.date
_serial = itertools.count(1)


def record(
    session: Session,
    source: Source,
    person: Person | None,
    area: str,
    died: dt.date | None,
    status: Status = Status.KILLED,
) -> Record:
    """One victim record of `source`, linked to `person`."""
    n = next(_serial)
    row = Record(
        source_id=source.id,
        raw={"n": n},
        content_hash=f"h{n}",
        status=status,
        date_of_death=died,
        province_code=area,
        person_id=person.id if person else None,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def listed(session: Session) -> Session:
    """Seven persons over two lists: one on both lists, one injured, one undated, one re-dated by a revision;
    plus a record linked to no person."""
    one, two = Source(name="list one"), Source(name="list two")
    people = [Person(public_id=f"P{i}") for i in range(1, 8)]
    session.add_all([one, two, *people])
    session.flush()
    p1, p2, p3, p4, p5, p6, p7 = people
    record(session, one, p1, "IR-23", D(2019, 11, 16))
    record(session, two, p1, "IR-23", D(2019, 11, 16))  # same person on a second list: counts once
    record(session, one, p2, "IR-23", D(2019, 11, 20))
    record(session, one, p3, "IR-05", D(2019, 11, 17))
    record(session, two, p4, "IR-23", D(2019, 12, 10))
    record(session, one, p5, "IR-23", D(2019, 11, 16), Status.INJURED)
    record(session, one, None, "IR-23", D(2019, 11, 16))  # not linked to a person yet
    record(session, one, p7, "IR-23", None)  # no date of death
    old = record(session, two, p6, "IR-23", D(2019, 11, 16))
    revise_record(session, old.id, {"date_of_death": D(2019, 12, 20)}, actor="t", reason="date misread")
    return session


@pytest.mark.parametrize(
    ("area", "day", "expected"),
    [
        ("IR-23", D(2019, 11, 18), 1),
        ("IR-23", D(2019, 11, 25), 2),
        ("IR-23", D(2019, 12, 31), 4),
        ("IR", D(2019, 11, 18), 2),
        ("IR", D(2019, 12, 31), 5),
        ("IR-05", D(2019, 11, 16), 0),
    ],
)
def test_documented_count_is_unique_current_persons_by_scope_and_date(
    listed: Session, area: str, day: dt.date, expected: int
) -> None:
    assert documented_count(listed, ClaimMetric.KILLED, area, day) == expected


def test_documented_count_follows_the_metric(listed: Session) -> None:
    assert documented_count(listed, ClaimMetric.INJURED, "IR-23", D(2019, 12, 31)) == 1
    assert documented_count(listed, ClaimMetric.CITIES_AFFECTED, "IR", D(2019, 12, 31)) is None


def claim(source: str, day: dt.date, value: float, area: str = "IR-23", **extra: object) -> ClaimDraft:
    """A killed claim."""
    return ClaimDraft(
        source=source,
        date_stated=day,
        metric=ClaimMetric.KILLED,
        value=value,
        scope_area=area,
        qualifier=Qualifier.MORE_THAN,
        **extra,
    )


def test_timeline_gives_each_source_its_series_with_counts_and_the_estimate(listed: Session) -> None:
    for draft in [
        claim("A", D(2019, 11, 25), 20),
        claim("B", D(2019, 11, 18), 5),
        claim("A", D(2019, 12, 31), 40),
        claim("A", D(2019, 12, 1), 9, area="IR"),
        claim("A", D(2019, 12, 2), 3, subset="cause=beating"),
    ]:
        add_claim(listed, draft)
    estimates = [
        {"stratum": "IR", "estimate": 90, "lower": 70, "upper": 130},
        {"stratum": "IR-23", "estimate": 60, "lower": 45, "upper": 88},
    ]
    result = timeline(listed, "killed", "IR-23", estimates)
    assert list(result.series) == ["B", "A"]
    assert [(p.date, p.value, p.documented) for p in result.series["A"]] == [
        (D(2019, 11, 25), 20, 2),
        (D(2019, 12, 31), 40, 4),
    ]
    assert [(p.documented, p.estimate, p.lower, p.upper) for p in result.series["B"]] == [(1, 60, 45, 88)]
    assert result.as_dict()["series"]["A"][0]["date"] == "2019-11-25"


def test_estimates_match_their_stratum_and_accept_objects() -> None:
    class Result:  # the estimator's results carry these four attributes
        stratum, estimate, lower, upper = None, 1000.0, 900.0, 1300.0

    estimates = as_estimates([Result(), {"stratum": "IR-05", "estimate": 3, "lower": 2, "upper": 9}])
    assert estimate_for(estimates, "IR").estimate == 1000.0
    assert estimate_for(estimates, "ir-05").upper == 9
    assert estimate_for(estimates, "IR-23") is None


def test_strata_without_numbers_are_left_out() -> None:
    from tollbook.claims.timeline import as_estimates

    rows = [{"stratum": "IR-23", "estimate": 500, "lower": 420, "upper": 640},
            {"stratum": "IR-99", "estimate": None, "lower": None, "upper": None},
            {"stratum": "IR-98", "estimate": float("nan"), "lower": 1, "upper": 2}]
    assert [e.stratum for e in as_estimates(rows)] == ["IR-23"]
