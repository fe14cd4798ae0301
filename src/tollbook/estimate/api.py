"""One entry point: ``estimate(histories, method=...)`` for one population or a dict of strata."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.result import EstimateResult
from tollbook.estimate.strata import ThinRule, estimate_strata, pool_thin

__all__ = ["METHODS", "estimate"]

METHODS = ("lcmcr", "loglinear", "dga")
Fitter = Callable[[CaptureHistories], list[EstimateResult]]


def _lcmcr(histories: CaptureHistories, progress: Callable[[int, int], None] | None = None, **settings: Any):
    from tollbook.estimate.lcmcr import LCMCR

    return [LCMCR(histories, **settings).fit(progress=progress)]


def _loglinear(histories: CaptureHistories, **settings: Any) -> list[EstimateResult]:
    from tollbook.estimate.loglinear import closedp

    return closedp(histories, **settings)


def _dga(histories: CaptureHistories, **settings: Any) -> list[EstimateResult]:
    from tollbook.estimate.dga import DGA

    return [DGA(histories, **settings).fit()]


def _accepted(method: str) -> set[str]:
    """Names of the settings a method accepts (read from its estimator's signature)."""
    if method == "lcmcr":
        from tollbook.estimate.lcmcr import LCMCR as target
    elif method == "loglinear":
        from tollbook.estimate.loglinear import closedp as target
    else:
        from tollbook.estimate.dga import DGA as target
    parameters = inspect.signature(target).parameters
    return {name for name in parameters if name != "histories"}


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
    base = {"lcmcr": partial(_lcmcr, progress=progress), "loglinear": _loglinear, "dga": _dga}
    return [(name, partial(base[name], **{k: v for k, v in settings.items() if k in accepted[name]}))
            for name in chosen]  # fmt: skip


def estimate(
    histories: CaptureHistories | Mapping[str | None, CaptureHistories],
    method: str = "lcmcr",
    progress: Callable[[int, int], None] | None = None,
    thin: ThinRule | None = None,
    pool: bool = False,
    **settings: Any,
) -> list[EstimateResult]:
    """Estimate the population size with ``method`` ("lcmcr", "loglinear", "dga" or "all").

    Given a dict of several strata, every stratum is estimated and a total added per method and model (strata
    too thin under ``thin`` are named in placeholder results and in the total's warnings). ``settings`` go to
    the estimators that accept them, e.g. ``K``, ``burnin``, ``samples``, ``thinning``, ``seed``, ``chains``
    (LCMCR) or ``delta``, ``prior`` (dga); ``progress(done, total)`` reports LCMCR iterations. With ``pool``,
    thin strata are first merged into one pooled stratum so that their people still count in the total.
    """
    fitters = _fitters(method, dict(settings), progress)
    if isinstance(histories, CaptureHistories):
        return [result for _, fit in fitters for result in fit(histories)]
    strata = dict(histories)
    if not strata:
        raise ValueError("no strata given: the mapping of capture histories is empty")
    if len(strata) == 1 and None in strata:
        return estimate(strata[None], method, progress, thin, **settings)
    if pool:
        strata = pool_thin(strata, thin)
    return [result for name, fit in fitters for result in estimate_strata(strata, fit, name, thin)]
