"""The estimation's plain-language caveats and warnings in English and Persian, keyed by stable codes.

The estimation saves them as English sentences only. Each sentence it can write has a rule here: an English
template that matches it exactly (and rebuilds it), and a Persian translation. A saved sentence is read back into
a code and its figures, names and nested reasons, so each language writes it from its own template and every
figure it quotes is a traceable number. A sentence no rule knows keeps code "unknown" and is shown as written,
marked untranslated, rather than lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup, escape

from tollbook.estimate.diagnostics import ESS_LIMIT, RHAT_LIMIT
from tollbook.estimate.explain import DEPENDENCE
from tollbook.report.i18n import digits
from tollbook.report.numbers import NumberBook, number_id

UNKNOWN = "unknown"
_ASSUMES = ("It assumes: (1) a closed population — every list covers the same deaths, in the same places and period; "
            "(2) {dependence}; (3) the linkage is right — a missed merge of two records of one person raises the "
            "estimate, a false merge of two people lowers it.")
_ASSUMES_FA = ("فرض‌ها: (۱) جمعیت بسته — همهٔ فهرست‌ها همان مرگ‌ها را، در همان مکان‌ها و همان دوره، پوشش "
               "می‌دهند؛ (۲) {dependence}؛ (۳) پیوند رکوردها درست است — ادغام‌نشدن دو رکورد یک نفر برآورد را بالا "
               "می‌برد و ادغام نادرست دو نفر آن را پایین می‌آورد.")
_DEPENDENCE_FA = {
    "lcmcr": "وابستگی میان فهرست‌ها همان است که تفاوت میان گروه‌های پنهان مردم توضیح می‌دهد (برخی افراد برای همهٔ "
             "فهرست‌ها دیدنی‌ترند)؛ پیوند مستقیم دو فهرست (رونویسی یکی از دیگری) مدل نشده است",
    "loglinear": "فهرست‌ها مستقل‌اند جز در برهم‌کنش‌ها و جمله‌های ناهمگنی که مدل نام می‌برد",
    "dga": "وابستگی میان فهرست‌ها بر همهٔ مدل‌های گرافی تجزیه‌پذیر میانگین گرفته می‌شود، هر یک با وزن برازشش",
    "other": "روایت مدل از وابستگی میان فهرست‌ها برقرار است",
}
_SAME, _DIFFERENT = "record the same people", "record different people"
_DEPENDENCE_TAIL = ("far more than chance (co-capture odds ratio {num_ratio}): if they share sources or one copies "
                    "the other they are one independence group and should be merged into one list")
_DEPENDENCE_TAIL_FA = ("بسیار بیش از تصادف (نسبت شانس ثبت هم‌زمان {num_ratio}): اگر منابع مشترک دارند یا یکی از "
                       "دیگری رونویسی می‌کند، یک گروه استقلال‌اند و باید در یک فهرست ادغام شوند")

# code: (English template, as the estimation writes it; Persian translation). Placeholders: num_* a figure,
# list_* a list's name, names_* list names joined by ", ", stratum a stratum, reason/reasons nested caveats,
# text_* words kept as written.
RULES: dict[str, tuple[str, str]] = {
    "plain.what": (
        "What it is: an estimate of {num_estimate} people in total (95% interval {num_lower} to {num_upper}) = the "
        "{num_observed} documented by name plus about {num_missing} that no list recorded. It is a statistical "
        "estimate, not a list of names.",
        "چیست: برآورد {num_estimate} نفر در کل (بازهٔ ۹۵٪ از {num_lower} تا {num_upper}) = {num_observed} نفری که "
        "با نام مستند شده‌اند به‌علاوهٔ حدود {num_missing} نفر که هیچ فهرستی ثبتشان نکرده است. این یک برآورد "
        "آماری است، نه فهرستی از نام‌ها."),
    "plain.what_stratum": (
        "What it is: an estimate of {num_estimate} people in stratum '{stratum}' (95% interval {num_lower} to "
        "{num_upper}) = the {num_observed} documented by name plus about {num_missing} that no list recorded. It "
        "is a statistical estimate, not a list of names.",
        "چیست: برآورد {num_estimate} نفر در لایهٔ «{stratum}» (بازهٔ ۹۵٪ از {num_lower} تا {num_upper}) = "
        "{num_observed} نفری که با نام مستند شده‌اند به‌علاوهٔ حدود {num_missing} نفر که هیچ فهرستی ثبتشان نکرده "
        "است. این یک برآورد آماری است، نه فهرستی از نام‌ها."),
    **{f"plain.assumes.{method}": (_ASSUMES.format(dependence=DEPENDENCE.get(method, "the model's account of list "
                                                                             "dependence holds")),
                                   _ASSUMES_FA.format(dependence=_DEPENDENCE_FA[method]))
       for method in ("lcmcr", "loglinear", "dga", "other")},
    "plain.trust": (
        "When not to trust it: if lists share sources or copy each other, if some deaths could not have reached "
        "any list, or if reviewers' pending decisions would change many persons.",
        "کی نباید به آن اعتماد کرد: اگر فهرست‌ها منابع مشترک دارند یا از هم رونویسی می‌کنند، اگر برخی مرگ‌ها "
        "نمی‌توانستند به هیچ فهرستی برسند، یا اگر تصمیم‌های در انتظار بازبینان افراد بسیاری را تغییر دهد."),
    "plain.doubt": ("Do not rely on it as it stands: {reasons}.", "در وضع کنونی به آن تکیه نکنید: {reasons}."),
    "plain.none": ("No estimate here: {reason}.", "اینجا برآوردی نیست: {reason}."),
    "plain.floor": ("The {num_observed} documented people are a floor, not an estimate of the total.",
                    "{num_observed} نفر مستند کف شمارند، نه برآوردی از کل."),
    "doubt.not_settled": ("the computation did not settle (see the convergence warnings)",
                          "محاسبه به تعادل نرسید (هشدارهای همگرایی را ببینید)"),
    "doubt.no_fit": ("the model does not fit the data (goodness-of-fit p = {text_p})",
                     "مدل بر داده‌ها برازش ندارد (مقدار p نیکویی برازش = {text_p})"),
    "doubt.predictive": ("the model does not reproduce how the lists overlap (posterior predictive check failed)",
                         "مدل هم‌پوشانی فهرست‌ها را بازتولید نمی‌کند (بررسی پیش‌بینی پسین رد شد)"),
    "doubt.extrapolates": (
        "it is more than ten times the documented count: the model extrapolates far beyond the data",
        "بیش از ده برابر شمار مستند است: مدل بسیار فراتر از داده‌ها برون‌یابی می‌کند"),
    "doubt.wide": ("the interval is very wide: the lists overlap too little to pin the number down",
                   "بازه بسیار پهن است: هم‌پوشانی فهرست‌ها کمتر از آن است که عدد را تثبیت کند"),
    "convergence.rhat_unknown": (
        "R-hat of {text_what} could not be computed (too few draws): convergence is unchecked",
        "R-hat برای {text_what} محاسبه‌پذیر نبود (نمونه‌ها بسیار کم‌اند): همگرایی بررسی نشده است"),
    "convergence.rhat": (
        f"R-hat of {{text_what}} is {{num_rhat}} (> {RHAT_LIMIT}): the chains (or halves of one chain) disagree, "
        "the sampler may have found different modes — run longer or more chains and compare the chain medians "
        "before using {text_what_again}",
        f"R-hat برای {{text_what}} برابر {{num_rhat}} است (> {digits(str(RHAT_LIMIT), 'fa')}): زنجیره‌ها (یا دو "
        "نیمهٔ یک زنجیره) با هم نمی‌خوانند و شاید نمونه‌گیر به مدهای متفاوت رسیده باشد — پیش از به‌کاربردن "
        "{text_what_again}، زنجیره‌ها را طولانی‌تر یا بیشتر اجرا کنید و میانه‌های زنجیره‌ها را مقایسه کنید"),
    "convergence.ess": (
        f"too few effective draws of {{text_what}} ({{figures}}; need {ESS_LIMIT}): run more samples",
        f"نمونه‌های مؤثر {{text_what}} بسیار کم‌اند ({{figures}}؛ دست‌کم {digits(str(ESS_LIMIT), 'fa')} لازم است): "
        "نمونه‌های بیشتری بگیرید"),
    "lcmcr.k_binds": (
        "all {num_k} latent classes are occupied in {num_share}% of the draws: the truncation K may bind; rerun "
        "with a larger --K (see --sensitivity)",
        "هر {num_k} طبقهٔ پنهان در {num_share}٪ نمونه‌ها پر است: شاید سقف K محدودکننده باشد؛ با K بزرگ‌تر "
        "(--K) دوباره اجرا کنید (--sensitivity را ببینید)"),
    "lcmcr.iterations": (
        "suggested: about {num_suggested} iterations per chain (now {num_now}), e.g. more --samples at the same "
        "thinning",
        "پیشنهاد: حدود {num_suggested} تکرار برای هر زنجیره (اکنون {num_now})، برای نمونه --samples بیشتر با همان "
        "فاصلهٔ نمونه‌برداری (thinning)"),
    "dependence.same": (f"lists {{list_a}} and {{list_b}} {_SAME} {_DEPENDENCE_TAIL}",
                        f"فهرست‌های {{list_a}} و {{list_b}} همان افراد را ثبت می‌کنند، {_DEPENDENCE_TAIL_FA}"),
    "dependence.different": (f"lists {{list_a}} and {{list_b}} {_DIFFERENT} {_DEPENDENCE_TAIL}",
                             f"فهرست‌های {{list_a}} و {{list_b}} افراد متفاوتی را ثبت می‌کنند، {_DEPENDENCE_TAIL_FA}"),
    "independence.shared": (
        "lists {names_lists} and {list_last} are sources of one independence group ('{text_group}'): they are not "
        "independent sources, so the multiple systems estimate's assumption that lists record people "
        "independently (beyond what the model explains) is at risk and the estimate may be biased; merge them "
        "into one list (the default: leave out --separate-groups)",
        "فهرست‌های {names_lists} و {list_last} منابع یک گروه استقلال‌اند («{text_group}»): منابع مستقلی نیستند، "
        "پس فرض برآورد چندسیستمی که فهرست‌ها افراد را مستقل از هم ثبت می‌کنند (فراتر از آنچه مدل توضیح می‌دهد) در "
        "خطر است و برآورد ممکن است اریب باشد؛ آن‌ها را در یک فهرست ادغام کنید (پیش‌فرض: --separate-groups را "
        "به کار نبرید)"),
    **{code: (
        "posterior predictive check failed for {num_failed} of {num_checks} list counts and overlaps: {checks}"
        + more + ". The latent classes do not reproduce how these lists overlap, so the estimate of the people no "
        "list recorded may be biased; try a larger --K, merge lists of one source, or compare with the log-linear "
        "models",
        "بررسی پیش‌بینی پسین برای {num_failed} از {num_checks} شمار فهرست و هم‌پوشانی رد شد: {checks}" + more_fa
        + ". طبقه‌های پنهان هم‌پوشانی این فهرست‌ها را بازتولید نمی‌کنند، پس برآورد کسانی که هیچ فهرستی ثبتشان "
        "نکرده ممکن است اریب باشد؛ K بزرگ‌تر (--K) را بیازمایید، فهرست‌های یک منبع را ادغام کنید، یا با مدل‌های "
        "لگ‌خطی مقایسه کنید")
       for code, more, more_fa in (("predictive.failed_more", " (and {num_more} more)", " (و {num_more} مورد دیگر)"),
                                   ("predictive.failed", "", ""))},
    "predictive.margin": (
        "list {list_a} records {num_observed} people, the model predicts {num_median} (95% {num_lo}–{num_hi}, "
        "p = {text_p})",
        "فهرست {list_a} {num_observed} نفر را ثبت کرده و مدل {num_median} پیش‌بینی می‌کند (۹۵٪: {num_lo}–{num_hi}، "
        "p = {text_p})"),
    "predictive.pair": (
        "lists {list_a} and {list_b} share {num_observed} people, the model predicts {num_median} (95% "
        "{num_lo}–{num_hi}, p = {text_p})",
        "فهرست‌های {list_a} و {list_b} {num_observed} نفر مشترک دارند و مدل {num_median} پیش‌بینی می‌کند (۹۵٪: "
        "{num_lo}–{num_hi}، p = {text_p})"),
    "review.pending": (
        "{num_pairs} pairs await review (pending review): the documented count is {num_merged} to {num_now} "
        "persons (all merged / none merged), and the estimate moves with it; decide them (`tollbook review`) "
        "before publishing",
        "{num_pairs} جفت در انتظار بازبینی‌اند: شمار مستند بین {num_merged} و {num_now} نفر است (همه ادغام / "
        "هیچ ادغام) و برآورد هم با آن جابه‌جا می‌شود؛ پیش از انتشار درباره‌شان تصمیم بگیرید (`tollbook review`)"),
    "stratum.not_estimated": ("stratum '{stratum}' not estimated: {reason}", "لایهٔ «{stratum}» برآورد نشد: {reason}"),
    "population.not_estimated": ("not estimated: {reason}", "برآورد نشد: {reason}"),
    "thin.lists": ("only {num_lists} list(s) with records here ({names_lists}); at least {num_min} are needed",
                   "اینجا تنها {num_lists} فهرست رکورد دارد ({names_lists})؛ دست‌کم {num_min} لازم است"),
    "thin.people": ("only {num_people} people recorded here; at least {num_min} are needed",
                    "اینجا تنها {num_people} نفر ثبت شده‌اند؛ دست‌کم {num_min} لازم است"),
    "method.skipped": ("{text_method} skipped: {reason}", "{text_method} کنار گذاشته شد: {reason}"),
    "unsupported.lcmcr": (
        "LCMCR needs at least 3 lists (here {num_lists}): with two lists a latent-class model is not identified; "
        "the log-linear Mt model (Lincoln-Petersen) is the estimate two lists support",
        "LCMCR دست‌کم ۳ فهرست لازم دارد (اینجا {num_lists}): با دو فهرست مدل طبقهٔ پنهان شناسایی‌پذیر نیست؛ "
        "برآوردی که دو فهرست پشتیبانی می‌کنند مدل لگ‌خطی Mt (لینکلن-پترسن) است"),
    "unsupported.search": ("the log-linear model search needs at least 3 lists (here {num_lists})",
                           "جست‌وجوی مدل لگ‌خطی دست‌کم ۳ فهرست لازم دارد (اینجا {num_lists})"),
    "unsupported.dga": ("dga averages over the decomposable graphs of 3 to 5 lists (here {num_lists})",
                        "dga بر گراف‌های تجزیه‌پذیر ۳ تا ۵ فهرست میانگین می‌گیرد (اینجا {num_lists})"),
    "model.not_fitted": ("model '{text_model}' was not fitted here", "مدل «{text_model}» اینجا برازش نشد"),
    "total.documented_only": (
        "{num_people} documented people of stratum '{stratum}' are counted as documented only (no estimate of "
        "their undocumented) — {reason}",
        "{num_people} نفر مستند لایهٔ «{stratum}» تنها به‌عنوان مستند شمرده شده‌اند (برآوردی از ثبت‌نشدگان آن "
        "نیست) — {reason}"),
    "total.not_converged": ("stratum '{stratum}' has not converged", "لایهٔ «{stratum}» همگرا نشده است"),
    "combine.few": ("only {num_runs} runs combined: with fewer than 10 the interval is unreliable (verdata's "
                    "warning)",
                    "تنها {num_runs} اجرا ترکیب شد: با کمتر از ۱۰ اجرا بازه قابل اتکا نیست (هشدار verdata)"),
    "combine.not_converged": ("{text_label}: not converged", "{text_label}: همگرا نشده است"),
    "combine.left_out": ("left out (not estimated with draws in every run): {text_names}",
                         "کنار گذاشته شد (در همهٔ اجراها با نمونه برآورد نشده است): {text_names}"),
    "dga.heavy_tail": ("the posterior of N has a heavy tail; it was truncated at {num_cap} missing",
                       "توزیع پسین N دنبالهٔ سنگین دارد؛ در {num_cap} نفر ثبت‌نشده بریده شد"),
    "dga.grid_end": ("posterior probability remains at the end of the grid; raise n_max",
                     "در انتهای شبکه هنوز احتمال پسین باقی است؛ n_max را بالا ببرید"),
    "loglinear.not_converged": ("the Poisson fit did not converge in {num_iterations} iterations",
                                "برازش پواسون در {num_iterations} تکرار همگرا نشد"),
    "loglinear.rank": ("the design matrix is not of full rank; some coefficients cannot be estimated",
                       "ماتریس طرح رتبهٔ کامل ندارد؛ برخی ضرایب برآوردپذیر نیستند"),
    "loglinear.boundary": ("fitted counts numerically 0: a parameter is at the boundary (infinite)",
                           "شمارهای برازش‌شده عملاً صفرند: یک پارامتر در مرز (بی‌نهایت) است"),
    "loglinear.invalid": (
        "no valid estimate: the fitted model gives N = {text_n} with {num_observed} observed (reported as NaN); "
        "the model does not suit these data",
        "برآورد معتبری نیست: مدل برازش‌شده N = {text_n} می‌دهد با {num_observed} مشاهده (NaN گزارش شد)؛ مدل با "
        "این داده‌ها سازگار نیست"),
    "loglinear.extrapolates": ("the estimate is more than 100 × the {num_observed} observed: the model extrapolates",
                               "برآورد بیش از ۱۰۰ برابر {num_observed} مشاهده است: مدل برون‌یابی می‌کند"),
    "loglinear.no_se": ("the standard error cannot be computed (non-positive delta-method variance)",
                        "خطای معیار محاسبه‌پذیر نیست (واریانس روش دلتا مثبت نیست)"),
    "loglinear.bias": (
        "the asymptotic bias is large ({num_bias}, more than 10% of the estimate; Rcapture's warning): the "
        "estimate is unreliable",
        "اریبی مجانبی بزرگ است ({num_bias}، بیش از ۱۰٪ برآورد؛ هشدار Rcapture): برآورد قابل اتکا نیست"),
    "loglinear.no_fit": (
        "the model does not fit: deviance {num_deviance} on {num_df} df (p = {text_p}); do not use this model's "
        "estimate",
        "مدل برازش ندارد: انحراف {num_deviance} با {num_df} درجهٔ آزادی (p = {text_p})؛ برآورد این مدل را به کار "
        "نبرید"),
    "loglinear.upper_open": ("the profile-likelihood upper bound is above {num_top} (3 × the estimate)",
                             "کران بالای درست‌نمایی نیم‌رخ بیش از {num_top} است (۳ برابر برآورد)"),
    "loglinear.no_interval": ("no interval: the estimate is not finite", "بازه‌ای نیست: برآورد متناهی نیست"),
    "loglinear.rank_interval": (
        "no profile-likelihood interval: the design is rank-deficient (as Rcapture's closedpCI refuses)",
        "بازهٔ درست‌نمایی نیم‌رخ نیست: طرح رتبهٔ ناقص دارد (چنان‌که closedpCI در Rcapture نمی‌پذیرد)"),
    "loglinear.interval_failed": ("profile interval failed: {text_error}",
                                  "محاسبهٔ بازهٔ نیم‌رخ شکست خورد: {text_error}"),
    "ranking.none_fit": (
        "this is the best of the models tried, yet it does not fit either: none of them describes these lists' "
        "dependence; prefer LCMCR or dga, and read the list-dependence table",
        "این بهترینِ مدل‌های آزموده است، اما آن هم برازش ندارد: هیچ‌یک وابستگی این فهرست‌ها را توصیف نمی‌کند؛ "
        "LCMCR یا dga را ترجیح دهید و جدول وابستگی فهرست‌ها را بخوانید"),
    "search.bootstrap": (
        "{num_failed} of {num_replicates} bootstrap resamples had no valid model (left out of the interval)",
        "{num_failed} از {num_replicates} بازنمونهٔ بوت‌استرپ مدل معتبری نداشتند (از بازه کنار گذاشته شدند)"),
}
_UNKNOWN_FA = "هشداری از برآوردگر که این نسخه از Tollbook ترجمه‌اش را ندارد؛ متن انگلیسی: «{text}»"
_FIGURE_NAMES_FA = {"ess_bulk": "ESS حجمی", "ess_tail": "ESS دنباله"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_GROUPS = {"num": r"-?\d[\d,]*(?:\.\d+)?", "reasons": r".+", "reason": r".+", "checks": r".+"}
_NESTED = ("reason", "reasons", "checks")  # one nested caveat, or several joined by "; "


@dataclass(frozen=True)
class Caveat:
    """One sentence of the estimation: its code, what it carries (figures as written, names, nested caveats),
    the English sentence as saved, and the report ids of its figures."""

    code: str
    text: str
    params: dict[str, str] = field(default_factory=dict)
    nested: dict[str, tuple[Caveat, ...]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)


def _group(name: str) -> str:
    return _GROUPS.get(name, _GROUPS.get(name.split("_")[0], r".+?"))


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each rule's English template as a regular expression (literal text escaped, placeholders as groups)."""
    compiled = []
    for code, (english, _persian) in RULES.items():
        parts, last = [], 0
        for found in _PLACEHOLDER.finditer(english):
            parts += [re.escape(english[last:found.start()]), f"(?P<{found[1]}>{_group(found[1])})"]
            last = found.end()
        compiled.append((code, re.compile("".join([*parts, re.escape(english[last:])]), re.DOTALL)))
    return tuple(compiled)


