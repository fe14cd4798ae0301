"""The canary: every confidential field holds a unique marker, and no public output contains any of them."""

from __future__ import annotations

from pathlib import Path

from report_canary import MARK, fill_canary
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.model import (
    Bundle,
    ClassificationAssertion,
    Evidence,
    Record,
    RegisteredKey,
    ReviewDecision,
    Source,
    VerificationChange,
)
from tollbook.report import build_report, explain_number, gather_report, write_export
from tollbook.store import session_scope


def test_markers_are_in_the_database(canary_engine: Engine) -> None:
    """The canary is live: each kind of confidential field really holds its marker."""
    with session_scope(canary_engine) as session:
        record = session.scalars(select(Record)).first()
        held = [record.place_detail, record.notes, record.evidence_refs, str(record.raw), record.created_by,
                session.scalars(select(Source)).first().contact, session.scalars(select(Evidence)).one().captured_by,
                session.scalars(select(Bundle)).one().collector_key, record.person.verification_reason]
        held += [c.reviewer + c.reason for c in session.scalars(select(VerificationChange))]
        held += [k.label for k in session.scalars(select(RegisteredKey))]
        held += [d.reviewer + d.note for d in session.scalars(select(ReviewDecision))]
        held += [a.asserted_by + (a.basis or "") if a.asserter_kind == "reviewer" else a.basis
                 for a in session.scalars(select(ClassificationAssertion))]
    assert all(MARK in (value or "") for value in held), held


def test_no_public_output_holds_a_marker(canary_engine: Engine, tmp_path: Path) -> None:
    with session_scope(canary_engine) as session:
        public = build_report(session, tmp_path / "report", public=True)
        team = build_report(session, tmp_path / "team", public=False)
        write_export(session, tmp_path / "export")
        data = gather_report(session)
    explained = [explain_number(data, number.id, public=True) for number in data.book]
    outputs = {path: path.read_text(encoding="utf-8") for path in (tmp_path / "export").iterdir()}
    outputs |= {path: path.read_text(encoding="utf-8") for path in [*public.pages.values(), *team.pages.values()]}
    outputs |= {f"explain {e.number.id}": e.render() + str(e.as_dict()) for e in explained}
    assert len(explained) > 40 and all(len(text) > 0 for text in outputs.values())
    leaks = {str(where): text[text.index(MARK) - 40: text.index(MARK) + 40]
             for where, text in outputs.items() if MARK in text}
    assert leaks == {}


def test_no_public_cli_output_holds_a_marker(canary_engine: Engine, tmp_path: Path) -> None:
    env = {"TOLLBOOK_DB": str(canary_engine.url)}
    runs = [["report", "--out", str(tmp_path / "r")], ["export", "--public", "--out", str(tmp_path / "e")],
            ["explain", "--list"], ["explain", "documented"], ["explain", "--json", "documented"]]
    for args in runs:
        result = CliRunner().invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        assert MARK not in result.output
    written = [p.read_text(encoding="utf-8") for folder in ("r", "e") for p in (tmp_path / folder).iterdir()]
    assert written and not any(MARK in text for text in written)


def test_same_report_and_no_leak_on_every_engine(engine: Engine, tmp_path: Path) -> None:
    """The report and the export read SQLite and PostgreSQL alike (the `engine` fixture runs on both)."""
    fill_canary(engine, tmp_path)
    with session_scope(engine) as session:
        data = gather_report(session)
        files = build_report(session, tmp_path / "report", lang="en")
        export = write_export(session, tmp_path / "export")
    assert data.headline == {"documented": 6, "corroborated": 4, "verified": 1, "contested": 0}
    assert [r["count"] for r in data.overlap] == [4, 1, 1] and export.persons == 6
    texts = [files.index.read_text(encoding="utf-8")] + [p.read_text(encoding="utf-8") for p in export.paths]
    assert not any(MARK in text for text in texts)


def test_markup_in_the_data_is_escaped(canary_engine: Engine, tmp_path: Path) -> None:
    """A source name, a claim quote and a victim's name holding markup come out as text, never as markup."""
    from tollbook.model import Claim

    attack = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    with session_scope(canary_engine) as session:
        session.scalars(select(Source).where(Source.name == "alpha")).one().name = f"alpha{attack}"
        session.scalars(select(Claim)).one().quote = attack
    with session_scope(canary_engine) as session:
        files = build_report(session, tmp_path / "report")
    for page in files.pages.values():
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "<img" not in text and "&lt;script&gt;" in text
