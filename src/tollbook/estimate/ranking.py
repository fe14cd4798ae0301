"""Rank log-linear models by AIC and BIC and mark the preferred one, with the rule written beside it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from tollbook.estimate.caveats import Caveat
from tollbook.estimate.result import EstimateResult

__all__ = ["PREFERRED_RULE", "mark_preferred"]

PREFERRED_RULE = ("lowest BIC among the models with a valid estimate, a converged fit and a full-rank design "
                  "(BIC penalises parameters by log n, so it favours the simpler of two models that fit alike)")


def _eligible(result: EstimateResult) -> bool:
    """A model can be preferred when its estimate is valid, its fit converged and its BIC is known."""
    bic = result.diagnostics.get("BIC")
    rank_deficient = any("rank-deficient" in text or "not of full rank" in text for text in result.warnings)
    return (math.isfinite(result.estimate) and result.converged is not False and not rank_deficient
            and isinstance(bic, float | int) and math.isfinite(bic))  # fmt: skip


def _ranks(results: Sequence[EstimateResult], key: str) -> dict[int, int]:
    """1-based rank of each result (by position) on ``key``, smallest first; results without it get none."""
    known = [(r.diagnostics[key], i) for i, r in enumerate(results)
             if isinstance(r.diagnostics.get(key), float | int) and math.isfinite(r.diagnostics[key])]
    return {i: rank for rank, (_, i) in enumerate(sorted(known), start=1)}


def mark_preferred(results: Sequence[EstimateResult]) -> list[EstimateResult]:
    """The same log-linear results of one stratum with AIC and BIC ranks and a ``preferred`` flag added.

    When even the preferred model fails its goodness-of-fit test, it says so: no model of the set fits.
    """
    aic, bic = _ranks(results, "AIC"), _ranks(results, "BIC")
    eligible = [i for i, r in enumerate(results) if _eligible(r)]
    best = min(eligible, key=lambda i: results[i].diagnostics["BIC"]) if eligible else None
    marked = []
    for i, r in enumerate(results):
        extra = {"rank_AIC": aic.get(i), "rank_BIC": bic.get(i), "preferred": i == best,
                 "preferred_rule": PREFERRED_RULE}  # fmt: skip
        warnings = r.warnings
        p_value = r.diagnostics.get("gof_p_value")
        if i == best and isinstance(p_value, float) and p_value < 0.05:
            warnings += (Caveat("ranking.none_fit"),)
        marked.append(replace(r, diagnostics=r.diagnostics | extra, warnings=warnings))
    return marked
