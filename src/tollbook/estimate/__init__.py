"""Multiple systems estimation: capture histories, LCMCR, log-linear models, model averaging, strata."""

from tollbook.estimate.histories import CaptureHistories, HistoryError, read_pattern_csv
from tollbook.estimate.result import EstimateResult

__all__ = ["CaptureHistories", "EstimateResult", "HistoryError", "estimate", "read_pattern_csv"]


def __getattr__(name: str) -> object:
    """Import the estimators lazily so importing the histories stays fast (Numba compiles on first use)."""
    if name == "estimate":
        from tollbook.estimate.api import estimate

        return estimate
    raise AttributeError(f"module 'tollbook.estimate' has no attribute {name!r}")
