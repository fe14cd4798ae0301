"""Log-linear capture-recapture models, as Rcapture's ``closedp.t`` and ``closedpCI.t`` fit them.

A Poisson regression on the counts of all 2^J - 1 observable capture histories (zeros included) estimates the
unobserved cell; the named models (M0, Mt, Mh, Mth with Chao, Poisson, Darroch or Gamma heterogeneity, Mb, Mbh)
follow Baillargeon & Rivest (2007, J. Stat. Software 19(5)) and Rivest & Lévesque (2001). Standard errors use the
delta method and intervals the profile multinomial likelihood, both as Rcapture computes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from tollbook.estimate._loglinear_design import (
    Design,
    ModelSpec,
    build_design,
    cell_patterns,
    heterogeneity_columns,
    hierarchical_closure,
)
from tollbook.estimate._poisson import PoissonFit, fit_poisson
from tollbook.estimate._special import chdtrc, ndtri
from tollbook.estimate.caveats import Caveat
from tollbook.estimate.explain import NOT_ASKED
from tollbook.estimate.histories import CaptureHistories, HistoryError
from tollbook.estimate.ranking import mark_preferred
from tollbook.estimate.result import EstimateResult
from tollbook.estimate.seeds import Seed, root_sequence

__all__ = [
    "RCAPTURE_MODELS",
    "LogLinearModel",
    "ModelSpec",
    "cell_patterns",
    "closedp",
    "heterogeneity_columns",
    "hierarchical_closure",
]

MAX_LISTS = 16  # 2^16 - 1 cells; beyond that the full table is too large to fit (use LCMCR)
HETEROGENEITY = ("Chao", "Poisson", "Darroch", "Gamma")
BASES = ("M0", "Mt", "Mb", "Mbh")
_DEFAULT_THETA = {"Poisson": 2.0, "Gamma": 3.5}
GOF_LEVEL = 0.05  # below this deviance p-value a model is said not to fit
_FMAX_UPPER = 3.0  # Rcapture's fmaxSupCL: the profile upper bound is sought below 3 × the estimate


RCAPTURE_MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("M0", "M0"),
    ModelSpec("Mt", "Mt"),
    ModelSpec("Mh Chao (LB)", "M0", "Chao"),
    ModelSpec("Mh Poisson2", "M0", "Poisson", 2.0),
    ModelSpec("Mh Darroch", "M0", "Darroch"),
    ModelSpec("Mh Gamma3.5", "M0", "Gamma", 3.5),
    ModelSpec("Mth Chao (LB)", "Mt", "Chao"),
    ModelSpec("Mth Poisson2", "Mt", "Poisson", 2.0),
    ModelSpec("Mth Darroch", "Mt", "Darroch"),
    ModelSpec("Mth Gamma3.5", "Mt", "Gamma", 3.5),
    ModelSpec("Mb", "Mb"),
    ModelSpec("Mbh", "Mbh"),
)


@dataclass(frozen=True)
class Abundance:
    """Point estimate of N, its delta-method standard error, and the fit it came from."""

    total: float
    se: float
    fit: PoissonFit
    names: tuple[str, ...]
    removed: tuple[str, ...]
    bias: float = float("nan")


# ---------------------------------------------------------------- fitting


def fit_design(
    y: np.ndarray, design: Design, neg: bool = True, start: np.ndarray | None = None
) -> tuple[PoissonFit, tuple[str, ...], tuple[str, ...], np.ndarray]:
    """Fit the design; for Chao models refit without the first negative eta until none is (Rcapture's neg).

    Returns the fit, its column names, the names removed and the design matrix finally fitted.
    """
    X, names, removed = design.X, design.names, ()
    fit = fit_poisson(y, X, start=start)
    while design.chao and neg:
        eta = fit.coef[design.n_fixed :]
        negative = np.flatnonzero(np.nan_to_num(eta, nan=0.0) < 0)
        if len(negative) == 0:
            break
        drop = design.n_fixed + int(negative[0])
        removed += (names[drop],)
        X, names = np.delete(X, drop, axis=1), names[:drop] + names[drop + 1 :]
        fit = fit_poisson(y, X)
    return fit, names, removed, X


def asymptotic_bias(fit: PoissonFit, X: np.ndarray) -> float:
    """Second-order bias of the unobserved-cell estimate exp(intercept) (Rivest & Lévesque 2001, as Rcapture
    reports it); NaN on a rank-deficient design, where it is not defined."""
    if not fit.kept.all():
        return float("nan")
    cov = fit.cov
    xi = -0.5 * np.einsum("ij,jk,ik->i", X, cov, X)
    psi = -2.0 * X.T @ (fit.fitted * xi)
    psi[0] -= 1.0
    return float(0.5 * np.exp(fit.coef[0]) * (-cov @ psi)[0])


def _behavioural_se(grad: np.ndarray, cov: np.ndarray, total: float) -> float:
    """Rcapture's delta-method standard error for Mb and Mbh: sqrt(g' V g - N); NaN when that is negative."""
    var = grad @ cov[: len(grad), : len(grad)] @ grad - total
    return float(np.sqrt(var)) if var >= 0 else float("nan")


def _mb_abundance(coef: np.ndarray, cov: np.ndarray, t: int) -> tuple[float, float]:
    """N and its standard error under Mb (behavioural response), from the intercept and the two slopes."""
    a, first, after = coef[:3]
    denom = 1 + np.exp(after) - np.exp(first)
    total = np.exp(a) * (1 + np.exp(after)) ** t / denom
    grad = total * np.array([1, np.exp(first) / denom, t * np.exp(after) / (1 + np.exp(after)) - np.exp(after) / denom])
    return float(total), _behavioural_se(grad, cov, total)


def _mbh_abundance(coef: np.ndarray, cov: np.ndarray, t: int) -> tuple[float, float]:
    """N and its standard error under Mbh (behavioural response with a first-occasion effect)."""
    a, e, u, v = coef[:4]
    denom = 1 + np.exp(v) - np.exp(u)
    scale = np.exp(a) * (1 + np.exp(v)) ** (t - 1)
    ratio = np.exp(e + u) / denom
    total = scale * (1 + ratio)
    last = (t - 1) * np.exp(v) / (1 + np.exp(v)) - np.exp(e + u + v) / denom**2
    grad = scale * np.array([1 + ratio, ratio, ratio + np.exp(e + 2 * u) / denom**2, last])
    return float(total), _behavioural_se(grad, cov, total)


def abundance(y: np.ndarray, spec: ModelSpec, design: Design, n_lists: int, neg: bool = True) -> Abundance:
    """Fit ``spec`` and estimate N: n + exp(intercept) for the log-linear models, closed forms for Mb/Mbh."""
    fit, names, removed, X = fit_design(y, design, neg)
    with np.errstate(all="ignore"):
        if spec.base in ("Mb", "Mbh"):
            behavioural = _mb_abundance if spec.base == "Mb" else _mbh_abundance
            total, se = behavioural(fit.coef, fit.cov, n_lists)
        else:
            missing = float(np.exp(fit.coef[0]))
            total, se = float(y.sum()) + missing, float(np.sqrt(missing + missing**2 * fit.cov[0, 0]))
    return Abundance(total, se, fit, names, removed, asymptotic_bias(fit, X))


# ---------------------------------------------------------------- profile likelihood interval


def _cormack_term(N: float, n0: float) -> float:
    """Log ratio of the multinomial to the Poisson likelihood at total N with n0 unobserved (Cormack 1992)."""
    from scipy.special import gammaln, xlogy  # the profile search loads SciPy anyway

    return float(gammaln(N + 1) - gammaln(n0 + 1) + xlogy(n0, n0) - xlogy(N, N))


def _profile_function(y: np.ndarray, design: Design, neg: bool) -> Callable[[float], float]:
    """Profile multinomial log-likelihood of N: the Poisson fit with the unobserved cell set to N - n."""
    n = float(y.sum())
    zero_row = np.zeros((1, design.X.shape[1]))
    zero_row[0, 0] = 1.0
    augmented = Design(np.vstack([design.X, zero_row]), design.names, design.n_fixed, design.chao)
    last: dict[str, np.ndarray] = {}

    def loglik(N: float) -> float:
        n0 = max(N - n, 0.0)
        fit, *_ = fit_design(np.append(y, n0), augmented, neg, start=last.get("coef"))
        last["coef"] = fit.coef[fit.kept]
        return -(fit.deviance - 2.0 * _cormack_term(n + n0, n0)) / 2.0

    return loglik


def profile_interval(
    y: np.ndarray, design: Design, N_hat: float, alpha: float = 0.05, neg: bool = True
) -> tuple[float, float, float, list[str]]:
    """Multinomial MLE of N and its profile-likelihood interval, searched on (n, 3 N̂) as closedpCI does."""
    from scipy.optimize import brentq, minimize_scalar  # imported here: it is slow to load, and only this needs it
    from scipy.special import chdtri

    n = float(y.sum())
    loglik = _profile_function(y, design, neg)
    top = _FMAX_UPPER * N_hat
    best = minimize_scalar(lambda N: -loglik(N), bounds=(n, top), method="bounded", options={"xatol": 1e-4})
    N_max, target = float(best.x), -float(best.fun) - chdtri(1, alpha) / 2
    gap = lambda N: loglik(N) - target  # noqa: E731
    warnings: list[str] = []
    lower = n if gap(n) > 0 else brentq(gap, n, N_max, xtol=1e-4)
    if gap(top) > 0:
        upper = float("inf")
        warnings.append(Caveat("loglinear.upper_open", num_top=float(top)))
    else:
        upper = brentq(gap, N_max, top, xtol=1e-4)
    return N_max, float(lower), float(upper), warnings


def lognormal_interval(total: float, se: float, n: float, alpha: float = 0.05) -> tuple[float, float]:
    """Chao's (1987) log-normal interval for N, used where no profile likelihood exists (Mb, Mbh)."""
    missing = total - n
    if not (np.isfinite(se) and missing > 0):
        return float("nan"), float("nan")
    c = np.exp(float(ndtri(1 - alpha / 2)) * np.sqrt(np.log(1 + se**2 / missing**2)))
    return float(n + missing / c), float(n + missing * c)


