"""The words of every caveat and warning the estimation writes, by stable code, in English and Persian.

The English template is what the estimation writes (format specs fix how it writes each figure); the Persian one
is how the report says the same thing. Parts: num_* a figure, list_* a list's name, names_* several list names,
stratum a stratum, reason/reasons/checks nested caveats, figures a mapping of named figures (ESS), text_* words or
figures the report keeps as the English writes them. A new caveat gets its code here, in both languages, before
the estimation can write it (a test drives real estimates and fails on a code missing here).
"""

from __future__ import annotations

from tollbook.phrases import Phrase

__all__ = ["CAVEATS", "DEPENDENCE"]

DEPENDENCE = {
    "lcmcr": "dependence between lists is what differences between hidden groups of people explain (some people are "
             "more visible to every list than others); a direct link between two lists (one copying the other) is "
             "not modelled",
    "loglinear": "lists are independent except for the interactions and heterogeneity terms the model names",
    "dga": "dependence between lists is averaged over every decomposable graphical model, weighted by how well "
           "each fits",
    "other": "the model's account of list dependence holds",
}  # fmt: skip
_DEPENDENCE_FA = {
    "lcmcr": "وابستگی میان فهرست‌ها همان است که تفاوت میان گروه‌های پنهان مردم توضیح می‌دهد (برخی افراد برای همهٔ "
             "فهرست‌ها دیدنی‌ترند)؛ پیوند مستقیم دو فهرست (رونویسی یکی از دیگری) مدل نشده است",
    "loglinear": "فهرست‌ها مستقل‌اند جز در برهم‌کنش‌ها و جمله‌های ناهمگنی که مدل نام می‌برد",
    "dga": "وابستگی میان فهرست‌ها بر همهٔ مدل‌های گرافی تجزیه‌پذیر میانگین گرفته می‌شود، هر یک با وزن برازشش",
    "other": "روایت مدل از وابستگی میان فهرست‌ها برقرار است",
}  # fmt: skip
_ASSUMES = ("It assumes: (1) a closed population — every list covers the same deaths, in the same places and period; "
            "(2) {dependence}; (3) the linkage is right — a missed merge of two records of one person raises the "
            "estimate, a false merge of two people lowers it.")
_ASSUMES_FA = ("فرض‌ها: (۱) جمعیت بسته — همهٔ فهرست‌ها همان مرگ‌ها را، در همان مکان‌ها و همان دوره، پوشش "
               "می‌دهند؛ (۲) {dependence}؛ (۳) پیوند رکوردها درست است — ادغام‌نشدن دو رکورد یک نفر برآورد را بالا "
               "می‌برد و ادغام نادرست دو نفر آن را پایین می‌آورد.")
_WHAT = ("What it is: an estimate of {{num_estimate:,.0f}} people {where} ({interval}) = the {{num_observed:,}} "
         "documented by name plus about {{num_missing:,.0f}} that no list recorded. It is a statistical estimate, "
         "not a list of names.")
_WHAT_FA = ("چیست: برآورد {{num_estimate}} نفر {where} ({interval}) = {{num_observed}} نفری که با نام مستند شده‌اند "
            "به‌علاوهٔ حدود {{num_missing}} نفر که هیچ فهرستی ثبتشان نکرده است. این یک برآورد آماری است، نه فهرستی "
            "از نام‌ها.")
# The interval's words: the figures, open above (a profile that does not close), not asked for (log-linear
# --no-intervals), or none to give (a failed or refused interval, e.g. a rank-deficient design; the warnings say
# why). Never "nan to nan" or "to inf".
_INTERVAL = {
    "": ("95% interval {num_lower:,.0f} to {num_upper:,.0f}", "بازهٔ ۹۵٪ از {num_lower} تا {num_upper}"),
    "_unasked": ("no 95% interval: not computed, as --no-intervals asked",
                 "بی بازهٔ ۹۵٪: چنان‌که --no-intervals خواست، محاسبه نشد"),
    "_open": ("95% interval from {num_lower:,.0f}, with no upper end within the search; the warnings say how far "
              "it looked", "بازهٔ ۹۵٪ از {num_lower}، بی کران بالا در گسترهٔ جست‌وجو؛ هشدارها می‌گویند تا کجا جست"),
    "_no_interval": ("no 95% interval could be given; the warnings say why, so read this figure with care",
                     "بازهٔ ۹۵٪ به دست نیامد؛ هشدارها دلیلش را می‌گویند، پس این رقم را با احتیاط بخوانید"),
}  # fmt: skip
_DEPENDENT = ("lists {{list_a}} and {{list_b}} {kind} far more than chance (co-capture odds ratio {{num_ratio:.1f}}): "
              "if they share sources or one copies the other they are one independence group and should be merged "
              "into one list")
