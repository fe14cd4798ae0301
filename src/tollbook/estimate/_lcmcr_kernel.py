"""Compiled Gibbs sweeps of the LCMCR sampler (Manrique-Vallier 2016), on capture-pattern counts.

Everything here is Numba ``nopython`` code that mutates a chain's state arrays in place; :mod:`lcmcr` owns the
Python side. Per-iteration cost depends on the number of observed patterns, lists and classes, never on N.
Random draws come from :mod:`._random` on an explicit per-chain state ``rng``, so a chain is reproducible
whichever thread runs it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tollbook.estimate._random import beta, binomial, gamma, log_gamma, negative_binomial, uniform

# Inclusion probabilities are kept this far from 0 and 1 so their odds stay finite.
_LAMBDA_EPS = 1e-12
# Totals up to this many people per class are allocated person by person instead of by binomial splitting.
_SMALL_PER_CLASS = 3


@njit(cache=True, nogil=True)
def _descending(weights: np.ndarray, order: np.ndarray) -> None:
    """Fill ``order`` with class indices by decreasing weight (insertion sort: K is small)."""
    for i in range(weights.shape[0]):
        j = i
        while j > 0 and weights[order[j - 1]] < weights[i]:
            order[j] = order[j - 1]
            j -= 1
        order[j] = i


@njit(cache=True, nogil=True)
def _multinomial(rng: np.ndarray, total: int, weights: np.ndarray, out: np.ndarray, order: np.ndarray) -> None:
    """Split ``total`` over classes with probabilities proportional to ``weights`` (unnormalised), into ``out``.

    Small totals are drawn person by person; large ones by conditional binomials, heaviest class first so the
    remainder usually runs out before the light classes are reached.
    """
    n_classes = weights.shape[0]
    out[:] = 0
    mass = weights.sum()
    if total <= _SMALL_PER_CLASS * n_classes:
        for _ in range(total):
            u = uniform(rng) * mass
            k = 0
            acc = weights[0]
            while acc < u and k < n_classes - 1:
                k += 1
                acc += weights[k]
            out[k] += 1
        return
    _descending(weights, order)
    left = total
    for t in range(n_classes - 1):
        k = order[t]
        if left == 0:
            return
        if mass <= 0.0:  # rounding left no weight for the rest: the remainder stays with this class
            out[k] += left
            return
        p = min(max(weights[k] / mass, 0.0), 1.0)
        draw = binomial(rng, left, p)
        out[k] = draw
        left -= draw
        mass -= weights[k]
    out[order[n_classes - 1]] += left


@njit(cache=True, nogil=True)
def _class_weights(lam: np.ndarray, nu: np.ndarray, zero_w: np.ndarray, odds: np.ndarray) -> float:
    """Fill ``zero_w[k]`` = nu_k * prod_j (1 - lam_jk) and ``odds[j, k]`` = lam/(1-lam); return P(unobserved)."""
    n_lists, n_classes = lam.shape
    for k in range(n_classes):
        prod = nu[k]
        for j in range(n_lists):
            value = min(max(lam[j, k], _LAMBDA_EPS), 1.0 - _LAMBDA_EPS)
            prod *= 1.0 - value
            odds[j, k] = value / (1.0 - value)
        zero_w[k] = prod
    return zero_w.sum()


@njit(cache=True, nogil=True)
def _allocate_observed(
    rng: np.ndarray,
    ones_ptr: np.ndarray,
    ones_idx: np.ndarray,
    counts: np.ndarray,
    zero_w: np.ndarray,
    odds: np.ndarray,
    alloc: np.ndarray,
    weights: np.ndarray,
    order: np.ndarray,
) -> None:
    """Allocate each observed pattern's count to latent classes (multinomial given the current parameters)."""
    n_classes = zero_w.shape[0]
    for m in range(counts.shape[0]):
        weights[:] = zero_w
        for t in range(ones_ptr[m], ones_ptr[m + 1]):
            row = odds[ones_idx[t]]
            for k in range(n_classes):
                weights[k] *= row[k]
        _multinomial(rng, counts[m], weights, alloc[m], order)