# ---------------------------------------------------------------- model → fit → result


def _check_histories(histories: CaptureHistories, spec: ModelSpec) -> None:
    """Refuse inputs the model cannot be fitted to, saying what to do instead."""
    if not isinstance(histories, CaptureHistories):
        raise HistoryError(f"log-linear models need CaptureHistories; got {type(histories).__name__}")
    J = histories.n_lists
    if J > MAX_LISTS:
        raise HistoryError(Caveat("loglinear.too_many_lists", num_lists=J, num_cells=2**J - 1, num_max=MAX_LISTS))
    if spec.base not in BASES:
        raise ValueError(f"unknown base model {spec.base!r}; use one of {BASES}")
    if spec.heterogeneity is not None and spec.heterogeneity not in HETEROGENEITY:
        raise ValueError(f"unknown heterogeneity {spec.heterogeneity!r}; use one of {HETEROGENEITY}")
    if spec.base in ("Mb", "Mbh") and (spec.terms or spec.heterogeneity):
        raise ValueError(f"the behavioural model {spec.base} takes no interactions or heterogeneity; use Mt or M0")
    if (spec.heterogeneity or spec.base == "Mbh") and J < 3:
        raise HistoryError(Caveat("loglinear.needs_three", text_model=spec.name, num_lists=J,
                                  text_lists=str(list(histories.lists))))
    _check_terms(spec.terms, histories.lists)


