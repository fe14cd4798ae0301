"""Test oracle: a plain, slow, person-by-person Gibbs sampler for LCMCR, written from the paper alone.

Manrique-Vallier (2016), Biometrics 72(4), section 3: every observed person carries a latent class z_i; the n0
unobserved people are imputed each iteration, each with a class of their own. Nothing here shares code with the
compiled kernel (NumPy's own generators, no pattern counts, no multinomial splitting), so agreement between the
two posteriors of N is evidence that the kernel samples the model, not just itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _log_gamma_draw(rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    """log of Gamma(shape, 1) draws; tiny shapes use Gamma(shape + 1) * U^(1/shape) so the log stays finite."""
    shape = np.asarray(shape, dtype=float)
    boosted = np.log(rng.gamma(shape + 1.0))
    return boosted + np.log1p(-rng.random(shape.shape)) / shape


def _categorical(rng: np.random.Generator, log_weights: np.ndarray) -> np.ndarray:
    """One class per row, with probabilities proportional to exp(log_weights) (row-wise inverse CDF)."""
    weights = np.exp(log_weights - log_weights.max(axis=1, keepdims=True))
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(cum))[:, None] * cum[:, -1:]
    return np.minimum((cum <= u).sum(axis=1), cum.shape[1] - 1)


def _stick_weights(rng: np.random.Generator, sizes: np.ndarray, alpha: float) -> np.ndarray:
    """log nu from V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l), k < K, V_K = 1 (drawn as a ratio of gammas)."""
    later = sizes[::-1].cumsum()[::-1] - sizes
    log_a = _log_gamma_draw(rng, 1.0 + sizes[:-1])
    log_b = _log_gamma_draw(rng, alpha + later[:-1])
    log_total = np.logaddexp(log_a, log_b)
    log_v, log_1mv = log_a - log_total, log_b - log_total
    before = np.concatenate(([0.0], np.cumsum(log_1mv)))
    return np.concatenate((log_v + before[:-1], before[-1:]))


@dataclass
class OracleState:
    """What one sweep starts from: inclusion probabilities, log stick weights, alpha, unobserved per class."""

    lam: np.ndarray
    log_nu: np.ndarray
    alpha: float
    missing_sizes: np.ndarray
    n0: int = 0


def initial_state(people: np.ndarray, K: int) -> OracleState:  # noqa: N803 - the paper's K*
    """Each list's observed share as every class's inclusion probability, equal weights, alpha 1, nobody missing."""
    lam = np.tile(np.asarray(people, dtype=float).mean(axis=0)[:, None], (1, K)).clip(0.01, 0.99)
    return OracleState(lam, np.full(K, -np.log(K)), 1.0, np.zeros(K, dtype=np.int64))


def sweep(rng: np.random.Generator, x: np.ndarray, s: OracleState, a_alpha: float, b_alpha: float) -> OracleState:
    """One Gibbs sweep over the paper's full conditionals, person by person for the observed."""
    n, K = x.shape[0], s.lam.shape[1]  # noqa: N806
    z = _categorical(rng, s.log_nu + x @ np.log(s.lam) + (1.0 - x) @ np.log1p(-s.lam))  # 1. observed classes
    ones = np.stack([np.bincount(z, weights=x[:, j], minlength=K) for j in range(x.shape[1])])
    sizes = np.bincount(z, minlength=K) + s.missing_sizes
    lam = rng.beta(1.0 + ones, 1.0 + sizes - ones).clip(1e-300, 1.0 - 1e-16)  # 2. missing people: all zeros
    log_nu = _stick_weights(rng, sizes.astype(float), s.alpha)  # 3. stick-breaking weights
    alpha = rng.gamma(a_alpha + K - 1.0, 1.0 / (b_alpha - log_nu[-1]))  # 4. concentration (rate b - log nu_K)
    log_missing = log_nu + np.log1p(-lam).sum(axis=0)
    p_missing = np.exp(log_missing).sum()
    n0 = int(rng.negative_binomial(n, 1.0 - p_missing))  # 5. unobserved count under p(N) ~ 1/N
    missing_sizes = rng.multinomial(n0, np.exp(log_missing) / p_missing)  # 6. their classes (iid, counted)
    return OracleState(lam, log_nu, float(alpha), missing_sizes, n0)


def run_oracle(
    people: np.ndarray,
    K: int,  # noqa: N803 - the paper's K*
    iterations: int,
    burnin: int,
    thinning: int = 1,
    seed: int = 0,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
) -> np.ndarray:
    """Posterior draws of N from a 0/1 matrix of observed people (one row each), by the paper's Gibbs steps."""
    rng = np.random.default_rng(seed)
    x = np.asarray(people, dtype=float)
    state, draws = initial_state(x, K), []
    for it in range(burnin + iterations):
        state = sweep(rng, x, state, a_alpha, b_alpha)
        if it >= burnin and (it - burnin + 1) % thinning == 0:
            draws.append(x.shape[0] + state.n0)
    return np.array(draws)
