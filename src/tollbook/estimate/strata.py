"""Estimate each stratum and the total: independent draws added up; thin strata pooled or counted, never hidden."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from tollbook.estimate.caveats import Caveat, reason_of
from tollbook.estimate.histories import CaptureHistories, aggregate_patterns
from tollbook.estimate.ranking import mark_preferred
from tollbook.estimate.result import EstimateResult, code_version
from tollbook.estimate.seeds import Seed, root_sequence, stratum_sequence

__all__ = ["POOLED_LABEL", "TOTAL_LABEL", "ThinRule", "combine", "estimate_strata", "placeholder", "pool_thin",
           "sum_strata", "thin_reason"]

TOTAL_LABEL = "total"
Fitter = Callable[[CaptureHistories, np.random.SeedSequence], list[EstimateResult]]


@dataclass(frozen=True)
class ThinRule:
    """When a stratum is too thin to estimate: fewer lists with records, or fewer people, than these minima."""

    min_lists: int = 2
    min_observed: int = 10


def thin_reason(histories: CaptureHistories, rule: ThinRule) -> Caveat | None:
    """Why this stratum cannot be estimated under ``rule``, or None if it can."""
    with_records = histories.lists_with_records()
    if len(with_records) < rule.min_lists:
        return Caveat("thin.lists", num_lists=len(with_records), names_lists=tuple(with_records),
                      num_min=rule.min_lists)
    if histories.observed < rule.min_observed:
        return Caveat("thin.people", num_people=histories.observed, num_min=rule.min_observed)
    return None


POOLED_LABEL = "other (pooled thin strata)"


def combine(parts: Sequence[CaptureHistories], stratum: str) -> CaptureHistories:
    """One population from several strata: the union of their lists, pattern counts added up."""
    lists = list(dict.fromkeys(name for part in parts for name in part.lists))
    blocks = []
    for part in parts:
        block = np.zeros((part.n_patterns, len(lists)), dtype=np.uint8)
        block[:, [lists.index(name) for name in part.lists]] = part.patterns
        blocks.append(block)
    counts = np.concatenate([part.counts for part in parts])
    unique, summed = aggregate_patterns(np.concatenate(blocks), counts)
    return CaptureHistories(tuple(lists), unique, summed, stratum)


def pool_thin(strata: Mapping[str | None, CaptureHistories], rule: ThinRule | None = None,
              label: str = POOLED_LABEL) -> dict[str | None, CaptureHistories]:
    """Merge the strata too thin to estimate into one pooled stratum named after them, so their people still
    count in the total (a pool that is itself too thin is counted as documented, like any thin stratum)."""
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


def placeholder(histories: CaptureHistories, method: str, reason: str | Caveat) -> EstimateResult:
    """A result that names a stratum (or method) left unestimated, with the reason as its warning."""
    warning = (Caveat("population.not_estimated", reason=reason) if histories.stratum is None else
               Caveat("stratum.not_estimated", stratum=histories.stratum, reason=reason))
    return EstimateResult(
        method=method, model=None, estimate=math.nan, lower=math.nan, upper=math.nan,
        observed=histories.observed, stratum=histories.stratum, settings={}, diagnostics={},
        data_hash=histories.data_hash(), warnings=(warning,),
    )  # fmt: skip


def _fit_stratum(histories: CaptureHistories, fit: Fitter, method: str, rule: ThinRule,
                 seed: np.random.SeedSequence) -> list[EstimateResult]:
    """Fit one stratum, or return a placeholder saying why it is too thin or why the model refused it."""
    reason = thin_reason(histories, rule)
    if reason is not None:
        return [placeholder(histories, method, reason)]
    usable, dropped = _without_empty_lists(histories)
    try:
        results = fit(usable, stratum_sequence(seed, histories.stratum))
    except ValueError as exc:
        return [placeholder(histories, method, reason_of(exc))]
    if not dropped:
        return results
    return [replace(r, settings=r.settings | {"lists_without_records_dropped": dropped}) for r in results]


def estimate_strata(
    strata: Mapping[str | None, CaptureHistories],
    fit: Fitter,
    method: str,
    rule: ThinRule | None = None,
    seed: Seed = None,
) -> list[EstimateResult]:
    """Results for every stratum (thin ones as named placeholders), then one total per method and model.

    ``fit(histories, seed)`` gets each stratum's own child of the root ``seed``, so strata draw independently.
    """
    rule, root = rule or ThinRule(), root_sequence(seed)
    per_stratum = [r for h in strata.values() for r in _fit_stratum(h, fit, method, rule, root)]
    groups: dict[tuple[str, str | None], list[EstimateResult]] = {}
    for result in per_stratum:
        if math.isfinite(result.estimate):
            groups.setdefault((result.method, result.model), []).append(result)
    totals = [sum_strata(parts, _left_out_for(per_stratum, *key)) for key, parts in groups.items()]
    if any("BIC" in t.diagnostics for t in totals):
        totals = mark_preferred(totals)
    return per_stratum + totals


_FIT_SUMS = ("deviance", "df", "AIC", "BIC")


def _summed_fit(parts: Sequence[EstimateResult]) -> dict:
    """Fit statistics of a stratified log-linear model: each stratum's added up (they are independent), with the
    deviance test on the summed df; empty when a stratum lacks them."""
    if not all(all(key in p.diagnostics for key in _FIT_SUMS) for p in parts):
        return {}
    from tollbook.estimate._special import chdtrc

    summed = {key: float(sum(p.diagnostics[key] for p in parts)) for key in _FIT_SUMS}
    summed["df"] = int(summed["df"])
    summed["gof_p_value"] = float(chdtrc(summed["df"], summed["deviance"])) if summed["df"] > 0 else math.nan
    return summed


def _left_out_for(per_stratum: list[EstimateResult], method: str, model: str | None) -> list[EstimateResult]:
    """One result per stratum without an estimate in this method-and-model total, saying why: too thin (no
    model), this model failed there, or this model was not fitted there (other models of the method were)."""
    mine = [r for r in per_stratum if r.method == method]
    estimated = {r.stratum for r in mine if r.model == model and math.isfinite(r.estimate)}
    failed = {r.stratum: r for r in reversed(mine) if r.model in (None, model) and not math.isfinite(r.estimate)}
    missing = {r.stratum: failed.get(r.stratum) or placeholder_from(r, Caveat("model.not_fitted", text_model=model))
               for r in reversed(mine) if r.stratum not in estimated}  # fmt: skip
    return list(missing.values())


def placeholder_from(result: EstimateResult, reason: str | Caveat) -> EstimateResult:
    """A placeholder for the stratum of ``result``: same people and data, no estimate."""
    return replace(result, model=None, estimate=math.nan, lower=math.nan, upper=math.nan, draws=None,
                   warnings=(Caveat("stratum.not_estimated", stratum=result.stratum, reason=reason),))


def _combined_hash(parts: Sequence[EstimateResult]) -> str:
    joined = "\n".join(sorted(f"{p.stratum}:{p.data_hash}" for p in parts))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _summed_draws(parts: Sequence[EstimateResult], seed: np.random.SeedSequence) -> np.ndarray | None:
    """Sum of the strata's independent posterior (or simulated) draws, if all have them; strata with fewer draws
    are resampled with replacement to the longest length."""
    draws = [p.draws for p in parts]
    if any(d is None for d in draws):
        return None
    size = max(len(d) for d in draws)
    rng = np.random.default_rng(seed)
    aligned = [d if len(d) == size else rng.choice(d, size=size, replace=True) for d in draws]
    return np.sum(np.stack(aligned), axis=0)


def _normal_interval(parts: Sequence[EstimateResult]) -> tuple[float, float, float]:
    """Sum of point estimates, with a 95% interval from summed variances (NaN where a stratum lacks an SE)."""
    total = float(sum(p.estimate for p in parts))
    variance = sum(float(p.diagnostics.get("se", math.nan)) ** 2 for p in parts)
    half = 1.959964 * math.sqrt(variance) if math.isfinite(variance) else math.nan
    return total, total - half, total + half


def _documented_only(left_out: Sequence[EstimateResult]) -> list[Caveat]:
    """Warnings naming each stratum counted only as documented in a total."""
    return [Caveat("total.documented_only", num_people=p.observed, stratum=p.stratum,
                   reason=p.warnings[0] if p.warnings else Caveat("total.no_estimate")) for p in left_out]


def sum_strata(parts: Sequence[EstimateResult], left_out: Sequence[EstimateResult] = ()) -> EstimateResult:
    """Combine per-stratum results of one method and model into a total.

    Strata's draws (posterior, or simulated for log-linear models) are added; the people of strata ``left_out``
    (thin, or refused by the model) are added as documented, so the total is never below the documented count.
    """
    fixed = sum(p.observed for p in left_out)
    digest = _combined_hash([*parts, *left_out])
    draws = _summed_draws(parts, np.random.SeedSequence(int(digest[:16], 16)))
    if draws is not None:
        draws = draws + fixed
        low, estimate, high = (float(v) for v in np.quantile(draws, [0.025, 0.5, 0.975]))
        how = "sum of independent draws across strata"
    else:
        estimate, low, high = (v + fixed for v in _normal_interval(parts))
        how = "sum of point estimates; interval from summed variances (normal approximation)"
    observed = sum(p.observed for p in parts) + fixed
    low = max(low, observed) if math.isfinite(low) else low
    found = _documented_only(left_out) + [Caveat("total.not_converged", stratum=p.stratum) for p in parts
                                          if p.converged is False]  # fmt: skip
    converged = None if all(p.converged is None for p in parts) else all(p.converged is not False for p in parts)
    return EstimateResult(
        method=parts[0].method, model=parts[0].model, estimate=estimate, lower=low, upper=high,
        observed=observed, stratum=TOTAL_LABEL,
        settings=parts[0].settings | {"strata": [p.stratum for p in parts], "total": how,
                                      "pooled": [p.stratum for p in parts if str(p.stratum).startswith(POOLED_LABEL)]},
        diagnostics={"strata_estimated": len(parts), "strata_left_out": [p.stratum for p in left_out],
                     "observed_left_out": fixed, "documented_only": fixed, **_summed_fit(parts)},
        data_hash=digest, code_version=code_version(), converged=converged,
        warnings=tuple(found), draws=draws,
    )  # fmt: skip