_DEPENDENT_FA = ("فهرست‌های {{list_a}} و {{list_b}} {kind}، بسیار بیش از تصادف (نسبت شانس ثبت هم‌زمان {{num_ratio}}): "
                 "اگر منابع مشترک دارند یا یکی از دیگری رونویسی می‌کند، یک گروه استقلال‌اند و باید در یک فهرست "
                 "ادغام شوند")
_FAILED = ("posterior predictive check failed for {{num_failed}} of {{num_checks}} list counts and overlaps: {{checks}}"
           "{more}. The latent classes do not reproduce how these lists overlap, so the estimate of the people no list "
           "recorded may be biased; try a larger --K, merge lists of one source, or compare with the log-linear models")
_FAILED_FA = ("بررسی پیش‌بینی پسین برای {{num_failed}} از {{num_checks}} شمار فهرست و هم‌پوشانی رد شد: {{checks}}{more}. "
              "طبقه‌های پنهان هم‌پوشانی این فهرست‌ها را بازتولید نمی‌کنند، پس برآورد کسانی که هیچ فهرستی ثبتشان نکرده "
              "ممکن است اریب باشد؛ K بزرگ‌تر (--K) را بیازمایید، فهرست‌های یک منبع را ادغام کنید، یا با مدل‌های "
              "لگ‌خطی مقایسه کنید")

