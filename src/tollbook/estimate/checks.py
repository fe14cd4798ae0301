"""Posterior predictive checks of an LCMCR fit: does the model reproduce each list's count and each overlap?

For every kept draw of (N, class weights nu, inclusion probabilities lambda) the sampler replicates the data
(:func:`tollbook.estimate._lcmcr_kernel.predictive`): class sizes ~ Multinomial(N, nu), then the people on list
i, or on both lists i and j, ~ Binomial per class. The observed count is set against that distribution (median,
95% interval, two-sided p = 2 min(P(rep >= obs), P(rep <= obs))). Margins almost always pass (each list has its
own lambda); an overlap that fails says the lists depend on each other in a way the latent classes do not
capture (e.g. more structure than K classes can carry), so the estimate of the unseen may be biased. Posterior
predictive p-values are conservative (the data are used twice): a pass is weak evidence, a failure strong.
"""

from __future__ import annotations

import numpy as np

from tollbook.estimate.caveats import Caveat
from tollbook.estimate.histories import CaptureHistories

__all__ = ["P_LIMIT", "check_pairs", "check_summary", "check_warnings", "failed_checks", "observed_statistics",
           "predictive_checks"]

P_LIMIT = 0.01  # a check fails when its two-sided posterior predictive p-value is below this
_NAMED = 3  # failures named in the warning; the rest are counted


def check_pairs(n_lists: int) -> np.ndarray:
    """(checks, 2) list indices: (i, i) for each list's count, then (i, j), i < j, for each pairwise overlap."""
    margins = [(i, i) for i in range(n_lists)]
    pairs = [(i, j) for i in range(n_lists) for j in range(i + 1, n_lists)]
    return np.array(margins + pairs, dtype=np.int64).reshape(-1, 2)


def observed_statistics(histories: CaptureHistories, checks: np.ndarray) -> np.ndarray:
    """The observed value of each check: people on list i, or on both i and j."""
    on = histories.patterns.astype(bool)
    return np.array([int(histories.counts[on[:, i] & on[:, j]].sum()) for i, j in checks], dtype=np.int64)


def predictive_checks(histories: CaptureHistories, checks: np.ndarray, replicated: np.ndarray) -> list[dict]:
    """One row per check, ``replicated`` being (draws, checks): {"check": "margin"|"pair", "lists": names,
    "observed", "median", "lo", "hi" (95% predictive interval), "p" (two-sided)}."""
    observed = observed_statistics(histories, checks)
    reps = np.asarray(replicated, dtype=float).reshape(-1, len(checks))
    low, median, high = np.quantile(reps, [0.025, 0.5, 0.975], axis=0)
    above = (reps >= observed).mean(axis=0)
    below = (reps <= observed).mean(axis=0)
    p_values = np.minimum(1.0, 2.0 * np.minimum(above, below))
    rows = []
    for c, (i, j) in enumerate(checks):
        names = [histories.lists[i]] if i == j else [histories.lists[i], histories.lists[j]]
        rows.append({"check": "margin" if i == j else "pair", "lists": names, "observed": int(observed[c]),
                     "median": float(median[c]), "lo": float(low[c]), "hi": float(high[c]),
                     "p": float(p_values[c])})  # fmt: skip
    return rows


def _describe(row: dict) -> Caveat:
    lists = dict(zip(("list_a", "list_b"), row["lists"], strict=False))
    return Caveat(f"predictive.{'margin' if row['check'] == 'margin' else 'pair'}", **lists,
                  num_observed=row["observed"], num_median=row["median"], num_lo=row["lo"], num_hi=row["hi"],
                  text_p=row["p"])


def failed_checks(rows: list[dict]) -> list[dict]:
    """The checks whose p-value is below :data:`P_LIMIT`, worst first."""
    return sorted((row for row in rows if row["p"] < P_LIMIT), key=lambda row: row["p"])


def check_summary(rows: list[dict]) -> str:
    """One short cell for tables: "pass (10)" or "3 of 55 fail"."""
    failed = len(failed_checks(rows))
    return f"{failed} of {len(rows)} fail" if failed else f"pass ({len(rows)})"


def check_warnings(rows: list[dict]) -> tuple[str, ...]:
    """One warning naming the failed checks (p below :data:`P_LIMIT`), or none when every check passes."""
    failed = failed_checks(rows)
    if not failed:
        return ()
    named = tuple(_describe(row) for row in failed[:_NAMED])
    figures = {"num_failed": len(failed), "num_checks": len(rows), "checks": named}
    if len(failed) > _NAMED:
        return (Caveat("predictive.failed_more", **figures, num_more=len(failed) - _NAMED),)
    return (Caveat("predictive.failed", **figures),)
