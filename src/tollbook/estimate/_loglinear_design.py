"""Design matrices of the log-linear capture-recapture models over the 2^J - 1 observable histories.

Pure functions: the model's columns (list effects, behavioural terms, list interactions and Rivest's
heterogeneity covariates on the number of captures), named as Rcapture names its coefficients where it has names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

__all__ = ["Design", "ModelSpec", "build_design", "cell_patterns", "heterogeneity_columns", "hierarchical_closure"]


@dataclass(frozen=True)
class ModelSpec:
    """A log-linear model: base (M0, Mt, Mb, Mbh), list interactions and optional heterogeneity columns."""

    name: str
    base: str = "Mt"
    heterogeneity: str | None = None
    theta: float | None = None
    terms: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Design:
    """Design matrix over the observable cells (intercept first); columns from ``n_fixed`` on are Chao etas."""

    X: np.ndarray
    names: tuple[str, ...]
    n_fixed: int
    chao: bool


def cell_patterns(n_lists: int) -> np.ndarray:
    """All 2^J - 1 observable histories as rows of 0/1, in the order of ``CaptureHistories.full_table()[1:]``."""
    index = np.arange(1, 2**n_lists)
    shifts = np.arange(n_lists - 1, -1, -1)
    return ((index[:, None] >> shifts) & 1).astype(float)


def _base_columns(patterns: np.ndarray, lists: Sequence[str], base: str) -> tuple[np.ndarray, list[str]]:
    """Columns of the base model: captures (M0), list effects (Mt) or behavioural terms (Mb, Mbh)."""
    nbcap = patterns.sum(axis=1)
    before = np.argmax(patterns > 0, axis=1).astype(float)  # occasions before the first capture
    if base == "M0":
        return nbcap[:, None], ["beta"]
    if base == "Mt":
        return patterns, list(lists)
    if base == "Mb":
        return np.column_stack([before, nbcap - 1]), ["beta_first", "beta_after"]
    return np.column_stack([1 - patterns[:, 0], before, nbcap - 1]), ["eta", "beta_first", "beta_after"]


def heterogeneity_columns(nbcap: np.ndarray, kind: str, theta: float | None) -> tuple[np.ndarray, list[str]]:
    """Rivest's heterogeneity covariates on the number of captures (Chao's lower bound uses several)."""
    if kind == "Chao":
        steps = range(3, int(nbcap.max()) + 1)
        cols = [np.maximum(nbcap - j + 1, 0) for j in steps]
        return np.column_stack(cols) if cols else np.zeros((len(nbcap), 0)), [f"eta{j}" for j in steps]
    if kind == "Poisson":
        return (theta**nbcap - 1)[:, None], ["tau"]
    if kind == "Darroch":
        return (nbcap**2 / 2)[:, None], ["tau"]
    return (np.log(theta) - np.log(theta + nbcap))[:, None], ["tau"]


def hierarchical_closure(terms: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Every interaction of two or more lists implied by ``terms`` (all their subsets), lowest order first."""
    closed: set[tuple[str, ...]] = set()
    for term in terms:
        for size in range(2, len(term) + 1):
            closed.update(combinations(tuple(term), size))
    return sorted(closed, key=lambda t: (len(t), t))


def _interaction_columns(
    patterns: np.ndarray, lists: Sequence[str], terms: Sequence[tuple[str, ...]]
) -> tuple[np.ndarray, list[str]]:
    """Product columns, one per interaction term, named like "A:B"."""
    position = {name: i for i, name in enumerate(lists)}
    cols = [np.prod(patterns[:, [position[name] for name in term]], axis=1) for term in terms]
    names = [":".join(term) for term in terms]
    return (np.column_stack(cols) if cols else np.zeros((len(patterns), 0))), names


def build_design(spec: ModelSpec, lists: Sequence[str]) -> Design:
    """The full design matrix of ``spec`` over the observable cells of ``lists``."""
    patterns = cell_patterns(len(lists))
    base, base_names = _base_columns(patterns, lists, spec.base)
    inter, inter_names = _interaction_columns(patterns, lists, hierarchical_closure(spec.terms))
    het, het_names = np.zeros((len(patterns), 0)), []
    if spec.heterogeneity:
        het, het_names = heterogeneity_columns(patterns.sum(axis=1), spec.heterogeneity, spec.theta)
    X = np.column_stack([np.ones(len(patterns)), base, inter, het])
    n_fixed = 1 + base.shape[1] + inter.shape[1]
    return Design(X, ("(Intercept)", *base_names, *inter_names, *het_names), n_fixed, spec.heterogeneity == "Chao")
