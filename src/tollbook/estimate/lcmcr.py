"""LCMCR: the Bayesian non-parametric latent class capture-recapture model of Manrique-Vallier (2016).

Model (Biometrics 72(4), 1246-1254): each of N people falls in one of K* latent classes with truncated
stick-breaking weights (concentration alpha ~ Gamma(a_alpha, b_alpha)); within a class, lists record people
independently with probabilities lambda_jk ~ Beta(1, 1); p(N) is proportional to 1/N. The Gibbs sampler works
on pattern counts (see :mod:`._lcmcr_kernel`). Several chains run in parallel threads; R-hat and ESS of N
(ArviZ) say whether they agree.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass

import numpy as np

from tollbook.estimate._lcmcr_compiled import load_kernel, new_state
from tollbook.estimate.api import unsupported
from tollbook.estimate.caveats import Caveat
from tollbook.estimate.checks import P_LIMIT, check_pairs, check_warnings, predictive_checks
from tollbook.estimate.diagnostics import (
    ESS_LIMIT,
    RHAT_LIMIT,
    convergence_warnings,
    quiet_arviz,
    suggested_iterations,
    trace_diagnostics,
)
from tollbook.estimate.histories import CaptureHistories, HistoryError
from tollbook.estimate.result import EstimateResult
from tollbook.estimate.seeds import Seed, root_sequence, seed_settings

__all__ = ["LCMCR", "LCMCRSettings", "chain_states"]

_CHUNK = 5_000
kernel = load_kernel()  # built ahead of time when it is (no Numba import), else Numba's JIT
MISSING_RATIO = kernel.missing_ratio
FULL_K_SHARE = 0.5  # above this share of draws with every class occupied, K is said to bind
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class LCMCRSettings:
    """Every setting of one LCMCR fit; ``warmup`` iterations (alpha held fixed) precede the burn-in, as in R."""

    K: int = 10
    burnin: int = 10_000
    samples: int = 2_000
    thinning: int = 10
    chains: int = 4
    seed: Seed = None
    a_alpha: float = 0.25
    b_alpha: float = 0.25
    warmup: int = 500

    def validate(self) -> None:
        """Raise ValueError naming the first setting that cannot work."""
        checks = [
            (self.K >= 1, f"K must be at least 1 latent class; got {self.K}"),
            (self.burnin >= 0, f"burnin must be 0 or more iterations; got {self.burnin}"),
            (self.samples >= 1, f"samples must be at least 1; got {self.samples}"),
            (self.thinning >= 1, f"thinning must be at least 1; got {self.thinning}"),
            (self.chains >= 1, f"chains must be at least 1; got {self.chains}"),
            (self.a_alpha > 0 and self.b_alpha > 0, "a_alpha and b_alpha must be positive"),
            (self.warmup >= 0, f"warmup must be 0 or more iterations; got {self.warmup}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def iterations_per_chain(self) -> int:
        """Gibbs iterations one chain runs, warm-up included."""
        return self.warmup + self.burnin + self.samples * self.thinning


@dataclass(frozen=True)
class _Data:
    """Observed patterns in the sparse form the kernel reads: for pattern m, lists ones_idx[ones_ptr[m]:...]."""

    ones_ptr: np.ndarray
    ones_idx: np.ndarray
    counts: np.ndarray
    n_lists: int

    @classmethod
    def from_histories(cls, histories: CaptureHistories) -> _Data:
        rows, cols = np.nonzero(histories.patterns)
        ptr = np.zeros(histories.n_patterns + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=histories.n_patterns), out=ptr[1:])
        return cls(ptr, cols.astype(np.int64), histories.counts.astype(np.int64), histories.n_lists)


@dataclass
class _ChainState:
    """Mutable state of one chain: generator, inclusion probabilities, stick weights, (alpha, n0), classes."""

    rng: np.ndarray
    lam: np.ndarray
    log_nu: np.ndarray
    nu: np.ndarray
    scalars: np.ndarray
    alloc: np.ndarray
    alloc0: np.ndarray


def _initial_state(data: _Data, K: int, rng: np.ndarray) -> _ChainState:  # noqa: N803
    """Start as R's LCMCR does: lambda at each list's share of the observed, class weights from a random
    stick-breaking draw (every break Beta(1, 1)), alpha = 0.3 / K, nobody imputed yet."""
    observed = data.counts.sum()
    per_entry = np.repeat(data.counts, np.diff(data.ones_ptr)).astype(float)
    shares = np.bincount(data.ones_idx, weights=per_entry, minlength=data.n_lists)
    lam = np.tile((shares / observed)[:, None], (1, K))
    log_nu, nu = np.zeros(K), np.zeros(K)
    kernel.random_sticks(rng, log_nu, nu)
    scalars = np.array([0.3 / K, 0.0])
    alloc = np.zeros((len(data.counts), K), dtype=np.int64)
    return _ChainState(rng, lam, log_nu, nu, scalars, alloc, np.zeros(K, dtype=np.int64))


def _sort_classes(state: _ChainState) -> None:
    """Relabel classes by decreasing weight (the stick-breaking prior is not label-invariant)."""
    order = np.argsort(-state.nu, kind="stable")
    state.lam[:] = state.lam[:, order]
    state.nu[:] = state.nu[order]
    state.log_nu[:] = state.log_nu[order]
    state.alloc[:] = state.alloc[:, order]
    state.alloc0[:] = state.alloc0[order]


def _run(
    data: _Data,
    state: _ChainState,
    cfg: LCMCRSettings,
    n_iter: int,
    thin: int,
    out: np.ndarray,
    row: int,
    update_alpha: bool = True,
    checks: _Checks | None = None,
) -> int:
    """Advance one chain ``n_iter`` iterations in the compiled kernel; returns the next free row of ``out``.

    With ``checks``, each stored row also gets a posterior predictive replicate of the list counts and overlaps.
    """
    priors = np.array([cfg.a_alpha, cfg.b_alpha])
    checks = checks or _Checks.none()
    return kernel.sweep(
        state.rng, data.ones_ptr, data.ones_idx, data.counts, priors, state.lam, state.log_nu, state.nu,
        state.scalars, state.alloc, state.alloc0, n_iter, thin, update_alpha, out, row, checks.pairs,
        checks.replicated, checks.rng,
    )  # fmt: skip


@dataclass
class _Checks:
    """Posterior predictive checks of one chain: list index pairs, their replicates per kept draw, a generator."""

    pairs: np.ndarray
    replicated: np.ndarray
    rng: np.ndarray

    @classmethod
    def none(cls) -> _Checks:
        return cls(np.zeros((0, 2), dtype=np.int64), np.zeros((0, 0), dtype=np.int64), np.ones(4, dtype=np.uint64))

    @classmethod
    def for_chain(cls, n_lists: int, samples: int, rng: np.ndarray) -> _Checks:
        pairs = check_pairs(n_lists)
        return cls(pairs, np.zeros((samples, len(pairs)), dtype=np.int64), rng)


def _chain(data: _Data, cfg: LCMCRSettings, rngs: tuple[np.ndarray, np.ndarray], done: list[int], slot: int
           ) -> tuple[np.ndarray, np.ndarray]:
    """Run one whole chain; returns its (samples, 3) trace of (N, alpha, occupied classes) and its (samples,
    checks) posterior predictive replicates (drawn from the second generator, so the chain does not depend on
    them)."""
    state = _initial_state(data, cfg.K, rngs[0])
    checks = _Checks.for_chain(data.n_lists, cfg.samples, rngs[1])
    out = np.zeros((cfg.samples, 3))
    _run(data, state, cfg, cfg.warmup, 0, out, 0, update_alpha=False)
    _sort_classes(state)
    done[slot] += cfg.warmup
    for start in range(0, cfg.burnin, _CHUNK):
        step = min(_CHUNK, cfg.burnin - start)
        _run(data, state, cfg, step, 0, out, 0)
        done[slot] += step
    row, per_chunk = 0, max(1, _CHUNK // cfg.thinning)
    while row < cfg.samples:
        keep = min(per_chunk, cfg.samples - row)
        row = _run(data, state, cfg, keep * cfg.thinning, cfg.thinning, out, row, checks=checks)
        done[slot] += keep * cfg.thinning
    return out, checks.replicated


def chain_states(seed: Seed, chains: int) -> tuple[np.random.SeedSequence, list[np.ndarray]]:
    """The run's seed sequence (fresh entropy when None, so it can be reported) and one generator per chain.

    Chain i gets the i-th child of the sequence (built, not spawned, so the sequence object is not changed).
    """
    root = root_sequence(seed)
    children = [np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, i)) for i in range(chains)]
    return root, [new_state(child) for child in children]


def check_states(root: np.random.SeedSequence, chains: int) -> list[np.ndarray]:
    """One generator per chain for its posterior predictive replicates: the first child of chain i's sequence."""
    return [new_state(np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, i, 0)))
            for i in range(chains)]  # fmt: skip


