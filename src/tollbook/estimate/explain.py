"""The plain-language block printed with every estimate: what the number is, what it assumes, when not to trust it.

Written for a journalist or a judge as much as for a statistician; :meth:`EstimateResult.plain_language` and
``to_dict()["plain_language"]`` return it, and the report shows it beside the number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tollbook.estimate.caveat_words import DEPENDENCE
from tollbook.estimate.caveats import Caveat

if TYPE_CHECKING:
    from tollbook.estimate.result import EstimateResult

__all__ = ["DEPENDENCE", "NOT_ASKED", "headline", "plain_language", "reasons_for_doubt"]

NOT_ASKED = "none (not asked for)"  # diagnostics["interval_method"] of a log-linear fit run with --no-intervals


def _what(result: EstimateResult) -> Caveat:
    """What the number is: documented plus estimated undocumented, with the interval or why there is none."""
    figures = {"num_estimate": result.estimate, "num_observed": result.observed,
               "num_missing": result.estimate - result.observed}
    if math.isfinite(result.lower) and math.isfinite(result.upper):
        variant, figures = "", figures | {"num_lower": result.lower, "num_upper": result.upper}
    elif math.isfinite(result.lower) and result.upper == math.inf:
        variant, figures = "_open", figures | {"num_lower": result.lower}
    elif result.diagnostics.get("interval_method") == NOT_ASKED:
        variant = "_unasked"
    else:
        variant = "_no_interval"
    if result.stratum in (None, "total"):
        return Caveat(f"plain.what{variant}", **figures)
    return Caveat(f"plain.what_stratum{variant}", stratum=result.stratum, **figures)


def _assumptions(result: EstimateResult) -> Caveat:
    return Caveat(f"plain.assumes.{result.method if result.method in DEPENDENCE else 'other'}")


def reasons_for_doubt(result: EstimateResult) -> list[str]:
    """Plain reasons, from the result itself, not to rely on this number as it stands (caveats; warnings of an
    estimate saved before caveats had codes stay as their words)."""
    found: list[str] = []
    if result.converged is False:
        found.append(Caveat("doubt.not_settled"))
    p_value = result.diagnostics.get("gof_p_value")
    if isinstance(p_value, float) and math.isfinite(p_value) and p_value < 0.05:
        found.append(Caveat("doubt.no_fit", text_p=p_value))
    if any(text.startswith("posterior predictive check failed") for text in result.warnings):
        found.append(Caveat("doubt.predictive"))
    if math.isfinite(result.estimate) and result.observed and result.estimate > 10 * result.observed:
        found.append(Caveat("doubt.extrapolates"))
    if math.isfinite(result.lower) and result.lower > 0 and result.upper / result.lower > 3:
        found.append(Caveat("doubt.wide"))
    found += [text for text in result.warnings if "pending review" in text or "independence group" in text]
    return found


def plain_language(result: EstimateResult) -> list[str]:
    """The block's lines: what the number is, its assumptions, and when not to trust it."""
    if not math.isfinite(result.estimate):
        reason = result.warnings[0] if result.warnings else Caveat("doubt.unfitted")
        return [Caveat("plain.none", reason=reason), Caveat("plain.floor", num_observed=result.observed)]
    doubts = reasons_for_doubt(result)
    trust = Caveat("plain.doubt", reasons=tuple(doubts)) if doubts else Caveat("plain.trust")
    return [_what(result), _assumptions(result), trust]


def headline(results: Sequence[EstimateResult]) -> list[EstimateResult]:
    """The results a reader should see first: per method the total (or the one population), and among
    log-linear models only the preferred one."""
    tops = [r for r in results if r.stratum in (None, "total")]
    chosen = []
    for result in tops:
        if result.method == "loglinear" and not result.diagnostics.get("preferred"):
            continue
        chosen.append(result)
    return chosen
