"""The prior match probability made consistent with the clustering it produces.

Splink's prior comes from near-certain rules and an assumed recall of those rules; on real lists that recall
is unknown (0.2–0.6 on the generators we measured), so probabilities, and with them any fixed threshold,
drift by list. Here the prior is iterated to a fixed point instead: cluster at the threshold, count the pairs
inside clusters, take their share of all pairs as the new prior, shift every pair's match weight by the
change in prior log-odds, and repeat until the prior settles. The shift is exactly what Splink would compute
with that prior, so the saved model (with the final prior) scores pairs the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from tollbook.link.cluster import Ranked, cluster_ranks, ranked_pairs

MAX_ROUNDS = 6
SETTLED = 0.02  # |log(new prior / old prior)| below which the prior has settled


def log_odds(probability: float) -> float:
    """log2 of the odds of a probability (a match weight's unit)."""
    return float(np.log2(probability / (1.0 - probability)))


def probability_of(weight: np.ndarray) -> np.ndarray:
    """Match probabilities from match weights (bits)."""
    odds_against = np.negative(weight)
    np.exp2(odds_against, out=odds_against)
    return np.divide(1.0, np.add(1.0, odds_against, out=odds_against), out=odds_against)  # in place: 3 passes


def shifted(pairs: pd.DataFrame, shift: float) -> pd.DataFrame:
    """Pairs with match weights moved by `shift` bits and probabilities recomputed from them."""
    weight = pairs["match_weight"].to_numpy() + shift
    return pairs.assign(match_weight=weight, match_probability=probability_of(weight))


def within_cluster_pairs(assignment: Mapping[Hashable, Hashable] | np.ndarray) -> float:
    """Number of record pairs that share a cluster (`assignment`: id -> cluster key, or cluster keys as ranks)."""
    keys = assignment if isinstance(assignment, np.ndarray) else pd.factorize(list(assignment.values()))[0]
    sizes = np.bincount(keys).astype(float)
    return float((sizes * (sizes - 1) / 2).sum())


def calibrate_prior(ids: Sequence[Hashable] | Ranked, pairs: pd.DataFrame, prior: float, threshold: float,
                    lists: Mapping[Hashable, Hashable] | None, say: Callable[[str], None] | None = None,
                    ) -> tuple[pd.DataFrame, float]:
    """(pairs rescored with the settled prior, that prior), starting from the model's `prior`. `ids` are the
    record ids with `lists` (id -> list), or the records as Ranked when the pairs name them by rank."""
    n = ids.size if isinstance(ids, Ranked) else len(ids)
    if n < 2 or pairs.empty:
        return pairs, prior
    records, left, right = ranked_pairs(ids, lists, pairs)
    current = settled_prior(records, (left, right, pairs["match_weight"].to_numpy()), prior, threshold, say)
    return shifted(pairs, log_odds(current) - log_odds(prior)), current


def settled_prior(records: Ranked, pairs: tuple[np.ndarray, np.ndarray, np.ndarray], prior: float,
                  threshold: float, say: Callable[[str], None] | None = None) -> float:
    """The prior at its fixed point (see the module), starting from `prior`; `pairs` are (left rank, right rank,
    match weight under `prior`) arrays, at least one pair among at least two records."""
    left, right, weight = pairs
    total = records.size * (records.size - 1) / 2
    start, current = log_odds(prior), prior
    for number in range(1, MAX_ROUNDS + 1):
        probability = probability_of(weight + (log_odds(current) - start))
        labels = cluster_ranks(records, left, right, probability, threshold)
        found = min(max(within_cluster_pairs(labels) / total, 1e-12), 0.5)
        if say:
            say(f"calibrating the prior, round {number}: {current:.3g} -> {found:.3g}")
        if abs(np.log(found / current)) < SETTLED:
            break
        current = found
    return current