def _check_terms(terms: Sequence[Sequence[str]], lists: Sequence[str]) -> None:
    """Each interaction term must name two or more distinct lists of the data."""
    for term in terms:
        unknown = [name for name in term if name not in lists]
        if unknown:
            raise HistoryError(f"interaction {tuple(term)} names lists {unknown} not among {list(lists)}")
        if len(set(term)) < 2 or len(set(term)) != len(term):
            raise ValueError(f"interaction {tuple(term)} must name two or more distinct lists")


def _fit_warnings(est: Abundance, observed: int) -> list[Caveat]:
    """Plain-words warnings about convergence, aliased columns and estimates at the boundary."""
    warnings = []
    if not est.fit.converged:
        warnings.append(Caveat("loglinear.not_converged", num_iterations=est.fit.iterations))
    if not est.fit.kept.all():
        warnings.append(Caveat("loglinear.rank"))
    if np.min(est.fit.fitted) < 1e-8:
        warnings.append(Caveat("loglinear.boundary"))
    if not _valid(est.total, observed):
        warnings.append(Caveat("loglinear.invalid", text_n=float(est.total), num_observed=observed))
    elif est.total > 100 * observed:
        warnings.append(Caveat("loglinear.extrapolates", num_observed=observed))
    if not np.isfinite(est.se):
        warnings.append(Caveat("loglinear.no_se"))
    if np.isfinite(est.bias) and np.isfinite(est.total) and abs(est.bias) > 0.1 * est.total:
        warnings.append(Caveat("loglinear.bias", num_bias=float(est.bias)))
    p_value = _gof_p_value(est.fit)
    if np.isfinite(p_value) and p_value < GOF_LEVEL:
        warnings.append(Caveat("loglinear.no_fit", num_deviance=float(est.fit.deviance), num_df=est.fit.df_residual,
                               text_p=p_value))
    return warnings


