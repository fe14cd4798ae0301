"""The library's field validation messages in Persian, by their stable code (tollbook.ingest.codes): English
pages show the library's English reason unchanged; Persian pages say the same from the code and its parameters.
A code with no Persian entry, or an entry its parameters cannot fill, keeps its English text, marked as such.
The words form a table of the shared format (tollbook.phrases) the report's estimation caveats use too."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tollbook import phrases
from tollbook.enums import VictimRole
from tollbook.ingest.report import ImportIssue
from tollbook.ingest.validate import VOCAB_FIELDS
from tollbook.ingest.vocab import WORDS as VOCAB_WORDS
from tollbook.places.gazetteer import province_by_code
from tollbook.records import InputIssue
from tollbook.web.i18n import persian_digits, translate

PERSIAN: dict[str, str] = {
    "name.missing": "نه نام آمده است و نه نام خانوادگی: هر گزارش دست‌کم یک نام می‌خواهد.",
    "age.empty": "سن خالی است.",
    "age.unreadable": "سن «{text}» به شکل شمار سال‌ها خوانده نمی‌شود (نمونه‌ها: ۲۳، ۲۳ ساله، حدود ۳۰، ۳۰-۳۵، ۶ ماهه).",
    "age.over": "سن «{text}» بیش از {limit} سال است.",
    "date.empty": "تاریخ خالی است؛ برای تاریخ نامعلوم، به جای آن فیلد را خالی بگذارید.",
    "date.unreadable": "این تاریخ خواندنی نیست.",
    "date.year_range": "تاریخ «{text}»: سال {year} نه خورشیدی (۱۳۰۰ تا ۱۴۹۹) است و نه میلادی (۱۸۰۰ تا ۲۱۹۹)؛ "
                       "سال را کامل و چهاررقمی بنویسید.",
    "date.month_range": "تاریخ «{text}»: ماه {month} در بازهٔ ۱ تا ۱۲ نیست (آیا ترتیب روز و ماه درست است؟).",
    "date.no_such_day": "تاریخ «{text}»: چنین روزی در تقویم {calendar} نیست.",
    "date.year_unclear": "تاریخ «{text}»: سال معلوم نیست؛ آن را چهاررقمی بنویسید (۱۳۹۸/۰۸/۲۵، ۱۶/۱۱/۲۰۱۹).",
    "date.form": "تاریخ «{text}» به شکلی شناخته‌شده نیست؛ مثلاً بنویسید ۱۳۹۸/۰۸/۲۵، ۲۵ آبان ۱۳۹۸ یا ۲۰۱۹-۱۱-۱۶.",
    "date.month_name": "تاریخ «{text}»: «{word}» نام ماه (خورشیدی یا میلادی) نیست.",
    "date.day_and_year": "تاریخ «{text}»: کنار نام ماه یک روز (۱ تا ۳۱) و یک سال چهاررقمی لازم است.",
    "date.month_calendar": "تاریخ «{text}»: سال {year} از تقویم {calendar} است، اما «{word}» نام ماهی از این "
                           "تقویم نیست.",
    "date.not_a_day": "«{text}» یک {precision} است، نه یک روز: تاریخ کامل را بنویسید.",
    "date.future": "تاریخ «{text}» ({iso}) در آینده است.",
    "date.outside_window": "تاریخ «{text}» ({iso}) بیرون از بازهٔ رویداد ({start} تا {end}) است.",
    "province.unknown": "استان در فهرست جغرافیایی یافت نشد: همان‌گونه که نوشته شده بود نگه داشته شد، اما به هیچ "
                        "استانی نسبت داده نشد.",
    "city.unknown": "شهر در فهرست جغرافیایی یافت نشد: همان‌گونه که نوشته شده بود نگه داشته شد، اما به هیچ شهری نسبت "
                    "داده نشد.",
    "city.ambiguous": "چند شهر این نام را دارند: {candidates}؛ استان را هم بنویسید.",
    "city.contradicts_province": "شهر با استان ردیف ({province}) جور درنمی‌آید: «{city}» در {where} است؛ به هیچ شهری "
                                 "نسبت داده نشد.",
    "city.other_province": "شهر «{city}» در {city_province} است، نه در استان ردیف ({province}).",
    "vocab.unknown": "واژهٔ نوشته‌شده برای {field} شناخته‌شده نیست و «نامعلوم» خوانده شد؛ واژه‌های پذیرفته: {words}.",
    "vocab.required": "واژهٔ نوشته‌شده برای {field} شناخته‌شده نیست؛ یکی از این واژه‌ها را بنویسید: {words}.",
    "vocab.role": "واژهٔ نوشته‌شده برای {field} شناخته‌شده نیست و ادعایی دربارهٔ نقش ثبت نشد؛ واژه‌های پذیرفته: "
                  "{words}.",
    "report_date.before_death": "تاریخ گزارش پیش از تاریخ جان‌باختن است: تاریخ گزارش نامعلوم ماند.",
    "report_date.not_a_day": "تاریخ گزارش «{text}» یک روز کامل نیست: نامعلوم ماند.",
    "report_date.future": "تاریخ گزارش «{text}» در آینده است: نامعلوم ماند.",
    "text.too_long": "متن بلندتر از {limit} نویسه است، بیشترین اندازه‌ای که این فیلد در گزارش نگه می‌دارد.",
    "cell.too_long": "این خانه {length} نویسه دارد، بیش از {limit} نویسه‌ای که یک خانه می‌تواند داشته باشد؛ گزارش "
                     "ذخیره نمی‌شود.",
    "cell.nul": "متن نویسهٔ تهی (کد صفر) دارد که هیچ پایگاه داده‌ای آن را در متن نمی‌پذیرد؛ آن را بردارید. گزارش "
                "ذخیره نمی‌شود.",
    "cell.surrogate": "متن نویسه‌ای شکسته دارد که ذخیره‌شدنی نیست؛ آن نویسه را درست کنید. گزارش ذخیره نمی‌شود.",
    "list.column_unmapped": "ستون «{column}» به هیچ فیلدی نگاشته نشد: تنها در ردیف خام نگه داشته شد.",
    "list.column_unnamed": "ستون «{column}» سرستون خالی یا تکراری دارد (یا خانه‌هایی پس از آخرین سرستون): "
                             "نگاشته نشد و با همین نام در ردیف خام نگه داشته شد.",
    "list.encoding_windows_arabic": "کدگذاری پرونده UTF-8 نیست و با کدگذاری عربی ویندوز (۱۲۵۶) خوانده شد؛ اگر نام‌های "
                                    "نمونه درست دیده نمی‌شوند، پرونده را با کدگذاری UTF-8 ذخیره و دوباره وارد کنید.",
    "list.formulas_unsaved": "{count} خانه فرمول دارند اما مقدار ذخیره‌شده ندارند و خالی خوانده شدند؛ پرونده را در یک "
                             "برنامهٔ صفحه‌گسترده باز کنید، ذخیره کنید و دوباره وارد کنید.",
    "list.sheet_left_out": "برگهٔ «{sheet}» کنار گذاشته شد: هیچ سرستون شناخته‌شده‌ای ندارد.",
    "list.title_lines": "{count} ردیف بالای ردیف سرستون‌ها (ردیف {header_row}) نادیده گرفته شد.",
    "list.day_order_inferred": "{count} تاریخ به دو گونه خواندنی بود، مانند «{text}»؛ همه با ترتیب {order} خوانده "
                               "شدند، چون «{proof}» در همین ستون تنها این‌گونه خواندنی است. اگر نادرست است، ترتیب روز "
                               "و ماه را خودتان تعیین کنید.",
    "list.repeats_row": "تکرار ردیف {row} است (همان شناسه، همان محتوا): دوباره افزوده نمی‌شود.",
    "list.id_clash": "شناسهٔ «{id}» در ردیف {row} همین پرونده با محتوای دیگری هم آمده است: وارد نمی‌شود "
                       "(به هر گزارش شناسهٔ خودش را بدهید).",
    "list.record_known": "گزارش «{id}» با همین محتوا از پیش موجود است: دوباره افزوده نمی‌شود.",
    "list.record_retracted": "گزارش «{id}» پس گرفته شده است؛ ردیف تغییرکرده آن را بازنمی‌گرداند.",
    "list.record_revised": "گزارش «{id}» تغییر کرده است: نسخهٔ {revision} آن افزوده می‌شود.",
    "list.repeats_raw": "همان ردیف خام ردیف {row} است: دوباره افزوده نمی‌شود.",
    "list.raw_known": "همان ردیف خام گزارشی است که منبع از پیش دارد: دوباره افزوده نمی‌شود.",
    "list.records_absent": "{count} گزارش کنونی منبع در ردیف‌های خوانده‌شدهٔ این پرونده نیست ({ids})؛ همچنان شمرده "
                           "می‌شوند. اگر این فهرست اصلاح‌شدهٔ کامل است و آن‌ها را کنار گذاشته، آن‌ها را پس بگیرید.",
    "list.file_in_other_source": "این پرونده پیش‌تر در منبع «{source}» وارد شده است: یک فهرست با دو نام، "
                                   "هم‌پوشانی ساختگی می‌سازد و برآورد را کج می‌کند.",
    "list.rows_in_other_source": "{count} از {total} ردیف همانند ردیف‌های منبع «{source}» است: آیا همان فهرست با "
                                   "نامی دیگر است؟ (این هم‌پوشانی ساختگی می‌سازد و برآورد را کج می‌کند)",
}
KEPT = {"unknown": "؛ ناشناخته نگه داشته شد", "report_unknown": "؛ تاریخ گزارش نامعلوم ماند"}
CALENDARS = {"jalali": "خورشیدی", "gregorian": "میلادی"}
PRECISIONS = {"month": "ماه", "year": "سال", "day": "روز"}
SPOTS = {"(row)": "(ردیف)", "(file)": "(پرونده)", "(encoding)": "(کدگذاری)", "(formulas)": "(فرمول‌ها)",
         "(sheet)": "(برگه)", "(title)": "(عنوان)"}  # an import issue's "column" when it is about no one column
ORDERS = {"day-first": "روز پیش از ماه", "month-first": "ماه پیش از روز"}
USER_TEXT = ("text", "word", "city", "column", "sheet", "id", "ids", "source", "proof")  # the user's own input


def table() -> dict[str, phrases.Phrase]:
    """The Persian words as a table of the shared format: no English template, since the library writes each
    issue's English reason itself."""
    return {code: phrases.Phrase(None, words) for code, words in PERSIAN.items()}


