"""The compiled LCMCR kernel against a plain person-by-person sampler written from the paper (lcmcr_oracle)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from lcmcr_oracle import OracleState, run_oracle, sweep
from scipy import stats

from tollbook.estimate import _lcmcr_kernel as kernel
from tollbook.estimate.diagnostics import quiet_arviz as _quiet_arviz
from tollbook.estimate.histories import CaptureHistories, read_pattern_csv
from tollbook.estimate.lcmcr import LCMCR, LCMCRSettings, _ChainState, _Data, _initial_state, _run

DATA = Path(__file__).parent.parent / "data" / "mse"
REPLICATES = 2_000


def _people(h: CaptureHistories) -> np.ndarray:
    return np.repeat(h.patterns, h.counts.astype(np.int64), axis=0).astype(float)


def _kosovo_state(iterations: int) -> tuple[_Data, _ChainState]:
    """A Kosovo chain state (K = 10) after ``iterations`` kernel sweeps from the reference start."""
    data = _Data.from_histories(read_pattern_csv(DATA / "kosovo_1999_lcmcr.csv")[None])
    state = _initial_state(data, 10, kernel.new_state(np.random.SeedSequence(8)))
    _run(data, state, LCMCRSettings(), iterations, 0, np.zeros((1, 3)), 0)
    return data, state


def _kernel_one_sweep(data: _Data, start: _ChainState, seed: int) -> np.ndarray:
    """(n0, alpha, nu of class 0) after one kernel sweep from ``start``, REPLICATES times."""
    rng = kernel.new_state(np.random.SeedSequence(seed))
    out, result = np.zeros((1, 3)), np.empty((REPLICATES, 3))
    for r in range(REPLICATES):
        s = _ChainState(rng, start.lam.copy(), start.log_nu.copy(), start.nu.copy(), start.scalars.copy(),
                        start.alloc.copy(), start.alloc0.copy())  # fmt: skip
        _run(data, s, LCMCRSettings(), 1, 1, out, 0)
        result[r] = out[0, 0] - data.counts.sum(), s.scalars[0], s.nu[0]
    return result


def _oracle_one_sweep(people: np.ndarray, start: _ChainState, seed: int) -> np.ndarray:
    """The same from the oracle, started from the same state."""
    rng, result = np.random.default_rng(seed), np.empty((REPLICATES, 3))
    state = OracleState(start.lam.copy(), start.log_nu.copy(), float(start.scalars[0]), start.alloc0.copy())
    for r in range(REPLICATES):
        after = sweep(rng, people, state, 0.25, 0.25)
        result[r] = after.n0, after.alpha, np.exp(after.log_nu[0])
    return result


def test_one_sweep_from_a_kosovo_state_matches_the_oracle() -> None:
    """Every full conditional at once, free of mixing error: from one Kosovo state (K = 10, mid-chain), one sweep
    of each sampler, 2,000 times. The unobserved count n0, alpha and the first stick weight must have the same
    distribution (two-sample KS; means within 4 standard errors — for n0 about 0.3% of its value)."""
    data, start = _kosovo_state(3_000)
    ours = _kernel_one_sweep(data, start, seed=1)
    theirs = _oracle_one_sweep(_people(read_pattern_csv(DATA / "kosovo_1999_lcmcr.csv")[None]), start, seed=2)
    for column in range(3):
        a, b = ours[:, column], theirs[:, column]
        assert stats.ks_2samp(a, b).pvalue > 1e-3
        se = np.sqrt(a.var() / len(a) + b.var() / len(b))
        assert abs(a.mean() - b.mean()) < 4 * se


def _simulated() -> CaptureHistories:
    """800 people, two latent classes (50/50) with different list-inclusion probabilities, 4 lists."""
    rng = np.random.default_rng(7)
    lam = np.array([[0.5, 0.4, 0.45, 0.5], [0.1, 0.2, 0.1, 0.15]])
    seen = (rng.random((800, 4)) < lam[rng.choice(2, size=800)]).astype(np.uint8)
    return CaptureHistories.from_matrix(seen[seen.sum(axis=1) > 0], list("ABCD"))


def _mcse(draws: np.ndarray, method: str) -> float:
    return float(np.ravel(_quiet_arviz().mcse(np.atleast_2d(draws), method=method))[0])


@pytest.mark.slow
def test_posterior_of_n_matches_the_oracle_on_simulated_data() -> None:
    """Whole posterior of N (K = 5, 550 observed): oracle 20,000 sweeps (ESS about 230: Monte Carlo SE of the mean
    about 3 people, 0.5%), kernel 2 x 50,000 (SE about 1.5). Mean and median must agree within 4 combined SEs."""
    h = _simulated()
    theirs = run_oracle(_people(h), K=5, iterations=20_000, burnin=1_000, seed=1)
    model = LCMCR(h, K=5, burnin=2_000, samples=50_000, thinning=1, chains=2, seed=3)
    model.fit(workers=1)
    ours = model.trace["N"]
    for method, stat in (("mean", np.mean), ("median", np.median)):
        se = np.hypot(_mcse(ours, method), _mcse(theirs, method))
        assert abs(stat(ours) - stat(theirs)) < 4 * se + 1, f"{method}: {stat(ours)} vs {stat(theirs)} (SE {se:.1f})"
