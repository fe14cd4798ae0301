"""MCMC diagnostics a reviewer asks for: rank-normalised split R-hat, bulk and tail ESS, Monte Carlo SEs.

Thresholds follow Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021, Bayesian Analysis 16(2)): R-hat below
1.01 and at least 400 effective draws (bulk and tail) before a posterior summary is used. The statistics are
computed here from the paper's formulas (importing ArviZ costs more CPU than the sampling); the tests check them
against ArviZ's implementation.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import numpy as np

from tollbook.estimate._special import betaincinv, ndtri
from tollbook.estimate.caveats import Caveat

__all__ = ["ESS_LIMIT", "RHAT_LIMIT", "chain_diagnostics", "convergence_warnings", "quiet_arviz",
           "suggested_iterations", "trace_diagnostics"]

RHAT_LIMIT = 1.01
ESS_LIMIT = 400
_QUANTILES = {"median": 0.5, "lower": 0.025, "upper": 0.975}


def quiet_arviz():  # noqa: ANN201 - the module type is arviz's
    """Import ArviZ without its refactoring FutureWarning (for InferenceData exports and as the tests' oracle)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import arviz

    return arviz


def _as_chains(draws: np.ndarray) -> np.ndarray:
    """(chains, draws); a single chain is cut in two halves first, so its R-hat compares its own quarters."""
    draws = np.atleast_2d(np.asarray(draws, dtype=float))
    if draws.shape[0] == 1 and draws.shape[1] >= 8:
        draws = draws[:, : draws.shape[1] // 2 * 2].reshape(2, -1)
    return draws


def _split(draws: np.ndarray) -> np.ndarray:
    """Each chain's first and last halves as separate chains (the middle draw of an odd length is dropped)."""
    half = draws.shape[1] // 2
    return np.concatenate([draws[:, :half], draws[:, draws.shape[1] - half :]])


def _z_scale(draws: np.ndarray) -> np.ndarray:
    """Rank-normalise all draws together: normal quantiles of the (average, for ties) ranks, (r - 3/8)/(S + 1/4)."""
    flat = draws.ravel()
    order = np.argsort(flat, kind="stable")
    ranks = np.empty(flat.size)
    ranks[order] = np.arange(1, flat.size + 1)
    _, first, counts = np.unique(flat[order], return_index=True, return_counts=True)
    for start, count in zip(first[counts > 1], counts[counts > 1], strict=True):
        ranks[order[start : start + count]] = start + (count + 1) / 2  # ties share their average rank
    return ndtri((ranks - 0.375) / (flat.size + 0.25)).reshape(draws.shape)


def _rhat(draws: np.ndarray) -> float:
    """Potential scale reduction of (chains, draws): sqrt(((n - 1)/n W + B/n) / W)."""
    n = draws.shape[1]
    within = draws.var(axis=1, ddof=1).mean()
    between_over_n = draws.mean(axis=1).var(ddof=1)
    return float(np.sqrt(((n - 1) / n * within + between_over_n) / within))


def _autocovariance(draws: np.ndarray) -> np.ndarray:
    """Each chain's autocovariance at lags 0..n-1 (divided by n), by FFT with zero padding."""
    n = draws.shape[1]
    centred = draws - draws.mean(axis=1, keepdims=True)
    size = 2 ** int(np.ceil(np.log2(2 * n)))
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    return np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :n] / n


def _ess(draws: np.ndarray) -> float:
    """Effective sample size of (chains, draws), with Geyer's initial positive and monotone sequences on the
    multi-chain autocorrelation (Vehtari et al. 2021, eqs. 10-11)."""
    chains, n = draws.shape
    acov = _autocovariance(draws)
    mean_var = acov[:, 0].mean() * n / (n - 1)
    var_plus = mean_var * (n - 1) / n + (draws.mean(axis=1).var(ddof=1) if chains > 1 else 0.0)
    if not var_plus > 0:  # a constant (indicator) trace: no ESS, as ArviZ
        return float("nan")
    rho = 1.0 - (mean_var - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    kept = np.zeros(n)
    kept[:2] = rho[:2]
    t, even, odd = 1, rho[0], rho[1]
    while t < n - 3 and even + odd > 0.0:
        even, odd = rho[t + 1], rho[t + 2]
        if even + odd >= 0:
            kept[t + 1], kept[t + 2] = even, odd
        t += 2
    last = t - 2
    if even > 0:
        kept[last + 1] = even
    for t in range(1, last - 1, 2):  # monotone: each pair's sum no larger than the pair before
        if kept[t + 1] + kept[t + 2] > kept[t - 1] + kept[t]:
            kept[t + 1] = kept[t + 2] = (kept[t - 1] + kept[t]) / 2.0
    tau = -1.0 + 2.0 * kept[: last + 1].sum() + kept[last + 1 : last + 2].sum()
    total = chains * n
    return float(total / max(tau, 1.0 / np.log10(total)))


def _ess_quantile(draws: np.ndarray, prob: float) -> float:
    """ESS of the indicator of draws at or below their ``prob`` quantile (split chains)."""
    return _ess(_split((draws <= np.quantile(draws, prob)).astype(float)))


def _mcse_quantile(draws: np.ndarray, prob: float) -> float:
    """Monte Carlo SE of the ``prob`` quantile: half the spread of the draws at the ±1 SD points of the Beta
    posterior of the quantile's probability given its ESS."""
    ess = _ess_quantile(draws, prob)
    with np.errstate(invalid="ignore"):
        ends = betaincinv(ess * prob + 1, ess * (1 - prob) + 1, np.array([0.1586553, 0.8413447]))
    ordered = np.sort(draws.ravel())
    positions = ends * ordered.size - 1
    low = ordered[int(np.floor(np.nanmax((positions[0], 0))))]
    high = ordered[int(np.ceil(np.nanmin((positions[1], ordered.size - 1))))]
    return float((high - low) / 2)


def _constant(draws: np.ndarray) -> bool:
    return bool(np.all(draws == draws.flat[0])) or not np.all(np.isfinite(draws))


def chain_diagnostics(draws: np.ndarray) -> dict[str, float]:
    """R-hat (rank-normalised, split, the larger of bulk and folded), bulk and tail ESS, and the Monte Carlo SE of
    the median and of the 2.5% and 97.5% points, for a (chains, draws) array of one quantity.

    Written from Vehtari et al. (2021) without importing ArviZ (whose import costs about 3 s of CPU); the tests
    check every figure against ArviZ's. A constant or too short trace gives NaN.
    """
    draws = _as_chains(draws)
    names = ("rhat", "ess_bulk", "ess_tail", *(f"mcse_{name}" for name in _QUANTILES))
    if draws.shape[1] < 4 or _constant(draws):
        return dict.fromkeys(names, float("nan"))
    split = _split(draws)
    folded = np.abs(draws - np.median(draws))
    out = {"rhat": max(_rhat(_z_scale(split)), _rhat(_z_scale(_split(folded)))),
           "ess_bulk": _ess(_z_scale(split)),
           "ess_tail": min(_ess_quantile(draws, 0.05), _ess_quantile(draws, 0.95))}  # fmt: skip
    for name, prob in _QUANTILES.items():
        out[f"mcse_{name}"] = _mcse_quantile(draws, prob)
    return out


def trace_diagnostics(trace: Mapping[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """:func:`chain_diagnostics` of every traced quantity (for LCMCR: N, alpha and the occupied classes)."""
    return {name: chain_diagnostics(values) for name, values in trace.items()}


def _failing(diag: Mapping[str, float]) -> tuple[bool, list[str]]:
    """(R-hat too high or unknown, names of the ESS figures below the limit)."""
    rhat = diag["rhat"]
    low = [name for name in ("ess_bulk", "ess_tail") if not np.isfinite(diag[name]) or diag[name] < ESS_LIMIT]
    return not (np.isfinite(rhat) and rhat <= RHAT_LIMIT), low


def convergence_warnings(diag: Mapping[str, float], what: str = "N") -> tuple[str, ...]:
    """Plain-words warnings when R-hat exceeds 1.01 or an ESS is below 400 (or they cannot be computed)."""
    found: list[str] = []
    bad_rhat, low = _failing(diag)
    if bad_rhat and not np.isfinite(diag["rhat"]):
        found.append(Caveat("convergence.rhat_unknown", text_what=what))
    elif bad_rhat:
        found.append(Caveat("convergence.rhat", text_what=what, num_rhat=float(diag["rhat"]), num_limit=RHAT_LIMIT))
    if low:
        figures = {name: float(diag[name]) for name in low}
        found.append(Caveat("convergence.ess", text_what=what, figures=figures, num_limit=ESS_LIMIT))
    return tuple(found)


def suggested_iterations(diag: Mapping[str, float], iterations: int) -> int | None:
    """Iterations per chain likely to reach 400 effective draws (ESS grows about linearly with the run), with
    a quarter more for safety; at least 4 × the run when R-hat fails. None when the run already passes."""
    bad_rhat, low = _failing(diag)
    if not bad_rhat and not low:
        return None
    ess = min(diag["ess_bulk"], diag["ess_tail"])
    factor = 1.25 * ESS_LIMIT / ess if math.isfinite(ess) and ess > 0 else 10.0
    if bad_rhat:
        factor = max(factor, 4.0)
    return int(math.ceil(max(factor, 1.25) * iterations / 1000.0) * 1000)
