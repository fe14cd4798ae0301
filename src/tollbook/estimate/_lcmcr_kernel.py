"""Compiled Gibbs sweeps of the LCMCR sampler (Manrique-Vallier 2016), on capture-pattern counts.

Everything here is Numba ``nopython`` code that mutates a chain's state arrays in place; :mod:`lcmcr` owns the
Python side. Per-iteration cost depends on the number of observed patterns, lists and classes, never on N.

:mod:`._lcmcr_compiled` picks this module (Numba's JIT) or the same source compiled ahead of time.
Random draws use an explicit xoshiro256** state per chain (a uint64[4] array), so a chain is reproducible
whichever thread runs it; the samplers are faster than Numba's ``np.random`` for the draws made here.
Algorithms: xoshiro256** (Blackman & Vigna 2018), Marsaglia-Tsang gamma (2000), Cheng's BB beta (1978),
Hörmann's BTRS binomial and PTRS Poisson (1993), sequential inversion for small means. The samplers live in
this module, not their own, because Numba's on-disk cache only notices edits to the module it compiles.
"""

from __future__ import annotations

import math
import sys

import numpy as np
from numba import njit

from tollbook.estimate._lcmcr_compiled import new_state

__all__ = ["MISSING_RATIO", "missing_ratio", "new_state", "random_sticks", "sweep"]

_U53 = 1.0 / 9007199254740992.0
# Below this mean the binomial is drawn by sequential inversion (cheaper than BTRS's log-gamma set-up).
_INVERSION_MEAN = 30.0
# log(k!) for k < 64, exact; larger k use Stirling's series (error below 1e-13 there).
_LOG_FACTORIAL = np.array([math.lgamma(k + 1.0) for k in range(64)])
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def _load_numba_without_scipy_linalg() -> None:
    """Load Numba's compiler registries now, without letting them import ``scipy.linalg``.

    Numba's first compile or cache load imports its array library, which probes for BLAS by importing
    ``scipy.linalg`` (about 0.2 s of CPU, more than sampling Kosovo takes); nothing here uses BLAS. With the probe's
    module hidden, Numba falls back to its own loop for ``np.convolve``/``np.correlate`` only; ``np.dot`` and
    the linear algebra still import SciPy when compiled. Skipped when ``scipy.linalg`` is already loaded.
    """
    probe = "scipy.linalg.cython_blas"
    if "scipy.linalg" in sys.modules or probe in sys.modules:
        return
    from numba.core.registry import cpu_target

    sys.modules[probe] = None  # type: ignore[assignment]  # makes `import scipy.linalg.cython_blas` fail fast
    try:
        cpu_target.target_context.refresh()
    finally:
        del sys.modules[probe]


_load_numba_without_scipy_linalg()


@njit(cache=True, nogil=True, inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, nogil=True)
def next_u64(s: np.ndarray) -> np.uint64:
    """Next 64 random bits (xoshiro256**)."""
    result = _rotl(s[1] * np.uint64(5), 7) * np.uint64(9)
    t = s[1] << np.uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@njit(cache=True, nogil=True)
def uniform(s: np.ndarray) -> float:
    """Uniform on [0, 1) with 53 random bits."""
    return float(next_u64(s) >> np.uint64(11)) * _U53


@njit(cache=True, nogil=True)
def normal(s: np.ndarray) -> float:
    """Standard normal (Marsaglia's polar method)."""
    while True:
        u = 2.0 * uniform(s) - 1.0
        v = 2.0 * uniform(s) - 1.0
        r = u * u + v * v
        if 0.0 < r < 1.0:
            return u * math.sqrt(-2.0 * math.log(r) / r)


@njit(cache=True, nogil=True)
def gamma(s: np.ndarray, shape: float) -> float:
    """Gamma(shape, 1) (Marsaglia & Tsang; shape < 1 boosted by U^(1/shape))."""
    if shape < 1.0:
        return _gamma_large(s, shape + 1.0) * uniform(s) ** (1.0 / shape)
    return _gamma_large(s, shape)


@njit(cache=True, nogil=True)
def _gamma_large(s: np.ndarray, shape: float) -> float:
    """Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang 2000)."""
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = normal(s)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = uniform(s)
        if u < 1.0 - 0.0331 * x * x * x * x or math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
            return d * v


