"""Errors in Persian by their stable code: what a bundle import can say (tollbook.bundle.codes), and the upload,
server, checkpoint and background-job errors a page meets. English pages show the library's English message
unchanged; Persian pages say the same from the code and its parameters. A code with no entry here keeps its
English text, marked as such (as tollbook.web.issue_words does for field messages)."""

from __future__ import annotations

from typing import Any

from tollbook.errors import TollbookError
from tollbook.ingest.mapping import CANONICAL_FIELDS
from tollbook.web.i18n import persian_digits, translate
from tollbook.web.issue_words import ShownIssue, fill, persian_text, shown_column

PERSIAN: dict[str, str] = {
    "bundle.unreadable": "پرونده خواندنی نیست.",
    "bundle.not_a_bundle": "این پرونده بستهٔ میدانی تول‌بوک نیست (یا بایت‌های آغازش آسیب دیده است).",
    "bundle.wrong_key": "با کلید پروژهٔ این سرور باز نمی‌شود: برای کلید دیگری مهروموم شده، یا ناقص یا "
                        "دست‌کاری‌شده است.",
    "bundle.too_short": "کوتاه‌تر از آن است که امضایی در خود داشته باشد.",
    "bundle.unknown_collector": "با کلید گردآورندهٔ {collector} امضا شده است که ثبت نشده است: کلید را با خود "
                                "گردآورنده بسنجید و سپس با `tollbook keys register COLLECTOR.pub` ثبتش کنید.",
    "bundle.bad_signature": "امضای کلید گردآورندهٔ {collector} درست درنمی‌آید: بسته دست‌کاری شده است.",
    "bundle.unknown_format": "قالب این بسته («{format}») را این نسخهٔ تول‌بوک نمی‌شناسد.",
    "bundle.signer_mismatch": "امضاکنندهٔ بسته همان گردآورنده‌ای نیست که بسته نام می‌برد.",
    "bundle.other_project": "این بسته برای کلید پروژهٔ {recipient} ساخته شده است، نه برای این کلید.",
    "bundle.file_hash": "{part} «{name}» با چکیدهٔ (هش) ثبت‌شده‌اش نمی‌خواند: آسیب دیده یا دست‌کاری شده است.",
    "bundle.malformed": "محتوای امضاشدهٔ بسته ساختار درستی ندارد.",
    "bundle.bad_row": "پروندهٔ گزارش‌های «{file}»، ردیف {row}، «{column}»: {issue}",
    "server.no_project_key": "این سرور کلید پروژه ندارد و نمی‌تواند بستهٔ میدانی وارد کند: آن را با "
                             "`tollbook serve --project-key project.key` اجرا کنید.",
    "server.project_key_unregistered": "کلید پروژهٔ {fingerprint} در این پایگاه داده ثبت نشده است: نخست "
                                       "`tollbook keys register project.pub` را اجرا کنید.",
    "checkpoint.broken_chain": "زنجیرهٔ دفتر ممیزی در رویداد {event} گسسته است: نقطهٔ وارسی امضا نشد.",
    "checkpoint.empty": "دفتر ممیزی خالی است: هنوز چیزی برای نقطهٔ وارسی نیست.",
    "checkpoint.not_project_key": "کلید {fingerprint} کلید پروژهٔ این پایگاه داده نیست: نخست کلید عمومی آن را "
                                  "با `tollbook keys register` ثبت کنید.",
    "upload.suffix": "«{name}»: پرونده‌ای {suffixes} بارگذاری کنید.",
    "upload.empty": "پروندهٔ بارگذاری‌شده خالی است.",
    "upload.too_big": "پروندهٔ بارگذاری‌شده بزرگ‌تر از {limit} مگابایت است.",
    "upload.unknown": "این بارگذاری شناخته‌شده نیست: پرونده را دوباره بارگذاری کنید.",
    "upload.gone": "پروندهٔ بارگذاری‌شده دیگر در سرور نیست (سرور از نو راه افتاده است؟): آن را دوباره "
                   "بارگذاری کنید.",
    "upload.no_source": "نام منبعی را که فهرست از آن آمده است بنویسید.",
    "job.busy": "کار {kind} ({id}) هنوز در حال اجراست: بگذارید به پایان برسد.",
    "job.not_found": "کاری با شناسهٔ «{id}» در این پایگاه داده نیست.",
    "job.unknown": "کاری به نام «{kind}» نیست: پیوند (link) یا برآورد (estimate).",
}
JOB_KINDS = {"link": "پیوند", "estimate": "برآورد"}
PARTS = {"records": "پروندهٔ گزارش‌های", "evidence": "پروندهٔ مدرک"}
IDENTIFIERS = ("collector", "fingerprint", "recipient", "format", "file", "name", "id")  # as written, never folded


def shown_error(lang: str, error: TollbookError) -> ShownIssue:
    """An error in the page's language: Persian from its code where there is an entry its parameters fill,
    else the library's English message."""
    code, params = getattr(error, "code", ""), getattr(error, "params", {})
    if lang == "fa" and code in PERSIAN:
        try:
            return ShownIssue("error", fill(PERSIAN[code], params, _value), "fa", code)
        except (KeyError, IndexError, ValueError, TypeError):  # an entry its parameters cannot fill
            pass
    return ShownIssue("error", str(error), "en", code)


def _value(name: str, params: dict[str, Any]) -> str:
    """One parameter as a Persian message shows it."""
    if name in IDENTIFIERS:
        return str(params[name])
    if name == "kind":
        return JOB_KINDS.get(params["kind"], str(params["kind"]))
    if name == "part":
        return PARTS[params["part"]]
    if name == "column":  # a canonical column by its field's Persian name, any other as written
        column = str(params["column"])
        if column in CANONICAL_FIELDS:
            return translate("fa", "source_record_id" if column == "record_id" else column)
        return shown_column("fa", column)
    if name == "issue":  # the refused row's own issue, in the import report's Persian words
        return persian_text(params["issue"]["code"], params["issue"]["params"])
    if name == "suffixes":
        suffixes = [f"\u200e{suffix}" for suffix in params["suffixes"]]  # keep the dot on the left of .csv
        return "، ".join(suffixes[:-1]) + (" یا " if len(suffixes) > 1 else "") + suffixes[-1]
    return persian_digits(str(params[name]))
