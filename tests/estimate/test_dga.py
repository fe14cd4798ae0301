"""Decomposable graphical model averaging against dga 2.0.2 and Madigan & York (1997).

Reference figures: the issue's run of dga's bma.cr on Kosovo (delta = 1/16, all decomposable graphs on 4 lists)
and Madigan & York (1997, Biometrika 84(1)) for the 3-list spina bifida data with delta = 1 and their negative
binomial prior (a = 13.14, b = 55.17), the example in dga's ?bma.cr.
"""

from __future__ import annotations

import numpy as np
import pytest
from mse_reference import agrees, load
from scipy.special import gammaln

from tollbook.estimate._graphs import decomposable_graphs, describe
from tollbook.estimate.dga import (
    DGA,
    NegativeBinomialPrior,
    graph_coefficients,
    subset_loglik,
)
from tollbook.estimate.histories import CaptureHistories, HistoryError


@pytest.fixture(scope="module")
def kosovo():
    return DGA(load("kosovo_1999_lcmcr"), delta=1 / 16).fit()


@pytest.fixture(scope="module")
def spina():
    prior = NegativeBinomialPrior(a=13.14, b=55.17)
    return DGA(load("spina_bifida_ny_madigan_york_dga"), delta=1.0, prior=prior).fit()


def test_kosovo_matches_dga_to_3_significant_figures(kosovo):
    # dga bma.cr, delta = 1/16: median 12,595, 95% interval 9,827-16,544 (the issue)
    assert agrees(kosovo.estimate, 12_595)
    assert agrees(kosovo.lower, 9_827)
    assert agrees(kosovo.upper, 16_544)
    assert kosovo.method == "dga" and kosovo.observed == 4_400
    assert kosovo.settings["delta"] == 1 / 16


def test_spina_bifida_matches_madigan_york(spina):
    top = spina.diagnostics["model_weights"][0]
    assert round(top["probability"], 2) == 0.37
    assert round(spina.diagnostics["bayes_relative_squared_error"]) == 731
    assert spina.diagnostics["posterior_mode"] == 728
    assert spina.settings["prior"] == "negative binomial"


def test_model_weights_are_a_distribution(kosovo):
    weights = [entry["probability"] for entry in kosovo.diagnostics["model_weights"]]
    assert weights == sorted(weights, reverse=True)
    assert 0.99 < sum(weights) <= 1 + 1e-9
    assert kosovo.diagnostics["n_models"] == 61


@pytest.mark.parametrize(("lists", "count"), [(3, 8), (4, 61), (5, 822)])
def test_number_of_decomposable_graphs(lists, count):
    # labelled chordal graphs on n vertices (OEIS A058862): 1, 2, 8, 61, 822
    assert len(decomposable_graphs(lists)) == count


def test_saturated_and_independence_marginal_likelihoods_by_hand():
    table = np.array([0, 60, 49, 4, 247, 112, 142, 12], dtype=float)  # spina bifida, cell 0 unobserved
    delta, missing = 0.5, np.array([0.0, 10.0, 250.0])
    graphs, coef = graph_coefficients(3)
    loglik = coef @ subset_loglik(table, 3, delta, missing)
    full = {len(g): row for row, g in zip(loglik, graphs, strict=True)}
    n = table.sum() + missing
    cells = table[1:, None]
    saturated = gammaln(8 * delta) - gammaln(n + 8 * delta) + np.sum(gammaln(cells + delta) - gammaln(delta), 0)
    saturated += gammaln(missing + delta) - gammaln(delta)
    assert full[3] == pytest.approx(saturated)
    index = np.arange(8)
    independence = 0.0
    for j in range(3):
        on = table[(index >> (2 - j)) & 1 == 1].sum()
        off = n - on
        independence = independence + gammaln(8 * delta) - gammaln(n + 8 * delta)
        independence = independence + gammaln(on + 4 * delta) + gammaln(off + 4 * delta) - 2 * gammaln(4 * delta)
    assert full[0] == pytest.approx(independence)


