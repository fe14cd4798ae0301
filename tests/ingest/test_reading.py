"""Reading files as they arrive: header folding, title lines, sheets, encodings, file kinds, limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from messy import (
    EN_HEADERS,
    EN_ROWS,
    FA_HEADERS,
    FA_ROWS,
    TITLE,
    english_with_title,
    write_csv,
    write_ods,
    write_xlsx,
)
from sqlalchemy import Engine, select

from tollbook.ingest import ColumnMapping, ImportReport, import_file, load_mapping, read_and_parse
from tollbook.ingest.mapping import MappingError, detect_mapping
from tollbook.ingest.readers import ReadError, ReadOptions, read_tables
from tollbook.model import Record
from tollbook.store import session_scope


def run(engine: Engine, path: Path, source: str = "group", **kwargs) -> ImportReport:
    with session_scope(engine) as session:
        return import_file(session, path, source, **kwargs)


def parsed(path: Path, mapping: ColumnMapping | None = None) -> ImportReport:
    report = ImportReport(str(path), "")
    read_and_parse(path, mapping, report)
    return report


def test_units_in_brackets_and_slashes_are_folded_and_nothing_is_dropped(engine: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", {"Victims": [[TITLE], EN_HEADERS, *EN_ROWS]})
    report = run(engine, path)
    table = report.tables[0]
    assert (table.header_row, table.columns["age"], table.columns["city"], table.columns["sex"]) == (
        2, "Age (years)", "City/Town", "Gender (M/F)")
    assert [n.column for n in report.notes if n.reason.startswith("not mapped")] == ["Photo link"]
    assert any(n.column == "(title)" and TITLE in n.value for n in report.notes)
    with session_scope(engine) as session:
        ages = [(r.age_low, r.age_high, r.age_approximate) for r in session.scalars(select(Record).order_by(Record.id))]
        cities = [r.city for r in session.scalars(select(Record).order_by(Record.id))]
    assert ages == [(23, 23, False), (30, 30, True), (30, 35, False), (None, None, False)]
    assert cities == ["Karaj", "Fardis", "Marvdasht", "Bouchehr"]
    assert report.imported == 4 and [w.column for w in report.warnings] == ["Age (years)"]  # "thirty": kept


def test_persian_headers_with_units_and_a_title_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "fa.csv", [[TITLE], FA_HEADERS, *FA_ROWS])
    report = parsed(path)
    assert report.tables[0].header_row == 2 and report.failed == 0
    assert set(report.tables[0].columns) >= {"record_id", "given_name", "family_name", "age", "sex",
                                             "date_of_death", "city", "province"}
    assert [(s["age_low"], s["age_high"]) for s in report.samples] == [(23, 23), (30, 30), (0, 0)]
    assert [s["date_precision"] for s in report.samples] == ["day", "day", "month"]


def test_header_row_option_and_mapping_key_are_honoured(tmp_path: Path) -> None:
    path = english_with_title(tmp_path / "en.csv")
    assert parsed(path).tables[0].header_row == 3
    with pytest.raises(MappingError, match="no name column"):
        parsed(path, ColumnMapping({}, header_row=1))
    mapping = tmp_path / "m.toml"
    mapping.write_text('header_row = 3\n[columns]\ngiven_name = "First name"\nfamily_name = "Surname"\n',
                       encoding="utf-8")
    report = parsed(path, load_mapping(mapping))
    assert report.tables[0].header_row == 3 and "Age (years)" in report.tables[0].unmapped


def test_every_mapping_key_is_honoured_or_refused(tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('headerrow = 2\n[columns]\ngiven_name = "Name"\n', encoding="utf-8")
    with pytest.raises(MappingError, match=r"unknown key\(s\) \['headerrow'\]"):
        load_mapping(mapping)
    mapping.write_text('header_row = "two"\n', encoding="utf-8")
    with pytest.raises(MappingError, match="header_row must be a int"):
        load_mapping(mapping)
    mapping.write_text('sheet = "Tehran"\ndayfirst = false\ncentury_pivot = 40\nevent_window = '
                       '"2019-11-15:2020-01-31"\n', encoding="utf-8")
    loaded = load_mapping(mapping)
    assert (loaded.sheet, loaded.dayfirst, loaded.century_pivot, loaded.event_window[1].isoformat()) == (
        "Tehran", False, 40, "2020-01-31")


def test_two_sheets_are_never_skipped_silently(engine: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "two.xlsx", {"Alborz": [EN_HEADERS, *EN_ROWS[:2]],
                                              "Fars": [[TITLE], FA_HEADERS, *FA_ROWS]})
    with pytest.raises(ReadError, match=r"2 sheets hold data \('Alborz', 'Fars'\).*--sheet"):
        run(engine, path)
    only = run(engine, path, mapping=ColumnMapping({}, sheet="Fars"))
    assert (only.imported, only.tables[0].sheet, only.tables[0].header_row) == (3, "Fars", 2)
    with pytest.raises(ReadError, match="no sheet named 'Tehran'"):
        parsed(path, ColumnMapping({}, sheet="Tehran"))
    both = parsed(path, ColumnMapping({}, sheet="all"))
    assert [t.sheet for t in both.tables] == ["Alborz", "Fars"] and both.rows_total == 5
    assert {s["file"] for s in both.samples} == {f"{path} [Alborz]", f"{path} [Fars]"}


def test_a_notes_sheet_is_left_out_and_named(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "about.xlsx", {"Victims": [EN_HEADERS, *EN_ROWS], "About": [["Compiled by"]]})
    report = parsed(path)
    assert report.rows_total == 4
    assert [n.value for n in report.notes if n.column == "(sheet)"] == ["About"]


def test_cp1256_utf16_and_ods_are_read(tmp_path: Path) -> None:
    rows = [FA_HEADERS, *FA_ROWS]
    digits = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")  # Windows-1256 has Arabic ي/ك and no Persian digits
    arabic = [[cell.replace("ی", "ي").replace("ک", "ك").translate(digits) for cell in row] for row in rows]
    report = parsed(write_csv(tmp_path / "cp1256.csv", arabic, "cp1256"))
    assert [s["family_name"] for s in report.samples] == ["رضایی", "حسینی", "کریمی"]
    for name, encoding in (("utf16.csv", "utf-16"), ("utf16le.csv", "utf-16-le"),
                           ("bom.csv", "utf-8-sig")):
        report = parsed(write_csv(tmp_path / name, rows, encoding))
        assert report.tables[0].columns["family_name"] == "نام خانوادگی", name
        assert [s["family_name"] for s in report.samples] == ["رضایی", "حسینی", "کریمی"], name
    ods = parsed(write_ods(tmp_path / "list.ods", [EN_HEADERS, *EN_ROWS]))
    assert ods.rows_total == 4 and ods.samples[0]["given_name"] == "Mohammad"


def test_utf8_with_a_bad_byte_is_reported_never_redecoded(engine: Engine, tmp_path: Path) -> None:
    good = "\r\n".join(",".join(r) for r in [FA_HEADERS, *FA_ROWS]).encode("utf-8")
    broken = good.replace("حسینی".encode(), "حس".encode() + b"\xff" + "ینی".encode())
    path = tmp_path / "bad.csv"
    path.write_bytes(broken)
    offset = broken.index(b"\xff")
    with pytest.raises(ReadError, match=rf"not valid UTF-8 at line 3, byte offset {offset} \(byte 0xff\)"):
        run(engine, path)


@pytest.mark.parametrize(("content", "says"), [
    ("xlsx", "is an Excel workbook \\(XLSX\\), not CSV text"),
    ("zip", "is a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Office file"),
    (bytes(range(256)) * 40, "is a binary file"),
    (b"%PDF-1.7\n...", "PDF document"),
])
def test_other_file_kinds_under_a_csv_name_are_refused_in_one_line(tmp_path: Path, content: object,
                                                                   says: str) -> None:
    path = tmp_path / "list.csv"
    if content == "xlsx":
        path.write_bytes(write_xlsx(tmp_path / "x.xlsx", {"S": [EN_HEADERS]}).read_bytes())
    elif content == "zip":
        import zipfile

        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a.txt", "hello")
    else:
        path.write_bytes(content)  # type: ignore[arg-type]
    with pytest.raises(ReadError, match=says) as caught:
        read_tables(path)
    assert "\n" not in str(caught.value)


def test_damaged_workbooks_and_unknown_kinds_are_refused(tmp_path: Path) -> None:
    for name in ("list.xlsx", "list.ods", "list.xls"):
        (tmp_path / name).write_bytes(b"given_name,family_name\nAli,Rezaei\n")
        with pytest.raises(ReadError, match="not a readable") as caught:
            read_tables(tmp_path / name)
        assert "\n" not in str(caught.value)
    (tmp_path / "list.docx").write_text("x", encoding="utf-8")
    with pytest.raises(ReadError, match="unknown file type"):
        read_tables(tmp_path / "list.docx")


def test_a_workbook_under_another_workbook_name_is_named_in_one_line(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path / "x.xlsx", {"S": [EN_HEADERS, *EN_ROWS]})
    for name in ("list.xls", "list.ods"):
        (tmp_path / name).write_bytes(xlsx.read_bytes())
        with pytest.raises(ReadError, match=r"is an Excel workbook \(XLSX\), not a \.\w+ workbook; rename it to "
                                            r"\.xlsx") as caught:
            read_tables(tmp_path / name)
        assert "\n" not in str(caught.value)
    (tmp_path / "ods.xlsx").write_bytes(write_ods(tmp_path / "o.ods", [EN_HEADERS]).read_bytes())
    with pytest.raises(ReadError, match=r"OpenDocument spreadsheet \(ODS\), not a \.xlsx workbook; rename it to "
                                        r"\.ods"):
        read_tables(tmp_path / "ods.xlsx")
    (tmp_path / "web.xls").write_text("<html><table><tr><td>given_name</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(ReadError, match="holds text or another kind of file"):
        read_tables(tmp_path / "web.xls")


def test_an_empty_header_row_names_file_sheet_and_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", {"Victims": [[TITLE], [], EN_HEADERS, *EN_ROWS]})
    with pytest.raises(MappingError, match=r"list\.xlsx \[Victims\], header row 2: no name column among the "
                                           r"headers \[\]"):
        parsed(path, ColumnMapping({}, header_row=2))
    with pytest.raises(MappingError, match=r"list\.xlsx \[Victims\], header row 1: no name column"):
        parsed(path, ColumnMapping({"given_name": "First name"}, header_row=1).fitted({}, ()))


def test_limits_give_one_line_per_row(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("given_name,family_name,notes\nAli,Rezaei,ok\nReza,Karimi," + "x" * 40_000 + "\n",
                    encoding="utf-8")
    report = run(engine, path)
    assert (report.imported, report.failed) == (1, 1)
    assert "over the 32,767" in report.errors[0].reason and len(report.errors[0].value) <= 60


def test_a_ten_megabyte_name_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("given_name,family_name\n" + "ab" * 5_000_000 + ",Rezaei\nAli,Rezaei\n", encoding="utf-8")
    report = parsed(path)  # the compound-name split would take hours if it were quadratic
    assert report.failed == 1 and report.samples[0]["given_name"] == "Ali"


def test_json_depth_and_columns_are_limited(tmp_path: Path) -> None:
    deep: dict = {"v": 1}
    for _ in range(40):
        deep = {"n": deep}
    path = tmp_path / "deep.json"
    path.write_text(json.dumps([{"given_name": "Ali", "x": deep}]), encoding="utf-8")
    with pytest.raises(ReadError, match="item 1 is nested too deeply"):
        read_tables(path)
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(1500)) + "\n", encoding="utf-8")
    with pytest.raises(ReadError, match="1500 columns"):
        read_tables(wide)


def test_nul_bytes_and_lone_surrogates_fail_only_their_row(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "nul.json"
    path.write_text('[{"given_name": "Ali", "family_name": "Rez\\u0000aei"}, {"given_name": "Reza", '
                    '"family_name": "Kari\\ud800mi"}, {"given_name": "Zahra", "family_name": "Ahmadi"}]',
                    encoding="utf-8")
    report = run(engine, path)
    assert (report.imported, report.failed) == (1, 2)
    assert {e.reason.split(",")[0].split(" (")[0] for e in report.errors} >= {"cell holds a NUL byte"}


def test_header_detection_reads_options() -> None:
    headers = ["Full Name / نام", "Family name (surname)", "Place of death", "Age at death (years)", "Cause of Death"]
    mapping = detect_mapping(headers)
    assert mapping.columns == {"given_name": headers[0], "family_name": headers[1], "city": headers[2],
                               "age": headers[3], "cause": headers[4]}
    assert ReadOptions().sheet is None


def test_a_city_contradicting_its_province_names_both_provinces(tmp_path: Path) -> None:
    rows = [["given_name", "family_name", "city", "province"], ["Reza", "Karimi", "Karaj", "Tehran"],
            ["Ali", "Rezaei", "Fardis", "البرز"]]
    path = write_csv(tmp_path / "places.csv", rows)
    issues = [(i.row, i.reason) for i in parsed(path).issues if i.column == "city"]
    assert issues == [(2, "city contradicts the row's province Tehran (IR-23): Karaj is in Alborz (IR-30); "
                          "kept unresolved")]


def test_columns_with_blank_or_repeated_headers_are_named_in_the_report(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "repeated.csv", [["نام", "نام", "سن", ""], ["علی", "رضایی", "۲۳", "شاهد: برادر"],
                                                 ["سارا", "احمدی", "۳۰", "", "تماس گرفته شد"]])
    notes = {i.column: i.reason for i in parsed(path).issues if i.severity == "note"}
    assert set(notes) == {"نام_2", "column_4", "column_5"}
    assert all("kept in the raw row only" in reason for reason in notes.values())


def test_a_file_read_as_windows_1256_says_so_and_utf_files_do_not(tmp_path: Path) -> None:
    rows = [["given_name", "family_name"], ["علي", "رضايي"]]
    notes = {}
    for encoding in ("cp1256", "utf-8", "utf-16"):
        report = parsed(write_csv(tmp_path / f"{encoding}.csv", rows, encoding))
        assert report.samples[0]["given_name"] == "علی"
        notes[encoding] = [i.reason for i in report.issues if i.column == "(encoding)"]
    assert notes["utf-8"] == notes["utf-16"] == [] and "read as Windows-1256" in notes["cp1256"][0]


def test_dates_read_by_an_inferred_order_are_named_in_a_note(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dates.csv", [["given_name", "family_name", "date_of_death"], ["Ali", "Rezaei",
                     "05/11/2019"], ["Reza", "Karimi", "11/16/2019"], ["Sara", "Ahmadi", "2019-11-17"]])
    report = parsed(path)
    assert report.samples[0]["date_of_death"] == "2019-05-11"
    notes = [i.reason for i in report.issues if i.column == "date_of_death"]
    assert notes == ["1 date(s) that read either way, such as '05/11/2019', read month-first as '11/16/2019' in the "
                     "same column can only be; pass --day-first if that is wrong"]
    assert not [i for i in parsed(path, ColumnMapping({}, dayfirst=False)).issues if i.column == "date_of_death"]
