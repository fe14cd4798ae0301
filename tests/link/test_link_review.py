"""Review a team can trust: the waterfall is the model's arithmetic, hand merges, splits and undos bind the
next run, persons are found in either script, and a second concurrent run is refused in one line."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from link_fixtures import import_lists
from sqlalchemy import Engine, select

from tollbook.enums import Verdict
from tollbook.errors import TollbookError
from tollbook.link import link_database
from tollbook.link.lock import LinkRunningError, hold_link_lock
from tollbook.link.person_view import person_view
from tollbook.link.persons import find_persons, merge_persons, split_person
from tollbook.link.review import decide, decision_rows, review_queue, scored_pairs, side_by_side, undo_decision
from tollbook.link.waterfall import link_waterfall, run_model
from tollbook.model import Link, Person, Record
from tollbook.store import open_engine, session_scope


def _person_of(session: object, record_id: int) -> str:
    record = session.get(Record, record_id)  # type: ignore[attr-defined]
    return record.person.public_id


def _level(model: dict, comparison: str, gamma: int) -> dict:
    entry = next(c for c in model["comparisons"] if c["output_column_name"] == comparison)
    levels = [level for level in entry["comparison_levels"] if not level.get("is_null_level")]
    return levels[len(levels) - 1 - gamma]


def test_waterfall_adds_up_to_the_stored_weight_and_uses_the_models_m_and_u(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        links = session.scalars(select(Link)).all()
        assert links and all(link.weights for link in links)
        model = run_model(session, links[0].run_id)
        for link in links:
            steps = link_waterfall(session, link)
            assert steps is not None
            assert steps.steps[-1].total == pytest.approx(link.match_weight, abs=1e-3)
            prior = model["probability_two_random_records_match"]
            assert steps.prior == pytest.approx(math.log2(prior / (1 - prior)))
            for step in steps.steps:  # comparisons without term frequencies weigh log2(m / u) of their level
                gamma = link.weights[step.comparison][0]
                if step.comparison in ("age", "sex", "date_of_death", "place") and gamma >= 0:
                    level = _level(model, step.comparison, gamma)
                    expected = math.log2(level["m_probability"] / level["u_probability"])
                    assert step.weight == pytest.approx(expected, abs=1e-4)
                    assert step.level == level["label_for_charts"] or step.level


def test_side_by_side_shows_latin_keys_beside_persian_names_and_public_ids(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session, threshold=0.999, review_lower=0.01)
        rows = [row for link in session.scalars(select(Link)) for row in side_by_side(session, link)]
    persian = [r.left for r in rows if r.field == "given_name" and not r.left.isascii()]
    assert persian and all(" · " in text and text.split(" · ")[1].isascii() for text in persian)
    assert all(r.left.startswith("P-") for r in rows if r.field == "person")


def test_merge_and_split_bind_the_next_run(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        persons = session.scalars(select(Person).where(Person.records.any())).all()
        records = {p.public_id: sorted(r.id for r in p.records) for p in persons}
        apart = [pid for pid, ids in records.items() if len(ids) == 1][:2]
        merge_persons(session, apart[0], apart[1], "same man: the family confirmed it", "ana")
    with session_scope(linked_engine) as session:
        link_database(session)
        a, b = records[apart[0]][0], records[apart[1]][0]
        assert _person_of(session, a) == _person_of(session, b)
        many = next(pid for pid, ids in records.items() if len(ids) >= 2 and pid not in apart)
        off = records[many][:1]
        done = split_person(session, many, off, "two men of one name", "ana")
        assert done.persons[1] != many
    with session_scope(linked_engine) as session:
        link_database(session)
        rest = records[many][1:]
        assert _person_of(session, off[0]) != _person_of(session, rest[0])


def test_split_refuses_records_of_another_person_and_a_missing_reason(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        person = session.scalars(select(Person).where(Person.records.any())).first()
        with pytest.raises(TollbookError, match="reason"):
            split_person(session, person.public_id, [person.records[0].id], " ", "ana")
        with pytest.raises(TollbookError, match="not current records"):
            split_person(session, person.public_id, [10**6], "why", "ana")


def test_undo_withdraws_a_non_match_and_the_next_run_links_the_pair_again(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        linked = session.scalars(select(Link).where(Link.match_probability >= 0.99)).first()
        a, b = linked.record_a_id, linked.record_b_id
        decide(session, a, b, Verdict.NON_MATCH, "ana")
    with session_scope(linked_engine) as session:
        link_database(session)
        assert _person_of(session, a) != _person_of(session, b)
        assert decision_rows(session)[0]["verdict"] == "non_match"
        undo_decision(session, "ana")
        assert decision_rows(session) == []
    with session_scope(linked_engine) as session:
        link_database(session)
        assert _person_of(session, a) == _person_of(session, b)
        with pytest.raises(TollbookError, match="no decision"):
            undo_decision(session, "ana")


def test_unsure_pairs_can_be_revisited(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session, threshold=0.999, review_lower=0.01)
        first = review_queue(session)[0]
        decide(session, first.record_a_id, first.record_b_id, Verdict.UNSURE, "ana")
        assert first not in review_queue(session)
        assert [(x.record_a_id, x.record_b_id) for x in review_queue(session, unsure=True)] == [
            (first.record_a_id, first.record_b_id)]
        assert all(0 <= p <= 1 for _, _, p in scored_pairs(session))


def test_persons_are_found_in_either_script(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        link_database(session)
        latin, persian = find_persons(session, "Mohammad Hosseini"), find_persons(session, "محمد حسینی")
        assert latin and set(latin) == set(persian)
        view = person_view(session, latin[0])
        assert {"record_id", "source", "source_record_id"} <= set(view.records[0])
        assert find_persons(session, "Hoseini")
        with pytest.raises(TollbookError):
            find_persons(session, "  ")


def test_a_second_concurrent_run_is_refused_in_one_line(db_url: str, list_files: list[Path]) -> None:
    from tollbook.store import migrate

    engine = open_engine(db_url)
    migrate(engine)
    import_lists(engine, list_files)
    other = open_engine(db_url)
    try:
        with session_scope(engine) as holder:
            hold_link_lock(holder)
            with session_scope(other) as session, pytest.raises(LinkRunningError, match="another `tollbook link`"):
                link_database(session)
        with session_scope(other) as session:  # released with the holder's transaction
            assert link_database(session).persons > 0
    finally:
        other.dispose()
        engine.dispose()


def _audit_problems(engine: Engine) -> list[str]:
    from tollbook.audit.verify import verify_audit

    with session_scope(engine) as session:
        return verify_audit(session).problems()


def test_merge_split_and_undo_are_covered_by_the_audit(linked_engine: Engine) -> None:
    """Each hand decision is checked right after it is made: the rows it wrote or removed are in the chain."""
    with session_scope(linked_engine) as session:
        link_database(session)
        persons = session.scalars(select(Person).where(Person.records.any())).all()
        records = {p.public_id: sorted(r.id for r in p.records) for p in persons}
        apart = [pid for pid, ids in records.items() if len(ids) == 1][:2]
        merge_persons(session, apart[0], apart[1], "same man: the family confirmed it", "ana")
    assert _audit_problems(linked_engine) == []
    with session_scope(linked_engine) as session:
        many = next(pid for pid, ids in records.items() if len(ids) >= 2 and pid not in apart)
        split_person(session, many, records[many][:1], "two men of one name", "ana")
    assert _audit_problems(linked_engine) == []
    with session_scope(linked_engine) as session:
        pending = session.scalars(select(Link).where(Link.in_review_queue.is_(True))).first()
        pair = (pending.record_a_id, pending.record_b_id) if pending else tuple(records[many][:2])
        decide(session, *pair, Verdict.UNSURE, "ana")
        undo_decision(session, "ana")
    assert _audit_problems(linked_engine) == []
