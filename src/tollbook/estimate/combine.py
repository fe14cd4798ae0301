"""Combine estimates of several runs — multiple-imputation replicates or linkage alternatives — into one.

The rule is the one HRDAG's verdata applies to LCMCR replicates (Rubin's within/between variance, on the log of
the number unlisted): with m runs, W = mean within-run variance of log n0, B = variance of the runs' mean log n0,
T = W + (1 + 1/m) B, and a t interval on (m − 1)(1 + W / ((m + 1) B))² degrees of freedom (verdata's form of
Rubin's degrees of freedom); the point is the documented count plus the mean number unlisted. The draws of all
runs, pooled, are kept so combined strata can still be added up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy import stats

from tollbook.estimate.caveats import Caveat
from tollbook.estimate.result import EstimateResult

__all__ = ["COMBINE_RULE", "combine_draws", "combine_runs"]

COMBINE_RULE = ("within/between variance on log(number unlisted) across runs, t interval (Rubin; as HRDAG's "
                "verdata combine_estimates)")
_FLOOR = 0.1  # a draw with nobody unlisted is taken as 0.1 before the log, as verdata does


def combine_draws(draws: Sequence[np.ndarray], observed: Sequence[int], level: float = 0.95) -> dict[str, float]:
    """Point, interval and variance parts from each run's draws of N and its documented count."""
    m = len(draws)
    if m < 2:
        raise ValueError(f"combining needs the draws of at least 2 runs; got {m}")
    unlisted = [np.asarray(d, dtype=float) - n for d, n in zip(draws, observed, strict=True)]
    if any((u < 0).any() for u in unlisted):
        raise ValueError("a run has draws below its documented count; these are not draws of N")
    logs = [np.log(np.where(u == 0, _FLOOR, u)) for u in unlisted]
    within = float(np.mean([np.var(lg, ddof=1) for lg in logs]))
    means = np.array([lg.mean() for lg in logs])
    between = float(np.var(means, ddof=1))
    total = within + (m + 1) / m * between
    df = (m - 1) * (1 + within / ((m + 1) * between)) ** 2 if between > 0 else math.inf
    t = float(stats.t.ppf(0.5 + level / 2, df))
    documented = round(float(np.mean(observed)))
    centre = float(means.mean())
    return {"estimate": documented + round(float(np.mean([u.mean() for u in unlisted]))),
            "lower": documented + round(math.exp(centre - t * math.sqrt(total))),
            "upper": documented + round(math.exp(centre + t * math.sqrt(total))),
            "observed": documented, "within_variance": within, "between_variance": between,
            "total_variance": total, "df": df, "runs": m}  # fmt: skip


def _key(result: EstimateResult) -> tuple:
    return result.method, result.model, result.stratum


def combine_runs(runs: Sequence[Sequence[EstimateResult]], labels: Sequence[str] | None = None) -> list[EstimateResult]:
    """One combined result per (method, model, stratum) that every run estimated with draws; others are named
    in the warnings of the first combined result."""
    labels = list(labels or [f"run {i + 1}" for i in range(len(runs))])
    indexed = [{_key(r): r for r in run if r.draws is not None and math.isfinite(r.estimate)} for run in runs]
    common = [k for k in indexed[0] if all(k in run for run in indexed[1:])] if indexed else []
    combined = [_combined([run[k] for run in indexed], labels) for k in common]
    missing = sorted({str(k) for run in indexed for k in run} - {str(k) for k in common})
    if combined and missing:
        note = Caveat("combine.left_out", text_names=", ".join(missing))
        combined[0] = replace(combined[0], warnings=(*combined[0].warnings, note))
    return combined


def _combined(parts: Sequence[EstimateResult], labels: Sequence[str]) -> EstimateResult:
    """The combination of one (method, model, stratum) across runs."""
    figures = combine_draws([p.draws for p in parts], [p.observed for p in parts])
    warnings = [] if len(parts) >= 10 else [Caveat("combine.few", num_runs=len(parts))]
    warnings += [Caveat("combine.not_converged", text_label=label) for label, p in zip(labels, parts, strict=True)
                 if p.converged is False]
    first = parts[0]
    return EstimateResult(
        method=first.method, model=first.model, estimate=figures["estimate"], lower=figures["lower"],
        upper=figures["upper"], observed=figures["observed"], stratum=first.stratum,
        settings=first.settings | {"combined_from": list(labels), "combine_rule": COMBINE_RULE},
        diagnostics={k: v for k, v in figures.items() if k not in ("estimate", "lower", "upper", "observed")}
        | {"observed_per_run": [p.observed for p in parts], "estimate_per_run": [p.estimate for p in parts]},
        data_hash=first.data_hash, converged=None if all(p.converged is None for p in parts) else
        all(p.converged is not False for p in parts), warnings=tuple(warnings),
        draws=np.concatenate([p.draws for p in parts]),
    )  # fmt: skip
