"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997), as dga's ``bma.cr``.

Each decomposable graph on the lists is a log-linear model with a hyper-Dirichlet prior (every cell of the
2^J table gets ``delta`` prior counts). For every graph and every candidate number of unlisted people the
marginal likelihood is exact, so the posterior of N is computed on a grid, averaged over graphs with a uniform
prior on graphs, and summarised by its median and 2.5% / 97.5% quantiles (dga's rule: the first grid value
whose cumulative probability exceeds the level).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from tollbook.estimate._graphs import decomposable_graphs, describe, perfect_families
from tollbook.estimate._special import gammaln, logsumexp
from tollbook.estimate.caveats import Caveat
from tollbook.estimate.histories import CaptureHistories, HistoryError
from tollbook.estimate.result import EstimateResult
from tollbook.estimate.seeds import Seed, root_sequence, seed_settings

__all__ = ["DGA", "InverseNPrior", "NegativeBinomialPrior", "Posterior", "graph_coefficients", "subset_loglik"]

INTEGER_GRID = (5_000, 50_000)  # every number missing up to the bulk's end, clipped to this range
GRID_RATIO = 1 + 2e-4  # beyond it, a geometric grid: points 0.02% apart
_CHUNK = 8_192
_TAIL = 1e-9  # the grid ends where a coarse point's mass falls below this share of the total posterior
_GRAPH_FLOOR = 1e-12  # graphs with less posterior weight than this (relative to the best) are not refined


@dataclass(frozen=True)
class InverseNPrior:
    """p(N) ∝ 1/N on the total population, dga's default."""

    def log_density(self, total: np.ndarray) -> np.ndarray:
        """Unnormalised log prior at each total N."""
        return -np.log(total)

    def describe(self) -> dict:
        """The prior as settings."""
        return {"prior": "1/N"}


@dataclass(frozen=True)
class NegativeBinomialPrior:
    """Madigan & York's negative binomial prior on the total N, with shape ``a`` and scale ``b`` (mean a b)."""

    a: float
    b: float

    def __post_init__(self) -> None:
        if not (self.a > 0 and self.b > 0):
            raise ValueError(f"the negative binomial prior needs a > 0 and b > 0; got a={self.a}, b={self.b}")

    def log_density(self, total: np.ndarray) -> np.ndarray:
        """log p(N) = N log b − (N + a) log(1 + b) + lgamma(N + a) − lgamma(N + 1) − lgamma(a)."""
        a, b = self.a, self.b
        return total * np.log(b) - (total + a) * np.log1p(b) + gammaln(total + a) - gammaln(total + 1) - gammaln(a)

    def describe(self) -> dict:
        """The prior as settings."""
        return {"prior": "negative binomial", "prior_a": self.a, "prior_b": self.b}


# ---------------------------------------------------------------- marginal likelihoods (pure)


@lru_cache(maxsize=4)
def graph_coefficients(n_lists: int) -> tuple[tuple, np.ndarray]:
    """All decomposable graphs and, per graph, ±1 weights on the 2^J list subsets (bit j = list j).

    A graph's log marginal likelihood is the weighted sum of the subsets' marginal log-likelihoods.
    """
    graphs = decomposable_graphs(n_lists)
    coef = np.zeros((len(graphs), 2**n_lists))
    for row, graph in enumerate(graphs):
        for vertex, parents in perfect_families(n_lists, graph):
            mask = sum(1 << p for p in parents)
            coef[row, mask | 1 << vertex] += 1
            coef[row, mask] -= 1
    coef[:, 0] = 0.0  # the empty subset's marginal likelihood is 1
    coef.setflags(write=False)
    return graphs, coef


def _marginal(table: np.ndarray, n_lists: int, subset: int) -> np.ndarray:
    """Counts of the margin of ``subset`` (cell 0 = on none of its lists) from the full 2^J table."""
    index = np.arange(2**n_lists)
    members = [j for j in range(n_lists) if subset >> j & 1]
    key = np.zeros_like(index)
    for rank, j in enumerate(members):
        key |= ((index >> (n_lists - 1 - j)) & 1) << rank
    return np.bincount(key, weights=table, minlength=2 ** len(members))


