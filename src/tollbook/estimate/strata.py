"""Estimate each stratum and the total: Bayesian totals sum posterior draws; thin strata are named, never hidden."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.result import EstimateResult, code_version

__all__ = ["POOLED_LABEL", "TOTAL_LABEL", "ThinRule", "combine", "estimate_strata", "pool_thin", "sum_strata",
           "thin_reason"]

TOTAL_LABEL = "total"
Fitter = Callable[[CaptureHistories], list[EstimateResult]]


@dataclass(frozen=True)
class ThinRule:
    """When a stratum is too thin to estimate: fewer lists with records, or fewer people, than these minima."""

    min_lists: int = 2
    min_observed: int = 10


def thin_reason(histories: CaptureHistories, rule: ThinRule) -> str | None:
    """Why this stratum cannot be estimated under ``rule``, or None if it can."""
    with_records = histories.lists_with_records()
    if len(with_records) < rule.min_lists:
        return (
            f"only {len(with_records)} list(s) with records here ({', '.join(with_records) or 'none'}); "
            f"at least {rule.min_lists} are needed"
        )
    if histories.observed < rule.min_observed:
        return f"only {histories.observed} people recorded here; at least {rule.min_observed} are needed"
    return None


POOLED_LABEL = "other (pooled thin strata)"


def combine(parts: Sequence[CaptureHistories], stratum: str) -> CaptureHistories:
    """One population from several strata: the union of their lists, pattern counts added up."""
    lists = list(dict.fromkeys(name for part in parts for name in part.lists))
    rows = []
    for part in parts:
        position = [lists.index(name) for name in part.lists]
        for pattern, count in zip(part.patterns, part.counts, strict=True):
            row = [0] * len(lists)
            for column, value in zip(position, pattern, strict=True):
                row[column] = int(value)
            rows.append([*row, int(count)])
    frame = pd.DataFrame(rows, columns=[*lists, "count"])
    return CaptureHistories.from_frame(frame, lists, count_col="count", stratum=stratum)


def pool_thin(strata: Mapping[str | None, CaptureHistories], rule: ThinRule | None = None,
              label: str = POOLED_LABEL) -> dict[str | None, CaptureHistories]:
    """Merge the strata too thin to estimate into one pooled stratum, so their people still count in the total
    (when the pool is itself too thin it is left out, with its reason, like any thin stratum)."""
    rule = rule or ThinRule()
    thin = [h for h in strata.values() if thin_reason(h, rule) is not None]
    if len(thin) < 2:
        return dict(strata)
    kept = {name: h for name, h in strata.items() if thin_reason(h, rule) is None}
    pooled = combine(thin, f"{label}: {', '.join(str(h.stratum) for h in thin)}")
    return kept | {pooled.stratum: pooled}


def _without_empty_lists(histories: CaptureHistories) -> tuple[CaptureHistories, list[str]]:
    """Drop lists that recorded nobody in this stratum (they carry no information and break some models)."""
    empty = [name for name in histories.lists if name not in histories.lists_with_records()]
    return (histories.drop_lists(empty), empty) if empty else (histories, [])


def _placeholder(histories: CaptureHistories, method: str, reason: str) -> EstimateResult:
    """A result that names a stratum left unestimated, with the reason as its warning."""
    return EstimateResult(
        method=method, model=None, estimate=math.nan, lower=math.nan, upper=math.nan,
        observed=histories.observed, stratum=histories.stratum, settings={}, diagnostics={},
        data_hash=histories.data_hash(), warnings=(f"stratum {histories.stratum!r} not estimated: {reason}",),
    )  # fmt: skip


def _fit_stratum(histories: CaptureHistories, fit: Fitter, method: str, rule: ThinRule) -> list[EstimateResult]:
    """Fit one stratum, or return a placeholder saying why it is too thin or why the model refused it."""
    reason = thin_reason(histories, rule)
    if reason is not None:
        return [_placeholder(histories, method, reason)]
    usable, dropped = _without_empty_lists(histories)
    try:
        results = fit(usable)
    except ValueError as exc:
        return [_placeholder(histories, method, str(exc))]
    if not dropped:
        return results
    return [replace(r, settings=r.settings | {"lists_without_records_dropped": dropped}) for r in results]


def estimate_strata(
    strata: Mapping[str | None, CaptureHistories], fit: Fitter, method: str, rule: ThinRule | None = None
) -> list[EstimateResult]:
    """Results for every stratum (thin ones as named placeholders), then one total per method and model."""
    rule = rule or ThinRule()
    per_stratum = [r for h in strata.values() for r in _fit_stratum(h, fit, method, rule)]
    groups: dict[tuple[str, str | None], list[EstimateResult]] = {}
    for result in per_stratum:
        if math.isfinite(result.estimate):
            groups.setdefault((result.method, result.model), []).append(result)
    left_out = [r for r in per_stratum if not math.isfinite(r.estimate)]
    totals = [sum_strata(parts, _left_out_for(left_out, *key)) for key, parts in groups.items()]
    return per_stratum + totals


def _left_out_for(left_out: list[EstimateResult], method: str, model: str | None) -> list[EstimateResult]:
    """Strata missing from one method-and-model total: thin ones (no model) and those this model failed on."""
    return [r for r in left_out if r.method == method and r.model in (None, model)]


def _combined_hash(parts: Sequence[EstimateResult]) -> str:
    joined = "\n".join(sorted(f"{p.stratum}:{p.data_hash}" for p in parts))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _summed_draws(parts: Sequence[EstimateResult]) -> np.ndarray | None:
    """Index-wise sum of the strata's posterior draws (strata are independent a posteriori), if all have them."""
    draws = [p.draws for p in parts]
    if any(d is None for d in draws) or len({len(d) for d in draws}) != 1:
        return None
    return np.sum(np.stack(draws), axis=0)


