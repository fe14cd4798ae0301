"""Minimum-BIC search over hierarchical log-linear models with list interactions, with a bootstrap interval.

Following Silverman, Chan & Vincent (2024): among the hierarchical models whose interactions are of order at most
``max_order``, take the one with the lowest BIC and estimate N from it. Up to 4 lists every such model is fitted;
with more, a stepwise search (add or drop one term at a time, best BIC first) is used. The interval is a
nonparametric bootstrap that redoes the search on each resample of the observed people, so it carries the
uncertainty of choosing the model as well as that of fitting it. Their Kosovo figures: 10,357 with up to 3-way
terms, 14,342 with up to 2-way terms.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from tollbook.estimate._loglinear_design import ModelSpec, build_design
from tollbook.estimate.caveats import Caveat
from tollbook.estimate.histories import CaptureHistories, HistoryError
from tollbook.estimate.loglinear import MAX_LISTS, abundance, fit_spec
from tollbook.estimate.result import EstimateResult
from tollbook.estimate.seeds import Seed, root_sequence

__all__ = ["EXHAUSTIVE_UP_TO", "SearchResult", "bic_search", "hierarchical_models", "search_model"]

EXHAUSTIVE_UP_TO = 4  # lists; beyond, the number of hierarchical models explodes and the search is stepwise
Terms = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SearchResult:
    """The chosen model's terms, its BIC and estimate, and how many models were fitted to find it."""

    terms: Terms
    bic: float
    total: float
    fitted: int


def _maximal(terms: Sequence[tuple[str, ...]]) -> Terms:
    """Only the terms not contained in another (the generating class of a hierarchical model), sorted."""
    kept = [t for t in terms if not any(set(t) < set(other) for other in terms)]
    return tuple(sorted(kept, key=lambda t: (len(t), t)))


def hierarchical_models(lists: Sequence[str], max_order: int) -> Iterator[Terms]:
    """Every hierarchical model on ``lists`` with interactions of order 2 to ``max_order`` (main effects always
    in), as its generating class; built order by order, a term joining only when all its sub-terms are in."""
    levels = [list(combinations(lists, order)) for order in range(2, max_order + 1)]

    def extend(chosen: set[tuple[str, ...]], level: int) -> Iterator[set[tuple[str, ...]]]:
        if level == len(levels):
            yield chosen
            return
        allowed = [t for t in levels[level] if len(t) == 2 or all(s in chosen for s in combinations(t, len(t) - 1))]
        for size in range(len(allowed) + 1):
            for picked in combinations(allowed, size):
                yield from extend(chosen | set(picked), level + 1)

    for model in extend(set(), 0):
        yield _maximal(sorted(model, key=lambda t: (len(t), t)))


class _Scorer:
    """BIC and N of hierarchical models on one table, each model fitted once (abundance only, no interval)."""

    def __init__(self, y: np.ndarray, lists: tuple[str, ...], observed: int) -> None:
        self.y, self.lists, self.observed = y, lists, observed
        self.cache: dict[Terms, tuple[float, float]] = {}

    def __call__(self, terms: Terms) -> tuple[float, float]:
        """(BIC, N); BIC is infinite for a model without a valid, converged, full-rank fit."""
        if terms not in self.cache:
            spec = ModelSpec("search", "Mt", None, None, terms)
            est = abundance(self.y, spec, build_design(spec, self.lists), len(self.lists))
            valid = est.fit.converged and est.fit.kept.all() and np.isfinite(est.total) and est.total >= self.observed
            self.cache[terms] = (est.fit.bic(self.observed) if valid else np.inf, est.total)
        return self.cache[terms]


def _neighbours(terms: Terms, lists: Sequence[str], max_order: int) -> Iterator[Terms]:
    """Models one step away: one term added (its sub-terms all present) or one generating term dropped."""
    present = {sub for t in terms for order in range(2, len(t) + 1) for sub in combinations(t, order)}
    for order in range(2, max_order + 1):
        for term in combinations(lists, order):
            if term not in present and all(s in present for s in combinations(term, order - 1) if len(s) > 1):
                yield _maximal([*terms, term])
    for term in terms:
        rest = [t for t in terms if t != term] + list(combinations(term, len(term) - 1) if len(term) > 2 else [])
        yield _maximal(rest)


