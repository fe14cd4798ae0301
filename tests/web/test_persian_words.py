"""The app's Persian words follow one orthography and one glossary: Persian letters (never Arabic yeh or kaf),
the zero-width non-joiner in verb prefixes and plural suffixes, Persian punctuation and digits, and one word for
each thing (record, row, revision, encoding...), as docs/web.md lists them."""

from __future__ import annotations

import re

import pytest

from tollbook.web import error_words, i18n, issue_words

TEXTS = {f"issue:{k}": v for k, v in issue_words.PERSIAN.items()} | {
    f"error:{k}": v for k, v in error_words.PERSIAN.items()} | {
    f"word:{k}": v[1] for k, v in i18n.WORDS.items() if k != "language"} | {
    f"accept:{pattern.pattern}": words for pattern, words in issue_words.ACCEPT_REASONS} | {
    f"aux:{k}": v for table in (issue_words.KEPT, issue_words.CALENDARS, issue_words.PRECISIONS, issue_words.SPOTS,
                                issue_words.ORDERS, error_words.PARTS, error_words.JOB_KINDS) for k, v in table.items()}
CODE = re.compile(r"`[^`]*`|\{[a-z_]+\}|UTF-8|\.tbundle|CSV|XLSX|JSON|LCMCR|field-<")  # code, slots, formats
RULES = {
    "an Arabic letter where Persian has its own (ي ك ة)": re.compile("[\u064a\u0643\u0629]"),
    "a verb prefix written apart, not joined with a ZWNJ (می‌/نمی‌)": re.compile(r"(?:^|[\s«(])ن?می "),
    "a suffix written apart, not joined with a ZWNJ (‌ها، ‌تر)":
        re.compile(r"[\u0600-\u06ff] (?:ها|های|تر|ترین)(?:[\s،.؛:»)]|$)"),
    "a Latin comma, semicolon or question mark": re.compile(r"[,;?]"),
    "a Latin digit": re.compile(r"[0-9]"),
    "a space before punctuation": re.compile(r" [،؛:.]"),
}
GLOSSARY = {  # a word the app does not use -> the one it uses for the same thing
    "ویرایش": "نسخه (a record's revision)", "سطر": "ردیف (a row)", "رمزگذاری": "کدگذاری (a file's encoding)",
    "قبلاً": "پیش‌تر (before)", "جستجو": "جست‌وجو (search)", "خوانا": "خواندنی (readable)",
    "شناخته نیست": "شناخته‌شده نیست (unknown)", "رکورد": "گزارش (a record)", "لیست": "فهرست (a list)",
    "شخص": "فرد (a person)", "فایل": "پرونده (a file)", "مدرک‌ها": "مدارک (evidence)",
}


@pytest.mark.parametrize("rule", RULES)
def test_every_persian_text_keeps_the_orthography(rule: str) -> None:
    broken = {key: text for key, text in TEXTS.items() if RULES[rule].search(CODE.sub("X", text))}
    assert broken == {}, rule


def test_every_persian_text_uses_the_glossarys_words() -> None:
    found = {key: (word, GLOSSARY[word]) for key, text in TEXTS.items() for word in GLOSSARY if word in text}
    assert found == {}


def test_the_rules_catch_what_they_name() -> None:
    samples = {"an Arabic letter where Persian has its own (ي ك ة)": "گزارش يافت نشد",
               "a verb prefix written apart, not joined with a ZWNJ (می‌/نمی‌)": "ذخیره نمی شود",
               "a suffix written apart, not joined with a ZWNJ (‌ها، ‌تر)": "گزارش ها",
               "a Latin comma, semicolon or question mark": "نام, سن", "a Latin digit": "ردیف 3",
               "a space before punctuation": "خالی است ."}
    assert all(RULES[rule].search(text) for rule, text in samples.items())
    assert set(samples) == set(RULES)


def test_a_persons_page_says_what_was_just_done_in_the_pages_language(app, client_for) -> None:  # noqa: ANN001
    from sqlalchemy import select

    from tollbook.enums import Role
    from tollbook.model import Person
    from tollbook.store import session_scope

    with session_scope(app.state.engine) as session:
        public_id = session.scalars(select(Person.public_id).where(Person.records.any()).limit(1)).first()
    client = client_for(Role.REVIEWER)
    persian = client.get(f"/persons/{public_id}?verified=verified&lang=fa").text
    assert "سطح راستی‌آزمایی ثبت شد: راستی‌آزمایی‌شده." in persian
    assert "مدرک پیوست شد." in client.get(f"/persons/{public_id}?evidence=1&lang=fa").text
    assert "Split off from person P-1." in client.get(f"/persons/{public_id}?split_from=P-1&lang=en").text


def test_every_reason_for_an_accepted_value_is_said_in_persian() -> None:
    import datetime as dt

    from tollbook.link.person_view import RULE, Claimed, accept

    day = dt.datetime(2019, 11, 20, tzinfo=dt.UTC)
    cases = [[], [Claimed("Ali", "a", 1, True, day)], [Claimed("Ali", "a", 1, False, day)] * 2,
             [Claimed("Ali", "a", 1, False, day), Claimed("Reza", "b", 2, False, day)]]
    reasons = [accept("given_name", values)[1] for values in cases] + [RULE]
    for reason in reasons:
        said = issue_words.accept_reason("fa", reason)
        assert re.search("[\u0600-\u06ff]", said) and not re.search("[A-Za-z0-9]", said), (reason, said)
        assert issue_words.accept_reason("en", reason) == reason
    assert "۲ گزارش از ۲ گزارش" in issue_words.accept_reason("fa", reasons[2])


@pytest.mark.parametrize("page", ["/", "/sources", "/records/{record}", "/persons/{person}"])
def test_the_teams_pages_hold_no_english_words_on_a_persian_page(app, client_for, page: str) -> None:  # noqa: ANN001
    import html as markup

    from sqlalchemy import select

    from tollbook.enums import Role
    from tollbook.model import Person, Record
    from tollbook.store import session_scope

    with session_scope(app.state.engine) as session:
        person = session.scalars(select(Person.public_id).where(Person.records.any()).limit(1)).first()
        record = session.scalars(select(Record.id).limit(1)).first()
    text = client_for(Role.ADMIN).get(page.format(record=record, person=person) + "?lang=fa").text
    main = re.search(r"<main>(.*)</main>", text, re.S).group(1)  # the page itself, not the menu
    words = markup.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(bdi|code|option)[^>]*>.*?</\1>", " ", main, flags=re.S)))
    assert re.findall(r"[A-Za-z][A-Za-z_]{2,}", re.sub(r"P-[0-9A-F]+|CSV|XLSX|JSON|LCMCR", " ", words)) == []