@dataclass(frozen=True)
class ShownIssue:
    """A validation message as a page shows it: its words, and the language they are in."""

    severity: str
    text: str
    lang: str
    code: str


def shown_issue(lang: str, issue: InputIssue | ImportIssue) -> ShownIssue:
    """An issue in the page's language: Persian from its code where there is an entry, else its English reason."""
    if lang == "fa" and issue.code in PERSIAN:
        try:
            return ShownIssue(issue.severity, persian_text(issue.code, issue.params), "fa", issue.code)
        except (KeyError, IndexError, ValueError, TypeError):  # an entry its parameters cannot fill
            pass
    return ShownIssue(issue.severity, issue.reason, "en", issue.code)


def shown_column(lang: str, column: str) -> str:
    """Where an import issue is, as a page says it: a file's own column name as written, the report's words for a
    whole row or file in the page's language."""
    return SPOTS.get(column, column) if lang == "fa" else column


def persian_text(code: str, params: dict[str, Any]) -> str:
    """The Persian message of a code with its parameters filled (user input as typed, numbers in Persian digits,
    places by their Persian names); raises KeyError when a parameter the entry needs is missing."""
    return fill(PERSIAN[code], params, _persian_value) + KEPT.get(str(params.get("kept", "")), "")


def fill(template: str, params: dict[str, Any], value_of: Callable[[str, dict[str, Any]], str]) -> str:
    """A template with each {name} it holds filled by `value_of(name, params)` (KeyError when one is missing)."""
    return phrases.fill(template, {name: value_of(name, params) for name in phrases.placeholders(template)})


