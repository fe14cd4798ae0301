"""One entry point: ``estimate(histories, method=...)`` for one population or a dict of strata."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np

from tollbook.estimate.caveats import Caveat
from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.result import EstimateResult
from tollbook.estimate.seeds import Seed, root_sequence
from tollbook.estimate.strata import ThinRule, estimate_strata, placeholder, pool_thin

__all__ = ["METHODS", "estimate", "unsupported"]

METHODS = ("lcmcr", "loglinear", "dga", "search")
Fitter = Callable[[CaptureHistories, np.random.SeedSequence], list[EstimateResult]]


def _lcmcr(histories: CaptureHistories, seed: np.random.SeedSequence,
           progress: Callable[[int, int], None] | None = None, **settings: Any) -> list[EstimateResult]:
    from tollbook.estimate.lcmcr import LCMCR

    return [LCMCR(histories, seed=seed, **settings).fit(progress=progress)]


def _loglinear(histories: CaptureHistories, seed: np.random.SeedSequence, **settings: Any) -> list[EstimateResult]:
    from tollbook.estimate.loglinear import closedp

    return closedp(histories, seed=seed, **settings)


def _search(histories: CaptureHistories, seed: np.random.SeedSequence, **settings: Any) -> list[EstimateResult]:
    from tollbook.estimate.search import bic_search

    return bic_search(histories, seed=seed, **settings)


def _dga(histories: CaptureHistories, seed: np.random.SeedSequence, **settings: Any) -> list[EstimateResult]:
    from tollbook.estimate.dga import DGA

    return [DGA(histories, seed=seed, **settings).fit()]


def _accepted(method: str) -> set[str]:
    """Names of the settings a method accepts (read from its estimator's signature)."""
    if method == "lcmcr":
        from tollbook.estimate.lcmcr import LCMCR as target
    elif method == "loglinear":
        from tollbook.estimate.loglinear import closedp as target
    elif method == "search":
        from tollbook.estimate.search import bic_search as target
    else:
        from tollbook.estimate.dga import DGA as target
    parameters = inspect.signature(target).parameters
    return {name for name in parameters if name not in ("histories", "seed")}


def unsupported(method: str, n_lists: int) -> Caveat | None:
    """Why ``method`` cannot be used on ``n_lists`` lists, or None when it can."""
    if (method in ("lcmcr", "search") and n_lists < 3) or (method == "dga" and not 3 <= n_lists <= 5):
        return Caveat(f"unsupported.{method}", num_lists=n_lists)
    return None


def _fitters(method: str, settings: dict[str, Any], progress: Callable | None) -> list[tuple[str, Fitter]]:
    """One fitting function per requested method, each given only the settings it accepts."""
    if method not in (*METHODS, "all"):
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)} or 'all'")
    chosen = list(METHODS) if method == "all" else [method]
    accepted = {name: _accepted(name) for name in chosen}
    unknown = sorted(set(settings) - set().union(*accepted.values()))
    if unknown:
        allowed = ", ".join(sorted(set().union(*accepted.values())))
        raise TypeError(f"settings {unknown} are not used by method {method!r}; it accepts: {allowed}")
    base = {"lcmcr": partial(_lcmcr, progress=progress), "loglinear": _loglinear, "dga": _dga, "search": _search}
    fitters = [(name, partial(base[name], **{k: v for k, v in settings.items() if k in accepted[name]}))
               for name in chosen]  # fmt: skip
    return [(name, _skipping(name, fit)) for name, fit in fitters] if method == "all" else fitters


def _skipping(method: str, fit: Fitter) -> Fitter:
    """For ``--method all``: a method the list count cannot support gives a named placeholder, not an error."""
    def run(histories: CaptureHistories, seed: np.random.SeedSequence) -> list[EstimateResult]:
        reason = unsupported(method, histories.n_lists)
        if reason is None:
            return fit(histories, seed)
        return [placeholder(histories, method, Caveat("method.skipped", text_method=method, reason=reason))]

    return run


def estimate(
    histories: CaptureHistories | Mapping[str | None, CaptureHistories],
    method: str = "lcmcr",
    progress: Callable[[int, int], None] | None = None,
    thin: ThinRule | None = None,
    pool: bool = True,
    seed: Seed = None,
    **settings: Any,
) -> list[EstimateResult]:
    """Estimate the population size with ``method`` ("lcmcr", "loglinear", "dga", "search" or "all").

    Given a dict of several strata, every stratum is estimated and a total added per method and model. Strata
    too thin under ``thin`` (and the "unknown" stratum when thin) are merged into one pooled stratum, named in
    the results (``pool=False`` keeps them apart); people of strata no model could estimate still count in the
    total as documented. Every stratum draws from its own random stream of the root ``seed`` (see
    :mod:`.seeds`), so strata's posterior draws are independent and add up to the right total.
    ``settings`` go to the estimators that accept them, e.g. ``K``, ``burnin``, ``samples``, ``thinning``,
    ``chains`` (LCMCR), ``delta``, ``prior`` (dga), ``ordered`` (log-linear Mb, Mbh) or ``max_order``,
    ``replicates`` (the minimum-BIC model search and its bootstrap);
    ``progress(done, total)`` reports LCMCR iterations. With ``method="all"`` a method the list count cannot
    support is skipped with a result that says why.
    """
    fitters = _fitters(method, dict(settings), progress)
    root = root_sequence(seed)
    if isinstance(histories, CaptureHistories):
        return with_dependence([result for _, fit in fitters for result in fit(histories, root)], histories)
    strata = dict(histories)
    if not strata:
        raise ValueError("no strata given: the mapping of capture histories is empty")
    if len(strata) == 1 and None in strata:
        return estimate(strata[None], method, progress, thin, pool, root, **settings)
    if pool:
        strata = pool_thin(strata, thin)
    checked = [(name, partial(_dependence_added, fit)) for name, fit in fitters]
    return [result for name, fit in checked for result in estimate_strata(strata, fit, name, thin, root)]


def _dependence_added(fit: Fitter, histories: CaptureHistories, seed: np.random.SeedSequence) -> list[EstimateResult]:
    return with_dependence(fit(histories, seed), histories)


def with_dependence(results: list[EstimateResult], histories: CaptureHistories) -> list[EstimateResult]:
    """The results with the pairwise list-dependence table added, and a warning for strongly dependent lists."""
    from dataclasses import replace

    from tollbook.estimate.dependence import dependence_warnings, list_dependence

    rows = list_dependence(histories)
    warnings = dependence_warnings(rows)
    return [replace(r, diagnostics=r.diagnostics | {"list_dependence": rows}, warnings=(*r.warnings, *warnings))
            for r in results]
