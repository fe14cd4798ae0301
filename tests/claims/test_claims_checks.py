"""Each consistency check on claims made up for the case, and `run_checks` against a small database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tollbook.claims import ClaimDraft, ClaimFact, add_claim, run_checks
from tollbook.claims.checks import (
    below_documented,
    breakdown_mismatches,
    series_going_down,
    share_implications,
)
from tollbook.claims.timeline import StratumEstimate
from tollbook.enums import Cause, ClaimMetric, Qualifier
from tollbook.model import Person, Record, Source

D = dt.date


def fact(
    key: str, day: dt.date, value: float | None, source: str = "S", area: str = "IR", **more: object
) -> ClaimFact:
    """A killed claim's facts."""
    fields = {"qualifier": "more_than", "value_high": None, "share_percent": None} | more
    return ClaimFact(key, source, day, "killed", value=value, area=area, figure=f"{value}", **fields)


def test_series_going_down_names_both_claims_and_the_drop() -> None:
    facts = [
        fact("a", D(2019, 11, 19), 200),
        fact("b", D(2019, 11, 26), 450),
        fact("c", D(2019, 12, 4), 300),
        fact("d", D(2019, 12, 5), 500),
        fact("other", D(2019, 12, 6), 100, source="T"),
    ]
    [finding] = series_going_down(facts)
    assert (finding.kind, finding.claim_keys) == ("series_down", ("b", "c"))
    assert finding.numbers == {"before": 450, "after": 300, "drop": 150}


def test_series_are_kept_apart_by_scope_period_and_subset_and_same_day_figures_do_not_count() -> None:
    facts = [
        fact("a", D(2019, 12, 1), 1500),
        fact("b", D(2019, 12, 2), 400, area="IR-23"),
        fact("c", D(2019, 12, 3), 4, subset="cause=beating"),
        fact("d", D(2019, 12, 3), 220, start=D(2019, 11, 16), end=D(2019, 11, 17)),
        fact("e", D(2019, 12, 9), 2000),
        fact("f", D(2019, 12, 9), 1600),
    ]
    assert series_going_down(facts) == []


def province_day(total: float, parts: list[float], source: str = "S") -> list[ClaimFact]:
    """One source's country total and province figures of one day."""
    areas = ["IR-23", "IR-05", "IR-07"]
    return [fact("total", D(2019, 12, 15), total, source)] + [
        fact(f"p{i}", D(2019, 12, 15), value, source, area=areas[i]) for i, value in enumerate(parts)
    ]


def test_breakdown_that_exceeds_the_total() -> None:
    [finding] = breakdown_mismatches(province_day(600, [400, 320]))
    assert finding.kind == "breakdown_exceeds_total"
    assert finding.numbers == {"total": 600, "parts_sum": 720, "difference": 120, "parts": 2}
    assert finding.claim_keys == ("total", "p0", "p1")


def test_breakdown_that_falls_short_and_one_that_adds_up() -> None:
    [short] = breakdown_mismatches(province_day(1000, [400, 320, 270]))
    assert (short.kind, short.numbers["difference"]) == ("breakdown_short_of_total", 10)
    assert breakdown_mismatches(province_day(990, [400, 320, 270])) == []
    other_source = province_day(1000, [], "S") + province_day(5, [400], "T")[1:]
    assert breakdown_mismatches(other_source) == []


def test_a_range_total_holds_parts_inside_it() -> None:
    facts = [fact("t", D(2019, 12, 15), 600, value_high=800)] + province_day(0, [400, 320])[1:]
    assert breakdown_mismatches(facts) == []


def test_below_documented_tells_a_contradiction_from_an_outdated_lower_bound() -> None:
    facts = [
        fact("low", D(2019, 12, 1), 200),
        fact("exact", D(2019, 12, 1), 250, qualifier="exactly"),
        fact("ok", D(2019, 12, 1), 400),
        fact("cities", D(2019, 12, 1), 5),
    ]
    found = below_documented(facts, {"low": 300, "exact": 300, "ok": 300, "cities": None})
    assert [(f.claim_keys, f.numbers["shortfall"]) for f in found] == [(("low",), 100), (("exact",), 50)]
    assert "already passed" in found[0].message and "contradicted" in found[1].message


def test_share_without_total_becomes_counts_under_other_claims_and_the_estimate() -> None:
    share = fact("share", D(2020, 1, 1), None, "Official", area="IR-23", share_percent=85)
    facts = [
        share,
        fact("mek", D(2019, 12, 15), 400, "MEK", area="IR-23"),
        fact("country", D(2019, 12, 15), 1500),
        fact("sub", D(2019, 12, 15), 50, area="IR-23", subset="cause=beating"),
    ]
    [finding] = share_implications(
        facts, [StratumEstimate("IR-23", 500, 420, 640), StratumEstimate("IR", 9, 9, 9)]
    )
    assert finding.claim_keys == ("share", "mek")
    assert finding.numbers == {
        "share_percent": 85,
        "under:mek": 340.0,
        "under:estimate": 425.0,
        "under:estimate_lower": 357.0,
        "under:estimate_upper": 544.0,
    }
    [alone] = share_implications([share])
    assert "no total" in alone.message and alone.claim_keys == ("share",)


