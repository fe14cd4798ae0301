"""Importing lists: readers, mapping, row errors, strict mode, idempotence and rollback."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from tollbook.enums import Cause, DatePrecision, Sex
from tollbook.ingest import ColumnMapping, StrictImportError, import_file, load_mapping
from tollbook.ingest.mapping import MappingError, detect_mapping
from tollbook.ingest.readers import ReadError, read_table
from tollbook.model import AuditEvent, ImportBatch, Record, Source
from tollbook.store import migrate, open_engine, session_scope

CANONICAL = (
    "record_id,given_name,family_name,father_name,sex,age,date_of_death,province,city,cause\n"
    "a1,Pouya,Bakhtiari,Morteza,male,27,2019-11-16,Alborz,Karaj,gunshot to head\n"
    "a2,محمد,حسینی,,مرد,۱۹,۱۳۹۸/۰۸/۲۵,تهران,,شلیک به سینه\n"
    "a3,Ali,Rezaei,,M,thirty,2019-11-17,Fars,Shiraz,\n"
    "a4,,,,,,2019-11-17,Fars,,\n"
    "a5,Reza,Karimi,,,22,1398/13/40,Khuzestan,Mahshahr,\n"
    "a6,Sara,Ahmadi,,female,150,2019-11-18,Atlantis,,tear gas\n"
)


def count(engine: Engine, model: type) -> int:
    """Rows of one table."""
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def run_import(engine: Engine, path: Path, source: str = "HRO", **kwargs) -> object:
    """Import in one committed transaction and return the report."""
    with session_scope(engine) as session:
        return import_file(session, path, source, **kwargs)


@pytest.fixture
def canonical_csv(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(CANONICAL, encoding="utf-8")
    return path


def test_canonical_csv_imports_good_rows_and_names_bad_ones(engine: Engine, canonical_csv: Path) -> None:
    report = run_import(engine, canonical_csv)
    assert (report.rows_total, report.imported, report.failed) == (6, 4, 2)
    errors = {(issue.row, issue.column): issue.reason for issue in report.errors}
    assert set(errors) == {(5, "given_name"), (6, "date_of_death")}
    warnings = {(issue.row, issue.column): issue.reason for issue in report.warnings}
    assert "over 120" in warnings[(7, "age")] and "not a number" in warnings[(4, "age")]  # the victims are kept
    assert (7, "province") in warnings  # "Atlantis" reported, not guessed
    assert all(issue.file == str(canonical_csv) for issue in report.issues)


def test_parsed_fields_and_raw_row(engine: Engine, canonical_csv: Path) -> None:
    run_import(engine, canonical_csv)
    with session_scope(engine) as session:
        pouya, mohammad, ali, sara = session.scalars(select(Record).order_by(Record.id)).all()
        assert ali.age is None and ali.raw["age"] == "thirty"
        assert pouya.raw["city"] == "Karaj" and pouya.province_code is not None
        assert (pouya.sex, pouya.cause, pouya.date_of_death) == (Sex.MALE, Cause.GUNSHOT_HEAD, dt.date(2019, 11, 16))
        assert mohammad.raw["date_of_death"] == "۱۳۹۸/۰۸/۲۵"
        assert (mohammad.age, mohammad.date_of_death, mohammad.date_precision) == (
            19, dt.date(2019, 11, 16), DatePrecision.DAY)
        assert mohammad.given_name_key and mohammad.family_name_key


def test_reimport_same_file_adds_nothing(engine: Engine, canonical_csv: Path) -> None:
    run_import(engine, canonical_csv)
    events = count(engine, AuditEvent)
    again = run_import(engine, canonical_csv)
    assert again.already_imported and again.imported == 0
    assert (count(engine, Record), count(engine, ImportBatch), count(engine, AuditEvent)) == (4, 1, events)


def test_same_record_in_another_file_adds_nothing_but_a_new_id_is_a_new_record(engine: Engine, canonical_csv: Path,
                                                                                 tmp_path: Path) -> None:
    run_import(engine, canonical_csv)
    lines = CANONICAL.splitlines()
    other = tmp_path / "other.csv"
    other.write_text("\n".join([lines[0], lines[2].replace("a2", "z9"), lines[1]]) + "\n", encoding="utf-8")
    report = run_import(engine, other)
    assert (report.imported, report.duplicates) == (1, 1)  # z9 is another report; linkage decides on the person
    assert count(engine, Record) == 5


def test_strict_mode_writes_nothing(engine: Engine, canonical_csv: Path) -> None:
    with pytest.raises(StrictImportError) as caught:
        run_import(engine, canonical_csv, strict=True)
    assert len(caught.value.report.errors) == 2
    assert (count(engine, Record), count(engine, Source), count(engine, AuditEvent)) == (0, 0, 0)


def test_exception_mid_import_rolls_back(engine: Engine, canonical_csv: Path, monkeypatch) -> None:
    import tollbook.ingest.importer as importer

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "CHUNK", 1)
    monkeypatch.setattr(importer, "record_event", explode)  # fails after the rows were inserted
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(engine, canonical_csv)
    assert (count(engine, Record), count(engine, Source), count(engine, ImportBatch)) == (0, 0, 0)


def test_kill_mid_import_leaves_database_as_it_was(tmp_path: Path, canonical_csv: Path) -> None:
    url = f"sqlite:///{tmp_path}/kill.db"
    engine = open_engine(url)
    migrate(engine)
    rows = "".join(f"k{i},Name{i},Family{i},,male,30,2019-11-16,Tehran,,\n" for i in range(3000))
    big = tmp_path / "big.csv"
    big.write_text(CANONICAL.splitlines()[0] + "\n" + rows, encoding="utf-8")
    script = textwrap.dedent(f"""
        import os, signal
        import tollbook.ingest.importer as importer
        from tollbook.store import open_engine, session_scope
        importer.CHUNK = 500
        calls = []
        def insert_then_die(session, *args, **kwargs):
            calls.append(1)
            if len(calls) == 3:
                os.kill(os.getpid(), signal.SIGKILL)
        original = importer._write
        def wrapped(session, *args, **kwargs):
            real_execute = session.execute
            def execute(*a, **k):
                result = real_execute(*a, **k)
                insert_then_die(session)
                return result
            session.execute = execute
            return original(session, *args, **kwargs)
        importer._write = wrapped
        with session_scope(open_engine({url!r})) as session:
            importer.import_file(session, __import__("pathlib").Path({str(big)!r}), "Big")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=os.environ | {"PYTHONPATH": str(Path(__file__).parents[2] / "src")})
    assert result.returncode == -9, result.stderr
    assert (count(engine, Record), count(engine, Source)) == (0, 0)
    assert run_import(engine, big, "Big").imported == 3000
    engine.dispose()