def _stepwise(score: _Scorer, lists: Sequence[str], max_order: int) -> Terms:
    """Greedy search from independence: take the best-BIC neighbour while it improves on the current model."""
    current: Terms = ()
    while True:
        best = min(_neighbours(current, lists, max_order), key=lambda t: score(t)[0], default=current)
        if score(best)[0] >= score(current)[0]:
            return current
        current = best


def search_model(y: np.ndarray, lists: tuple[str, ...], observed: int, max_order: int) -> SearchResult:
    """The minimum-BIC hierarchical model of ``y`` (the 2^J - 1 observable cell counts)."""
    score = _Scorer(y, lists, observed)
    if len(lists) <= EXHAUSTIVE_UP_TO:
        chosen = min(hierarchical_models(lists, max_order), key=lambda t: score(t)[0])
    else:
        chosen = _stepwise(score, lists, max_order)
    bic, total = score(chosen)
    return SearchResult(chosen, bic, total, len(score.cache))


def _bootstrap(histories: CaptureHistories, max_order: int, replicates: int, seed: Seed) -> np.ndarray:
    """N from the whole search redone on multinomial resamples of the observed people (NaN where no model of a
    resample is valid)."""
    y = histories.full_table()[1:].astype(float)
    rng = np.random.default_rng(root_sequence(seed))
    n = int(y.sum())
    draws = np.empty(replicates)
    for i in range(replicates):
        resample = rng.multinomial(n, y / n).astype(float)
        found = search_model(resample, histories.lists, n, max_order)
        draws[i] = found.total if np.isfinite(found.bic) else np.nan
    return draws


def bic_search(histories: CaptureHistories, max_order: int = 3, replicates: int = 200, seed: Seed = None,
               alpha: float = 0.05) -> list[EstimateResult]:
    """Estimate N from the minimum-BIC hierarchical log-linear model with interactions up to ``max_order``,
    with a percentile interval from ``replicates`` bootstrap resamples that redo the search."""
    J = histories.n_lists
    if J > MAX_LISTS or J < 3:
        raise HistoryError(Caveat("search.lists", num_max=MAX_LISTS, num_lists=J))
    if not 2 <= max_order <= J - 1:
        raise HistoryError(f"max_order must be 2 to {J - 1} with {J} lists (the {J}-way term is not identified); "
                           f"got {max_order}")
    y = histories.full_table()[1:].astype(float)
    found = search_model(y, histories.lists, histories.observed, max_order)
    if not np.isfinite(found.bic):
        raise HistoryError(Caveat("search.no_model"))
    name = " + ".join(["Mt", *(f"[{','.join(t)}]" for t in found.terms)])
    result = fit_spec(histories, ModelSpec(name, "Mt", None, None, found.terms), alpha, seed=seed)
    if replicates < 0:
        raise ValueError(f"replicates must be 0 (no interval) or more; got {replicates}")
    draws = _bootstrap(histories, max_order, replicates, seed)
    finite = draws[np.isfinite(draws)]
    low, high = (np.quantile(finite, [alpha / 2, 1 - alpha / 2]) if len(finite) else (np.nan, np.nan))
    failed = replicates - len(finite)
    warnings = list(result.warnings)
    if failed:
        warnings.append(Caveat("search.bootstrap", num_failed=failed, num_replicates=replicates))
    return [EstimateResult(
        method="search", model=f"min BIC, up to {max_order}-way", estimate=result.estimate,
        lower=float(max(low, histories.observed)), upper=float(high), observed=histories.observed,
        stratum=histories.stratum,
        settings=result.settings | {"chosen_model": name, "max_order": max_order, "replicates": replicates,
                                    "search": "exhaustive" if J <= EXHAUSTIVE_UP_TO else "stepwise"},
        diagnostics=result.diagnostics | {"models_fitted": found.fitted, "profile_lower": result.lower,
                                          "profile_upper": result.upper, "bootstrap_failed": failed,
                                          "interval_method": "bootstrap percentile, model search redone"},
        data_hash=result.data_hash, converged=result.converged, warnings=tuple(warnings),
        draws=np.maximum(finite, histories.observed) if len(finite) else None,
    )]  # fmt: skip