_PLAIN = {
    **{f"plain.what{variant}": (_WHAT.format(where="in total", interval=en),
                                 _WHAT_FA.format(where="در کل", interval=fa))
       for variant, (en, fa) in _INTERVAL.items()},
    **{f"plain.what_stratum{variant}": (_WHAT.format(where="in stratum {stratum!r}", interval=en),
                                         _WHAT_FA.format(where="در لایهٔ «{stratum}»", interval=fa))
       for variant, (en, fa) in _INTERVAL.items()},
    **{f"plain.assumes.{method}": (_ASSUMES.format(dependence=DEPENDENCE[method]),
                                   _ASSUMES_FA.format(dependence=_DEPENDENCE_FA[method])) for method in DEPENDENCE},
    "plain.trust": (
        "When not to trust it: if lists share sources or copy each other, if some deaths could not have reached "
        "any list, or if reviewers' pending decisions would change many persons.",
        "کی نباید به آن اعتماد کرد: اگر فهرست‌ها منابع مشترک دارند یا از هم رونویسی می‌کنند، اگر برخی مرگ‌ها "
        "نمی‌توانستند به هیچ فهرستی برسند، یا اگر تصمیم‌های در انتظار بازبینان افراد بسیاری را تغییر دهد."),
    "plain.doubt": ("Do not rely on it as it stands: {reasons}.", "در وضع کنونی به آن تکیه نکنید: {reasons}."),
    "plain.none": ("No estimate here: {reason}.", "اینجا برآوردی نیست: {reason}."),
    "plain.floor": ("The {num_observed:,} documented people are a floor, not an estimate of the total.",
                    "{num_observed} نفر مستند کف شمارند، نه برآوردی از کل."),
    "doubt.unfitted": ("the model could not be fitted", "مدل برازش‌پذیر نبود"),
    "doubt.not_settled": ("the computation did not settle (see the convergence warnings)",
                          "محاسبه به تعادل نرسید (هشدارهای همگرایی را ببینید)"),
    "doubt.no_fit": ("the model does not fit the data (goodness-of-fit p = {text_p:.2g})",
                     "مدل بر داده‌ها برازش ندارد (مقدار p نیکویی برازش = {text_p})"),
    "doubt.predictive": ("the model does not reproduce how the lists overlap (posterior predictive check failed)",
                         "مدل هم‌پوشانی فهرست‌ها را بازتولید نمی‌کند (بررسی پیش‌بینی پسین رد شد)"),
    "doubt.extrapolates": (
        "it is more than ten times the documented count: the model extrapolates far beyond the data",
        "بیش از ده برابر شمار مستند است: مدل بسیار فراتر از داده‌ها برون‌یابی می‌کند"),
    "doubt.wide": ("the interval is very wide: the lists overlap too little to pin the number down",
                   "بازه بسیار پهن است: هم‌پوشانی فهرست‌ها کمتر از آن است که عدد را تثبیت کند"),
}
_CHAINS = {
    "convergence.rhat_unknown": (
        "R-hat of {text_what} could not be computed (too few draws): convergence is unchecked",
        "R-hat برای {text_what} محاسبه‌پذیر نبود (نمونه‌ها بسیار کم‌اند): همگرایی بررسی نشده است"),
    "convergence.rhat": (
        "R-hat of {text_what} is {num_rhat:.3f} (> {num_limit}): the chains (or halves of one chain) disagree, the "
        "sampler may have found different modes — run longer or more chains and compare the chain medians before "
        "using {text_what}",
        "R-hat برای {text_what} برابر {num_rhat} است (> {num_limit}): زنجیره‌ها (یا دو نیمهٔ یک زنجیره) با هم "
        "نمی‌خوانند و شاید نمونه‌گیر به مدهای متفاوت رسیده باشد — پیش از به‌کاربردن {text_what}، زنجیره‌ها را "
        "طولانی‌تر یا بیشتر اجرا کنید و میانه‌های زنجیره‌ها را مقایسه کنید"),
    "convergence.ess": (
        "too few effective draws of {text_what} ({figures:.0f}; need {num_limit}): run more samples",
        "نمونه‌های مؤثر {text_what} بسیار کم‌اند ({figures}؛ دست‌کم {num_limit} لازم است): نمونه‌های بیشتری "
        "بگیرید"),
    "lcmcr.k_binds": (
        "all {num_k} latent classes are occupied in {num_share:.0f}% of the draws: the truncation K may bind; rerun "
        "with a larger --K (see --sensitivity)",
        "هر {num_k} طبقهٔ پنهان در {num_share}٪ نمونه‌ها پر است: شاید سقف K محدودکننده باشد؛ با K بزرگ‌تر "
        "(--K) دوباره اجرا کنید (--sensitivity را ببینید)"),
    "lcmcr.iterations": (
        "suggested: about {num_suggested:,} iterations per chain (now {num_now:,}), e.g. more --samples at the same "
        "thinning",
        "پیشنهاد: حدود {num_suggested} تکرار برای هر زنجیره (اکنون {num_now})، برای نمونه --samples بیشتر با همان "
        "فاصلهٔ نمونه‌برداری (thinning)"),
    "lcmcr.nobody": ("stratum {stratum!r} has nobody recorded; nothing to estimate from",
                     "در لایهٔ «{stratum}» کسی ثبت نشده است؛ چیزی برای برآورد نیست"),
    **{code: (_FAILED.format(more=more), _FAILED_FA.format(more=more_fa))
       for code, more, more_fa in (("predictive.failed_more", " (and {num_more} more)", " (و {num_more} مورد دیگر)"),
                                   ("predictive.failed", "", ""))},
    "predictive.margin": (
        "list {list_a} records {num_observed:,} people, the model predicts {num_median:,.0f} (95% "
        "{num_lo:,.0f}–{num_hi:,.0f}, p = {text_p:.3g})",
        "فهرست {list_a} {num_observed} نفر را ثبت کرده و مدل {num_median} پیش‌بینی می‌کند (۹۵٪: {num_lo}–{num_hi}، "
        "p = {text_p})"),
    "predictive.pair": (
        "lists {list_a} and {list_b} share {num_observed:,} people, the model predicts {num_median:,.0f} (95% "
        "{num_lo:,.0f}–{num_hi:,.0f}, p = {text_p:.3g})",
        "فهرست‌های {list_a} و {list_b} {num_observed} نفر مشترک دارند و مدل {num_median} پیش‌بینی می‌کند (۹۵٪: "
        "{num_lo}–{num_hi}، p = {text_p})"),
}
_LISTS = {
    "dependence.same": (_DEPENDENT.format(kind="record the same people"),
                        _DEPENDENT_FA.format(kind="همان افراد را ثبت می‌کنند")),
    "dependence.different": (_DEPENDENT.format(kind="record different people"),
                             _DEPENDENT_FA.format(kind="افراد متفاوتی را ثبت می‌کنند")),
    "independence.shared": (
        "lists {names_lists} and {list_last} are sources of one independence group ({text_group!r}): they are not "
        "independent sources, so the multiple systems estimate's assumption that lists record people "
        "independently (beyond what the model explains) is at risk and the estimate may be biased; merge them "
        "into one list (the default: leave out --separate-groups)",
        "فهرست‌های {names_lists} و {list_last} منابع یک گروه استقلال‌اند («{text_group}»): منابع مستقلی نیستند، "
        "پس فرض برآورد چندسیستمی که فهرست‌ها افراد را مستقل از هم ثبت می‌کنند (فراتر از آنچه مدل توضیح می‌دهد) در "
        "خطر است و برآورد ممکن است اریب باشد؛ آن‌ها را در یک فهرست ادغام کنید (پیش‌فرض: --separate-groups را "
        "به کار نبرید)"),
    "review.pending": (
        "{num_pairs:,} pairs await review (pending review): the documented count is {num_merged:,} to {num_now:,} "
        "persons (all merged / none merged), and the estimate moves with it; decide them (`tollbook review`) "
        "before publishing",
        "{num_pairs} جفت در انتظار بازبینی‌اند: شمار مستند بین {num_merged} و {num_now} نفر است (همه ادغام / "
        "هیچ ادغام) و برآورد هم با آن جابه‌جا می‌شود؛ پیش از انتشار درباره‌شان تصمیم بگیرید (`tollbook review`)"),
}
_STRATA = {
    "stratum.not_estimated": ("stratum {stratum!r} not estimated: {reason}", "لایهٔ «{stratum}» برآورد نشد: {reason}"),
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
    "model.not_fitted": ("model {text_model!r} was not fitted here", "مدل «{text_model}» اینجا برازش نشد"),
    "total.documented_only": (
        "{num_people:,} documented people of stratum {stratum!r} are counted as documented only (no estimate of "
        "their undocumented) — {reason}",
        "{num_people} نفر مستند لایهٔ «{stratum}» تنها به‌عنوان مستند شمرده شده‌اند (برآوردی از ثبت‌نشدگان آن "
        "نیست) — {reason}"),
    "total.no_estimate": ("no estimate there", "آنجا برآوردی نیست"),
    "total.not_converged": ("stratum {stratum!r} has not converged", "لایهٔ «{stratum}» همگرا نشده است"),
    "combine.few": ("only {num_runs} runs combined: with fewer than 10 the interval is unreliable (verdata's "
                    "warning)",
                    "تنها {num_runs} اجرا ترکیب شد: با کمتر از ۱۰ اجرا بازه قابل اتکا نیست (هشدار verdata)"),
    "combine.not_converged": ("{text_label}: not converged", "{text_label}: همگرا نشده است"),
    "combine.left_out": ("left out (not estimated with draws in every run): {text_names}",
                         "کنار گذاشته شد (در همهٔ اجراها با نمونه برآورد نشده است): {text_names}"),
}
_MODELS = {
    "dga.heavy_tail": ("the posterior of N has a heavy tail; it was truncated at {num_cap:,.0f} missing",
                       "توزیع پسین N دنبالهٔ سنگین دارد؛ در {num_cap} نفر ثبت‌نشده بریده شد"),
    "dga.grid_end": ("posterior probability remains at the end of the grid; raise n_max",
                     "در انتهای شبکه هنوز احتمال پسین باقی است؛ n_max را بالا ببرید"),
    "dga.lists": (
        "DGA averages over all decomposable graphs on 3 to 5 lists; got {num_lists} ({text_lists}): merge related "
        "lists, or use LCMCR or a log-linear model",
        "DGA بر همهٔ گراف‌های تجزیه‌پذیر ۳ تا ۵ فهرست میانگین می‌گیرد؛ اینجا {num_lists} فهرست ({text_lists}): "
        "فهرست‌های مرتبط را ادغام کنید یا LCMCR یا یک مدل لگ‌خطی را به کار ببرید"),
    "dga.nobody": ("no one is recorded on any list; there is nothing to estimate from",
                   "هیچ‌کس در هیچ فهرستی ثبت نشده است؛ چیزی برای برآورد نیست"),
    "loglinear.not_converged": ("the Poisson fit did not converge in {num_iterations} iterations",
                                "برازش پواسون در {num_iterations} تکرار همگرا نشد"),
    "loglinear.rank": ("the design matrix is not of full rank; some coefficients cannot be estimated",
                       "ماتریس طرح رتبهٔ کامل ندارد؛ برخی ضرایب برآوردپذیر نیستند"),
    "loglinear.boundary": ("fitted counts numerically 0: a parameter is at the boundary (infinite)",
                           "شمارهای برازش‌شده عملاً صفرند: یک پارامتر در مرز (بی‌نهایت) است"),
    "loglinear.invalid": (
        "no valid estimate: the fitted model gives N = {text_n:.4g} with {num_observed:,} observed (reported as "
        "NaN); the model does not suit these data",
        "برآورد معتبری نیست: مدل برازش‌شده N = {text_n} می‌دهد با {num_observed} مشاهده (NaN گزارش شد)؛ مدل با "
        "این داده‌ها سازگار نیست"),
    "loglinear.extrapolates": ("the estimate is more than 100 × the {num_observed:,} observed: the model extrapolates",
                               "برآورد بیش از ۱۰۰ برابر {num_observed} مشاهده است: مدل برون‌یابی می‌کند"),
    "loglinear.no_se": ("the standard error cannot be computed (non-positive delta-method variance)",
                        "خطای معیار محاسبه‌پذیر نیست (واریانس روش دلتا مثبت نیست)"),
    "loglinear.bias": (
        "the asymptotic bias is large ({num_bias:,.0f}, more than 10% of the estimate; Rcapture's warning): the "
        "estimate is unreliable",
        "اریبی مجانبی بزرگ است ({num_bias}، بیش از ۱۰٪ برآورد؛ هشدار Rcapture): برآورد قابل اتکا نیست"),
    "loglinear.no_fit": (
        "the model does not fit: deviance {num_deviance:.1f} on {num_df} df (p = {text_p:.2g}); do not use this "
        "model's estimate",
        "مدل برازش ندارد: انحراف {num_deviance} با {num_df} درجهٔ آزادی (p = {text_p})؛ برآورد این مدل را به کار "
        "نبرید"),
    "loglinear.upper_open": ("the profile-likelihood upper bound is above {num_top:,.0f} (3 × the estimate)",
                             "کران بالای درست‌نمایی نیم‌رخ بیش از {num_top} است (۳ برابر برآورد)"),
    "loglinear.no_interval": ("no interval: the estimate is not finite", "بازه‌ای نیست: برآورد متناهی نیست"),
    "loglinear.rank_interval": (
        "no profile-likelihood interval: the design is rank-deficient (as Rcapture's closedpCI refuses)",
        "بازهٔ درست‌نمایی نیم‌رخ نیست: طرح رتبهٔ ناقص دارد (چنان‌که closedpCI در Rcapture نمی‌پذیرد)"),
    "loglinear.interval_failed": ("profile interval failed: {text_error}",
                                  "محاسبهٔ بازهٔ نیم‌رخ شکست خورد: {text_error}"),
    "loglinear.too_many_lists": (
        "log-linear models fit all 2^J - 1 cells; {num_lists} lists give {num_cells:,} cells (at most {num_max} "
        "lists): merge related lists or use LCMCR",
        "مدل‌های لگ‌خطی همهٔ 2^J - 1 خانه را برازش می‌دهند؛ {num_lists} فهرست {num_cells} خانه می‌دهد (دست‌بالا "
        "{num_max} فهرست): فهرست‌های مرتبط را ادغام کنید یا LCMCR را به کار ببرید"),
    "loglinear.needs_three": ("model {text_model!r} needs at least 3 lists; got {num_lists}: {text_lists}",
                              "مدل «{text_model}» دست‌کم ۳ فهرست لازم دارد؛ اینجا {num_lists}: {text_lists}"),
    "loglinear.too_many_parameters": (
        "model {text_model!r} has {num_parameters} parameters but only {num_cells} cells to fit them",
        "مدل «{text_model}» {num_parameters} پارامتر دارد اما تنها {num_cells} خانه برای برازش آن‌ها"),
    "ranking.none_fit": (
        "this is the best of the models tried, yet it does not fit either: none of them describes these lists' "
        "dependence; prefer LCMCR or dga, and read the list-dependence table",
        "این بهترینِ مدل‌های آزموده است، اما آن هم برازش ندارد: هیچ‌یک وابستگی این فهرست‌ها را توصیف نمی‌کند؛ "
        "LCMCR یا dga را ترجیح دهید و جدول وابستگی فهرست‌ها را بخوانید"),
    "search.bootstrap": (
        "{num_failed} of {num_replicates} bootstrap resamples had no valid model (left out of the interval)",
        "{num_failed} از {num_replicates} بازنمونهٔ بوت‌استرپ مدل معتبری نداشتند (از بازه کنار گذاشته شدند)"),
    "search.lists": ("the model search needs 3 to {num_max} lists; got {num_lists}",
                     "جست‌وجوی مدل ۳ تا {num_max} فهرست لازم دارد؛ اینجا {num_lists}"),
    "search.no_model": ("no hierarchical log-linear model gives a valid estimate for these lists",
                        "هیچ مدل لگ‌خطی سلسله‌مراتبی برای این فهرست‌ها برآورد معتبری نمی‌دهد"),
}
CAVEATS: dict[str, Phrase] = {code: Phrase(english, persian) for code, (english, persian) in
                              {**_PLAIN, **_CHAINS, **_LISTS, **_STRATA, **_MODELS}.items()}
