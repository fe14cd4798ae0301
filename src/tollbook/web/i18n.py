"""The web app's words in English and Persian; Persian pages are laid out right to left.

A page's language comes from `?lang=`, then the `lang` cookie, then the browser's Accept-Language, then English.
A key with no entry shows the key itself, so a missing word is visible rather than silent.
"""

from __future__ import annotations

from fastapi import Request

LANGUAGES = ("en", "fa")
DIRECTION = {"en": "ltr", "fa": "rtl"}
LANG_COOKIE = "lang"

WORDS: dict[str, tuple[str, str]] = {
    "app": ("Tollbook", "تول‌بوک"),
    "dashboard": ("Dashboard", "داشبورد"),
    "sources": ("Sources", "منابع"),
    "records": ("Records", "گزارش‌ها"),
    "record": ("Record", "گزارش"),
    "persons": ("Persons", "افراد"),
    "person": ("Person", "فرد"),
    "review": ("Review queue", "صف بازبینی"),
    "claims": ("Claims", "ادعاها"),
    "timeline": ("Claims timeline", "روند ادعاها"),
    "imports": ("Import", "ورود داده"),
    "jobs": ("Linkage and estimation", "پیوند و برآورد"),
    "audit": ("Audit log", "دفتر ممیزی"),
    "users": ("Users", "کاربران"),
    "public_list": ("Public list", "فهرست عمومی"),
    "sign_in": ("Sign in", "ورود"),
    "sign_out": ("Sign out", "خروج"),
    "name": ("Name", "نام"),
    "password": ("Password", "گذرواژه"),
    "bad_login": ("Wrong name or password.", "نام یا گذرواژه نادرست است."),
    "too_many": ("Too many failed sign-ins: wait {seconds} seconds.",
                 "تلاش‌های ناموفق زیاد بود: {seconds} ثانیه صبر کنید."),
    "signed_in_as": ("Signed in as {name} ({role})", "واردشده با نام {name} ({role})"),
    "forbidden": ("Your role may not do this.", "نقش شما اجازهٔ این کار را ندارد."),
    "not_found": ("Not found.", "پیدا نشد."),
    "csrf": ("The form expired or did not come from this site: reload the page and try again.",
             "فرم منقضی شده یا از این سایت نیامده است: صفحه را دوباره بارگذاری کنید."),
    "search": ("Search", "جستجو"),
    "name_any_script": ("Name (Persian or Latin)", "نام (فارسی یا لاتین)"),
    "province": ("Province", "استان"),
    "city": ("City", "شهر"),
    "date_from": ("Died from", "تاریخ از"),
    "date_to": ("Died to", "تاریخ تا"),
    "date_hint": ("Solar Hijri or Gregorian, e.g. 1398-08-25 or 2019-11-16",
                  "خورشیدی یا میلادی، مثلاً ۱۳۹۸/۰۸/۲۵ یا 2019-11-16"),
    "status": ("Status", "وضعیت"),
    "verification": ("Verification", "راستی‌آزمایی"),
    "source": ("Source", "منبع"),
    "any": ("any", "همه"),
    "given_name": ("Given name", "نام"),
    "family_name": ("Family name", "نام خانوادگی"),
    "father_name": ("Father's name", "نام پدر"),
    "sex": ("Sex", "جنسیت"),
    "age": ("Age", "سن"),
    "date_of_death": ("Date of death", "تاریخ جان‌باختن"),
    "cause": ("Cause", "علت"),
    "perpetrator": ("Perpetrator", "عامل"),
    "place_detail": ("Place detail", "محل دقیق"),
    "notes": ("Notes", "یادداشت"),
    "evidence_refs": ("Evidence", "مدارک"),
    "source_record_id": ("Source's id", "شناسه در منبع"),
    "revision": ("Revision", "نسخه"),
    "revisions": ("Revisions", "نسخه‌ها"),
    "raw_row": ("Raw row as imported", "ردیف خام واردشده"),
    "created_by": ("Entered by", "واردکننده"),
    "confidential": ("confidential", "محرمانه"),
    "linked_person": ("Linked person", "فرد پیوندشده"),
    "history": ("Audit history", "تاریخچهٔ ممیزی"),
    "evidence": ("Evidence", "مدارک"),
    "none": ("none", "هیچ"),
    "previous": ("Previous", "قبلی"),
    "next": ("Next", "بعدی"),
    "page_of": ("page {page} of {pages} ({total} in all)", "صفحهٔ {page} از {pages} (در کل {total})"),
    "correct": ("Correct this record", "اصلاح این گزارش"),
    "reason": ("Reason for the correction", "دلیل اصلاح"),
    "save": ("Save", "ذخیره"),
    "saved_revision": ("Saved as revision {revision} (record {id}).", "به‌عنوان نسخهٔ {revision} ذخیره شد (گزارش {id})."),
    "no_change": ("Nothing changed: the values are the record's own.", "چیزی تغییر نکرد."),
    "fix_fields": ("Some fields need fixing; see the messages beside them.", "برخی فیلدها نیاز به اصلاح دارند."),
    "reason_needed": ("Say why the record is corrected.", "دلیل اصلاح را بنویسید."),
    "superseded": ("This revision was superseded by record {id}.", "این نسخه با گزارش {id} جایگزین شده است."),
    "match": ("Match", "یکی هستند"),
    "non_match": ("Not a match", "یکی نیستند"),
    "unsure": ("Unsure", "مطمئن نیستم"),
    "probability": ("match probability", "احتمال یکی بودن"),
    "pair": ("Pair {index} of {total}", "جفت {index} از {total}"),
    "queue_empty": ("The review queue is empty.", "صف بازبینی خالی است."),
    "decided": ("Decision stored: {verdict}.", "تصمیم ثبت شد: {verdict}."),
    "field": ("Field", "فیلد"),
    "differs": ("differs", "متفاوت"),
    "accepted": ("Accepted", "پذیرفته"),
    "why": ("Why", "چرا"),
    "values": ("Every value", "همهٔ مقدارها"),
    "lists": ("Lists", "فهرست‌ها"),
    "upload": ("Upload a list", "بارگذاری فهرست"),
    "file": ("File (CSV, XLSX or JSON)", "پرونده (CSV، XLSX یا JSON)"),
    "source_name": ("Source name (created if new)", "نام منبع (اگر تازه باشد ساخته می‌شود)"),
    "dry_run": ("Check it (dry run)", "بررسی (اجرای آزمایشی)"),
    "import_now": ("Import it", "وارد کن"),
    "dry_run_note": ("Dry run: nothing was written. Import it if the report looks right.",
                     "اجرای آزمایشی: چیزی نوشته نشد. اگر گزارش درست است وارد کنید."),
    "imported": ("Imported.", "وارد شد."),
    "already_imported": ("This file was already imported into this source; nothing added.",
                         "این پرونده قبلاً وارد شده است؛ چیزی افزوده نشد."),
    "rows": ("rows", "ردیف"),
    "duplicates": ("already present", "تکراری"),
    "failed": ("failed", "ناموفق"),
    "issues": ("Issues", "مشکلات"),
    "row": ("Row", "ردیف"),
    "column": ("Column", "ستون"),
    "value": ("Value", "مقدار"),
    "severity": ("Severity", "شدت"),
    "start_link": ("Link records into persons", "پیوند گزارش‌ها به افراد"),
    "start_estimate": ("Estimate (LCMCR by province, thin provinces pooled)",
                       "برآورد (LCMCR به تفکیک استان)"),
    "job": ("Job", "کار"),
    "state": ("State", "وضعیت"),
    "progress": ("Progress", "پیشرفت"),
    "refresh": ("This page refreshes itself while the job runs.", "این صفحه تا پایان کار خودکار تازه می‌شود."),
    "documented": ("Documented persons", "افراد مستند"),
    "estimate": ("Estimate", "برآورد"),
    "interval": ("95% interval", "بازهٔ ۹۵٪"),
    "review_items": ("Pairs awaiting review", "جفت‌های در انتظار بازبینی"),
    "audit_events": ("Audit events", "رویدادهای ممیزی"),
    "no_estimate": ("No estimate saved yet.", "هنوز برآوردی ذخیره نشده است."),
    "by_verification": ("Persons by verification", "افراد به تفکیک راستی‌آزمایی"),
    "date": ("Date", "تاریخ"),
    "figure": ("Figure", "رقم"),
    "metric": ("Metric", "شاخص"),
    "area": ("Area", "محدوده"),
    "kind": ("Kind", "نوع"),
    "group": ("Independence group", "گروه استقلال"),
    "description": ("Description", "توضیح"),
    "contact": ("Contact", "تماس"),
    "role": ("Role", "نقش"),
    "when": ("When", "زمان"),
    "who": ("Who", "چه کسی"),
    "action": ("Action", "کار"),
    "object": ("Object", "شیء"),
    "details": ("Details", "جزئیات"),
    "language": ("فارسی", "English"),
    "id": ("Id", "شناسه"),
    "attach": ("Attach", "پیوست"),
    "captured_by": ("Captured by", "گردآورنده"),
    "classifications": ("Role and responsible force (assertions)", "نقش و نیروی مسئول (ادعاها)"),
    "bad_request": ("The request could not be done.", "درخواست انجام نشد."),
    "public_note": ("Published list: accepted values only, no confidential field.",
                    "فهرست منتشرشده: فقط مقدارهای پذیرفته، بدون فیلد محرمانه."),
    "status.killed": ("killed", "کشته"),
    "status.injured": ("injured", "زخمی"),
    "status.detained": ("detained", "بازداشت"),
    "status.disappeared": ("disappeared", "ناپدید"),
    "verification.reported": ("reported", "گزارش‌شده"),
    "verification.corroborated": ("corroborated", "تأییدشده با دو منبع"),
    "verification.verified": ("verified", "راستی‌آزمایی‌شده"),
    "verification.contested": ("contested", "مورد مناقشه"),
    "verification.discounted": ("discounted", "کنارگذاشته"),
    "role.admin": ("admin", "مدیر"),
    "role.documenter": ("documenter", "مستندساز"),
    "role.reviewer": ("reviewer", "بازبین"),
    "role.statistician": ("statistician", "آمارگر"),
    "role.viewer": ("viewer", "بیننده"),
}


def pick_language(request: Request) -> str:
    """The language of this request's page."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "fa" if accept.startswith("fa") else "en"


def translate(lang: str, key: str, **values: object) -> str:
    """The word for `key` in `lang`, with {placeholders} filled."""
    pair = WORDS.get(key)
    text = key if pair is None else pair[LANGUAGES.index(lang)]
    return text.format(**values) if values else text


def persian_digits(text: str) -> str:
    """Latin digits written as Persian digits (for Persian pages)."""
    return str(text).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