@njit(cache=True, nogil=True)
def log_gamma(s: np.ndarray, shape: float) -> float:
    """log of a Gamma(shape, 1) draw, accurate for tiny shapes where the draw itself underflows to 0."""
    if shape >= 1.0:
        return math.log(_gamma_large(s, shape))
    return math.log(_gamma_large(s, shape + 1.0)) + math.log(1.0 - uniform(s)) / shape


@njit(cache=True, nogil=True)
def _beta_cheng(s: np.ndarray, a: float, b: float) -> float:
    """Beta(a, b) for a, b > 1: Cheng's (1978) algorithm BB, one rejection loop instead of two gamma draws."""
    small, large = min(a, b), max(a, b)
    total = small + large
    scale = math.sqrt((total - 2.0) / (2.0 * small * large - total))
    shift = small + 1.0 / scale
    while True:
        u1 = uniform(s)
        if u1 <= 0.0:
            continue
        u2 = uniform(s)
        v = scale * math.log(u1 / (1.0 - u1))
        w = small * math.exp(v) if v < 700.0 else 1.0e308
        z = u1 * u1 * u2
        r = shift * v - 1.3862944
        t = small + r - w
        if t + 2.609438 >= 5.0 * z:
            break
        log_z = math.log(z)
        if t > log_z or r + total * math.log(total / (large + w)) >= log_z:
            break
    return w / (large + w) if small == a else large / (large + w)


@njit(cache=True, nogil=True)
def beta(s: np.ndarray, a: float, b: float) -> float:
    """Beta(a, b): by inversion when a or b is 1 (common for sparse lists), else as a ratio of gammas."""
    if a == 1.0:
        return 1.0 - (1.0 - uniform(s)) ** (1.0 / b)
    if b == 1.0:
        return (1.0 - uniform(s)) ** (1.0 / a)
    if a > 1.0 and b > 1.0:
        return _beta_cheng(s, a, b)
    x = gamma(s, a)
    return x / (x + gamma(s, b))


@njit(cache=True, nogil=True)
def log_factorial(k: float) -> float:
    """log(k!) for a whole number k >= 0: a table below 64, Stirling's series above (faster than lgamma)."""
    if k < 64.0:
        return _LOG_FACTORIAL[int(k)]
    x = k + 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    series = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 / 1260.0))
    return (x - 0.5) * math.log(x) - x + _HALF_LOG_2PI + series


@njit(cache=True, nogil=True)
def _poisson_ptrs(s: np.ndarray, lam: float) -> int:
    """Poisson for lam >= 10: transformed rejection with squeeze (Hörmann 1993)."""
    slam, loglam = math.sqrt(lam), math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        u = uniform(s) - 0.5
        v = uniform(s)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= v_r:
            return int(k)
        if k < 0 or (us < 0.013 and v > us):
            continue
        if math.log(v) + math.log(inv_alpha) - math.log(a / (us * us) + b) <= -lam + k * loglam - log_factorial(k):
            return int(k)


@njit(cache=True, nogil=True)
def poisson(s: np.ndarray, lam: float) -> int:
    """Poisson(lam): multiplication method below 10, PTRS above."""
    if lam >= 10.0:
        return _poisson_ptrs(s, lam)
    limit, k, prod = math.exp(-lam), 0, uniform(s)
    while prod > limit:
        k += 1
        prod *= uniform(s)
    return k


@njit(cache=True, nogil=True)
def _binomial_inversion(s: np.ndarray, n: int, p: float) -> int:
    """Binomial by sequential search from 0 (fast when n * p is small)."""
    q = 1.0 - p
    ratio, a = p / q, (n + 1) * p / q
    while True:
        r = q**n
        u = uniform(s)
        x = 0
        while u > r and x <= n:
            u -= r
            x += 1
            r *= a / x - ratio
        if x <= n:
            return x


@njit(cache=True, nogil=True)
def _binomial_btrs(s: np.ndarray, n: int, p: float) -> int:
    """Binomial for n * p >= 10 and p <= 1/2: transformed rejection with squeeze (Hörmann 1993)."""
    q = 1.0 - p
    spq = math.sqrt(n * p * q)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    m = math.floor((n + 1) * p)
    h, lpq = math.nan, 0.0  # needed only when the squeeze fails (about 1 draw in 7): computed then
    while True:
        u = uniform(s) - 0.5
        v = uniform(s)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return int(k)
        if math.isnan(h):
            h, lpq = log_factorial(m) + log_factorial(n - m), math.log(p / q)
        v = math.log(v * alpha / (a / (us * us) + b))
        if v <= h - log_factorial(k) - log_factorial(n - k) + (k - m) * lpq:
            return int(k)


