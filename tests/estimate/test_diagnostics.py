"""MCMC diagnostics: R-hat at 1.01, bulk/tail ESS, MCSE of the median and interval ends, suggested run length."""

from __future__ import annotations

import numpy as np
import pytest
from mse_reference import load

from tollbook.estimate.diagnostics import (
    RHAT_LIMIT,
    chain_diagnostics,
    convergence_warnings,
    suggested_iterations,
)
from tollbook.estimate.lcmcr import LCMCR
from tollbook.estimate.table import table_rows


def test_independent_chains_pass_and_shifted_chains_fail() -> None:
    rng = np.random.default_rng(1)
    good = rng.normal(size=(4, 1_000))
    diag = chain_diagnostics(good)
    assert diag["rhat"] < RHAT_LIMIT and diag["ess_bulk"] > 3_000 and not convergence_warnings(diag)
    # MCSE of the median of 4,000 independent normal draws: sqrt(pi / 2 / 4000) = 0.0198
    assert diag["mcse_median"] == pytest.approx(0.0198, rel=0.25)
    assert diag["mcse_lower"] > diag["mcse_median"]  # tails are estimated less precisely than the centre
    shifted = good + np.array([[0.0], [0.0], [0.0], [0.5]])  # one chain half an SD away: R-hat about 1.02
    bad = chain_diagnostics(shifted)
    assert bad["rhat"] > RHAT_LIMIT
    assert "R-hat" in convergence_warnings(bad)[0]
    assert suggested_iterations(bad, 10_000) >= 40_000


def test_suggested_iterations_scale_with_the_missing_ess() -> None:
    diag = {"rhat": 1.0, "ess_bulk": 100.0, "ess_tail": 200.0}
    assert suggested_iterations(diag, 30_500) == 153_000  # 1.25 × 400 / 100 × 30,500, rounded up to thousands
    assert suggested_iterations({"rhat": 1.0, "ess_bulk": 900.0, "ess_tail": 800.0}, 30_500) is None


def test_lcmcr_reports_alpha_occupied_classes_and_mcse() -> None:
    result = LCMCR(load("kosovo_1999_lcmcr"), burnin=500, samples=300, thinning=2, chains=2, seed=3).fit()
    diag = result.diagnostics
    for quantity in ("alpha", "occupied"):
        assert {"rhat", "ess_bulk", "ess_tail", "mcse_median"} <= set(diag[quantity])
    assert {"mcse_median", "mcse_lower", "mcse_upper", "occupied_all_share"} <= set(diag)
    assert diag["rhat_limit"] == 1.01 and diag["ess_limit"] == 400
    assert diag["suggested_iterations"] > result.settings["burnin"]  # 600 draws cannot pass
    assert any("suggested: about" in text for text in result.warnings)
    assert result.chains["N"].shape == result.chains["alpha"].shape == (2, 300)


def test_table_shows_r_hat_and_ess_beside_the_number() -> None:
    result = LCMCR(load("kosovo_1999_lcmcr"), burnin=200, samples=100, thinning=2, chains=2, seed=3).fit()
    (row,) = table_rows([result])
    assert row["R-hat"] == f"{result.diagnostics['rhat']:.3f}" and row["converged"] == "NO"
    assert int(row["ESS"].replace(",", "")) == round(min(result.diagnostics["ess_bulk"],
                                                         result.diagnostics["ess_tail"]))
    assert "AIC" not in row


@pytest.mark.parametrize("case", ["random walk", "independent", "ties", "small counts", "one chain"])
def test_every_figure_equals_arviz(case: str) -> None:
    """The diagnostics are computed without importing ArviZ (about 3 s of CPU per process); ArviZ is the oracle."""
    from tollbook.estimate.diagnostics import _as_chains, quiet_arviz

    rng = np.random.default_rng(len(case))
    draws = {"random walk": rng.normal(size=(4, 500)).cumsum(axis=1), "independent": rng.normal(size=(4, 1_000)),
             "ties": np.round(rng.gamma(2, 50, size=(3, 801))), "small counts": rng.poisson(3, (2, 400)) * 1.0,
             "one chain": rng.normal(size=(1, 1_001))}[case]  # fmt: skip
    ours = chain_diagnostics(draws)
    az, chains = quiet_arviz(), _as_chains(draws)
    reference = {"rhat": az.rhat(chains, method="rank"), "ess_bulk": az.ess(chains, method="bulk"),
                 "ess_tail": az.ess(chains, method="tail"), "mcse_median": az.mcse(chains, method="median"),
                 "mcse_lower": az.mcse(chains, method="quantile", prob=0.025),
                 "mcse_upper": az.mcse(chains, method="quantile", prob=0.975)}  # fmt: skip
    for name, value in reference.items():
        assert ours[name] == pytest.approx(float(value), rel=1e-9, abs=1e-12), name


def test_a_constant_trace_has_no_diagnostics() -> None:
    diag = chain_diagnostics(np.ones((2, 100)))
    assert np.isnan(diag["rhat"]) and "could not be computed" in convergence_warnings(diag)[0]
