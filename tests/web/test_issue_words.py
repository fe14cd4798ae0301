"""Validation messages in the page's language: the library names each field issue by a stable code with its
parameters (English reason unchanged); Persian pages say it in Persian from the code, English pages keep the
library's words, and a code without a Persian entry keeps its English text, marked so."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from markupsafe import escape

import tollbook
from tollbook.enums import Role
from tollbook.ingest.codes import ISSUE_CODES
from tollbook.phrases import Phrase, problems
from tollbook.records import InputIssue, check_input
from tollbook.web import error_words
from tollbook.web.issue_words import PERSIAN, persian_text, shown_issue, table
from web.test_forms import NEW
from web.web_helpers import token_of

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
PERSIAN_LETTER = re.compile(r"[\u0600-\u06ff]")
# Persian input with something wrong in several fields: errors and warnings at once
BAD = NEW | {"date_of_death": "۱۳۹۸/۱۳/۴۰", "status": "زنده", "age": "جوان", "sex": "نمیدانم", "city": "شیراز",
             "province": "تهران"}
# Inputs that, between them, make check_input emit most codes it can (each with its own parameters)
MESSY = [
    {"given_name": ""}, {"given_name": "x", "age": "۲۰۰"}, {"given_name": "x", "age": "چند"},
    {"given_name": "x", "date_of_death": "1750/01/01"}, {"given_name": "x", "date_of_death": "1398/12/31"},
    {"given_name": "x", "date_of_death": "1399/12/31"}, {"given_name": "x", "date_of_death": "1397/12/30"},
    {"given_name": "x", "date_of_death": "11/12/13"}, {"given_name": "x", "date_of_death": "روز آخر"},
    {"given_name": "x", "date_of_death": "25 Bogus 1398"}, {"given_name": "x", "date_of_death": "آبان"},
    {"given_name": "x", "date_of_death": "25 November 1398"}, {"given_name": "x", "date_of_death": "1499/01/01"},
    {"given_name": "x", "province": "ناکجا", "city": "ناکجاآباد"}, {"given_name": "x", "city": "Shiraz",
                                                                     "province": "Tehran"},
    {"given_name": "x", "status": "alive", "sex": "?!", "cause": "bad luck", "perpetrator": "aliens"},
    {"given_name": "x" * 400}, {"given_name": "x\x00"}, {"given_name": "\ud800"}, {"given_name": "x" * 40_000},
    {"given_name": "x", "city": "Nurabad"}, {"given_name": "x", "date_of_death": "25 آبان"},
]


def _shown(page: str) -> dict[str, list[str]]:
    """The messages beside each field of a form page: field -> texts (tags and entities undone)."""
    found: dict[str, list[str]] = {}
    for field, inner in re.findall(r'<small class="issue [a-z]+"[^>]*id="issue-([a-z_]+)"[^>]*>(.*?)</small>', page,
                                   re.S):
        found.setdefault(field, []).append(html.unescape(re.sub(r"<[^>]+>", "", inner)))
    return found


def _without_input(text: str, values: dict[str, str]) -> str:
    """A message with the user's own input taken out (it may be Latin; a date's month word comes folded)."""
    typed = {word for value in values.values() for word in (value, *value.split()) if word}
    for word in sorted(typed, key=len, reverse=True):
        text = re.sub(re.escape(word), "", text, flags=re.IGNORECASE)
    return text


def _strings(path: Path) -> set[str]:
    """The string constants of a module's code (docstrings aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings}


def _post(client, lang: str, values: dict[str, str]):  # noqa: ANN001, ANN202 - a TestClient and its response
    return client.post(f"/records/new?lang={lang}", data=values | {"csrf_token": token_of(client)})