def _gof_p_value(fit: PoissonFit) -> float:
    """Deviance goodness-of-fit p-value (chi-square on the residual df); NaN for a saturated model."""
    return float(chdtrc(fit.df_residual, fit.deviance)) if fit.df_residual > 0 else float("nan")


def _valid(total: float, observed: int) -> bool:
    """A population size is valid when finite and at least the number observed."""
    return bool(np.isfinite(total) and total >= observed)


def _interval(y: np.ndarray, spec: ModelSpec, design: Design, est: Abundance, alpha: float, neg: bool,
              intervals: bool = True):
    """(multinomial N, lower, upper, interval method, warnings) for the fitted model; without ``intervals`` the
    estimate and its standard error only, as closedp.t reports them."""
    n = float(y.sum())
    if not _valid(est.total, int(n)):
        return float("nan"), float("nan"), float("nan"), "none", []
    if not intervals:
        return float("nan"), float("nan"), float("nan"), NOT_ASKED, []
    if spec.base in ("Mb", "Mbh"):
        lower, upper = lognormal_interval(est.total, est.se, n, alpha)
        return float("nan"), lower, upper, "log-normal (Chao 1987)", []
    if not (np.isfinite(est.total) and est.total < 1e4 * max(n, 1.0)):
        return float("nan"), float("nan"), float("nan"), "none", [Caveat("loglinear.no_interval")]
    if not est.fit.kept.all():
        return float("nan"), float("nan"), float("nan"), "none", [Caveat("loglinear.rank_interval")]
    try:
        N_max, lower, upper, warnings = profile_interval(y, design, est.total, alpha, neg)
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        return float("nan"), float("nan"), float("nan"), "none", [Caveat("loglinear.interval_failed",
                                                                          text_error=str(exc))]
    return N_max, lower, upper, "profile likelihood (multinomial, as Rcapture closedpCI)", warnings


def _diagnostics(est: Abundance, observed: int, n_max: float, interval_method: str) -> dict:
    """Fit statistics reported with every log-linear estimate."""
    fit = est.fit
    return {
        "se": est.se,
        "raw_estimate": est.total,
        "deviance": fit.deviance,
        "df": fit.df_residual,
        "gof_p_value": _gof_p_value(fit),
        "bias": est.bias,
        "AIC": fit.aic(),
        "BIC": fit.bic(observed),
        "multinomial_estimate": n_max,
        "interval_method": interval_method,
        "iterations": fit.iterations,
        "coefficients": dict(zip(est.names, fit.coef.tolist(), strict=True)),  # NaN where aliased
        "eta_set_to_zero": list(est.removed),
    }


def _settings(spec: ModelSpec, alpha: float, neg: bool) -> dict:
    """Everything that defines the fit, for the record."""
    terms = [list(term) for term in spec.terms]
    return {
        "model": spec.name,
        "base": spec.base,
        "heterogeneity": spec.heterogeneity,
        "theta": spec.theta,
        "terms": terms,
        "alpha": alpha,
        "neg": neg,
        "interval_level": 1 - alpha,
    }


def missing_draws(observed: int, total: float, se: float, size: int, seed: Seed) -> np.ndarray | None:
    """Draws of N = observed + f0 · exp(σ Z), σ² = log(1 + se²/f0²): Chao's log-normal law for the number
    unlisted, centred on the MLE and never below the observed count; used to add strata up by simulation."""
    missing = total - observed
    if not (np.isfinite(missing) and missing > 0 and np.isfinite(se)):
        return None
    sigma = np.sqrt(np.log1p(se**2 / missing**2))
    z = np.random.default_rng(root_sequence(seed)).standard_normal(size)
    return observed + missing * np.exp(sigma * z)


