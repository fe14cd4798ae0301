"""Minimum-BIC search over hierarchical log-linear models (Silverman, Chan & Vincent 2024) and its bootstrap."""

from __future__ import annotations

from itertools import combinations

import pytest
from mse_reference import load

from tollbook.estimate import estimate
from tollbook.estimate.histories import HistoryError
from tollbook.estimate.search import bic_search, hierarchical_models

# Silverman, Chan & Vincent (2024), Kosovo: the minimum-BIC model with up to 3-way terms estimates 10,357; with
# up to 2-way terms 14,342.
PUBLISHED = {3: 10_357, 2: 14_342}


def _brute_force(lists: tuple[str, ...]) -> set[frozenset]:
    """Every set of pairs and triples closed under taking a triple's pairs, reduced to its maximal terms."""
    terms = list(combinations(lists, 2)) + list(combinations(lists, 3))
    models = set()
    for mask in range(2 ** len(terms)):
        chosen = {t for i, t in enumerate(terms) if mask >> i & 1}
        if all(set(combinations(t, 2)) <= chosen for t in chosen if len(t) == 3):
            models.add(frozenset(t for t in chosen if not any(set(t) < set(o) for o in chosen)))
    return models


def test_hierarchical_models_of_four_lists_are_all_enumerated() -> None:
    lists = ("A", "B", "C", "D")
    two_way = list(hierarchical_models(lists, 2))
    assert len(two_way) == len(set(two_way)) == 2**6  # any set of the 6 pairs
    three_way = list(hierarchical_models(lists, 3))
    assert len(three_way) == len(set(three_way)) == 113
    assert {frozenset(model) for model in three_way} == _brute_force(lists)


@pytest.mark.parametrize("max_order", [3, 2])
def test_kosovo_matches_the_published_minimum_bic_estimates(max_order: int) -> None:
    (result,) = bic_search(load("kosovo_1999_lcmcr"), max_order=max_order, replicates=0)
    assert round(result.estimate) == PUBLISHED[max_order]
    assert result.diagnostics["models_fitted"] == {3: 113, 2: 64}[max_order]
    assert result.method == "search" and f"up to {max_order}-way" in result.model


def test_settings_that_cannot_work_are_refused() -> None:
    with pytest.raises(HistoryError, match="max_order must be 2 to 3"):
        bic_search(load("kosovo_1999_lcmcr"), max_order=4)
    with pytest.raises(HistoryError, match="needs 3 to 16 lists"):
        bic_search(load("hepatitis_a_taiwan_1995").drop_lists(["E"]))
    (skipped,) = estimate(load("hepatitis_a_taiwan_1995").drop_lists(["E"]), "all", replicates=0, samples=10,
                          burnin=10, chains=1)[-1:]
    assert skipped.method == "search" and "search skipped" in skipped.warnings[0]


@pytest.mark.slow
def test_bootstrap_interval_redoes_the_search() -> None:
    """100 resamples, each with the whole 113-model search: the interval holds the estimate and is wider than the
    chosen model's own profile interval, since it also carries the choice of model."""
    (result,) = bic_search(load("kosovo_1999_lcmcr"), max_order=3, replicates=100, seed=4)
    assert result.observed <= result.lower < result.estimate < result.upper
    assert result.upper - result.lower > result.diagnostics["profile_upper"] - result.diagnostics["profile_lower"]
    assert len(result.draws) == 100 - result.diagnostics["bootstrap_failed"]