def classify(text: str) -> Caveat:
    """A saved sentence read back into its code and parts; code "unknown" when no rule matches."""
    for code, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found is None:
            continue
        groups = found.groupdict()
        params = {k: v for k, v in groups.items() if k not in _NESTED}
        nested = {k: (classify(v),) if k == "reason" else split_reasons(v) for k, v in groups.items()
                  if k in _NESTED}
        return Caveat(code, text, params, nested)
    return Caveat(UNKNOWN, text)


def split_reasons(text: str) -> tuple[Caveat, ...]:
    """The reasons of a "Do not rely on it" line ("; "-joined): the shortest run of pieces a rule knows is one
    reason (a reason may itself hold "; "; a longer run could let a name swallow the next reason); a piece that
    starts no known run stands alone."""
    pieces, found, start = text.split("; "), [], 0
    while start < len(pieces):
        runs = (classify("; ".join(pieces[start:end])) for end in range(start + 1, len(pieces) + 1))
        caveat, size = next(((c, i + 1) for i, c in enumerate(runs) if c.code != UNKNOWN),
                            (classify(pieces[start]), 1))
        found.append(caveat)
        start += size
    return tuple(found)


def _candidates(caveat: Caveat, key: str) -> dict[str, str]:
    """Report numbers a caveat's figures may be: the dependence table's odds ratio, the chains' R-hat and ESS."""
    params = caveat.params
    if caveat.code.startswith("dependence."):
        return {"num_ratio": number_id("dependence", key, f"{params['list_a']}+{params['list_b']}", "odds_ratio")}
    if caveat.code == "lcmcr.iterations":
        return {"num_suggested": number_id("diagnostic", key, "suggested_iterations")}
    if caveat.code in ("predictive.margin", "predictive.pair"):
        lists = "+".join(params[name] for name in ("list_a", "list_b") if name in params)
        base = ("check", key, caveat.code.split(".")[1], lists)
        return {"num_observed": number_id(*base)} | {f"num_{part}": number_id(*base, part)
                                                       for part in ("median", "lo", "hi")}
    if caveat.code.startswith("convergence.") and params.get("text_what") == "N":
        found = {"num_rhat": number_id("diagnostic", key, "rhat")}
        for figure in params.get("figures", "").split(", "):
            name = figure.split(" ")[0]
            found[f"figures.{name}"] = number_id("diagnostic", key, name)
        return found
    return {}


