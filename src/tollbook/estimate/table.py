"""The estimates table: one row per result with the figures a reviewer reads first (CLI, report and web share it).

Columns appear only when some result has them: R-hat and ESS for samplers; the posterior predictive checks of
list counts and overlaps (LCMCR); AIC, BIC, deviance, df, the
goodness-of-fit p-value and the preferred-model mark for log-linear models.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from tollbook.estimate.checks import check_summary
from tollbook.estimate.result import EstimateResult

__all__ = ["table_rows"]


def _number(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{value:,.{digits}f}"


def _base(result: EstimateResult) -> dict[str, str]:
    converged = {True: "yes", False: "NO", None: ""}[result.converged]
    return {"stratum": "all" if result.stratum is None else str(result.stratum), "method": result.method,
            "model": result.model or "", "observed": f"{result.observed:,}", "estimate": _number(result.estimate),
            "95% interval": f"{_number(result.lower)}–{_number(result.upper)}" if math.isfinite(result.lower)
            else "", "converged": converged}  # fmt: skip


def _sampler(result: EstimateResult) -> dict[str, str]:
    d = result.diagnostics
    ess = min(d.get("ess_bulk", math.nan), d.get("ess_tail", math.nan))
    return {"R-hat": _number(d.get("rhat"), 3), "ESS": _number(ess), "MCSE median": _number(d.get("mcse_median"))}


def _fit(result: EstimateResult) -> dict[str, str]:
    d = result.diagnostics
    p_value = d.get("gof_p_value")
    shown_p = "" if p_value is None or not math.isfinite(p_value) else f"{p_value:.3g}"
    return {"AIC": _number(d.get("AIC"), 1), "BIC": _number(d.get("BIC"), 1),
            "deviance": _number(d.get("deviance"), 1), "df": _number(d.get("df")), "fit p": shown_p,
            "preferred": "*" if d.get("preferred") else ""}  # fmt: skip


def table_rows(results: Sequence[EstimateResult]) -> list[dict[str, str]]:
    """Rows of strings, one per result, with only the column groups some result fills."""
    samplers = any("rhat" in r.diagnostics for r in results)
    fits = any("BIC" in r.diagnostics for r in results)
    checked = any("posterior_predictive" in r.diagnostics for r in results)
    rows = []
    for result in results:
        row = _base(result)
        if samplers:
            row |= _sampler(result)
        if checked:
            found = result.diagnostics.get("posterior_predictive")
            row["model check"] = check_summary(found) if found else ""
        if fits:
            row |= _fit(result)
        rows.append(row)
    return rows