def test_persian_page_says_every_field_message_in_persian(app: FastAPI, client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    entered = {k: v for k, v in BAD.items() if k not in ("source", "reason") and v}
    _, issues = check_input(entered)
    assert {i.field for i in issues} >= {"date_of_death", "status", "age", "sex", "city"}
    response = _post(client, "fa", BAD)
    assert response.status_code == 400 and 'dir="rtl"' in response.text
    shown = _shown(response.text)
    assert set(shown) == {i.field for i in issues}
    for field, texts in shown.items():
        for text in texts:
            assert PERSIAN_LETTER.search(text), (field, text)
            assert not LATIN_WORD.search(_without_input(text, entered)), (field, text)
            assert "ترجمه نشده" not in text
    assert "۱۳" in shown["date_of_death"][0] and "۱۳۹۸/۱۳/۴۰" in shown["date_of_death"][0]  # the typed date
    assert "کشته" in shown["status"][0] and "فارس" in shown["city"][0]  # Persian words and province names
    assert 'value="جوان"' in response.text  # what was typed stays in the form


def test_english_page_keeps_the_librarys_english_words(app: FastAPI, client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    entered = {k: v for k, v in BAD.items() if k not in ("source", "reason") and v}
    _, issues = check_input(entered)
    response = _post(client, "en", BAD)
    assert response.status_code == 400 and 'dir="ltr"' in response.text
    for issue in issues:
        assert f'data-code="{issue.code}">{escape(issue.reason)}</small>' in response.text
    assert "untranslated" not in response.text
    assert _shown(response.text) == {f: [i.reason for i in issues if i.field == f] for f in {i.field for i in issues}}


def test_a_code_without_persian_words_keeps_its_english_text_marked(app: FastAPI, client_for,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(PERSIAN, "date.month_range")
    response = _post(client_for(Role.DOCUMENTER), "fa", NEW | {"date_of_death": "۱۳۹۸/۱۳/۴۰"})
    assert response.status_code == 400
    message = _shown(response.text)["date_of_death"][0]
    assert "month 13 is not between 1 and 12" in message and "ترجمه نشده" in message
    assert 'lang="en" dir="ltr"><span class="untranslated">' in response.text
    unfillable = InputIssue("age", "warning", "age 'x' is over 120", "age.over", {})  # a parameter missing
    assert shown_issue("fa", unfillable).text == unfillable.reason and shown_issue("fa", unfillable).lang == "en"
    unknown = InputIssue("age", "warning", "something new", "age.brand_new", {"text": "x"})
    assert shown_issue("fa", unknown).text == "something new"
    assert shown_issue("en", InputIssue("age", "error", "why", "age.empty")).text == "why"


def test_every_code_the_library_can_emit_has_persian_words() -> None:
    assert problems(table()) == []  # the shared table format the report's caveats use too
    assert problems({code: Phrase(None, words) for code, words in error_words.PERSIAN.items()}) == []
    assert set(ISSUE_CODES) <= set(PERSIAN), set(ISSUE_CODES) - set(PERSIAN)
    assert set(PERSIAN) <= set(ISSUE_CODES)  # no entry for a code the library dropped
    package = Path(tollbook.__file__).parent
    prefixes = "|".join(sorted({code.split(".")[0] for code in ISSUE_CODES}))
    code_like = re.compile(rf"(?:{prefixes})\.[a-z_]+")
    used = {text for folder in ("ingest", "text") for path in (package / folder).glob("*.py")
            if path.name != "codes.py" for text in _strings(path) if code_like.fullmatch(text)}
    assert used == set(ISSUE_CODES), (used ^ set(ISSUE_CODES))  # the list is exactly the codes the library writes


def test_what_check_input_emits_has_a_code_and_reads_in_persian() -> None:
    emitted = set()
    for values in MESSY:
        _, issues = check_input(values, typed=values)
        assert issues, values
        for issue in issues:
            assert issue.code in ISSUE_CODES, issue
            emitted.add(issue.code)
            text = persian_text(issue.code, issue.params)  # fills with the parameters the library gave
            assert PERSIAN_LETTER.search(text)
            assert not LATIN_WORD.search(_without_input(text, values)), \
                (issue, text)
    assert len(emitted) >= 20, sorted(emitted)


def test_api_carries_each_issues_code_beside_its_message(app: FastAPI, client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    headers = {"X-CSRF-Token": token_of(client)}
    body = {"source": "شاهدان", "values": {"given_name": "پویا", "date_of_death": "۱۳۹۸/۱۳/۴۰"}}
    english = client.post("/api/records", json=body, headers=headers)
    assert english.status_code == 400 and "month 13" in english.json()["detail"]  # the message as before
    [issue] = english.json()["issues"]
    assert (issue["field"], issue["code"], issue["params"]["month"]) == ("date_of_death", "date.month_range", 13)
    assert issue["message"] == issue["reason"] and "month 13" in issue["reason"]
    persian = client.post("/api/records?lang=fa", json=body, headers=headers).json()["issues"][0]
    assert persian["reason"] == issue["reason"] and PERSIAN_LETTER.search(persian["message"])
    assert not LATIN_WORD.search(persian["message"])



def test_persian_correction_form_says_a_typed_value_it_cannot_read_in_persian(app: FastAPI, client_for) -> None:
    from sqlalchemy import select

    from tollbook.model import Record
    from tollbook.store import session_scope
    from tollbook.web.forms import form_values

    client = client_for(Role.DOCUMENTER)
    with session_scope(app.state.engine) as session:
        record = session.scalars(select(Record).where(Record.source_record_id == "s1")).first()
        record_id, values = record.id, form_values(record)
    typed = {"age": "خیلی جوان", "city": "ناکجاآباد"}  # an unreadable age typed by hand: an error
    response = client.post(f"/records/{record_id}/correct?lang=fa", data=values | typed | {
        "reason": "اصلاح", "csrf_token": token_of(client)})
    assert response.status_code == 400
    shown = _shown(response.text)
    assert set(shown) == {"age", "city"} and 'class="issue error"' in response.text
    for texts in shown.values():
        assert all(PERSIAN_LETTER.search(t) and not LATIN_WORD.search(_without_input(t, typed)) for t in texts)
    assert "ناشناخته نگه داشته شد" not in shown["age"][0]  # typed by hand, it is refused, not kept as unknown
