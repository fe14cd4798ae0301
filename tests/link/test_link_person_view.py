"""The accepted-value rule (verified first, then agreement, then the most recent) and capture histories."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from link_fixtures import labelled
from sqlalchemy import Engine, select

from tollbook.errors import TollbookError
from tollbook.link import capture_histories, link_database, person_view
from tollbook.link.person_view import Claimed, accept
from tollbook.model import Person, Record, Source
from tollbook.store import session_scope

T0 = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _claim(value: object, record_id: int, verified: bool = False, days: int = 0) -> Claimed:
    return Claimed(value, f"s{record_id}", record_id, verified, T0 + dt.timedelta(days=days))


def test_a_verified_value_wins_over_a_majority() -> None:
    value, reason = accept("age", [_claim(24, 1), _claim(24, 2), _claim(25, 3, verified=True)])
    assert value == 25 and "verified" in reason


def test_agreement_wins_over_recency() -> None:
    value, reason = accept("age", [_claim(24, 1), _claim(24, 2), _claim(30, 3, days=9)])
    assert value == 24 and reason == "given by 2 of 3 records"


def test_a_tie_goes_to_the_most_recent_record() -> None:
    value, reason = accept("age", [_claim(24, 1, days=5), _claim(30, 2, days=1)])
    assert value == 24 and "most recent" in reason


def test_names_agree_by_canonical_form_across_scripts() -> None:
    value, reason = accept("family_name", [_claim("حسینی", 1), _claim("Husseini", 2), _claim("Karimi", 3, days=9)])
    assert value in ("حسینی", "Husseini") and reason == "given by 2 of 3 records"


def test_no_value_is_dropped_and_differing_ones_are_alternatives(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        person = session.scalars(select(Person).where(Person.records.any(source_record_id="m15"))).one()
        view = person_view(session, person.public_id)
    ages = view.fields["age"]
    assert sorted(c.value for c in ages.values) == [23, 23, 24]
    assert [(c.value, c.source) for c in ages.alternatives] == [(24, "media")]
    assert view.accepted("city_code") is not None and view.to_dict()["rule"].startswith("verified")


def test_a_source_named_verified_decides(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        person = session.scalars(select(Person).where(Person.records.any(source_record_id="m15"))).one()
        assert person_view(session, person.public_id, verified_sources=["media"]).accepted("age") == 24


def test_capture_histories_count_each_person_once_per_pattern(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        histories = capture_histories(session)
    table = histories["all"]
    assert list(table.columns) == ["media", "network", "ngo", "count"]
    found = {tuple(row[:3]): row[3] for row in table.itertuples(index=False)}
    truth = Counter(tuple(int(s in set(g)) for s in ("media", "network", "ngo"))
                    for _, g in labelled().groupby("truth")["source"])
    assert found == dict(truth)


def test_capture_histories_by_province_and_merged_groups(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        for source in session.scalars(select(Source).where(Source.name.in_(["ngo", "media"]))):
            source.independence_group = "press"
        link_database(session)
        by_province = capture_histories(session, by="province")
        by_week = capture_histories(session, by="period", merge_groups=False)
    assert by_province["IR-23"]["count"].sum() == 5  # Tehran province: p01, p02, p08, p12, p15
    assert list(by_province["IR-23"].columns) == ["network", "press", "count", "province"]
    assert set(by_province["IR-23"]["province"]) == {"IR-23"}
    assert set(by_week) == {"2019-W46", "2019-W47"} and sum(t["count"].sum() for t in by_week.values()) == 15


def test_capture_histories_need_linked_persons_and_a_known_stratum(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        with pytest.raises(TollbookError, match="tollbook link"):
            capture_histories(session)
        link_database(session)
        with pytest.raises(TollbookError, match="unknown stratification"):
            capture_histories(session, by="colour")
        assert session.scalar(select(Record.person_id).limit(1)) is not None