class LCMCR:
    """LCMCR estimator: ``LCMCR(histories, K=10, ...).fit()`` returns an :class:`EstimateResult`.

    After ``fit`` the per-chain traces of N, alpha and the number of occupied classes are in ``trace``.
    """

    def __init__(
        self,
        histories: CaptureHistories,
        K: int = 10,  # noqa: N803 - K* is the model's own name
        burnin: int = 10_000,
        samples: int = 2_000,
        thinning: int = 10,
        seed: Seed = None,
        chains: int = 4,
        a_alpha: float = 0.25,
        b_alpha: float = 0.25,
        warmup: int = 500,
    ) -> None:
        if histories.observed == 0:
            raise HistoryError(Caveat("lcmcr.nobody", stratum=histories.stratum))
        reason = unsupported("lcmcr", histories.n_lists)
        if reason:
            raise HistoryError(reason)
        self.histories = histories
        self.settings = LCMCRSettings(K, burnin, samples, thinning, chains, seed, a_alpha, b_alpha, warmup)
        self.settings.validate()
        self.trace: dict[str, np.ndarray] = {}
        self.replicated: np.ndarray = np.zeros((0, 0, 0))

    def fit(self, progress: ProgressCallback | None = None, workers: int | None = None) -> EstimateResult:
        """Run the chains (in parallel threads) and summarise the posterior of N."""
        cfg = self.settings
        root, states = chain_states(cfg.seed, cfg.chains)
        started = time.perf_counter()
        traces, replicated = self._run_chains(list(zip(states, check_states(root, cfg.chains), strict=True)),
                                              progress, workers)
        seconds = time.perf_counter() - started
        self.trace = {name: traces[:, :, i] for i, name in enumerate(("N", "alpha", "occupied"))}
        self.replicated = replicated
        return self._result(root, seconds)

    def to_inference_data(self):  # noqa: ANN201 - arviz.InferenceData, imported lazily
        """The traces of N, alpha and occupied classes as an ArviZ InferenceData (for plots and diagnostics)."""
        if not self.trace:
            raise RuntimeError("no trace yet: call fit() first")
        return quiet_arviz().from_dict(posterior={name: values for name, values in self.trace.items()})

    def _run_chains(
        self, states: list[tuple[np.ndarray, np.ndarray]], progress: ProgressCallback | None, workers: int | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """All chains' traces as a (chains, samples, 3) array and their predictive replicates as (chains, samples,
        checks), reporting progress from this thread."""
        cfg, data = self.settings, _Data.from_histories(self.histories)
        done = [0] * cfg.chains
        total = cfg.iterations_per_chain * cfg.chains
        n_workers = workers or min(cfg.chains, os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            futures = [pool.submit(_chain, data, cfg, rngs, done, i) for i, rngs in enumerate(states)]
            while progress is not None and not all(f.done() for f in futures):
                wait(futures, timeout=0.25)
                progress(sum(done), total)
            finished = [f.result() for f in futures]
        if progress is not None:
            progress(total, total)
        return np.stack([trace for trace, _ in finished]), np.stack([reps for _, reps in finished])

    def _result(self, root_seed: np.random.SeedSequence, seconds: float) -> EstimateResult:
        """Summarise the traces into an EstimateResult with convergence diagnostics and warnings."""
        n_draws = self.trace["N"]
        pooled = n_draws.reshape(-1)
        low, median, high = np.quantile(pooled, [0.025, 0.5, 0.975])
        per_quantity = trace_diagnostics(self.trace)
        diag = dict(per_quantity["N"])
        found = convergence_warnings(diag)
        suggested = suggested_iterations(diag, self.settings.iterations_per_chain)
        if suggested:
            found += (Caveat("lcmcr.iterations", num_suggested=suggested, num_now=self.settings.iterations_per_chain),)
        diag |= {
            "mean": float(pooled.mean()),
            "sd": float(pooled.std(ddof=1)) if len(pooled) > 1 else float("nan"),
            "chain_medians": [float(v) for v in np.median(n_draws, axis=1)],
            "occupied_classes_mean": float(self.trace["occupied"].mean()),
            "occupied_classes_max": int(self.trace["occupied"].max()),
            "occupied_all_share": float((self.trace["occupied"] >= self.settings.K).mean()),
            "alpha_mean": float(self.trace["alpha"].mean()),
            "alpha": per_quantity["alpha"],
            "occupied": per_quantity["occupied"],
            "suggested_iterations": suggested,
            "rhat_limit": RHAT_LIMIT,
            "ess_limit": ESS_LIMIT,
            "seconds": round(seconds, 3),
        }
        diag["posterior_predictive"] = predictive_checks(self.histories, check_pairs(self.histories.n_lists),
                                                         self.replicated)
        diag["posterior_predictive_p_limit"] = P_LIMIT
        found += check_warnings(diag["posterior_predictive"])
        if diag["occupied_all_share"] > FULL_K_SHARE:
            found += (Caveat("lcmcr.k_binds", num_k=self.settings.K, num_share=100 * diag["occupied_all_share"]),)
        settings = asdict(self.settings) | seed_settings(root_seed) | {"lambda_prior": "Beta(1,1)", "N_prior": "1/N",
                                                                   "start": "random stick-breaking (as R)",
                                                                   "n0_max": f"{MISSING_RATIO} x observed"}
        return EstimateResult(
            method="lcmcr", model=None, estimate=float(median), lower=float(low), upper=float(high),
            observed=self.histories.observed, stratum=self.histories.stratum, settings=settings,
            diagnostics=diag, data_hash=self.histories.data_hash(), converged=not convergence_warnings(diag),
            warnings=found, draws=pooled.copy(), chains={name: values.copy() for name, values in self.trace.items()},
        )  # fmt: skip