@njit(cache=True, nogil=True)
def binomial(s: np.ndarray, n: int, p: float) -> int:
    """Binomial(n, p) for any n >= 0 and 0 <= p <= 1."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    flip = p > 0.5
    small = 1.0 - p if flip else p
    x = _binomial_inversion(s, n, small) if n * small < _INVERSION_MEAN else _binomial_btrs(s, n, small)
    return n - x if flip else x


@njit(cache=True, nogil=True)
def negative_binomial(s: np.ndarray, n: float, p: float) -> int:
    """Failures before the n-th success with success probability p (a gamma-Poisson mixture)."""
    if p >= 1.0:
        return 0
    return poisson(s, gamma(s, n) * (1.0 - p) / p)


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


# R's LCMCR redraws the number unlisted while it exceeds 20 × the number listed (a truncated prior on N).
MISSING_RATIO = 20
_MAX_REDRAWS = 10_000


@njit(cache=True, nogil=True)
def missing_ratio() -> int:
    """MISSING_RATIO as compiled into the kernel (a kernel built ahead of time reports its own)."""
    return MISSING_RATIO


@njit(cache=True, nogil=True)
def draw_missing(rng: np.ndarray, observed: int, p_zero: float) -> int:
    """Number of people no list recorded: negative binomial given P(unlisted), redrawn while above 20 × observed
    as R does. Where nearly every draw would be refused (p_zero near 1), the cap itself is returned."""
    cap = MISSING_RATIO * observed
    for _ in range(_MAX_REDRAWS):
        n0 = negative_binomial(rng, float(observed), 1.0 - p_zero)
        if n0 <= cap:
            return n0
    return cap


@njit(cache=True, nogil=True)
def random_sticks(rng: np.ndarray, log_nu: np.ndarray, nu: np.ndarray) -> None:
    """Starting class weights as R draws them: stick-breaking with every break Beta(1, 1)."""
    _draw_sticks(rng, np.zeros(nu.shape[0], dtype=np.int64), 1.0, log_nu, nu)


@njit(cache=True, nogil=True)
def _class_sizes(alloc: np.ndarray, alloc0: np.ndarray, class_n: np.ndarray) -> None:
    """Total people (observed and imputed unobserved) in each latent class."""
    class_n[:] = alloc0
    for m in range(alloc.shape[0]):
        for k in range(alloc.shape[1]):
            class_n[k] += alloc[m, k]


@njit(cache=True, nogil=True)
def predictive(
    rng: np.ndarray, total: int, lam: np.ndarray, nu: np.ndarray, checks: np.ndarray, counts: np.ndarray,
    order: np.ndarray, out: np.ndarray,
) -> None:
    """One posterior predictive replicate of each check: class sizes ~ Multinomial(N, nu), then per class the
    people on list i (``checks[c] = (i, i)``) or on both i and j (``(i, j)``) ~ Binomial(size, lam_i [lam_j])."""
    _multinomial(rng, total, nu, counts, order)
    for c in range(checks.shape[0]):
        i, j = checks[c, 0], checks[c, 1]
        hits = 0
        for k in range(nu.shape[0]):
            p = lam[i, k] if i == j else lam[i, k] * lam[j, k]
            hits += binomial(rng, counts[k], p)
        out[c] = hits


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
    checks: np.ndarray,
    replicated: np.ndarray,
    check_rng: np.ndarray,
) -> int:
    """Run ``n_iter`` Gibbs iterations, storing (N, alpha, occupied classes) every ``thinning``-th in ``out``
    and, when ``replicated`` has rows, a posterior predictive replicate of the ``checks`` (see
    :func:`predictive`, drawn from its own generator ``check_rng`` so the chain is the same with or without
    checks) in the same row of ``replicated``.

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
        n0 = draw_missing(rng, observed, p_zero)
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
            if replicated.shape[0] > 0:
                predictive(check_rng, observed + n0, lam, nu, checks, class_n, order, replicated[row])
            row += 1
    return row
