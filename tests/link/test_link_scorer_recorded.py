"""Which scorer produced a linkage's scores is recorded: in the Clustering of link_frame, in LinkRun.summary()
and in link_database's audit event ("numpy", or "splink" with the reason when Splink's predict scored)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tollbook.link import link_database, link_frame
from tollbook.link import train as train_module
from tollbook.link.keys import build_keys
from tollbook.link.levels import UnknownLevelError
from tollbook.link.train import build_linker
from tollbook.model import AuditEvent
from tollbook.store import session_scope
from tollbook.synth import realistic_lists


def records() -> Any:
    return realistic_lists(1_500, 2).records.drop(columns=["truth"])


def test_a_frame_records_numpy_and_a_model_numpy_cannot_score_records_splink_and_why() -> None:
    frame = records()
    messages: list[str] = []
    trained = link_frame(frame, progress=messages.append)
    assert (trained.scorer, trained.scorer_reason) == ("numpy", None)
    assert not any("Splink's predict" in m for m in messages)
    model = json.loads(json.dumps(build_linker(build_keys(frame), "duckdb").misc.save_model_to_json(), default=str))
    model["comparisons"][0]["comparison_levels"][1]["m_probability"] = "level not observed in training dataset"
    messages.clear()
    saved = link_frame(frame, model=model, progress=messages.append)
    assert any("Splink's predict" in m for m in messages)  # the fallback, as it says
    assert saved.scorer == "splink" and "not observed" in saved.scorer_reason


def _audited(engine: Engine) -> dict[str, Any]:
    with session_scope(engine) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "link.run")).one()
        return json.loads(event.details) if isinstance(event.details, str) else event.details


def test_a_database_run_records_numpy_in_its_summary_and_audit(linked_engine: Engine) -> None:
    with session_scope(linked_engine) as session:
        run = link_database(session)
    assert run.summary()["scorer"] == "numpy" and "scorer_reason" not in run.summary()  # no empty row
    assert _audited(linked_engine)["scorer"] == "numpy"


def test_a_database_run_scored_by_splink_records_it_and_why(linked_engine: Engine,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def unknown(_model: dict[str, Any]) -> Any:
        raise UnknownLevelError("a level the NumPy scorer does not know: 'test'")

    monkeypatch.setattr(train_module, "model_spec", unknown)  # the NumPy scorer refuses every model
    messages: list[str] = []
    with session_scope(linked_engine) as session:
        run = link_database(session, progress=messages.append)
    assert any("Splink's predict" in m for m in messages)
    assert run.summary()["scorer"] == "splink" and "does not know" in run.summary()["scorer_reason"]
    audited = _audited(linked_engine)
    assert audited["scorer"] == "splink" and "does not know" in audited["scorer_reason"]
