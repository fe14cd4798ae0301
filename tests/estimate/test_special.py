"""The estimators' own special functions (tollbook.estimate._special) against SciPy's, which they replace on the
always-run paths to keep start-up cheap."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from tollbook.estimate import _special


def test_ndtri_matches_scipy_over_the_whole_range() -> None:
    p = np.concatenate([np.linspace(0, 1, 20_001), np.geomspace(1e-300, 0.5, 2_000), 1 - np.geomspace(1e-16, 0.5, 500),
                        [0.425 + 0.5, 0.5 - 0.425, np.nextafter(0.075, 1)]])  # fmt: skip
    ours, theirs = _special.ndtri(p), special.ndtri(p)
    finite = np.isfinite(theirs)
    assert np.array_equal(np.isinf(ours), np.isinf(theirs))
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=2e-15, atol=1e-300)
    assert np.isnan(_special.ndtri([-0.1, 1.1, np.nan])).all()
    assert _special.ndtri(np.zeros((2, 3)) + 0.5).shape == (2, 3)


def test_ndtri_of_the_rank_normalisation_points_is_as_scipy_to_a_few_ulps() -> None:
    ranks = np.arange(1, 8_001, 0.5)
    p = (ranks - 0.375) / (8_000 + 0.25)
    np.testing.assert_allclose(_special.ndtri(p), special.ndtri(p), rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("df", [1, 2, 3, 9, 10.5, 30, 111, 1_000])
def test_chdtrc_matches_scipy(df: float) -> None:
    for x in np.concatenate([[0.0, 1e-8], np.geomspace(1e-3, 20 * df + 200, 300)]):
        expected = special.chdtrc(df, x)
        assert _special.chdtrc(df, x) == pytest.approx(expected, rel=1e-12, abs=1e-300), (df, x)
    assert _special.chdtrc(df, np.inf) == 0.0
    assert np.isnan(_special.chdtrc(df, np.nan)) and np.isnan(_special.chdtrc(0, 1.0))


def test_chdtrc_of_kosovo_mth_chao_fit() -> None:
    """The issue's example: deviance 105.5 on 9 df has a p-value far below any threshold (as SciPy says)."""
    assert _special.chdtrc(9, 105.5) == pytest.approx(special.chdtrc(9, 105.5), rel=1e-12)


@pytest.mark.parametrize("ess", [1.0, 3.7, 40.0, 91.0, 400.0, 2_222.5, 8_000.0, 1e5])
@pytest.mark.parametrize("prob", [0.025, 0.05, 0.5, 0.95, 0.975])
def test_betaincinv_matches_scipy_at_the_mcse_points(ess: float, prob: float) -> None:
    a, b = ess * prob + 1, ess * (1 - prob) + 1
    p = np.array([0.1586553, 0.8413447, 1e-6, 0.5])
    np.testing.assert_allclose(_special.betaincinv(a, b, p), special.betaincinv(a, b, p), rtol=1e-12, atol=1e-300)
    tail = 1 - 1e-6  # 1 - I_x(a, b) cancels there: a looser match
    np.testing.assert_allclose(_special.betaincinv(a, b, [tail]), special.betaincinv(a, b, [tail]), rtol=1e-9)


def test_betaincinv_edges() -> None:
    assert np.isnan(_special.betaincinv(np.nan, 2.0, [0.5])).all()
    assert _special.betaincinv(2.0, 3.0, [0.0, 1.0]).tolist() == [0.0, 1.0]
    assert _special.betainc(2.0, 3.0, 0.3) == pytest.approx(special.betainc(2.0, 3.0, 0.3), rel=1e-14)


def test_gammaln_matches_scipy_with_its_poles() -> None:
    x = np.array([0.5, 1.0, 2.0, 3.5, 100.25, 1e6, 0.0, -1.0, -2.5])
    np.testing.assert_allclose(_special.gammaln(x), special.gammaln(x), rtol=1e-14)
    assert _special.gammaln(5.0) == pytest.approx(special.gammaln(5.0), rel=1e-15)


def test_vectorised_gammaln_over_the_dga_grid_range() -> None:
    """From 10 on Stirling's series; the dga grids run from small prior counts to millions missing."""
    x = np.concatenate([np.geomspace(1e-8, 1e7, 50_000), np.arange(1, 60_001) + 1 / 16, [np.inf, np.nan]])
    ours, theirs = _special.gammaln(x), special.gammaln(x)
    np.testing.assert_allclose(ours, theirs, rtol=2e-15, atol=2e-15)


def test_logsumexp_matches_scipy_with_empty_rows() -> None:
    values = np.random.default_rng(1).normal(size=(61, 600)) * 50
    values[3] = -np.inf
    for axis in (0, 1, None):
        np.testing.assert_allclose(_special.logsumexp(values, axis=axis), special.logsumexp(values, axis=axis),
                                   rtol=1e-15, atol=1e-12)  # fmt: skip
    assert _special.logsumexp(np.full(3, -np.inf)) == -np.inf
