"""Every row is a report: distinct ids are distinct records, the same id again is a no-op or a revision, rows
without ids are known by their exact raw content; lists imported twice under two names are named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tollbook.ingest import ColumnMapping, ImportReport, import_file
from tollbook.ingest.mapping import MappingError
from tollbook.model import ImportBatch, Record, Source
from tollbook.records import list_records, record_history
from tollbook.store import session_scope

HEADER = "record_id,given_name,family_name,age,date_of_death,province,city\n"


def run(engine: Engine, path: Path, source: str = "network", **kwargs) -> ImportReport:
    with session_scope(engine) as session:
        return import_file(session, path, source, **kwargs)


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def records(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(Record))


def test_distinct_ids_with_equal_content_are_distinct_records(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "n1,علی,رضایی,24,1398/08/25,تهران,تهران\n"
                                    "n2,علی,رضایی,24,1398/08/25,تهران,تهران\n"
                                    "n3,علي,رضايي,24,1398/08/25,تهران,تهران\n")  # Arabic ي: the same after normalising
    report = run(engine, path)
    assert (report.imported, report.duplicates) == (3, 0) and records(engine) == 3


def test_without_ids_exact_raw_content_decides(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "noid.csv"
    path.write_text("given_name,family_name,age\nعلی,رضایی,24\nعلي,رضايي,24\nعلی,رضایی,24\n", encoding="utf-8")
    report = run(engine, path)
    assert (report.imported, report.duplicates) == (2, 1)
    assert [i.row for i in report.issues if i.severity == "duplicate"] == [4]


def test_same_id_same_content_is_a_no_op_and_changed_content_a_revision(engine: Engine, tmp_path: Path) -> None:
    run(engine, write(tmp_path, "v1.csv", "n1,Ali,Rezaei,24,2019-11-16,Tehran,Tehran\n"
                                          "n2,Reza,Karimi,30,2019-11-17,Fars,Shiraz\n"))
    fixed = run(engine, write(tmp_path, "v2.csv", "n1,Ali,Rezaei,25,2019-11-16,Tehran,Tehran\n"
                                                  "n2,Reza,Karimi,30,2019-11-17,Fars,Shiraz\n"
                                                  "n3,Zahra,Ahmadi,19,2019-11-18,Alborz,Karaj\n"))
    assert (fixed.imported, fixed.revised, fixed.duplicates) == (1, 1, 1)
    assert [i.reason for i in fixed.issues if i.severity == "revised"] == ["record 'n1' changed: added as revision 2"]
    with session_scope(engine) as session:
        current = {r.source_record_id: r for r in list_records(session)}
        assert (current["n1"].age, current["n1"].revision) == (25, 2) and len(current) == 3
        assert [s.action for s in record_history(session, current["n1"].id)] == ["imported", "revised by import"]
        assert session.scalar(select(func.count()).select_from(Record)) == 4  # the first n1 is kept
    again = run(engine, write(tmp_path, "v3.csv", "n1,Ali,Rezaei,25,2019-11-16,Tehran,Tehran\n"))
    assert (again.imported, again.revised, again.duplicates) == (0, 0, 1)


def test_one_id_twice_in_a_file_with_other_content_is_named(engine: Engine, tmp_path: Path) -> None:
    report = run(engine, write(tmp_path, "clash.csv", "n1,Ali,Rezaei,24,,,\nn1,Ali,Rezaei,24,,,\n"
                                                      "n1,Reza,Karimi,30,,,\n"))
    assert (report.imported, report.duplicates, report.failed) == (1, 1, 1)
    assert "also row 2 of this file, with other content" in report.errors[0].reason


def test_dry_run_writes_nothing_and_says_what_would_happen(engine: Engine, tmp_path: Path) -> None:
    run(engine, write(tmp_path, "v1.csv", "n1,Ali,Rezaei,24,,,\n"))
    report = run(engine, write(tmp_path, "v2.csv", "n1,Ali,Rezaei,25,,,\nn2,Reza,Karimi,30,,,\n"), dry_run=True)
    assert (report.imported, report.revised, report.dry_run) == (1, 1, True)
    assert report.samples[1]["given_name"] == "Reza"
    new_source = run(engine, write(tmp_path, "v3.csv", "n9,Ali,Rezaei,24,,,\n"), source="media", dry_run=True)
    assert new_source.imported == 1
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Record)) == 1
        assert session.scalar(select(func.count()).select_from(Source)) == 1
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1


def test_a_list_imported_under_two_names_is_named(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "n1,Ali,Rezaei,24,,,\nn2,Reza,Karimi,30,,,\n")
    run(engine, path, source="network")
    same_file = run(engine, path, source="  Network   list ")
    assert any("already imported into source 'network'" in w.reason for w in same_file.warnings)
    copy = write(tmp_path, "b.csv", "n1,Ali,Rezaei,24,,,\nn7,Sara,Ahmadi,22,,,\n")
    rows = run(engine, copy, source="media")
    assert any("1 of 2 rows are identical to rows of source 'network'" in w.reason for w in rows.warnings)


def test_source_names_are_normalised(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "n1,Ali,Rezaei,24,,,\n")
    run(engine, path, source="كانون  حقوق")
    again = run(engine, path, source=" کانون حقوق ")
    assert again.already_imported
    with session_scope(engine) as session:
        assert list(session.scalars(select(Source.name))) == ["کانون حقوق"]


def test_day_month_order_is_inferred_or_required(engine: Engine, tmp_path: Path) -> None:
    day_first = write(tmp_path, "d.csv", "n1,Ali,Rezaei,,05/11/2019,,\nn2,Reza,Karimi,,16/11/2019,,\n")
    assert run(engine, day_first).tables[0].dayfirst is True
    month_first = write(tmp_path, "m.csv", "m1,Ali,Rezaei,,05/11/2019,,\nm2,Reza,Karimi,,11/16/2019,,\n")
    report = run(engine, month_first, source="us")
    assert report.tables[0].dayfirst is False and report.samples[0]["date_of_death"] == "2019-05-11"
    mixed = write(tmp_path, "x.csv", "x1,Ali,Rezaei,,16/11/2019,,\nx2,Reza,Karimi,,11/17/2019,,\n")
    with pytest.raises(MappingError, match="day-first dates .*and month-first dates .*--day-first or --month-first"):
        run(engine, mixed, source="mixed")
    unclear = write(tmp_path, "u.csv", "u1,Ali,Rezaei,,05/11/2019,,\n")
    with pytest.raises(MappingError, match="read either way"):
        run(engine, unclear, source="unclear")
    told = run(engine, unclear, source="unclear", mapping=ColumnMapping({}, dayfirst=True))
    assert told.samples[0]["date_of_death"] == "2019-11-05"


def test_event_window_warns_and_partial_dates_keep_their_interval(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "w.csv", "w1,Ali,Rezaei,,آبان ۱۳۹۸,,\nw2,Reza,Karimi,,2019-06-01,,\n"
                                    "w3,Sara,Ahmadi,,۲۶ آبان ۹۸,,\n")
    import datetime as dt

    window = (dt.date(2019, 11, 15), dt.date(2020, 1, 31))
    report = run(engine, path, mapping=ColumnMapping({}, event_window=window))
    assert [w.row for w in report.warnings] == [3] and "outside the event window" in report.warnings[0].reason
    with session_scope(engine) as session:
        month = session.scalar(select(Record).where(Record.source_record_id == "w1"))
        assert (month.date_of_death, month.date_of_death_end) == (dt.date(2019, 10, 23), dt.date(2019, 11, 21))


def test_a_corrected_list_without_some_records_names_them_and_withdraws_nothing(engine: Engine,
                                                                                 tmp_path: Path) -> None:
    first = write(tmp_path, "v1.csv", "n1,علی,رضایی,24,1398/08/25,تهران,تهران\nn2,رضا,کریمی,30,1398/08/26,فارس,شیراز\n"
                                      "n3,زهرا,احمدی,19,1398/08/27,البرز,کرج\n")
    assert not [i for i in run(engine, first).issues if i.column == "(file)"]
    corrected = write(tmp_path, "v2.csv", "n1,علی,رضایی,25,1398/08/25,تهران,تهران\n"
                                          "n3,زهرا,احمدی,19,1398/08/27,البرز,کرج\n")
    report = run(engine, corrected)
    notes = [i.reason for i in report.issues if i.column == "(file)"]
    assert len(notes) == 1 and notes[0].startswith("1 current record(s) of the source are not among this file's "
                                                   "readable rows ('n2')")
    assert (report.revised, report.duplicates) == (1, 1) and records(engine) == 4  # n2 stays, nothing deleted


def test_history_of_a_record_revised_by_an_import_says_what_changed(engine: Engine, tmp_path: Path) -> None:
    run(engine, write(tmp_path, "v1.csv", "n1,علی,رضایی,24,1398/08/25,تهران,تهران\n"))
    run(engine, write(tmp_path, "v2.csv", "n1,علی,رضایی,25,1398/08/25,تهران,تهران\n"))
    with session_scope(engine) as session:
        steps = record_history(session, list_records(session)[0].id)
    assert [(s.action, s.changes) for s in steps] == [
        ("imported", None), ("revised by import", {"age": 25, "age_low": 25, "age_high": 25})]


def test_each_issue_carries_its_code_in_json_and_the_csv_keeps_its_columns(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "c1,Ali,Rezaei,lots,2019-11-16,Nowhere,\nc1,Ali,Rezaei,lots,2019-11-16,Nowhere,\n")
    report = run(engine, path)
    assert [(i.code, i.severity) for i in report.issues] == [
        ("age.unreadable", "warning"), ("province.unknown", "warning")] * 2 + [("list.repeats_row", "duplicate")]
    assert report.issues[4].params == {"row": 2} and report.issues[0].params["text"] == "lots"
    shown = report.to_dict()["issues"][0]
    assert (shown["code"], shown["reason"], shown["column"]) == ("age.unreadable", report.issues[0].reason, "age")
    report.write_csv(tmp_path / "issues.csv")
    lines = (tmp_path / "issues.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,row,column,value,reason,severity" and "age.unreadable" not in lines[1]