def test_run_checks_counts_documented_persons_from_the_database(session: Session) -> None:
    source = Source(name="list")
    people = [Person(public_id=f"P{i}") for i in range(3)]
    session.add_all([source, *people])
    session.flush()
    for i, person in enumerate(people):
        session.add(
            Record(
                source_id=source.id,
                raw={},
                content_hash=f"h{i}",
                date_of_death=D(2019, 11, 16 + i),
                province_code="IR-23",
                person_id=person.id,
            )
        )
    session.flush()
    for key, value, day in [("early", 2, D(2019, 11, 17)), ("late", 2, D(2019, 11, 30))]:
        add_claim(
            session,
            ClaimDraft(
                source="S" + key,
                date_stated=day,
                metric=ClaimMetric.KILLED,
                value=value,
                scope_area="IR-23",
                qualifier=Qualifier.EXACTLY,
                claim_key=key,
            ),
        )
    [finding] = [f for f in run_checks(session) if f.kind == "below_list_now"]
    assert (finding.claim_keys, finding.numbers["documented"]) == (("late",), 3)
    assert "the list now holds 3 deaths up to that date" in finding.message and "already" not in finding.message
    assert "Tehran (IR-23)" in finding.message
    assert not [f for f in run_checks(session) if f.kind == "below_documented"]  # no report dates: no charge


def test_a_cause_subset_is_counted_by_cause_and_other_subsets_are_not_counted(session: Session) -> None:
    source = Source(name="list")
    people = [Person(public_id=f"P{i}") for i in range(3)]
    session.add_all([source, *people])
    session.flush()
    for i, (person, cause) in enumerate(
        zip(people, [Cause.BEATING, Cause.BEATING, Cause.TEAR_GAS], strict=True)
    ):
        session.add(
            Record(
                source_id=source.id,
                raw={},
                content_hash=f"h{i}",
                date_of_death=D(2019, 11, 17),
                cause=cause,
                person_id=person.id,
                province_code="IR-23",
            )
        )
    session.flush()
    for key, subset in [("beaten", "cause=beating"), ("children", "age=child")]:
        add_claim(
            session,
            ClaimDraft(
                source="S",
                date_stated=D(2019, 12, 1),
                metric=ClaimMetric.KILLED,
                value=1,
                subset=subset,
                claim_key=key,
            ),
        )
    [finding] = [f for f in run_checks(session) if f.kind == "below_list_now"]
    assert (finding.claim_keys, finding.numbers["documented"]) == (("beaten",), 2)


def test_a_charge_rests_on_report_dates_and_never_on_dates_of_death(session: Session) -> None:
    """NCRI's 'more than 200 on 2019-11-19' is below the list only if the list's persons had been reported by
    then: deaths of the 16th reported in December do not count against it."""
    source = Source(name="list")
    people = [Person(public_id=f"P{i}") for i in range(5)]
    session.add_all([source, *people])
    session.flush()
    reported = [D(2019, 11, 17), D(2019, 11, 18), D(2019, 11, 18), D(2019, 12, 20), None]
    for i, (person, day) in enumerate(zip(people, reported, strict=True)):
        session.add(Record(source_id=source.id, raw={}, content_hash=f"h{i}", date_of_death=D(2019, 11, 16),
                           province_code="IR-23", person_id=person.id, reported_on=day))
    session.flush()
    for key, value in [("two", 2), ("four", 4)]:
        add_claim(session, ClaimDraft(source="NCRI", date_stated=D(2019, 11, 19), metric=ClaimMetric.KILLED,
                                      value=value, scope_area="IR-23", qualifier=Qualifier.MORE_THAN,
                                      claim_key=key))
    findings = {f.claim_keys[0]: f for f in run_checks(session) if f.kind.startswith("below")}
    assert findings["two"].kind == "below_documented"
    assert findings["two"].numbers.items() >= {"reported_by_then": 3, "report_dates_unknown": 1,
                                               "documented": 5}.items()
    assert "3 persons of that scope had already been reported by then (1 more with no report date)" in \
        findings["two"].message
    assert findings["four"].kind == "below_list_now" and "already" not in findings["four"].message
    assert "the list now holds 5 deaths up to that date (3 of them reported by then, 1 reported later, 1 with no " \
        "report date)" in findings["four"].message
