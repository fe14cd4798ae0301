"""Hand-made messy files as partner groups send them: title lines, units in headers, two sheets, odd encodings.

Names are common Iranian names (the package's name data ranks them among the most frequent); places are real.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

TITLE = "فهرست جانباختگان آبان ۹۸ — گردآوری: گروه الف"
EN_HEADERS = ["No.", "First name", "Surname", "Age (years)", "Gender (M/F)", "Date of death", "City/Town",
              "Province", "Photo link"]
EN_ROWS = [
    ["1", "Mohammad", "Hosseini", "23 years", "M", "16/11/2019", "Karaj", "Alborz", "http://example.org/1"],
    ["2", "Ali", "Rezaei", "~30", "M", "17/11/2019", "Fardis", "Alborz", ""],
    ["3", "Fatemeh", "Ahmadi", "30-35", "F", "Aban 1398", "Marvdasht", "Fars", ""],
    ["4", "Reza", "Mohammadi", "thirty", "M", "18/11/2019", "Bouchehr", "Bushehr", ""],
]
FA_HEADERS = ["ردیف", "نام", "نام خانوادگی", "سن (سال)", "جنسیت", "تاریخ فوت", "شهر / شهرستان", "استان"]
FA_ROWS = [
    ["۱", "علی", "رضایی", "۲۳ ساله", "مرد", "شنبه ۲۵ آبان ۱۳۹۸", "کرج", "البرز"],
    ["۲", "محمد", "حسینی", "حدود ۳۰", "مرد", "۲۶ آبان ۹۸", "شیراز", "فارس"],
    ["۳", "زهرا", "کریمی", "۶ ماهه", "زن", "آبان ۱۳۹۸", "مرودشت", "فارس"],
]


def write_xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    """An XLSX with the given sheets (name -> rows, titles included)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    """A CSV in the given encoding (cells must not need quoting)."""
    path.write_bytes(("\r\n".join(",".join(row) for row in rows) + "\r\n").encode(encoding))
    return path


def english_with_title(path: Path) -> Path:
    """The English list with a title line and a blank line above its header."""
    return write_csv(path, [["Victims of November 2019 - compiled by Group B"], [], EN_HEADERS, *EN_ROWS])


def write_ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet (the parts LibreOffice writes that a reader needs)."""
    cells = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
        for value in row) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="List">{cells}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_PKG}/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
    "_rels/.rels": (f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
                    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
                        '<sheet name="Victims" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'),
}


def write_shared_strings_xlsx(path: Path, rows: list[list[str]], huge: tuple[int, int, int] | None = None) -> Path:
    """An XLSX as Excel writes one: every cell points into xl/sharedStrings.xml. `huge` = (row, column, length):
    that cell (1-based, in place of the row's cell there) holds a string of `length` characters, written in
    blocks so any length fits in memory."""
    from xml.sax.saxutils import escape

    strings = {text: None for row in rows for text in row}
    index = {text: i for i, text in enumerate(strings)}
    cells = []
    for r, row in enumerate(rows, start=1):
        refs = [len(index) if huge and (r, c) == huge[:2] else index[text] for c, text in enumerate(row, start=1)]
        cells.append(f'<row r="{r}">' + "".join(f'<c r="{chr(64 + c)}{r}" t="s"><v>{i}</v></c>'
                                               for c, i in enumerate(refs, start=1)) + "</row>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in _PARTS.items():
            book.writestr(name, text)
        book.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(cells)}'
                                                  "</sheetData></worksheet>")
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode())
            for text in strings:
                part.write(f"<si><t>{escape(text)}</t></si>".encode())
            if huge:
                part.write(b"<si><t>")
                for start in range(0, huge[2], 1 << 20):
                    part.write(b"y" * min(1 << 20, huge[2] - start))
                part.write(b"</t></si>")
            part.write(b"</sst>")
    return path
