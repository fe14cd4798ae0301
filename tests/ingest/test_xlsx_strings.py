"""An .xlsx's shared strings are streamed: a string longer than a cell may hold is never read whole, and its row
fails in one line naming file, row and column while the other rows are imported; a table too large to hold, or
one declaring entities, is refused in one line."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from messy import EN_HEADERS, EN_ROWS, FA_HEADERS, FA_ROWS, write_shared_strings_xlsx
from sqlalchemy import Engine, select

from tollbook.ingest import import_file
from tollbook.ingest.limits import OversizedCell
from tollbook.ingest.readers import ReadError, read_tables
from tollbook.ingest.xlsx_strings import SharedStringsError, read_shared_strings, uncomputed_formulas
from tollbook.model import Record
from tollbook.store import session_scope

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def table(body: str) -> io.BytesIO:
    return io.BytesIO(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>{body}</sst>'.encode())


def test_a_string_over_the_cell_limit_fails_its_row_only(engine: Engine, tmp_path: Path) -> None:
    path = write_shared_strings_xlsx(tmp_path / "list.xlsx", [EN_HEADERS, *EN_ROWS], huge=(3, 9, 40_000))
    with session_scope(engine) as session:
        report = import_file(session, path, "group")
    assert (report.imported, report.failed) == (3, 1)
    error = report.errors[0]
    assert (error.file, error.row, error.column) == (f"{path} [Victims]", 3, "Photo link")
    assert "cell of 40,000 characters, over the 32,767" in error.reason and len(error.value) <= 60
    with session_scope(engine) as session:
        names = set(session.scalars(select(Record.given_name)))
    assert names == {"Mohammad", "Fatemeh", "Reza"}


def test_persian_strings_are_read_as_written(tmp_path: Path) -> None:
    path = write_shared_strings_xlsx(tmp_path / "fa.xlsx", [FA_HEADERS, *FA_ROWS])
    rows = read_tables(path)[0].rows
    assert [r.values["نام"] for r in rows] == ["علی", "محمد", "زهرا"]
    assert rows[0].values["تاریخ فوت"] == "شنبه ۲۵ آبان ۱۳۹۸"


def test_the_long_string_is_never_held(tmp_path: Path) -> None:
    strings = read_shared_strings(table("<si><t>short</t></si><si><t>" + "y" * 5_000 + "</t></si><si><t>z</t></si>"),
                                  cell_limit=1_000)
    assert strings[0] == "short" and strings[2] == "z"
    assert isinstance(strings[1], OversizedCell) and strings[1].length == 5_000 and len(strings[1]) < 60


def test_rich_text_runs_join_and_phonetic_guides_are_left_out() -> None:
    body = ('<si><r><rPr><b/></rPr><t>Moh</t></r><r><t xml:space="preserve">ammad </t></r><rPh sb="0" eb="1">'
            "<t>ignored</t></rPh></si><si><t/></si><si><t>a&amp;b _x005F_x</t></si>")
    assert read_shared_strings(table(body)) == ["Mohammad ", "", "a&b _x"]


@pytest.mark.parametrize(("body", "limits", "why"), [
    ("<si><t>abc</t></si>" * 5, {"count_limit": 4}, "more than 4 shared strings"),
    ("<si><t>abcdef</t></si>" * 5, {"total_limit": 20}, "more than 20 characters of shared strings"),
    ("<si><t>unclosed</si>", {}, "not readable XML"),
])
def test_a_table_too_large_or_broken_is_refused(body: str, limits: dict, why: str) -> None:
    with pytest.raises(SharedStringsError, match=why):
        read_shared_strings(table(body), **limits)


def test_entities_are_refused_in_one_line(tmp_path: Path) -> None:
    path = write_shared_strings_xlsx(tmp_path / "bomb.xlsx", [["given_name"], ["Ali"]])
    bomb = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            f"<sst {NS}><si><t>given_name</t></si><si><t>&b;</t></si></sst>")
    rewritten = tmp_path / "bomb2.xlsx"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(rewritten, "w") as new:
        for item in old.infolist():
            data = bomb.encode() if item.filename == "xl/sharedStrings.xml" else old.read(item)
            new.writestr(item.filename, data)
    with pytest.raises(ReadError, match="shared strings .*declares a DTD") as caught:
        read_tables(rewritten)
    assert "\n" not in str(caught.value) and str(rewritten) in str(caught.value)


def sheet(cells: str) -> io.BytesIO:
    return io.BytesIO(f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1">{cells}</row></sheetData>'
                      "</worksheet>".encode())


def test_formulas_without_a_saved_value_are_counted() -> None:
    computed = '<c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c>'
    computed += '<c r="E1" t="str"><f>""</f><v></v></c>'  # a formula whose computed result is empty text
    uncomputed = ('<c r="C1"><f>HYPERLINK("https://example.org","Reza")</f></c><c r="D1" t="str"><f>A1</f></c>'
                  '<c r="F1"><f>A1</f><v /></c>')  # no value, or the empty one openpyxl writes
    assert uncomputed_formulas(sheet(computed)) == 0
    assert uncomputed_formulas(sheet(computed + uncomputed)) == 3
    assert uncomputed_formulas(sheet(uncomputed), block=7) == 3  # read in blocks smaller than one element


def test_an_import_says_when_formula_cells_were_read_as_empty(engine: Engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()  # openpyxl saves formulas without computing them, as scripts that write workbooks do
    book.active.append(EN_HEADERS)
    for row in EN_ROWS:
        book.active.append(row)
    book.active["B2"] = '=HYPERLINK("https://example.org/1","Mohammad")'
    book.save(tmp_path / "script.xlsx")
    with session_scope(engine) as session:
        report = import_file(session, tmp_path / "script.xlsx", "group")
    flagged = [issue for issue in report.issues if issue.column == "(formulas)"]
    assert len(flagged) == 1 and flagged[0].severity == "warning"
    assert "1 cell(s) hold a formula with no saved value" in flagged[0].reason

    plain = write_shared_strings_xlsx(tmp_path / "plain.xlsx", [EN_HEADERS, *EN_ROWS])
    with session_scope(engine) as session:
        assert not [i for i in import_file(session, plain, "other").issues if i.column == "(formulas)"]