def _persian_value(name: str, params: dict[str, Any]) -> str:
    """One parameter as a Persian message shows it."""
    if name in USER_TEXT:
        return str(params[name])
    if name == "calendar":
        return CALENDARS[params[name]]
    if name == "precision":
        return PRECISIONS[params[name]]
    if name == "order":
        return ORDERS[params[name]]
    if name in ("province", "city_province"):
        return province_fa(params[name])
    if name == "field":
        return translate("fa", params["field"])
    if name == "words":
        return "، ".join(persian_word(params["field"], value) for value in params["words"])
    if name == "candidates":
        return " یا ".join(f"{city_fa or city_en} در {province_fa(code)}" for city_en, city_fa, code in params[name])
    if name == "where":
        return " یا ".join(dict.fromkeys(province_fa(code) for _, _, code in params["candidates"]))
    return persian_digits(str(params[name]))


def province_fa(code: str) -> str:
    """A province by its Persian name (its code when the gazetteer lacks it)."""
    try:
        return province_by_code(code).name_fa or code
    except KeyError:
        return code


def persian_word(field: str, value: str) -> str:
    """The first Persian word the vocabulary accepts for a field's value (the value itself when none)."""
    enum = VictimRole if field == "role" else VOCAB_FIELDS[field][0]
    words = VOCAB_WORDS[enum].get(value, ())
    return next((w for w in words if any("\u0600" <= ch <= "\u06ff" for ch in w)), value)


ACCEPT_REASONS = (  # tollbook.link.person_view's rule and its accept()'s reasons for an accepted value
    (re.compile(r"verified source first, then agreement of records, then the most recent record"),
     "قاعدهٔ پذیرش: نخست منبع راستی‌آزمایی‌شده، سپس هم‌خوانی گزارش‌ها، سپس تازه‌ترین گزارش"),
    (re.compile(r"no record gives a value"), "هیچ گزارشی مقداری نمی‌دهد"),
    (re.compile(r"from a verified source"), "از منبعی راستی‌آزمایی‌شده"),
    (re.compile(r"given by (?P<count>\d+) of (?P<total>\d+) records"),
     "{count} گزارش از {total} گزارش همین را می‌گویند"),
    (re.compile(r"records disagree: the most recent"), "گزارش‌ها هم‌خوان نیستند: تازه‌ترین پذیرفته شد"),
)


def accept_reason(lang: str, reason: str) -> str:
    """Why a person's field holds its accepted value, in the page's language (the reason as given when it is
    none of the known ones)."""
    if lang != "fa":
        return reason
    for pattern, words in ACCEPT_REASONS:
        if match := pattern.fullmatch(reason):
            return words.format(**{name: persian_digits(value) for name, value in match.groupdict().items()})
    return reason
