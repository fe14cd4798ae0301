"""The plain-language block printed with every estimate: what the number is, what it assumes, when not to trust it.

Written for a journalist or a judge as much as for a statistician; :meth:`EstimateResult.plain_language` and
``to_dict()["plain_language"]`` return it, and the report shows it beside the number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tollbook.estimate.result import EstimateResult

__all__ = ["DEPENDENCE", "headline", "plain_language", "reasons_for_doubt"]

DEPENDENCE = {
    "lcmcr": "dependence between lists is what differences between hidden groups of people explain (some people are "
             "more visible to every list than others); a direct link between two lists (one copying the other) is "
             "not modelled",
    "loglinear": "lists are independent except for the interactions and heterogeneity terms the model names",
    "dga": "dependence between lists is averaged over every decomposable graphical model, weighted by how well "
           "each fits",
}  # fmt: skip


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _what(result: EstimateResult) -> str:
    """What the number is: documented plus estimated undocumented, with the interval."""
    where = "in total" if result.stratum in (None, "total") else f"in stratum {result.stratum!r}"
    missing = result.estimate - result.observed
    interval = (f"95% interval {_number(result.lower)} to {_number(result.upper)}"
                if math.isfinite(result.lower) and math.isfinite(result.upper) else "no interval computed")
    return (f"What it is: an estimate of {_number(result.estimate)} people {where} ({interval}) = the "
            f"{result.observed:,} documented by name plus about {_number(missing)} that no list recorded. It is a "
            "statistical estimate, not a list of names.")


def _assumptions(result: EstimateResult) -> str:
    dependence = DEPENDENCE.get(result.method, "the model's account of list dependence holds")
    return ("It assumes: (1) a closed population — every list covers the same deaths, in the same places and "
            f"period; (2) {dependence}; (3) the linkage is right — a missed merge of two records of one person "
            "raises the estimate, a false merge of two people lowers it.")


def reasons_for_doubt(result: EstimateResult) -> list[str]:
    """Plain reasons, from the result itself, not to rely on this number as it stands."""
    found = []
    if result.converged is False:
        found.append("the computation did not settle (see the convergence warnings)")
    p_value = result.diagnostics.get("gof_p_value")
    if isinstance(p_value, float) and math.isfinite(p_value) and p_value < 0.05:
        found.append(f"the model does not fit the data (goodness-of-fit p = {p_value:.2g})")
    if any(text.startswith("posterior predictive check failed") for text in result.warnings):
        found.append("the model does not reproduce how the lists overlap (posterior predictive check failed)")
    if math.isfinite(result.estimate) and result.observed and result.estimate > 10 * result.observed:
        found.append("it is more than ten times the documented count: the model extrapolates far beyond the data")
    if math.isfinite(result.lower) and result.lower > 0 and result.upper / result.lower > 3:
        found.append("the interval is very wide: the lists overlap too little to pin the number down")
    found += [text for text in result.warnings if "pending review" in text or "independence group" in text]
    return found


def plain_language(result: EstimateResult) -> list[str]:
    """The block's lines: what the number is, its assumptions, and when not to trust it."""
    if not math.isfinite(result.estimate):
        reason = result.warnings[0] if result.warnings else "the model could not be fitted"
        return [f"No estimate here: {reason}.",
                f"The {result.observed:,} documented people are a floor, not an estimate of the total."]
    doubts = reasons_for_doubt(result)
    trust = ("Do not rely on it as it stands: " + "; ".join(doubts) + "." if doubts else
             "When not to trust it: if lists share sources or copy each other, if some deaths could not have "
             "reached any list, or if reviewers' pending decisions would change many persons.")
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
