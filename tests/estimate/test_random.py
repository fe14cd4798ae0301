"""The Numba random variate generators used by the LCMCR kernel, checked against SciPy's distributions."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from scipy import special, stats

from tollbook.estimate import _lcmcr_kernel as rnd

DRAWS = 100_000


@njit  # no on-disk cache: it would not notice edits to the kernel module
def _binomials(state: np.ndarray, n: int, p: float, size: int) -> np.ndarray:
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = rnd.binomial(state, n, p)
    return out


@njit  # no on-disk cache: it would not notice edits to the kernel module
def _poissons(state: np.ndarray, lam: float, size: int) -> np.ndarray:
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = rnd.poisson(state, lam)
    return out


@njit  # no on-disk cache: it would not notice edits to the kernel module
def _continuous(state: np.ndarray, kind: int, a: float, b: float, size: int) -> np.ndarray:
    out = np.empty(size)
    for i in range(size):
        if kind == 0:
            out[i] = rnd.gamma(state, a)
        elif kind == 1:
            out[i] = rnd.beta(state, a, b)
        else:
            out[i] = np.exp(rnd.log_gamma(state, a))
    return out


def _state(seed: int) -> np.ndarray:
    return rnd.new_state(np.random.SeedSequence(seed))


def _chi_square_p(draws: np.ndarray, pmf: np.ndarray) -> float:
    """p-value of a chi-square goodness-of-fit test over the support points with expected count >= 5."""
    support = np.arange(len(pmf))
    observed = np.bincount(draws, minlength=len(pmf))[: len(pmf)]
    expected = pmf * len(draws)
    keep = expected >= 5
    rest_obs, rest_exp = len(draws) - observed[keep].sum(), len(draws) - expected[keep].sum()
    chi = ((observed[keep] - expected[keep]) ** 2 / expected[keep]).sum()
    if rest_exp >= 5:
        chi += (rest_obs - rest_exp) ** 2 / rest_exp
    return float(stats.chi2.sf(chi, keep.sum() - (0 if rest_exp >= 5 else 1))) if len(support) else 1.0


@pytest.mark.parametrize(("n", "p"), [(5, 0.3), (40, 0.2), (1_000, 0.3), (1_000, 0.9), (100_000, 0.004), (37, 0.5)])
def test_binomial_fits_its_distribution(n: int, p: float) -> None:
    draws = _binomials(_state(n), n, p, DRAWS)
    pmf = stats.binom.pmf(np.arange(n + 1), n, p)
    assert _chi_square_p(draws, pmf) > 1e-4  # a wrong sampler fails at these sizes by many orders of magnitude


def test_binomial_edges() -> None:
    state = _state(1)
    assert _binomials(state, 0, 0.5, 10).sum() == 0
    assert _binomials(state, 7, 0.0, 10).sum() == 0
    assert (_binomials(state, 7, 1.0, 10) == 7).all()


@pytest.mark.parametrize("lam", [0.5, 3.0, 15.0, 1_000.0])
def test_poisson_fits_its_distribution(lam: float) -> None:
    draws = _poissons(_state(int(lam * 10)), lam, DRAWS)
    pmf = stats.poisson.pmf(np.arange(int(lam * 3 + 20)), lam)
    assert _chi_square_p(draws, pmf) > 1e-4


@pytest.mark.parametrize("shape", [0.05, 0.3, 1.0, 2.5, 300.0])
def test_gamma_fits_its_distribution(shape: float) -> None:
    draws = _continuous(_state(3), 0, shape, 0.0, DRAWS)
    assert stats.kstest(draws, stats.gamma(shape).cdf).pvalue > 1e-4


@pytest.mark.parametrize(
    ("a", "b"),
    [(1.0, 1.0), (1.0, 40.0), (25.0, 1.0), (3.0, 900.0), (900.0, 3.0), (1.5, 1.2), (2.5, 7.0), (4e6, 3e3), (0.5, 0.7)],
)
def test_beta_fits_its_distribution(a: float, b: float) -> None:
    draws = _continuous(_state(4), 1, a, b, DRAWS)
    assert stats.kstest(draws, stats.beta(a, b).cdf).pvalue > 1e-4


def test_log_gamma_handles_tiny_shapes() -> None:
    draws = _continuous(_state(5), 2, 0.3, 0.0, DRAWS)
    assert stats.kstest(draws, stats.gamma(0.3).cdf).pvalue > 1e-4


def test_same_state_same_stream() -> None:
    assert np.array_equal(_binomials(_state(9), 50, 0.3, 100), _binomials(_state(9), 50, 0.3, 100))
    assert not np.array_equal(_binomials(_state(9), 50, 0.3, 100), _binomials(_state(10), 50, 0.3, 100))


@njit  # no on-disk cache: it would not notice edits to the kernel module
def _negative_binomials(state: np.ndarray, n: float, p: float, size: int) -> np.ndarray:
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = rnd.negative_binomial(state, n, p)
    return out


@pytest.mark.parametrize(("n", "p"), [(4_400.0, 0.43), (4_400.0, 0.7), (982.0, 0.55), (982.0, 0.97), (12.0, 0.3)])
def test_negative_binomial_fits_its_distribution(n: float, p: float) -> None:
    """Failures before the n-th success (SciPy's nbinom(n, p)), at the sizes the LCMCR n0 draw meets."""
    draws = _negative_binomials(_state(int(n * p)), n, p, DRAWS)
    dist = stats.nbinom(n, p)
    pmf = dist.pmf(np.arange(int(dist.ppf(1 - 1e-9)) + 1))
    assert _chi_square_p(draws, pmf) > 1e-4
    assert abs(draws.mean() - dist.mean()) < 5 * dist.std() / np.sqrt(DRAWS)


@njit  # no on-disk cache: it would not notice edits to the kernel module
def _log_gammas(state: np.ndarray, shape: float, size: int) -> np.ndarray:
    out = np.empty(size)
    for i in range(size):
        out[i] = rnd.log_gamma(state, shape)
    return out


@pytest.mark.parametrize("shape", [0.002, 0.01, 0.2, 0.9, 1.0, 6.0])
def test_log_gamma_in_log_space_for_tiny_stick_shapes(shape: float) -> None:
    """log G with G ~ Gamma(shape): P(log G <= t) = P(shape, e^t); alpha + 0 reaches shapes near 0.01 in the sticks."""
    draws = _log_gammas(_state(int(shape * 1_000)), shape, DRAWS)
    assert np.isfinite(draws).all()
    assert stats.kstest(draws, lambda t: _log_gamma_cdf(shape, t)).pvalue > 1e-4


def _log_gamma_cdf(shape: float, t: np.ndarray) -> np.ndarray:
    """P(log G <= t): the regularised gamma function, or its leading term x^a / Gamma(a + 1) where e^t underflows."""
    small = t < -600.0
    tail = np.exp(shape * np.where(small, t, 0.0) - special.gammaln(shape + 1.0))
    return np.where(small, tail, special.gammainc(shape, np.exp(np.maximum(t, -600.0))))
