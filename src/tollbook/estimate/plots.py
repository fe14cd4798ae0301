"""Trace and density plots per chain (N, alpha, occupied classes) for the results of a sampler.

One file per result and quantity, named after its method and stratum, in SVG or PNG (matplotlib, loaded only
here). A reviewer reads mixing off the trace and agreement between chains off the densities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from tollbook.estimate.result import EstimateResult

__all__ = ["FORMATS", "write_plots"]

FORMATS = ("svg", "png")
_LABELS = {"N": "population size N", "alpha": "stick-breaking concentration α", "occupied": "occupied classes"}


def _slug(text: str) -> str:
    """A safe file-name part: letters, digits, dots and dashes only."""
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text).strip("-") or "all"


def _figure(values: np.ndarray, title: str):  # noqa: ANN202 - a matplotlib Figure, imported lazily
    """Trace (left) and density (right) of one quantity, one colour per chain."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 3.2), layout="constrained")
    trace, density = figure.subplots(1, 2, width_ratios=(2, 1))
    for chain, series in enumerate(values):
        trace.plot(series, linewidth=0.4, alpha=0.8, label=f"chain {chain + 1}")
        density.hist(series, bins=50, density=True, histtype="step", linewidth=1.0)
    trace.set(title=f"{title}: trace", xlabel="kept draw")
    density.set(title="density per chain", xlabel=title)
    if len(values) <= 8:
        trace.legend(fontsize="x-small", loc="upper right")
    return figure


def write_plots(results: Sequence[EstimateResult], directory: Path, fmt: str = "svg") -> list[Path]:
    """Write the trace and density plots of every result that kept its chains; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"plot format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for result in results:
        for name, values in (result.chains or {}).items():
            title = f"{_LABELS.get(name, name)} — {result.label}, {result.stratum or 'all'}"
            path = directory / f"{_slug(result.label)}_{_slug(str(result.stratum or 'all'))}_{name}.{fmt}"
            _figure(np.atleast_2d(values), title).savefig(path, format=fmt)
            written.append(path)
    return written