def _figures(caveat: Caveat) -> dict[str, str]:
    """The figures a caveat quotes, by name: its num_* parameters, and each "name value" of an ESS list."""
    found = {name: value for name, value in caveat.params.items() if name.startswith("num_")}
    for figure in caveat.params.get("figures", "").split(", "):
        if " " in figure:
            name, value = figure.split(" ", 1)
            found[f"figures.{name}"] = value
    return found


def _same(book: NumberBook, id_: str | None, value: str) -> bool:
    """Whether the report number `id_` exists and is `value` at the precision the sentence quotes it."""
    if id_ is None or id_ not in book or book[id_].value is None:
        return False
    return round(float(book[id_].value), _decimals(value)) == float(value.replace(",", ""))


def register(book: NumberBook, caveat: Caveat, key: str, known: Mapping[str, str] | None = None) -> Caveat:
    """The caveat with each figure it quotes tied to the report number it is (`known`, e.g. the stratum's
    estimate, or the dependence table's ratio) when that agrees, else registered in the book as quoted; nested
    caveats too."""
    candidates = _candidates(caveat, key) | dict(known or {})
    ids = {}
    for name, value in _figures(caveat).items():
        if _same(book, candidates.get(name), value):
            ids[name] = candidates[name]
            continue
        what = name.removeprefix("num_")
        ids[name] = book.add(number_id("caveat", key, caveat.code, what), float(value.replace(",", "")),
                             f"{what} as quoted by the estimation's caveat {caveat.code!r} (stratum {key})").id
    nested = {part: tuple(register(book, inner, key) for inner in inners) for part, inners in caveat.nested.items()}
    return Caveat(caveat.code, caveat.text, caveat.params, nested, ids)


