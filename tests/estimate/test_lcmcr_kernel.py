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
