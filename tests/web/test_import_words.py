"""The import page in the page's language: every issue of an import report carries its stable code, and the
Persian page says each one in Persian (the file's own values and column names as written); English unchanged."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tollbook.enums import Role
from tollbook.ingest import ColumnMapping, import_file
from tollbook.ingest.codes import ISSUE_CODES
from tollbook.store import session_scope
from tollbook.web.issue_words import shown_issue
from web.test_issue_words import LATIN_WORD, PERSIAN_LETTER
from web.web_helpers import token_of

# A messy Persian list: a title line, a column no field takes, a month 13, an age in words, a province nowhere,
# a row given twice, a row with no name
MESSY = ("فهرست جان‌باختگان آبان ۹۸ (پیش‌نویس)\n"
         "شناسه,نام,نام خانوادگی,سن,تاریخ فوت,استان,شهر,رنگ چشم\n"
         "m1,امیر,رضایی,۲۳,۱۳۹۸/۰۸/۲۵,تهران,تهران,قهوه‌ای\n"
         "m2,سارا,محمدی,جوان,۱۳۹۸/۰۸/۲۶,اصفهان,اصفهان,\n"
         "m3,رضا,کریمی,۳۰,۱۳۹۸/۱۳/۴۰,تهران,تهران,مشکی\n"
         "m4,مینا,احمدی,۱۹,۱۳۹۸/۰۸/۲۷,ناکجا,,\n"
         "m1,امیر,رضایی,۲۳,۱۳۹۸/۰۸/۲۵,تهران,تهران,قهوه‌ای\n"
         "m5,,,۴۰,۱۳۹۸/۰۸/۲۶,اصفهان,اصفهان,\n")
ROW = re.compile(r'<tr class="([a-z]+)" data-code="([a-z_.]*)"><td>(.*?)</td><td><bdi>(.*?)</bdi></td>'
                 r'<td><bdi>(.*?)</bdi></td><td[^>]*>(.*?)</td><td>(.*?)</td></tr>', re.S)


def _issues(page: str) -> list[tuple[str, ...]]:
    """The issue table's rows: severity, code, row, column, value, message, severity word (tags undone)."""
    return [tuple(html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in row) for row in ROW.findall(page)]


def _dry_run(client: TestClient, lang: str, source: str = "شبکهٔ آبان") -> str:
    files = {"file": ("فهرست آبان.csv", MESSY.encode("utf-8"), "text/csv")}
    response = client.post(f"/imports?lang={lang}", files=files, data={"source": source,
                                                                       "csrf_token": token_of(client)})
    assert response.status_code == 200, response.text[:500]
    return response.text


def _without_file_words(text: str) -> str:
    """A message with the file's own words taken out: its cells, headers, title line, name and the source."""
    words = {cell for line in MESSY.splitlines() for cell in (line, *line.split(","), *line.split()) if cell}
    words |= {"فهرست آبان.csv", "شبکهٔ آبان"}
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, "")
    return text