def _decimals(value: str) -> int:
    return len(value.split(".")[1]) if "." in value else 0


def _names(value: str) -> Markup:
    return Markup(", ").join(Markup("<bdi>{}</bdi>").format(name) for name in value.split(", "))


def render(caveat: Caveat, lang: str, n: Callable[..., Markup], strata: Mapping[str, str] | None = None) -> Markup:
    """The caveat in a language as HTML: its figures through `n` (number, id on hover), names isolated for
    right-to-left text, strata named in Persian by `strata` (raw stratum -> name)."""
    strata = strata or {}
    if caveat.code == UNKNOWN:
        text = escape(caveat.text)
        return text if lang == "en" else Markup(_UNKNOWN_FA).format(text=Markup('<bdi lang="en">{}</bdi>').format(text))
    values: dict[str, Markup | str] = {}
    for name, value in caveat.params.items():
        if name in caveat.ids:
            values[name] = n(caveat.ids[name], _decimals(value))
        elif name.startswith(("list_", "names_")):
            values[name] = _names(value)
        elif name == "figures":
            values[name] = _render_figures(caveat, lang, n)
        elif name == "stratum" and lang == "fa":
            values[name] = strata.get(value, value)
        else:
            values[name] = digits(value, lang) if name in ("text_p", "text_n") else value
    joiner = Markup("; ") if lang == "en" else Markup("؛ ")
    for part, inners in caveat.nested.items():
        values[part] = joiner.join(render(inner, lang, n, strata) for inner in inners)
    template = RULES[caveat.code][0 if lang == "en" else 1]
    return Markup(escape(template)).format(**values)


def _render_figures(caveat: Caveat, lang: str, n: Callable[..., Markup]) -> Markup:
    """An ESS list ("ess_bulk 350, ess_tail 300") with each figure through `n`, names in the language."""
    shown = []
    for figure in caveat.params["figures"].split(", "):
        name, _, value = figure.partition(" ")
        word = _FIGURE_NAMES_FA.get(name, name) if lang == "fa" else name
        id_ = caveat.ids.get(f"figures.{name}")
        shown.append(Markup("{} {}").format(word, n(id_, _decimals(value)) if id_ else digits(value, lang)))
    return (Markup(", ") if lang == "en" else Markup("، ")).join(shown)


def untranslated(caveat: Caveat) -> list[str]:
    """The sentences (this one or nested ones) no rule knows."""
    own = [caveat.text] if caveat.code == UNKNOWN else []
    return own + [text for inners in caveat.nested.values() for inner in inners for text in untranslated(inner)]