@njit(cache=True, nogil=True)
def _draw_lambda(
    rng: np.ndarray,
    ones_ptr: np.ndarray,
    ones_idx: np.ndarray,
    alloc: np.ndarray,
    class_n: np.ndarray,
    lam: np.ndarray,
    hits: np.ndarray,
) -> None:
    """Draw each list's inclusion probability per class from its Beta(1 + in, 1 + out) full conditional."""
    n_lists, n_classes = lam.shape
    hits[:] = 0
    for m in range(alloc.shape[0]):
        for t in range(ones_ptr[m], ones_ptr[m + 1]):
            j = ones_idx[t]
            for k in range(n_classes):
                hits[j, k] += alloc[m, k]
    for j in range(n_lists):
        for k in range(n_classes):
            if class_n[k] == 0:
                lam[j, k] = uniform(rng)
            else:
                lam[j, k] = beta(rng, 1.0 + hits[j, k], 1.0 + class_n[k] - hits[j, k])


@njit(cache=True, nogil=True)
def _draw_sticks(rng: np.ndarray, class_n: np.ndarray, alpha: float, log_nu: np.ndarray, nu: np.ndarray) -> None:
    """Draw the truncated stick-breaking weights given class sizes, in log space for stability."""
    n_classes = class_n.shape[0]
    remaining = class_n.sum()
    log_rest = 0.0
    for k in range(n_classes - 1):
        remaining -= class_n[k]
        log_a = log_gamma(rng, 1.0 + class_n[k])
        log_b = log_gamma(rng, alpha + remaining)
        top = max(log_a, log_b)
        log_sum = top + np.log(np.exp(log_a - top) + np.exp(log_b - top))
        log_nu[k] = log_a - log_sum + log_rest
        log_rest += log_b - log_sum
    log_nu[n_classes - 1] = log_rest
    for k in range(n_classes):
        nu[k] = np.exp(log_nu[k])


@njit(cache=True, nogil=True)
def _class_sizes(alloc: np.ndarray, alloc0: np.ndarray, class_n: np.ndarray) -> None:
    """Total people (observed and imputed unobserved) in each latent class."""
    class_n[:] = alloc0
    for m in range(alloc.shape[0]):
        for k in range(alloc.shape[1]):
            class_n[k] += alloc[m, k]


@njit(cache=True, nogil=True)
def sweep(
    rng: np.ndarray,
    ones_ptr: np.ndarray,
    ones_idx: np.ndarray,
    counts: np.ndarray,
    priors: np.ndarray,
    lam: np.ndarray,
    log_nu: np.ndarray,
    nu: np.ndarray,
    scalars: np.ndarray,
    alloc: np.ndarray,
    alloc0: np.ndarray,
    n_iter: int,
    thinning: int,
    update_alpha: bool,
    out: np.ndarray,
    out_start: int,
) -> int:
    """Run ``n_iter`` Gibbs iterations, storing (N, alpha, occupied classes) every ``thinning``-th in ``out``.

    ``priors`` = (a_alpha, b_alpha); ``scalars`` = (alpha, n0). Returns the next free row of ``out``.
    """
    n_lists, n_classes = lam.shape
    observed = counts.sum()
    zero_w = np.empty(n_classes)
    odds = np.empty((n_lists, n_classes))
    weights = np.empty(n_classes)
    class_n = np.empty(n_classes, dtype=np.int64)
    hits = np.empty((n_lists, n_classes), dtype=np.int64)
    order = np.empty(n_classes, dtype=np.int64)
    row = out_start
    _class_weights(lam, nu, zero_w, odds)
    for it in range(n_iter):
        _allocate_observed(rng, ones_ptr, ones_idx, counts, zero_w, odds, alloc, weights, order)
        _class_sizes(alloc, alloc0, class_n)
        _draw_lambda(rng, ones_ptr, ones_idx, alloc, class_n, lam, hits)
        _draw_sticks(rng, class_n, scalars[0], log_nu, nu)
        p_zero = min(_class_weights(lam, nu, zero_w, odds), 1.0 - 1e-10)
        n0 = negative_binomial(rng, float(observed), 1.0 - p_zero)
        _multinomial(rng, n0, zero_w, alloc0, order)
        scalars[1] = n0
        if update_alpha:
            rate = priors[1] - log_nu[n_classes - 1]
            scalars[0] = gamma(rng, priors[0] + n_classes - 1.0) / rate
        if thinning > 0 and (it + 1) % thinning == 0:
            out[row, 0] = observed + n0
            out[row, 1] = scalars[0]
            _class_sizes(alloc, alloc0, class_n)
            out[row, 2] = (class_n > 0).sum()
            row += 1
    return row
