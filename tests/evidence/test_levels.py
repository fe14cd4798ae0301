"""Verification levels: computed from independence groups, set by reviewers on evidence, every change audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from tollbook.audit import verify_chain
from tollbook.errors import TollbookError
from tollbook.evidence import EvidenceStore, add_evidence, level_counts, set_level, verification_history
from tollbook.evidence.items import EvidenceInput, find_person
from tollbook.evidence.levels import computed_level, level_of
from tollbook.model import AuditEvent
from tollbook.store import session_scope


def test_two_sources_of_one_network_do_not_corroborate(people: Engine) -> None:
    with session_scope(people) as session:
        assert level_of(session, find_person(session, "P-1")).value == "reported"  # Network + its mirror
        assert level_of(session, find_person(session, "P-2")).value == "corroborated"  # NGO + Network
        assert computed_level(["a", "a"]).value == "reported" and computed_level(["a", "b"]).value == "corroborated"
        assert level_counts(session) == {"reported": 2, "corroborated": 1, "verified": 0, "contested": 0,
                                         "discounted": 0}


def test_verified_needs_evidence_of_that_person(people: Engine, store: EvidenceStore, files: dict) -> None:
    with session_scope(people) as session:
        with pytest.raises(TollbookError, match="at least one evidence item.*has none"):
            set_level(session, "P-1", "verified", "rev", "seen the video")
        mine = add_evidence(session, store, files["video"], EvidenceInput("video"), public_id="P-1")
        other = add_evidence(session, store, files["photo"], EvidenceInput("photo"), public_id="P-2")
        with pytest.raises(TollbookError, match=f"items are \\[{mine.id}\\]"):
            set_level(session, "P-1", "verified", "rev", "seen the video")
        with pytest.raises(TollbookError, match="not attached to P-1"):
            set_level(session, "P-1", "verified", "rev", "seen the video", [other.id])
        change = set_level(session, "P-1", "verified", "rev", "video of the body, face visible", [mine.id])
        assert (change.previous.value, change.level.value, change.evidence_ids) == ("reported", "verified",
                                                                                    [mine.id])
        assert level_counts(session)["verified"] == 1


@pytest.mark.parametrize(("level", "reviewer", "reason", "message"), [
    ("corroborated", "rev", "x", "computed from the records"), ("reported", "rev", "x", "--level computed"),
    ("certain", "rev", "x", "unknown level"), ("contested", "", "x", "who reviews"),
    ("discounted", "rev", "  ", "say why")])
def test_refusals(people: Engine, level: str, reviewer: str, reason: str, message: str) -> None:
    with session_scope(people) as session, pytest.raises(TollbookError, match=message):
        set_level(session, "P-2", level, reviewer, reason)


def test_contest_discount_withdraw_are_all_kept_and_audited(people: Engine) -> None:
    with session_scope(people) as session:
        set_level(session, "P-2", "contested", "rev A", "family says he survived")
        set_level(session, "P-2", "discounted", "rev B", "seen alive in Evin prison, 2020-01-10")
        set_level(session, "P-2", "computed", "rev B", "the report of survival was a namesake")
        history = verification_history(session, "P-2")
        events = [json.loads(e.details) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert verify_chain(session).ok
    assert [(h.previous, h.level, h.reviewer) for h in history] == [
        ("corroborated", "contested", "rev A"), ("contested", "discounted", "rev B"),
        ("discounted", "corroborated", "rev B")]
    assert [e["level"] for e in events] == ["contested", "discounted", "corroborated"]
    assert events[1]["reason"] == "seen alive in Evin prison, 2020-01-10"


def test_evidence_verify_names_the_grades_resting_on_a_damaged_file(people: Engine, store: EvidenceStore,
                                                                     files: dict) -> None:
    from tollbook.evidence import verify_store

    with session_scope(people) as session:
        item = add_evidence(session, store, files["video"], EvidenceInput("video"), public_id="P-1")
        set_level(session, "P-1", "verified", "rev", "video reviewed", [item.id])
        store.path_of(item.sha256).unlink()
        report = verify_store(session, store)
    assert report.missing[0]["verified_persons"] == ["P-1"]
