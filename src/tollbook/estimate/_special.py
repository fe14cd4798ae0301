"""The few special functions the estimators need on every run, in NumPy and the standard library.

``scipy.special`` costs more CPU to import (about 0.3 s) than a whole LCMCR or log-linear fit of a pattern file,
so the always-run paths take these instead; tests/estimate/test_special.py checks them against SciPy's.
Algorithms: log Gamma is Stirling's series above 10 (the recurrence below it);
the normal quantile is Wichura's AS241 (Applied Statistics 37(3), 1988, coefficients of PPND16,
about 1e-16 relative error); the regularised incomplete gamma and beta functions are the power series and
continued fractions of Abramowitz & Stegun 6.5.29, 6.5.31 and 26.5.8 (modified Lentz evaluation); the inverse
incomplete beta is Newton's method, kept inside a bisection bracket.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["betainc", "betaincinv", "chdtrc", "gammaln", "logsumexp", "ndtri"]

_TINY = 1e-300
_EPS = 1e-15
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)

# AS241 PPND16: numerator and denominator coefficients, constant term first, for |q| <= 0.425 (central), for
# r = sqrt(-log(min(p, 1 - p))) <= 5 (intermediate, in r - 1.6) and beyond (tail, in r - 5).
_CENTRAL = ((3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
             45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727),
            (1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
             39307.89580009271061, 28729.085735721942674, 5226.495278852854561))  # fmt: skip
_INTERMEDIATE = ((1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
                  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833,
                  7.7454501427834140764e-4),
                 (1.0, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
                  0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
                  1.05075007164441684324e-9))  # fmt: skip
_TAIL = ((6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
          0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7),
         (1.0, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
          7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
          2.04426310338993978564e-15))  # fmt: skip


def _ratio(coefficients: tuple[tuple[float, ...], tuple[float, ...]], x: np.ndarray) -> np.ndarray:
    """A rational function of ``x``, both polynomials given constant term first (Horner's rule)."""
    numerator, denominator = (np.polyval(c[::-1], x) for c in coefficients)
    return numerator / denominator


def ndtri(p: object) -> np.ndarray:
    """The standard normal quantile of ``p`` (AS241): -inf at 0, inf at 1, NaN outside [0, 1]."""
    p = np.asarray(p, dtype=float)
    q = p - 0.5
    out = np.full(p.shape, np.nan)
    central = np.abs(q) <= 0.425
    qc = q[central]
    out[central] = qc * _ratio(_CENTRAL, 0.180625 - qc * qc)
    outer = ~central & (p >= 0) & (p <= 1)
    with np.errstate(divide="ignore"):
        r = np.sqrt(-np.log(np.minimum(p[outer], 1.0 - p[outer])))
    z = np.full(r.shape, np.inf)
    near, far = r <= 5.0, (r > 5.0) & np.isfinite(r)
    z[near], z[far] = _ratio(_INTERMEDIATE, r[near] - 1.6), _ratio(_TAIL, r[far] - 5.0)
    out[outer] = np.where(q[outer] < 0, -z, z)
    return out


# Stirling's series of log Gamma(z) - ((z - 1/2) log z - z + log(2 pi)/2): B_2k / (2k (2k - 1) z^(2k - 1)), k = 1..7;
# from z = 10 on its error is below 1e-16 of log Gamma(z).
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
_STIRLING_FROM = 10.0


def _stirling(z: np.ndarray) -> np.ndarray:
    """log Gamma(z) for z >= 10 by Stirling's series."""
    inverse, series = 1.0 / z, np.zeros_like(z)
    square = inverse * inverse
    for coefficient in _STIRLING[::-1]:
        series = series * square + coefficient
    return (z - 0.5) * np.log(z) - z + _HALF_LOG_2PI + series * inverse


def gammaln(x: object) -> np.ndarray | float:
    """log|Gamma(x)| elementwise: vectorised from 10 on (the dga grids hold tens of thousands of such values), the
    standard library's lgamma below, inf at the poles 0, -1, -2, ..."""
    arr = np.asarray(x, dtype=float)
    large = np.isfinite(arr) & (arr >= _STIRLING_FROM)
    out = np.empty(arr.shape)
    out[large] = _stirling(arr[large])
    out[~large] = [_lgamma(v) for v in arr[~large]]
    return float(out) if out.ndim == 0 else out


def _lgamma(value: float) -> float:
    if math.isnan(value):
        return math.nan
    if math.isinf(value) or (value <= 0 and value == int(value)):
        return math.inf
    return math.lgamma(value)


def logsumexp(values: object, axis: int | None = None) -> np.ndarray | float:
    """log(sum(exp(values))) along ``axis``, scaled by the largest value so nothing overflows; -inf when every
    value is -inf."""
    arr = np.asarray(values, dtype=float)
    top = np.max(arr, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(arr - top), axis=axis, keepdims=True)) + top
    out = np.squeeze(out, axis=axis) if axis is not None else out.reshape(())
    return float(out) if out.ndim == 0 else out


def _lower_gamma_series(a: float, x: float) -> float:
    """P(a, x) by its power series (converges fast for x < a + 1)."""
    term = total = 1.0 / a
    n = a
    while abs(term) > abs(total) * _EPS:
        n += 1.0
        term *= x / n
        total += term
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_gamma_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction (for x >= a + 1), evaluated by the modified Lentz method."""
    b = x + 1.0 - a
    c, d = 1.0 / _TINY, 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        if abs(d * c - 1.0) < _EPS:
            break
    return h * math.exp(-x + a * math.log(x) - math.lgamma(a))


def chdtrc(df: float, x: float) -> float:
    """The chi-square survival function P(X > x) on ``df`` degrees of freedom: Q(df/2, x/2)."""
    if not (df > 0 and x >= 0) or math.isnan(x):
        return math.nan
    a, half = df / 2.0, x / 2.0
    if half == 0:
        return 1.0
    if math.isinf(half):
        return 0.0
    return 1.0 - _lower_gamma_series(a, half) if half < a + 1.0 else _upper_gamma_fraction(a, half)


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularised incomplete beta function (A&S 26.5.8), modified Lentz."""
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):  # fmt: skip
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            h *= d * c
        if abs(d * c - 1.0) < _EPS:
            break
    return h


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1]."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def _betaincinv_one(a: float, b: float, p: float) -> float:
    """x with I_x(a, b) = p: Newton steps from the mean, each kept inside the bisection bracket it narrows."""
    if not (a > 0 and b > 0 and 0 <= p <= 1):
        return math.nan
    if p in (0.0, 1.0):
        return p
    low, high, x = 0.0, 1.0, a / (a + b)
    log_beta = _log_beta(a, b)
    for _ in range(200):
        error = betainc(a, b, x) - p
        if error == 0.0:
            return x
        low, high = (x, high) if error < 0 else (low, x)
        density = math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - log_beta)
        step = error / density if density > 0 else math.inf
        new = x - step
        if not low < new < high:
            new = (low + high) / 2.0
        if abs(new - x) <= 4e-16 * max(x, 1e-300) or high - low <= 4e-16 * high:
            return new
        x = new
    return x


def betaincinv(a: float, b: float, p: object) -> np.ndarray:
    """The inverse of the regularised incomplete beta function in x, for each probability in ``p``; NaN where a
    or b is not positive (e.g. an effective sample size that could not be computed)."""
    return np.array([_betaincinv_one(float(a), float(b), float(v)) for v in np.ravel(p)]).reshape(np.shape(p))
