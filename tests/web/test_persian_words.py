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