def subset_loglik(table: np.ndarray, n_lists: int, delta: float, missing: np.ndarray) -> np.ndarray:
    """Dirichlet-multinomial log marginal likelihood of every subset's margin, for each number missing.

    Returns (2^J, len(missing)); the unlisted people join the margin's all-zero cell.
    """
    total_alpha, n = delta * 2**n_lists, table.sum()
    out = np.zeros((2**n_lists, len(missing)))
    for subset in range(1, 2**n_lists):
        counts = _marginal(table, n_lists, subset)
        alpha = total_alpha / len(counts)
        fixed = np.sum(gammaln(counts[1:] + alpha)) - len(counts) * gammaln(alpha) + gammaln(total_alpha)
        out[subset] = fixed + gammaln(counts[0] + missing + alpha) - gammaln(n + missing + total_alpha)
    return out


Prior = InverseNPrior | NegativeBinomialPrior


@dataclass(frozen=True)
class Posterior:
    """Data (the full 2^J table), prior count per cell, prior on N and graphs (their subset weights)."""

    table: np.ndarray
    n_lists: int
    delta: float
    prior: Prior
    coef: np.ndarray

    def log_density(self, missing: np.ndarray) -> np.ndarray:
        """Unnormalised log posterior of (graph, number missing): rows graphs, columns ``missing``."""
        total = self.table.sum() + missing
        common = gammaln(total + 1) - gammaln(missing + 1) - np.sum(gammaln(self.table[1:] + 1))
        loglik = self.coef @ subset_loglik(self.table, self.n_lists, self.delta, missing)
        return loglik + common + self.prior.log_density(total)


def missing_grid(end: int, integer_end: int) -> tuple[np.ndarray, np.ndarray]:
    """Numbers missing 0..``end``: every integer up to ``integer_end``, then geometric; with each point's width."""
    ints = np.arange(0, min(end, integer_end) + 1, dtype=float)
    steps = np.ceil(np.log(max(end, 1) / integer_end) / np.log(GRID_RATIO)) if end > integer_end else 0
    geo = np.round(integer_end * GRID_RATIO ** np.arange(1, int(steps) + 1))
    grid = np.unique(np.concatenate([ints, np.minimum(geo, end)]))
    edges = np.concatenate([[grid[0] - 0.5], (grid[1:] + grid[:-1]) / 2, [grid[-1] + 0.5]])
    return grid, np.diff(edges)


