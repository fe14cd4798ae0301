"""Linking a database: persons written, ids stable across runs, decisions respected, runs and decisions audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from link_fixtures import import_lists, labelled
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tollbook.enums import Verification
from tollbook.errors import TollbookError
from tollbook.link import decide, link_database, review_queue
from tollbook.link.review import constraints
from tollbook.model import AuditEvent, Link, Person, Record, Source
from tollbook.records import revise_record
from tollbook.store import migrate, open_engine, session_scope


def _person_of(session: Session) -> dict[tuple[str, str], str]:
    """(source, record id in the source) -> public id of its person."""
    rows = session.execute(select(Source.name, Record.source_record_id, Person.public_id)
                           .join(Source, Source.id == Record.source_id).join(Person, Person.id == Record.person_id))
    return {(s, r): p for s, r, p in rows}


def _record_id(session: Session, source_record_id: str) -> int:
    return session.scalar(select(Record.id).where(Record.source_record_id == source_record_id))


def test_link_writes_the_true_persons_and_audits_the_run(engine: Engine, list_files: list[Path]) -> None:
    import_lists(engine, list_files)
    with session_scope(engine) as session:
        run = link_database(session, threshold=0.9, actor="tester")
    truth = labelled()
    with session_scope(engine) as session:
        person = _person_of(session)
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "link.run")).all()
        corroborated = session.scalar(select(func.count()).select_from(Person)
                                      .where(Person.verification == Verification.CORROBORATED))
    assert run.records == len(truth) and run.persons == truth["truth"].nunique() == len(set(person.values()))
    for _, group in truth.groupby("truth"):
        assert len({person[(s, r)] for s, r in zip(group["source"], group["record_id"], strict=True)}) == 1
    assert len(events) == 1 and events[0].object_id == run.run_id and '"comparisons"' in events[0].details
    assert corroborated == sum(g["source"].nunique() >= 2 for _, g in truth.groupby("truth"))


def test_rerun_keeps_every_id_when_nothing_changed(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        before = _person_of(session)
    with session_scope(linked_engine) as session:
        run = link_database(session)
        after = _person_of(session)
    assert before == after and run.ids_kept == run.persons and run.ids_new == 0


def test_new_record_joins_an_existing_person_who_keeps_the_id(linked_engine: Engine, tmp_path: Path) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        old_id = _person_of(session)[("ngo", "g5")]
    extra = tmp_path / "family.csv"
    extra.write_text("record_id,given_name,family_name,sex,age,date_of_death,province,city\n"
                     "f1,Zahra,Ahmadi,female,28,2019-11-16,Fars,Shiraz\n", encoding="utf-8")
    import_lists(linked_engine, [extra])
    with session_scope(linked_engine) as session:
        run = link_database(session)
        person = _person_of(session)
    assert person[("family", "f1")] == person[("ngo", "g5")] == old_id
    assert run.ids_inherited == 1


def test_a_revised_record_is_linked_by_its_latest_revision(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        revise_record(session, _record_id(session, "m12"), {"given_name": "Zahra", "family_name": "Ahmadi",
                                                           "father_name": "Yousef", "age": 28,
                                                           "province_code": "IR-07", "city_code": None,
                                                           "date_of_death": None}, "tester", "wrong row")
    with session_scope(linked_engine) as session:
        run = link_database(session)
        n5 = session.scalar(select(Record.person_id).where(Record.source_record_id == "n5"))
        revised = session.scalar(select(Record.person_id).where(Record.source_record_id == "m12",
                                                                Record.revision == 2))
    assert run.records == len(labelled()) and revised == n5


def test_non_match_decision_splits_and_match_decision_joins(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        n1, g1, m1 = (_record_id(session, r) for r in ("n1", "g1", "m1"))
        decide(session, n1, g1, "non_match", "reviewer")
        decide(session, m1, n1, "match", "reviewer")
    with session_scope(linked_engine) as session:
        link_database(session)
        person = {r: session.scalar(select(Record.person_id).where(Record.id == r)) for r in (n1, g1, m1)}
        assert constraints(session) == ([(min(n1, m1), max(n1, m1))], [(min(n1, g1), max(n1, g1))])
        decisions = session.scalars(select(AuditEvent).where(AuditEvent.action == "review.decide")).all()
    assert person[n1] != person[g1] and person[n1] == person[m1]
    assert len(decisions) == 2


def test_queue_holds_pairs_between_thresholds_and_drops_decided_ones(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session, threshold=0.999, review_lower=0.5)
        queue = review_queue(session)
        assert queue and all(0.5 <= link.match_probability < 0.999 for link in queue)
        decide(session, queue[0].record_a_id, queue[0].record_b_id, "unsure", "reviewer")
        assert len(review_queue(session)) == len(queue) - 1
    with session_scope(linked_engine) as session:
        link_database(session, threshold=0.999, review_lower=0.5)
        pairs = {(link.record_a_id, link.record_b_id) for link in review_queue(session)}
        stale = session.scalar(select(func.count()).select_from(Link).where(Link.in_review_queue.is_(True)))
    assert (queue[0].record_a_id, queue[0].record_b_id) not in pairs and stale == len(pairs)


def test_link_on_an_empty_database_says_what_to_do(sqlite_url: str) -> None:
    engine = open_engine(sqlite_url)
    migrate(engine)
    with pytest.raises(TollbookError, match="import some lists"), session_scope(engine) as session:
        link_database(session)
    engine.dispose()


def test_a_decision_holds_for_the_latest_revision_of_its_records(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        n1, g1 = _record_id(session, "n1"), _record_id(session, "g1")
        decide(session, n1, g1, "non_match", "reviewer")
        revised = revise_record(session, g1, {"age": 25}, "tester", "age was misread").id
    with session_scope(linked_engine) as session:
        link_database(session)
        first = session.scalar(select(Record.person_id).where(Record.id == n1))
        second = session.scalar(select(Record.person_id).where(Record.id == revised))
        assert constraints(session)[1] == [(min(n1, revised), max(n1, revised))]
    assert first != second