def test_every_issue_of_a_persian_dry_run_reads_in_persian(client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    issues = _issues(_dry_run(client, "fa"))
    codes = {issue[1] for issue in issues}
    assert {"date.month_range", "age.unreadable", "province.unknown", "list.column_unmapped", "list.title_lines",
            "list.repeats_row", "name.missing"} <= codes, codes
    assert codes <= set(ISSUE_CODES)  # every issue has a code the library lists
    for _, code, row, column, _, message, word in issues:
        assert PERSIAN_LETTER.search(message) and "ترجمه نشده" not in message, (code, message)
        assert not LATIN_WORD.search(_without_file_words(message)), (code, message)
        assert not LATIN_WORD.search(word + row) and PERSIAN_LETTER.search(word), (code, word, row)
        assert not LATIN_WORD.search(_without_file_words(column)), (code, column)
    month = next(i for i in issues if i[1] == "date.month_range")
    assert ("۱۳۹۸/۱۳/۴۰" in month[5] and "۱۳" in month[5] and month[2] == "۵" and month[3] == "تاریخ فوت"
            and month[0] == "error" and month[6] == "خطا")
    assert next(i for i in issues if i[1] == "list.column_unmapped")[5].count("رنگ چشم") == 1
    assert next(i for i in issues if i[1] == "list.repeats_row")[5].count("۳") == 1  # repeats spreadsheet row 3


def test_the_english_page_keeps_the_librarys_words(client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    issues = _issues(_dry_run(client, "en"))
    by_code = {code: (row, column, message, word) for _, code, row, column, _, message, word in issues}
    assert by_code["list.column_unmapped"] == ("2", "رنگ چشم", "not mapped: kept in the raw row only", "note")
    assert by_code["date.month_range"][2].startswith("date '۱۳۹۸/۱۳/۴۰'") or "month 13" in by_code[
        "date.month_range"][2]
    assert by_code["list.repeats_row"][1:] == ("(row)", "repeats row 3 (same record id, same content): not added "
                                                 "again", "duplicate")
    assert all(LATIN_WORD.search(message) and "not translated" not in message for *_, message, _ in issues)


def test_a_second_import_of_the_list_says_so_in_persian(client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    page = _dry_run(client, "fa", "منبع یکم")
    token = page.split('name="token" value="')[1].split('"')[0]
    done = client.post("/imports/commit?lang=fa", data={"token": token, "source": "منبع یکم",
                                                        "csrf_token": token_of(client)})
    assert done.status_code == 200
    issues = _issues(_dry_run(client, "fa", "منبع دوم"))  # the same file under another source's name
    other = next(i for i in issues if i[1] == "list.file_in_other_source")
    assert "منبع یکم" in other[5] and not LATIN_WORD.search(other[5].replace("منبع یکم", "")), other


def test_each_file_and_row_code_of_the_importer_fills_its_persian_words(engine, tmp_path) -> None:
    header = "record_id,given_name,family_name,age,date_of_death,province,city,eye colour\n"
    lists = {"a.csv": "Report list, draft\n" + header + "n1,Ali,Rezaei,24,05/11/2019,Tehran,Tehran,brown\n"
                      "n2,Reza,Karimi,30,16/11/2019,Fars,Shiraz,\nn2,Reza,Karimi,30,16/11/2019,Fars,Shiraz,\n"
                      "n4,Ali,Rezaei,24,05/11/2019,Tehran,Tehran,\nn4,Ali,Rezaei,25,05/11/2019,Tehran,Tehran,\n",
             "b.csv": header + "n1,Ali,Rezaei,25,05/11/2019,Tehran,Tehran,brown\n"
                               "n2,Reza,Karimi,30,16/11/2019,Fars,Shiraz,\n"}
    issues = []
    for name, source in (("a.csv", "network"), ("b.csv", "network"), ("a.csv", "other")):
        path = tmp_path / name
        path.write_text(lists[name], encoding="utf-8")
        with session_scope(engine) as session:
            issues += import_file(session, path, source, mapping=ColumnMapping({}, dayfirst=None)).issues
    codes = {issue.code for issue in issues}
    assert {"list.title_lines", "list.column_unmapped", "list.day_order_inferred", "list.repeats_row",
            "list.id_clash", "list.record_revised", "list.record_known", "list.records_absent",
            "list.file_in_other_source"} <= codes, codes
    for issue in issues:
        assert issue.code in ISSUE_CODES, issue
        text = shown_issue("fa", issue)
        assert text.lang == "fa" and PERSIAN_LETTER.search(text.text), issue
        values = " ".join([issue.value, *map(str, issue.params.values()), *lists["a.csv"].replace(",", " ").split()])
        leftover = text.text
        for word in sorted(set(values.replace(",", " ").split()), key=len, reverse=True):
            leftover = leftover.replace(word, "")
        assert not LATIN_WORD.search(leftover), (issue.code, text.text)
        assert shown_issue("en", issue).text == issue.reason  # English as the library words it
