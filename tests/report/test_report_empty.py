"""A report of a database with nothing linked yet is written, says what is missing, and invents nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tollbook.report import build_report
from tollbook.store import migrate, open_engine, session_scope


def test_report_of_an_empty_database(tmp_path: Path) -> None:
    engine: Engine = open_engine(f"sqlite:///{tmp_path}/empty.db")
    try:
        migrate(engine)
        with session_scope(engine) as session:
            files = build_report(session, tmp_path / "report")
    finally:
        engine.dispose()
    english = files.pages["en"].read_text(encoding="utf-8")
    assert 'data-id="documented">0</a>' in english
    assert "No estimate has been saved yet" in english
    assert "estimate.total" not in files.data.book and files.data.days == [] and files.data.overlap == []
    assert "هنوز برآوردی ذخیره نشده است" in files.pages["fa"].read_text(encoding="utf-8")
