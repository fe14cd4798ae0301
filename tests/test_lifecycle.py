"""Record lifecycle: add by hand, correct by revision, retract with a reason, history; imports list/retract/reparse.
Nothing is deleted, every step is audited, and retracted records leave linkage's and estimates' inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tollbook.audit import verify_chain
from tollbook.errors import TollbookError
from tollbook.imports import list_imports, reparse_import, retract_import
from tollbook.ingest import ColumnMapping, import_file
from tollbook.model import AuditEvent, Record
from tollbook.records import (
    add_record,
    correct_record,
    current_records_query,
    list_records,
    record_history,
    record_row,
    retract_record,
    retraction_of,
)
from tollbook.status import database_status
from tollbook.store import session_scope


def test_add_validates_like_an_import(engine: Engine) -> None:
    with session_scope(engine) as session:
        result = add_record(session, "field", {"given_name": "زهرا", "family_name": "کریمی", "age": "حدود ۳۰",
                                               "date_of_death": "۲۶ آبان ۹۸", "city": "مرودشت", "province": "فارس"},
                            actor="documenter", reason="testimony")
        record = result.record
        assert (record.age_low, record.age_approximate, record.date_of_death) == (30, True, dt.date(2019, 11, 17))
        assert record.province_code == "IR-07" and record.city_code and result.warnings == ()
        with pytest.raises(TollbookError, match="date_of_death: .*month 13"):
            add_record(session, "field", {"given_name": "Ali", "date_of_death": "1398/13/01"}, actor="d")
        with pytest.raises(TollbookError, match="needs a name"):
            add_record(session, "field", {"age": "20"}, actor="d")
        warned = add_record(session, "field", {"given_name": "Reza", "age": "young"}, actor="d")
        assert warned.record.age is None and "age" in warned.warnings[0]


def test_correct_retract_and_history(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = add_record(session, "field", {"record_id": "F-1", "given_name": "Ali", "family_name": "Rezaei",
                                              "age": "24", "date_of_death": "آبان ۱۳۹۸"}, actor="a").record.id
    with session_scope(engine) as session:
        second = correct_record(session, first, {"age": "25", "city": "Karaj"}, actor="b", reason="family says 25")
        second_id = second.record.id
        assert (second.record.age, second.record.city_code is not None, second.record.revision) == (25, True, 2)
        assert second.record.date_precision.value == "month"  # untouched fields keep their precision
        with pytest.raises(TollbookError, match="already revised"):
            correct_record(session, first, {"age": "26"}, actor="b", reason="x")
        with pytest.raises(TollbookError, match="changes nothing"):
            correct_record(session, second_id, {"age": "25"}, actor="b", reason="x")
        with pytest.raises(TollbookError, match="over 120"):  # refused, not stored as an unknown age
            correct_record(session, second_id, {"age": "۲۵۰"}, actor="b", reason="typo")
        with pytest.raises(TollbookError, match="needs a reason"):
            retract_record(session, second_id, actor="c", reason=" ")
        retract_record(session, second_id, actor="c", reason="a duplicate of F-9")
    with session_scope(engine) as session:
        assert list_records(session) == [] and database_status(session)["records"] == 0
        shown = [record_row(r, retraction=retraction_of(session, r.id))
                 for r in list_records(session, include_retracted=True)]
        assert shown[0]["retracted"].endswith("by c: a duplicate of F-9")
        assert shown[0]["date_of_death"] == "Aban 1398 (month)"
        steps = record_history(session, first)
        assert [(s.action, s.actor, s.reason) for s in steps] == [
            ("added", "a", None), ("corrected", "b", "family says 25"), ("retracted", "c", "a duplicate of F-9")]
        assert steps[1].changes == {"age": 25, "age_low": 25, "age_high": 25, "city": "Karaj",
                                    "city_code": steps[1].changes["city_code"], "province_code": "IR-30"}
        with pytest.raises(TollbookError, match="retracted"):
            correct_record(session, second_id, {"age": "26"}, actor="b", reason="x")
        assert session.scalar(select(func.count()).select_from(Record)) == 2  # nothing deleted
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert actions[-3:] == ["record.add", "record.revise", "record.retract"]
        assert verify_chain(session).ok


def test_correcting_an_imported_record_keeps_role_report_day_and_date_as_written(engine: Engine,
                                                                                   tmp_path: Path) -> None:
    path = tmp_path / "roles.csv"
    path.write_text("record_id,given_name,family_name,age,role,reported_on,date_of_death\n"
                    "R1,علی,کریمی,23,معترض,1398-09-10,شنبه ۲۵ آبان ۱۳۹۸\n", encoding="utf-8")
    with session_scope(engine) as session:
        import_file(session, path, "ngo")
        old = list_records(session)[0]
        new = correct_record(session, old.id, {"age": "24"}, actor="b", reason="family says 24").record
        assert (new.age, new.role.value, new.reported_on) == (24, "protester", dt.date(2019, 12, 1))
        assert (new.date_text, new.date_of_death) == ("شنبه ۲۵ آبان ۱۳۹۸", dt.date(2019, 11, 16))
        assert record_history(session, new.id)[-1].changes == {"age": 24, "age_low": 24, "age_high": 24}


def _import(engine: Engine, tmp_path: Path, body: str, mapping: ColumnMapping | None = None) -> int:
    path = tmp_path / "list.csv"
    path.write_text("ID,Name,Surname,Years,Town\n" + body, encoding="utf-8")
    with session_scope(engine) as session:
        return import_file(session, path, "ngo", mapping=mapping).batch_id  # type: ignore[return-value]


def test_imports_list_retract_and_reparse(engine: Engine, tmp_path: Path) -> None:
    wrong = ColumnMapping({"record_id": "ID", "given_name": "Name", "family_name": "Surname"})
    batch = _import(engine, tmp_path, "h1,Ali,Rezaei,24,Karaj\nh2,Reza,Karimi,31,Shiraz\nh3,Sara,Ahmadi,abc,Qom\n",
                    wrong)
    with session_scope(engine) as session:
        assert [(b.id, b.rows_imported, b.retracted) for b in list_imports(session)] == [(batch, 3, 0)]
        report = reparse_import(session, batch, ColumnMapping(wrong.columns | {"age": "Years", "city": "Town"}),
                                actor="fixer")
        assert (report.revised, report.unchanged, report.failed) == (3, 0, 0)  # "abc": a warning, age unknown
        ages = sorted((r.source_record_id, r.age) for r in list_records(session))
        assert ages == [("h1", 24), ("h2", 31), ("h3", None)]
        again = reparse_import(session, batch, ColumnMapping(wrong.columns | {"age": "Years", "city": "Town"}),
                               actor="fixer")
        assert (again.revised, again.unchanged) == (0, 3)
    with session_scope(engine) as session:
        assert retract_import(session, batch, actor="lead", reason="the partner withdrew the list") == 3
        assert list_records(session) == []
        assert session.scalars(current_records_query(include_retracted=True)).all() != []
        assert [b.retracted for b in list_imports(session)] == [3]
        with pytest.raises(TollbookError, match="no current records left"):
            retract_import(session, batch, actor="lead", reason="again")


def test_retracted_records_leave_linkage_and_estimates(engine: Engine) -> None:
    from tollbook.link.store import records_frame

    with session_scope(engine) as session:
        keep = add_record(session, "a", {"given_name": "Ali", "family_name": "Rezaei"}, actor="x").record.id
        gone = add_record(session, "a", {"given_name": "Reza", "family_name": "Karimi"}, actor="x").record.id
        retract_record(session, gone, actor="x", reason="not a victim: alive, per family")
    with session_scope(engine) as session:
        assert records_frame(session)["record_id"].tolist() == [keep]


def test_every_lifecycle_write_is_covered_by_the_audit(engine: Engine, tmp_path: Path) -> None:
    from tollbook.audit import row_findings

    batch = _import(engine, tmp_path, "h1,Ali,Rezaei,24,Karaj\nh2,Reza,Karimi,31,Shiraz\n")
    path = tmp_path / "v2.csv"
    path.write_text("ID,Name,Surname,Years,Town\nh1,Ali,Rezaei,25,Karaj\nh3,Sara,Ahmadi,20,Qom\n", encoding="utf-8")
    with session_scope(engine) as session:
        assert import_file(session, path, "ngo").revised == 1
    with session_scope(engine) as session:
        added = add_record(session, "field", {"given_name": "زهرا", "age": "۶ ماهه"}, actor="d").record.id
        fixed = correct_record(session, added, {"family_name": "کریمی"}, actor="d", reason="spelling").record.id
        retract_record(session, fixed, actor="d", reason="duplicate")
        reparse_import(session, batch, ColumnMapping({"record_id": "ID", "given_name": "Name",
                                                      "family_name": "Surname"}), actor="d")
        retract_import(session, batch, actor="d", reason="withdrawn")
    with session_scope(engine) as session:
        checked, findings = row_findings(session)
        assert checked > 10 and [f.message() for f in findings] == []
        assert verify_chain(session).ok


def test_two_corrections_racing_on_one_record_leave_one_revision_and_say_so(engine: Engine, monkeypatch) -> None:
    import tollbook.records

    with session_scope(engine) as session:
        first = add_record(session, "field", {"given_name": "Ali", "age": "24"}, actor="a").record.id
    with session_scope(engine) as session:
        correct_record(session, first, {"age": "25"}, actor="b", reason="certificate")
    monkeypatch.setattr(tollbook.records, "require_current", lambda session, record: None)  # both passed the check
    with pytest.raises(TollbookError, match="revised by another write at the same moment"), \
            session_scope(engine) as session:
        correct_record(session, first, {"age": "26"}, actor="c", reason="testimony")
    with session_scope(engine) as session:
        assert [r.age for r in list_records(session)] == [25]
