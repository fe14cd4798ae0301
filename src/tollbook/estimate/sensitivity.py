"""How much the estimate moves with the choices a statistician makes: LCMCR's K and α prior, dga's δ.

Each row re-estimates with one choice changed from the defaults and says how far the point moved. From the
database, the linkage threshold is varied too (:func:`linkage_rows`: persons re-formed at three thresholds by the
linkage engine, nothing written, LCMCR on each).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.seeds import Seed

__all__ = ["ALPHA_PRIORS", "K_VALUES", "THRESHOLDS", "linkage_rows", "sensitivity", "with_sensitivity"]

K_VALUES = (5, 10, 20)
ALPHA_PRIORS = ((0.25, 0.25), (1.0, 1.0), (0.1, 0.1))  # (a, b) of Gamma(a, b); the first is R's default


def _deltas(n_lists: int) -> tuple[float, ...]:
    return (1.0 / 2**n_lists, 0.5 / 2**n_lists, 1.0)


def _row(choice: str, value: str, result: Any) -> dict:
    return {"choice": choice, "value": value, "method": result.method, "estimate": result.estimate,
            "lower": result.lower, "upper": result.upper, "converged": result.converged}  # fmt: skip


def sensitivity(histories: CaptureHistories, seed: Seed = None, lcmcr: Mapping[str, Any] | None = None) -> list[dict]:
    """Rows of (choice, value, estimate, interval) over K, the α prior (LCMCR) and δ (dga, 3-5 lists), each
    point compared with the default's in ``change`` (relative)."""
    from tollbook.estimate.dga import DGA
    from tollbook.estimate.lcmcr import LCMCR

    base = dict(lcmcr or {})
    rows = []
    if histories.n_lists >= 3:
        for k in K_VALUES:
            rows.append(_row("LCMCR K", str(k), LCMCR(histories, **{**base, "K": k, "seed": seed}).fit()))
        for a, b in ALPHA_PRIORS:
            result = LCMCR(histories, **{**base, "a_alpha": a, "b_alpha": b, "seed": seed}).fit()
            rows.append(_row("LCMCR alpha prior", f"Gamma({a:g}, {b:g})", result))
    if 3 <= histories.n_lists <= 5:
        for delta in _deltas(histories.n_lists):
            rows.append(_row("dga delta", f"{delta:g}", DGA(histories, delta=delta, seed=seed).fit()))
    defaults = {("LCMCR K", "10"), ("LCMCR alpha prior", "Gamma(0.25, 0.25)"),
                ("dga delta", f"{1.0 / 2**histories.n_lists:g}")}  # fmt: skip
    reference = {row["choice"]: row["estimate"] for row in rows if (row["choice"], row["value"]) in defaults}
    for row in rows:
        ref = reference.get(row["choice"], math.nan)
        row["change"] = row["estimate"] / ref - 1 if ref else math.nan
        row["default"] = (row["choice"], row["value"]) in defaults
    return rows


THRESHOLDS = (0.5, 0.7, 0.9)  # the linkage default is 0.7


def linkage_rows(session: Any, seed: Seed = None, lcmcr: Mapping[str, Any] | None = None,
                 thresholds: tuple[float, ...] = THRESHOLDS) -> list[dict]:
    """LCMCR on the persons a linkage at each threshold would form (the saved persons are not changed)."""
    from tollbook.estimate.database import histories_at_threshold
    from tollbook.estimate.lcmcr import LCMCR

    rows = []
    for threshold in thresholds:
        histories = histories_at_threshold(session, threshold)
        row = _row("linkage threshold", f"{threshold:g} ({histories.observed:,} persons)",
                   LCMCR(histories, **{**dict(lcmcr or {}), "seed": seed}).fit())
        row["default"] = threshold == 0.7
        rows.append(row)
    reference = next((r["estimate"] for r in rows if r["default"]), math.nan)
    for row in rows:
        row["change"] = row["estimate"] / reference - 1 if reference else math.nan
    return rows


def with_sensitivity(results: Sequence[Any], rows: list[dict]) -> list[Any]:
    """The results with the sensitivity table (the rows as printed) in ``diagnostics["sensitivity"]``, so a saved
    estimate keeps it for the report."""
    return [replace(r, diagnostics=r.diagnostics | {"sensitivity": rows}) for r in results]
