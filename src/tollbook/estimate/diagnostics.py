"""MCMC diagnostics a reviewer asks for: rank-normalised split R-hat, bulk and tail ESS, Monte Carlo SEs.

Thresholds follow Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021, Bayesian Analysis 16(2)): R-hat below
1.01 and at least 400 effective draws (bulk and tail) before a posterior summary is used. ArviZ computes the
statistics; it is imported only when a diagnostic is asked for.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Mapping

import numpy as np

__all__ = ["ESS_LIMIT", "RHAT_LIMIT", "chain_diagnostics", "convergence_warnings", "quiet_arviz",
           "suggested_iterations", "trace_diagnostics"]

RHAT_LIMIT = 1.01
ESS_LIMIT = 400
_QUANTILES = {"median": 0.5, "lower": 0.025, "upper": 0.975}


def quiet_arviz():  # noqa: ANN201 - the module type is arviz's
    """Import ArviZ without its refactoring FutureWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import arviz

    return arviz


def _as_chains(draws: np.ndarray) -> np.ndarray:
    """(chains, draws); a single chain is cut in two halves (ArviZ needs two chains to split)."""
    draws = np.atleast_2d(np.asarray(draws, dtype=float))
    if draws.shape[0] == 1 and draws.shape[1] >= 8:
        draws = draws[:, : draws.shape[1] // 2 * 2].reshape(2, -1)
    return draws


def chain_diagnostics(draws: np.ndarray) -> dict[str, float]:
    """R-hat (rank-normalised, split), bulk and tail ESS, and the Monte Carlo SE of the median and of the 2.5%
    and 97.5% points, for a (chains, draws) array of one quantity."""
    draws = _as_chains(draws)
    az = quiet_arviz()
    logger = getattr(az, "_log", None) or logging.getLogger("arviz")  # ArviZ builds its logger outside logging's tree
    level = logger.level
    logger.setLevel(logging.ERROR)  # one chain: ArviZ logs that it cannot check the shape; R-hat still splits it
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            out = {"rhat": float(az.rhat(draws, method="rank")), "ess_bulk": float(az.ess(draws, method="bulk")),
                   "ess_tail": float(az.ess(draws, method="tail"))}  # fmt: skip
            for name, prob in _QUANTILES.items():
                method = "median" if prob == 0.5 else "quantile"
                out[f"mcse_{name}"] = float(az.mcse(draws, method=method, prob=None if prob == 0.5 else prob))
    finally:
        logger.setLevel(level)
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
        found.append(f"R-hat of {what} could not be computed (too few draws): convergence is unchecked")
    elif bad_rhat:
        found.append(
            f"R-hat of {what} is {diag['rhat']:.3f} (> {RHAT_LIMIT}): the chains (or halves of one chain) disagree, "
            "the sampler may have found different modes — run longer or more chains and compare the chain medians "
            f"before using {what}"
        )
    if low:
        figures = ", ".join(f"{name} {diag[name]:.0f}" for name in low)
        found.append(f"too few effective draws of {what} ({figures}; need {ESS_LIMIT}): run more samples")
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
