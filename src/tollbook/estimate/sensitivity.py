"""How much the estimate moves with the choices a statistician makes: LCMCR's K and α prior, dga's δ.

Each row re-estimates with one choice changed from the defaults and says how far the point moved. From the
database, the linkage threshold is varied too (:func:`linkage_rows`: persons re-formed by the linkage engine at the
saved run's threshold and two match weights either side, nothing written, LCMCR on each).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.seeds import Seed

__all__ = ["ALPHA_PRIORS", "K_VALUES", "THRESHOLD_STEP", "linkage_rows", "sensitivity", "thresholds_around",
           "with_sensitivity"]

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


THRESHOLD_STEP = 2.0  # match weight (log2 odds) either side of the linkage's threshold: odds ×1/4 and ×4


def thresholds_around(threshold: float, step: float = THRESHOLD_STEP) -> tuple[float, ...]:
    """The threshold and one step either side on Splink's match-weight scale (log2 of the odds), where equal
    steps mean equal factors of evidence; rounded to three significant digits, the used one kept exact."""
    weight = _weight(threshold)

    def at(w: float) -> float:  # three significant digits of the distance to 0 or 1, so 0.99975 stays below 1
        small = float(f"{1 / (1 + 2.0 ** abs(w)):.3g}")
        return round(1 - small, 12) if w > 0 else small

    lower, upper = at(weight - step), at(weight + step)
    return (lower, threshold, upper) if upper > threshold else (lower, threshold)  # nothing above a threshold of 1


def _weight(probability: float) -> float:
    """Splink's match weight of a probability: log2 of its odds (capped just below 1)."""
    p = min(max(probability, 1e-6), 1 - 1e-6)
    return math.log2(p / (1 - p))


def linkage_rows(session: Any, seed: Seed = None, lcmcr: Mapping[str, Any] | None = None,
                 thresholds: tuple[float, ...] | None = None) -> list[dict]:
    """LCMCR on the persons a re-linkage at each threshold would form (the saved persons are not changed):
    by default the saved linkage run's threshold (else the default) and one step either side
    (:func:`thresholds_around`); the used threshold's row is the reference."""
    from tollbook.estimate.database import relinked, saved_linkage
    from tollbook.estimate.lcmcr import LCMCR

    linkage = saved_linkage(session)
    rows = []
    for threshold in thresholds or thresholds_around(linkage.threshold):
        again = relinked(session, threshold, linkage=linkage)
        used = threshold == linkage.threshold
        step = _weight(threshold) - _weight(linkage.threshold)
        where = (("the saved run's" if linkage.saved else "the default") if used
                 else f"{step:+.1f} match weight from {linkage.threshold:g}")
        row = _row("linkage threshold", f"{threshold:g} ({where}; {again.formed:,} persons formed, "
                   f"{again.histories.observed:,} counted)",
                   LCMCR(again.histories, **{**dict(lcmcr or {}), "seed": seed}).fit())
        if used and linkage.saved and again.formed != linkage.persons:  # records or decisions changed since
            row["value"] += f"; the saved run formed {linkage.persons:,}: re-link to bring the saved persons up to date"
        row |= {"default": used, "threshold": threshold, "persons_formed": again.formed,
                "persons_counted": again.histories.observed}
        rows.append(row)
    reference = next((r["estimate"] for r in rows if r["default"]), math.nan)
    for row in rows:
        row["change"] = row["estimate"] / reference - 1 if reference else math.nan
    return rows


def with_sensitivity(results: Sequence[Any], rows: list[dict]) -> list[Any]:
    """The results with the sensitivity table (the rows as printed) in ``diagnostics["sensitivity"]``, so a saved
    estimate keeps it for the report."""
    return [replace(r, diagnostics=r.diagnostics | {"sensitivity": rows}) for r in results]