def fit_spec(
    histories: CaptureHistories,
    spec: ModelSpec,
    alpha: float = 0.05,
    neg: bool = True,
    seed: Seed = None,
    n_draws: int = 4000,
    intervals: bool = True,
) -> EstimateResult:
    """Fit one log-linear model to the histories and return its estimate, interval (unless not ``intervals``)
    and fit statistics."""
    _check_histories(histories, spec)
    y = histories.full_table()[1:].astype(float)
    design = build_design(spec, histories.lists)
    if design.X.shape[1] > len(y):
        raise HistoryError(Caveat("loglinear.too_many_parameters", text_model=spec.name,
                                  num_parameters=design.X.shape[1], num_cells=len(y)))
    est = abundance(y, spec, design, histories.n_lists, neg)
    n_max, lower, upper, how, ci_warnings = _interval(y, spec, design, est, alpha, neg, intervals)
    return EstimateResult(
        method="loglinear",
        model=spec.name,
        estimate=est.total if _valid(est.total, histories.observed) else float("nan"),
        lower=lower,
        upper=upper,
        observed=histories.observed,
        stratum=histories.stratum,
        settings=_settings(spec, alpha, neg),
        diagnostics=_diagnostics(est, histories.observed, n_max, how),
        data_hash=histories.data_hash(),
        converged=est.fit.converged,
        warnings=tuple(_fit_warnings(est, histories.observed) + ci_warnings),
        draws=missing_draws(histories.observed, est.total, est.se, n_draws, seed),
    )


class LogLinearModel:
    """A hierarchical log-linear model with list interactions ``terms``, e.g. ``[("A", "B"), ("B", "C")]``.

    ``base`` is "Mt" (one effect per list, the usual MSE model) or another Rcapture base; ``heterogeneity``
    adds Chao, Poisson, Darroch or Gamma columns on the number of lists (with ``theta`` for the last two).
    """

    def __init__(
        self,
        histories: CaptureHistories,
        terms: Sequence[Sequence[str]] = (),
        *,
        base: str = "Mt",
        heterogeneity: str | None = None,
        theta: float | None = None,
        name: str | None = None,
        alpha: float = 0.05,
        neg: bool = True,
    ) -> None:
        theta = _DEFAULT_THETA.get(heterogeneity or "") if theta is None else theta
        terms = tuple(tuple(str(name) for name in term) for term in terms)
        self.spec = ModelSpec(name or _model_name(base, heterogeneity, theta, terms), base, heterogeneity, theta, terms)
        self.histories, self.alpha, self.neg = histories, alpha, neg
        _check_histories(histories, self.spec)
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must be between 0 and 1 (0.05 gives a 95% interval); got {alpha}")

    def fit(self) -> EstimateResult:
        """Fit by Poisson regression and return the estimate with its profile-likelihood interval."""
        return fit_spec(self.histories, self.spec, self.alpha, self.neg)


def _model_name(base: str, heterogeneity: str | None, theta: float | None, terms: tuple) -> str:
    """A readable name such as "Mt + [A,B] + [B,C]" or "Mth Poisson2"."""
    name = base
    if heterogeneity:
        shown = f"{theta:g}" if heterogeneity in _DEFAULT_THETA else ""
        name = f"{base.replace('M0', 'Mh').replace('Mt', 'Mth')} {heterogeneity}{shown}"
    return " + ".join([name, *(f"[{','.join(term)}]" for term in terms)])


def closedp(
    histories: CaptureHistories,
    alpha: float = 0.05,
    neg: bool = True,
    ordered: bool = False,
    seed: Seed = None,
    n_draws: int = 4000,
    intervals: bool = True,
) -> list[EstimateResult]:
    """Fit Rcapture's closedp.t models (M0, Mt, Mh ×4, Mth ×4; only M0, Mt for 2 lists).

    The behavioural models Mb and Mbh read the lists as capture occasions in time order, so they are fitted only
    with ``ordered=True`` (victim lists have no such order). Each estimate is the Poisson MLE with its
    delta-method standard error, as closedp.t reports it; the interval is the multinomial profile likelihood of
    closedpCI.t (log-normal for Mb and Mbh, which it does not cover). ``n_draws`` simulated draws of N per model
    (:func:`missing_draws`, one stream per model from ``seed``) let strata be added up. ``intervals=False``
    skips the profile-likelihood searches (and SciPy's optimiser): estimates and standard errors only.
    """
    _check_histories(histories, RCAPTURE_MODELS[0])
    specs = [s for s in RCAPTURE_MODELS if ordered or s.base not in ("Mb", "Mbh")]
    if histories.n_lists < 3:
        specs = [s for s in specs if s.base != "Mbh" and s.heterogeneity is None]
    root = root_sequence(seed)
    streams = [np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, i)) for i in range(len(specs))]
    results = [fit_spec(histories, spec, alpha, neg, stream, n_draws, intervals)
               for spec, stream in zip(specs, streams, strict=True)]
    return mark_preferred(results)