def test_star_graph_is_cliques_over_separators():
    table = load("kosovo_1999_lcmcr").full_table().astype(float)
    graphs, coef = graph_coefficients(4)
    star = graphs.index(frozenset({(0, 1), (0, 2), (0, 3)}))
    subsets = subset_loglik(table, 4, 1 / 16, np.array([100.0]))[:, 0]
    bit = {0: 1, 1: 2, 2: 4, 3: 8}
    by_hand = sum(subsets[bit[0] | bit[k]] for k in (1, 2, 3)) - 2 * subsets[bit[0]]
    assert coef[star] @ subsets == pytest.approx(by_hand)
    assert describe(4, graphs[star], ("A", "B", "C", "D")) == "[A,B][A,C][A,D]"


def test_relabelling_lists_changes_nothing(kosovo):
    h = load("kosovo_1999_lcmcr")
    order = [2, 0, 3, 1]
    shuffled = CaptureHistories(tuple(h.lists[i] for i in order), h.patterns[:, order], h.counts)
    again = DGA(shuffled, delta=1 / 16).fit()
    assert (again.estimate, again.lower, again.upper) == (kosovo.estimate, kosovo.lower, kosovo.upper)


def test_draws_are_seeded_and_follow_the_posterior(kosovo):
    assert len(kosovo.draws) == 4000
    assert kosovo.draws.min() >= kosovo.observed
    assert abs(np.median(kosovo.draws) - kosovo.estimate) < 0.02 * kosovo.estimate
    again = DGA(load("kosovo_1999_lcmcr"), delta=1 / 16, seed=kosovo.settings["seed"]).fit()
    assert np.array_equal(again.draws, kosovo.draws)
    fresh = DGA(load("kosovo_1999_lcmcr"), delta=1 / 16).fit()
    assert fresh.settings["seed"] != kosovo.settings["seed"] and not np.array_equal(fresh.draws, kosovo.draws)


def test_default_delta_is_one_over_cells():
    result = DGA(load("hepatitis_a_taiwan_1995"), n_max=3000).fit()
    assert result.settings["delta"] == 1 / 8


def test_short_grid_is_warned():
    result = DGA(load("kosovo_1999_lcmcr"), n_max=5000).fit()
    assert any("raise n_max" in text for text in result.warnings)
    assert result.diagnostics["grid"]["missing_max"] == 5000


@pytest.mark.parametrize("name", ["uk_modern_slavery_2013_6lists", "snowshoe_hare_rcapture"])
def test_more_than_five_lists_is_refused(name):
    with pytest.raises(HistoryError, match="3 to 5 lists"):
        DGA(load(name))


def test_two_lists_are_refused():
    two = CaptureHistories(("a", "b"), np.array([[1, 1], [1, 0], [0, 1]]), np.array([5, 6, 7]))
    with pytest.raises(HistoryError, match="3 to 5 lists"):
        DGA(two)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"delta": 0}, "delta"), ({"delta": -1}, "delta"), ({"n_max": 0}, "n_max"), ({"n_draws": 0}, "n_draws")],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DGA(load("kosovo_1999_lcmcr"), **kwargs)


def test_bad_prior_is_refused():
    with pytest.raises(ValueError, match="a > 0"):
        NegativeBinomialPrior(a=0, b=1)


def test_simulated_independent_lists_are_covered():
    # 5,000 people, three independent lists: the independence graph should dominate and the interval hold N
    rng = np.random.default_rng(7)
    truth = 5_000
    matrix = rng.random((truth, 3)) < np.array([0.2, 0.3, 0.25])
    seen = matrix[matrix.any(axis=1)].astype(np.uint8)
    result = DGA(CaptureHistories.from_matrix(seen, ("a", "b", "c"))).fit()
    assert result.lower < truth < result.upper
    assert result.diagnostics["model_weights"][0]["graph"] == "[a][b][c]"
