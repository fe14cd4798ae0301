"""Combining runs (imputation replicates, linkage alternatives): verdata's rule on verdata's own draws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tollbook.estimate.combine import combine_draws, combine_runs
from tollbook.estimate.result import EstimateResult

VERDATA = Path(__file__).parents[1] / "data" / "estimate" / "verdata_lcmcr_draws_reclutamiento_hombre_1999.csv"


def _replicates() -> list[tuple[np.ndarray, int]]:
    frame = pd.read_csv(VERDATA)
    return [(group["N"].to_numpy(), int(group["n_obs"].iloc[0])) for _, group in frame.groupby("replicate", sort=False)]


def test_verdata_draws_give_verdata_figures() -> None:
    """verdata 1.0.2's test-combine_estimates.R expects N_025 = 1,266, N_mean = 1,593, N_975 = 2,148 from these
    20 replicates' LCMCR draws (tests/data/estimate/README.md)."""
    replicates = _replicates()
    assert len(replicates) == 20
    figures = combine_draws([d for d, _ in replicates], [n for _, n in replicates])
    assert (figures["lower"], figures["estimate"], figures["upper"]) == (1_266, 1_593, 2_148)
    assert figures["between_variance"] > 0 and figures["runs"] == 20


def test_runs_are_matched_by_method_model_and_stratum() -> None:
    def result(stratum: str, draws: np.ndarray, observed: int) -> EstimateResult:
        return EstimateResult("lcmcr", None, float(np.median(draws)), 0.0, 0.0, observed, stratum, {}, {}, "h",
                              draws=draws)

    rng = np.random.default_rng(0)
    runs = [[result("a", 100 + rng.gamma(20, 2, 500), 100), result("b", 50 + rng.gamma(5, 2, 500), 50)]
            for _ in range(3)]
    runs[2] = runs[2][:1]  # the third run has no stratum "b"
    (combined,) = combine_runs(runs, ["R1", "R2", "R3"])
    assert combined.stratum == "a" and combined.settings["combined_from"] == ["R1", "R2", "R3"]
    assert combined.observed <= combined.lower < combined.estimate < combined.upper
    assert len(combined.draws) == 1_500
    assert any("fewer than 10" in text for text in combined.warnings)
    assert any("left out" in text and "'b'" in text for text in combined.warnings)


def test_one_run_cannot_be_combined() -> None:
    with pytest.raises(ValueError, match="at least 2 runs"):
        combine_draws([np.array([5.0, 6.0])], [4])