def _accumulate(post: Posterior, grid: np.ndarray, widths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log posterior mass by graph and by grid point (density × width), in chunks of the grid."""
    by_graph = np.full(post.coef.shape[0], -np.inf)
    by_n = np.empty(len(grid))
    for start in range(0, len(grid), _CHUNK):
        part = post.log_density(grid[start : start + _CHUNK])
        top = part.max()
        scaled = np.exp(part + np.log(widths[start : start + _CHUNK]) - top)
        with np.errstate(divide="ignore"):
            by_graph = np.logaddexp(by_graph, np.log(scaled.sum(axis=1)) + top)
            by_n[start : start + _CHUNK] = np.log(scaled.sum(axis=0)) + top
    return by_graph, by_n


@dataclass(frozen=True)
class Scan:
    """The posterior on a coarse geometric grid: where its tail ends and which graphs carry any weight."""

    end: int
    cut: bool
    graphs: np.ndarray
    integer_end: int


def coarse_scan(post: Posterior, cap: float, fixed_end: int | None) -> Scan:
    """Scan 0..``cap`` missing on 600 geometric points (cheap for all graphs) before the fine grid.

    The grid ends where a point's mass falls below 1e-9 of the total for good (or at ``fixed_end``); graphs whose
    mass is below 1e-12 of the largest are left out of the fine computation.
    """
    top = float(fixed_end) if fixed_end is not None else cap
    coarse = np.unique(np.concatenate([[0.0], np.round(np.geomspace(1, max(top, 1.0), 600))]))
    edges = np.concatenate([[-0.5], (coarse[1:] + coarse[:-1]) / 2, [coarse[-1] + 0.5]])
    mass = post.log_density(coarse) + np.log(np.diff(edges))
    by_graph, by_n = logsumexp(mass, axis=1), logsumexp(mass, axis=0)
    keep = by_graph > by_graph.max() + np.log(_GRAPH_FLOOR)
    probs = np.exp(by_n - logsumexp(by_n))
    bulk = int(np.clip(grid_quantile(coarse, probs, 0.999), *INTEGER_GRID))
    if fixed_end is not None:
        return Scan(int(fixed_end), False, keep, bulk)
    alive = np.flatnonzero(probs > _TAIL)
    last = int(alive[-1]) if len(alive) else 0
    if last + 1 >= len(coarse):
        return Scan(int(cap), True, keep, bulk)
    return Scan(int(coarse[last + 1]), False, keep, bulk)


# ---------------------------------------------------------------- summaries (pure)


def grid_quantile(grid: np.ndarray, probs: np.ndarray, level: float) -> float:
    """dga's quantile: the first grid value whose cumulative probability exceeds ``level``."""
    index = np.searchsorted(np.cumsum(probs), level, side="right")
    return float(grid[min(index, len(grid) - 1)])


def posterior_summary(total: np.ndarray, probs: np.ndarray, widths: np.ndarray) -> dict:
    """Median, 2.5% and 97.5% quantiles, mean, mode and the Bayes estimate under relative squared error.

    ``probs`` are the masses of the grid points and ``widths`` the spans they stand for (1 on integer grids).
    """
    return {
        "median": grid_quantile(total, probs, 0.5),
        "lower": grid_quantile(total, probs, 0.025),
        "upper": grid_quantile(total, probs, 0.975),
        "posterior_mean": float(probs @ total),
        "posterior_mode": float(total[np.argmax(probs / widths)]),
        "bayes_relative_squared_error": float((probs @ (1 / total)) / (probs @ (1 / total**2))),
    }


def posterior_draws(
    total: np.ndarray, probs: np.ndarray, widths: np.ndarray, size: int, seed: int | np.random.SeedSequence
) -> np.ndarray:
    """Draws of N from the grid posterior, spread uniformly over the span a wide grid point stands for."""
    rng = np.random.default_rng(seed)
    index = rng.choice(len(total), size=size, p=probs)
    return np.round(total[index] + (rng.random(size) - 0.5) * (widths[index] - 1))


def model_weights(graphs: tuple, weights: np.ndarray, lists: tuple[str, ...], top: int = 20) -> list[dict]:
    """The ``top`` graphs by posterior probability, described by their cliques."""
    order = np.argsort(weights)[::-1][:top]
    return [{"graph": describe(len(lists), graphs[i], lists), "probability": float(weights[i])} for i in order]


# ---------------------------------------------------------------- model → fit → result


class DGA:
    """Decomposable graphical model averaging for 3 to 5 lists; ``fit()`` returns an EstimateResult.

    ``delta`` is the hyper-Dirichlet prior count per cell (default 1 / 2^lists); ``prior`` the prior on the total
    N (default :class:`InverseNPrior`); ``n_max`` the largest number of unlisted people on the grid (default:
    where the posterior becomes negligible). ``n_draws`` posterior draws of N are kept so strata can be summed;
    ``seed`` makes them reproducible (each stratum of a run gets its own stream, see :mod:`.seeds`).
    """

    def __init__(
        self,
        histories: CaptureHistories,
        delta: float | None = None,
        prior: Prior | None = None,
        n_max: int | None = None,
        n_draws: int = 4000,
        seed: Seed = None,
    ) -> None:
        _check_histories(histories)
        self.histories = histories
        self.delta = 1.0 / 2**histories.n_lists if delta is None else float(delta)
        self.prior = InverseNPrior() if prior is None else prior
        self.n_max, self.n_draws, self.seed = n_max, n_draws, root_sequence(seed)
        _check_settings(self.delta, n_max, n_draws)

    def posterior(self) -> Posterior:
        """The joint posterior over all decomposable graphs and the number of unlisted people."""
        h = self.histories
        _, coef = graph_coefficients(h.n_lists)
        return Posterior(h.full_table().astype(float), h.n_lists, self.delta, self.prior, coef)

    def fit(self) -> EstimateResult:
        """Scan the posterior coarsely, compute it on a fine grid over the graphs that matter, summarise it."""
        post = self.posterior()
        cap = max(1e4 * self.histories.observed, 1e6)
        found = coarse_scan(post, cap, self.n_max)
        missing, widths = missing_grid(found.end, found.integer_end)
        by_graph = np.full(post.coef.shape[0], -np.inf)
        by_graph[found.graphs], by_n = _accumulate(replace(post, coef=post.coef[found.graphs]), missing, widths)
        warnings = [Caveat("dga.heavy_tail", num_cap=float(cap))] if found.cut else []
        return self._result(missing, widths, np.exp(by_n - logsumexp(by_n)), by_graph, found, warnings)

    def _result(
        self,
        missing: np.ndarray,
        widths: np.ndarray,
        probs: np.ndarray,
        by_graph: np.ndarray,
        found: Scan,
        warnings: list[str],
    ) -> EstimateResult:
        """Summaries, draws, model weights and settings as an EstimateResult."""
        h = self.histories
        total = h.observed + missing
        summary = posterior_summary(total, probs, widths)
        if probs[-1] / widths[-1] * max(missing[-1], 1.0) > 1e-4:
            warnings.append(Caveat("dga.grid_end"))
        graphs, _ = graph_coefficients(h.n_lists)
        diagnostics = {
            **{k: v for k, v in summary.items() if k not in ("median", "lower", "upper")},
            "model_weights": model_weights(graphs, np.exp(by_graph - logsumexp(by_graph)), h.lists),
            "n_models": len(graphs),
            "n_models_refined": int(found.graphs.sum()),
            "grid": {"missing_max": float(missing[-1]), "points": len(missing), "integer_up_to": found.integer_end},
        }
        return EstimateResult(
            method="dga", model=None, estimate=summary["median"], lower=summary["lower"], upper=summary["upper"],
            observed=h.observed, stratum=h.stratum, settings=self.settings(), diagnostics=diagnostics,
            data_hash=h.data_hash(), warnings=tuple(warnings),
            draws=posterior_draws(total, probs, widths, self.n_draws, self.seed),
        )  # fmt: skip

    def settings(self) -> dict:
        """Everything that defines the fit, for the record."""
        return {"delta": self.delta, **self.prior.describe(), "n_max": self.n_max, "n_draws": self.n_draws,
                **seed_settings(self.seed), "graphs": "all decomposable"}  # fmt: skip


def _check_histories(histories: CaptureHistories) -> None:
    """DGA needs CaptureHistories on 3 to 5 lists (the graphs are enumerated exhaustively)."""
    if not isinstance(histories, CaptureHistories):
        raise HistoryError(f"DGA needs CaptureHistories; got {type(histories).__name__}")
    if not 3 <= histories.n_lists <= 5:
        raise HistoryError(Caveat("dga.lists", num_lists=histories.n_lists, text_lists=str(list(histories.lists))))
    if histories.observed == 0:
        raise HistoryError(Caveat("dga.nobody"))


def _check_settings(delta: float, n_max: int | None, n_draws: int) -> None:
    """Refuse prior counts, grid ends and draw counts that make no sense."""
    if not (np.isfinite(delta) and delta > 0):
        raise ValueError(f"delta (prior count per cell) must be positive; got {delta}")
    if n_max is not None and (int(n_max) != n_max or n_max < 1):
        raise ValueError(f"n_max (largest number of unlisted people) must be a positive integer; got {n_max}")
    if int(n_draws) != n_draws or n_draws < 1:
        raise ValueError(f"n_draws must be a positive integer; got {n_draws}")