def test_persian_headers_are_detected() -> None:
    headers = ["شناسه", "نام", "نام خانوادگی", "نام پدر", "جنسیت", "سن", "تاریخ فوت", "استان", "شهر", "وضعیت", "علت",
               "توضیحات"]
    mapping = detect_mapping(headers)
    assert mapping.columns["family_name"] == "نام خانوادگی" and mapping.columns["given_name"] == "نام"
    assert mapping.columns["date_of_death"] == "تاریخ فوت" and not mapping.unmapped


def test_english_headers_are_detected_and_extras_kept() -> None:
    mapping = detect_mapping(["ID", "First name", "Last Name", "Father's name", "Gender", "Date of death", "Photo"])
    assert mapping.columns["father_name"] == "Father's name" and mapping.unmapped == ("Photo",)


def test_file_without_name_column_is_refused() -> None:
    with pytest.raises(MappingError, match="no name column"):
        detect_mapping(["foo", "bar"])


def test_windows_1256_and_bom(engine: Engine, tmp_path: Path) -> None:
    text = "record_id,given_name,family_name,date_of_death\nw1,علي,رضايي,1398/08/26\n"  # Arabic yeh, as cp1256 has
    cp = tmp_path / "cp.csv"
    cp.write_bytes(text.encode("cp1256"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(text.replace("w1", "w2").replace("علي", "حسن").encode("utf-8-sig"))
    assert read_table(bom).headers[0] == "record_id"
    assert run_import(engine, cp).imported == 1 and run_import(engine, bom).imported == 1
    with session_scope(engine) as session:
        assert {r.given_name for r in session.scalars(select(Record))} == {"علی", "حسن"}


def test_xlsx_with_real_dates(engine: Engine, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ID", "First name", "Last name", "Age", "Date of death", "Province"])
    sheet.append(["x1", "Mohammad", "Hosseini", 23, dt.datetime(2019, 11, 17), "Tehran"])
    sheet.append(["x2", "Neda", "Karimi", 30.0, "16/11/2019", "Isfahan"])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    report = run_import(engine, path)
    assert report.imported == 2 and not report.errors
    with session_scope(engine) as session:
        dates = [r.date_of_death for r in session.scalars(select(Record).order_by(Record.id))]
    assert dates == [dt.date(2019, 11, 17), dt.date(2019, 11, 16)]


def test_json_with_mapping_file(engine: Engine, tmp_path: Path) -> None:
    data = {"synthetic": True, "records": [
        {"ref": "j1", "name": {"first": "Amir Hossein", "last": "Rahimi"}, "died": "2019-11-16",
         "where": {"province": "Khuzestan", "city": "Bandar-e Mahshahr"}},
        {"ref": "j2", "name": {"first": "", "last": ""}, "died": "2019-11-16"},
    ]}
    path = tmp_path / "media.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text('records_path = "records"\n[columns]\nrecord_id = "ref"\ngiven_name = "name.first"\n'
                            'family_name = "name.last"\ndate_of_death = "died"\nprovince = "where.province"\n'
                            'city = "where.city"\n', encoding="utf-8")
    report = run_import(engine, path, mapping=load_mapping(mapping_file))
    assert (report.imported, report.failed) == (1, 1) and report.errors[0].row == 2
    with session_scope(engine) as session:
        record = session.scalars(select(Record)).one()
        assert record.raw["where.city"] == "Bandar-e Mahshahr" and record.source_record_id == "j1"


def test_mapping_errors_name_the_problem(tmp_path: Path, canonical_csv: Path, engine: Engine) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[columns]\nshoe_size = 'x'\n", encoding="utf-8")
    with pytest.raises(MappingError, match="unknown field"):
        load_mapping(bad)
    with pytest.raises(MappingError, match="not in the file"):
        run_import(engine, canonical_csv, mapping=ColumnMapping({"given_name": "First"}))


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="unknown file type"):
        read_table(tmp_path / "x.pdf") if (tmp_path / "x.pdf").write_text("x") else None
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(ReadError, match="empty"):
        read_table(tmp_path / "e.csv")
    (tmp_path / "b.json").write_text("{oops")
    with pytest.raises(ReadError, match="invalid JSON at line 1"):
        read_table(tmp_path / "b.json")


def test_future_date_is_an_error(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f"given_name,date_of_death\nAli,{dt.date.today().year + 1}-01-01\n", encoding="utf-8")
    report = run_import(engine, path)
    assert report.failed == 1 and "future" in report.errors[0].reason


def test_overlong_names_and_repeated_headers(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("given_name,family_name,notes,notes\n" + "Ali," + "x" * 300 + ",a,b\nReza,Karimi,first,second\n",
                    encoding="utf-8")
    report = run_import(engine, path)
    assert (report.imported, report.failed) == (1, 1)
    assert report.errors[0].column == "family_name" and "200 characters" in report.errors[0].reason
    with session_scope(engine) as session:
        assert session.scalars(select(Record)).one().raw == {"given_name": "Reza", "family_name": "Karimi",
                                                             "notes": "first", "notes_4": "second"}
