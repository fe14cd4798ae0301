"""Poisson regression (log link) by iteratively reweighted least squares, as R's ``glm.fit`` does it.

Used by the log-linear capture-recapture models; kept apart so the model code reads as statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tollbook.estimate._special import gammaln

__all__ = ["PoissonFit", "fit_poisson", "poisson_deviance"]

_MAX_ETA = 700.0  # exp(700) is near the float64 limit; larger linear predictors mean a diverging fit


@dataclass(frozen=True)
class PoissonFit:
    """A fitted Poisson GLM: coefficients (NaN where a column was aliased), covariance and fit statistics."""

    coef: np.ndarray
    cov: np.ndarray
    fitted: np.ndarray
    deviance: float
    loglik: float
    rank: int
    converged: bool
    iterations: int
    kept: np.ndarray

    @property
    def df_residual(self) -> int:
        """Residual degrees of freedom: cells minus estimated coefficients."""
        return len(self.fitted) - self.rank

    def aic(self) -> float:
        """Akaike's criterion, -2 log-likelihood + 2 × rank, as R reports it for a Poisson GLM."""
        return -2.0 * self.loglik + 2.0 * self.rank

    def bic(self, n: int) -> float:
        """Bayesian criterion with ``n`` (units captured) as sample size, as Rcapture reports it."""
        return -2.0 * self.loglik + np.log(n) * self.rank


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """Twice the log-likelihood ratio of the saturated model to ``mu`` (zero counts contribute 2 mu)."""
    with np.errstate(over="ignore", divide="ignore"):
        ratio = np.where(y > 0, y / np.where(mu > 0, mu, 1.0), 1.0)
        return float(2.0 * np.sum(y * np.log(ratio) - (y - mu)))


def _poisson_loglik(y: np.ndarray, mu: np.ndarray) -> float:
    """Poisson log-likelihood, with the log(y!) term (non-integer y through the gamma function)."""
    safe = np.where(mu > 0, mu, 1.0)
    return float(np.sum(np.where(y > 0, y * np.log(safe), 0.0) - mu - gammaln(y + 1.0)))


def _independent_columns(X: np.ndarray) -> np.ndarray:
    """Mask of columns kept, dropping any column that is a linear combination of earlier ones (as R does)."""
    kept = np.zeros(X.shape[1], dtype=bool)
    if np.linalg.matrix_rank(X) == X.shape[1]:
        return ~kept
    for j in range(X.shape[1]):
        kept[j] = True
        if np.linalg.matrix_rank(X[:, kept]) < kept.sum():
            kept[j] = False
    return kept


def _irls_step(y: np.ndarray, X: np.ndarray, eta: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """One weighted least-squares step: the new coefficients from the working response at ``eta``."""
    mu = np.exp(eta)
    with np.errstate(all="ignore"):
        z = eta - offset + (y - mu) / mu
    root_w = np.sqrt(mu)
    beta, *_ = np.linalg.lstsq(X * root_w[:, None], z * root_w, rcond=None)
    return beta


def _halve_until_finite(
    y: np.ndarray, X: np.ndarray, beta: np.ndarray, beta_old: np.ndarray | None, offset: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Step halving as R's glm.fit does when the deviance is not finite; returns (beta, eta, deviance)."""
    for _ in range(30):
        eta = np.clip(X @ beta + offset, -_MAX_ETA, _MAX_ETA)
        dev = poisson_deviance(y, np.exp(eta))
        if np.isfinite(dev) or beta_old is None:
            return beta, eta, dev
        beta = (beta + beta_old) / 2
    return beta, eta, dev


def _iterate(
    y: np.ndarray, X: np.ndarray, eta: np.ndarray, offset: np.ndarray, max_iter: int, tol: float
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """Run IRLS from ``eta`` until the relative change in deviance is below ``tol`` (R's criterion)."""
    dev_old = poisson_deviance(y, np.exp(eta))
    beta_old: np.ndarray | None = None
    for iteration in range(1, max_iter + 1):
        beta = _irls_step(y, X, eta, offset)
        beta, eta, dev = _halve_until_finite(y, X, beta, beta_old, offset)
        if not np.isfinite(dev):
            raise FloatingPointError("the Poisson fit diverged (non-finite deviance)")
        if abs(dev - dev_old) / (abs(dev) + 0.1) < tol:
            return beta, eta, True, iteration
        beta_old, dev_old = beta, dev
    return beta, eta, False, max_iter


def _run(
    y: np.ndarray, X: np.ndarray, offset: np.ndarray, start: np.ndarray | None, max_iter: int, tol: float
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """IRLS from ``start`` if given and it converges, otherwise from R's default start log(y + 0.1)."""
    if start is not None and len(start) == X.shape[1] and np.all(np.isfinite(start)):
        try:
            result = _iterate(y, X, X @ start + offset, offset, max_iter, tol)
        except (FloatingPointError, np.linalg.LinAlgError):
            result = None
        if result is not None and result[2]:
            return result
    return _iterate(y, X, np.log(y + 0.1), offset, max_iter, tol)


def fit_poisson(
    y: np.ndarray,
    X: np.ndarray,
    offset: np.ndarray | None = None,
    start: np.ndarray | None = None,
    max_iter: int = 200,
    tol: float = 1e-8,
) -> PoissonFit:
    """Fit log E[y] = offset + X b by IRLS; starts from log(y + 0.1) as R does unless ``start`` is given."""
    y = np.asarray(y, dtype=float)
    offset = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    kept = _independent_columns(X)
    Xk = X[:, kept]
    beta, eta, converged, iterations = _run(y, Xk, offset, start, max_iter, tol)
    mu = np.exp(eta)
    cov_k = np.linalg.pinv((Xk * mu[:, None]).T @ Xk)
    coef = np.full(X.shape[1], np.nan)
    coef[kept] = beta
    cov = np.full((X.shape[1], X.shape[1]), np.nan)
    cov[np.ix_(kept, kept)] = cov_k
    return PoissonFit(
        coef,
        cov,
        mu,
        poisson_deviance(y, mu),
        _poisson_loglik(y, mu),
        int(kept.sum()),
        converged,
        iterations,
        kept,
    )
