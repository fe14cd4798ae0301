"""Shared by the estimator tests: the bundled data sets and agreement to significant figures."""

from __future__ import annotations

import math
from pathlib import Path

from tollbook.estimate.histories import CaptureHistories, read_pattern_csv

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"


def load(name: str) -> CaptureHistories:
    """The unstratified capture histories of one bundled data set."""
    return read_pattern_csv(DATA / f"{name}.csv")[None]


def agrees(value: float, reference: float, figures: int = 3) -> bool:
    """True when ``value`` is within half a unit of the ``figures``-th significant figure of ``reference``."""
    unit = 10.0 ** (math.floor(math.log10(abs(reference))) - figures + 1)
    return abs(value - reference) <= unit / 2
