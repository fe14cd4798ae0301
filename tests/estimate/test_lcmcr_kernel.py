"""The LCMCR kernel's multinomial allocation: totals kept, proportions right, degenerate weights safe."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from tollbook.estimate import _lcmcr_kernel as kernel
from tollbook.estimate._lcmcr_kernel import new_state


@njit  # no on-disk cache: it would not notice edits to the kernel module
def _mean_allocation(rng: np.ndarray, total: int, weights: np.ndarray, reps: int) -> np.ndarray:
    out = np.zeros(weights.shape[0], dtype=np.int64)
    order = np.empty(weights.shape[0], dtype=np.int64)
    acc = np.zeros(weights.shape[0])
    for _ in range(reps):
        kernel._multinomial(rng, total, weights, out, order)
        if out.sum() != total:
            return np.full(weights.shape[0], -1.0)
        acc += out
    return acc / reps


WEIGHTS = np.array([0.04, 0.07, 0.82, 0.005, 0.05, 0.007, 0.003, 1e-5, 0.001, 1e-6])


@pytest.mark.parametrize("total", [1, 2, 20, 29, 31, 1_000, 5_000_000])
def test_multinomial_keeps_the_total_and_the_proportions(total: int) -> None:
    reps = 20_000
    mean = _mean_allocation(new_state(np.random.SeedSequence(total)), total, WEIGHTS, reps)
    assert (mean >= 0).all(), "an allocation lost or invented people"
    expected = total * WEIGHTS / WEIGHTS.sum()
    se = np.sqrt(total * (WEIGHTS / WEIGHTS.sum()) * (1 - WEIGHTS / WEIGHTS.sum()) / reps)
    assert np.all(np.abs(mean - expected) <= 5 * se + 1e-9)


@pytest.mark.parametrize("weights", [np.zeros(4), np.array([1e-300, 0.0, 0.0, 1e-310])])
def test_multinomial_with_vanishing_weights_still_places_everyone(weights: np.ndarray) -> None:
    mean = _mean_allocation(new_state(np.random.SeedSequence(1)), 100, weights, 100)
    assert mean.sum() == pytest.approx(100)


@njit  # no on-disk cache: it would not notice edits to the kernel module
def _missing_draws(rng: np.ndarray, observed: int, p_zero: float, size: int) -> np.ndarray:
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = kernel.draw_missing(rng, observed, p_zero)
    return out


def test_missing_count_is_redrawn_above_twenty_times_the_observed() -> None:
    """R's sam_n0 redraws n0 while n0 > 20 n. At n = 10 and P(unlisted) = 0.95 the negative binomial's mean is
    190, so about a third of raw draws exceed 200; the kept draws must follow the truncated law."""
    from scipy import stats

    draws = _missing_draws(new_state(np.random.SeedSequence(5)), 10, 0.95, 50_000)
    assert draws.max() <= 200
    law = stats.nbinom(10, 0.05)
    kept = law.cdf(200)
    assert 0.5 < kept < 0.8  # the truncation matters here
    assert draws.mean() == pytest.approx(law.expect(lambda k: k, ub=200) / kept, rel=0.01)


def test_random_start_is_a_stick_breaking_draw() -> None:
    """R's starting weights: stick-breaking with Beta(1, 1) breaks, so the first weight is uniform on (0, 1)."""
    rng = new_state(np.random.SeedSequence(8))
    first = []
    for _ in range(4_000):
        log_nu, nu = np.zeros(10), np.zeros(10)
        kernel.random_sticks(rng, log_nu, nu)
        assert nu.sum() == pytest.approx(1.0) and np.allclose(np.exp(log_nu), nu)
        first.append(nu[0])
    assert abs(np.mean(first) - 0.5) < 0.015 and abs(np.mean(np.square(first)) - 1 / 3) < 0.015