def _normal_interval(parts: Sequence[EstimateResult]) -> tuple[float, float, float]:
    """Sum of point estimates, with a 95% interval from summed variances (NaN where a stratum lacks an SE)."""
    total = float(sum(p.estimate for p in parts))
    variance = sum(float(p.diagnostics.get("se", math.nan)) ** 2 for p in parts)
    half = 1.959964 * math.sqrt(variance) if math.isfinite(variance) else math.nan
    return total, total - half, total + half


def sum_strata(parts: Sequence[EstimateResult], left_out: Sequence[EstimateResult] = ()) -> EstimateResult:
    """Combine per-stratum results of one method and model into a total, naming strata left out of it."""
    draws = _summed_draws(parts)
    if draws is not None:
        low, estimate, high = (float(v) for v in np.quantile(draws, [0.025, 0.5, 0.975]))
        how = "sum of posterior draws across strata"
    else:
        estimate, low, high = _normal_interval(parts)
        how = "sum of point estimates; interval from summed variances (normal approximation)"
    found = [f"{p.observed} people left out of this total — "
             f"{p.warnings[0] if p.warnings else f'stratum {p.stratum!r} has no estimate'}" for p in left_out]
    found += [f"stratum {p.stratum!r} has not converged" for p in parts if p.converged is False]
    converged = None if all(p.converged is None for p in parts) else all(p.converged is not False for p in parts)
    return EstimateResult(
        method=parts[0].method, model=parts[0].model, estimate=estimate, lower=low, upper=high,
        observed=sum(p.observed for p in parts), stratum=TOTAL_LABEL,
        settings=parts[0].settings | {"strata": [p.stratum for p in parts], "total": how},
        diagnostics={"strata_estimated": len(parts), "strata_left_out": [p.stratum for p in left_out],
                     "observed_left_out": sum(p.observed for p in left_out)},
        data_hash=_combined_hash(parts), code_version=code_version(), converged=converged,
        warnings=tuple(found), draws=draws,
    )  # fmt: skip
