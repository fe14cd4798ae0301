"""Log-linear models against Rcapture 1.4-4 (closedp.t and closedpCI.t).

Reference figures: the issue's runs of Rcapture's closedp.t on Kosovo and the snowshoe hare, and the printed
output of Rcapture's own examples (tests/Examples/Rcapture-Ex.Rout.save in the Rcapture sources: the hare table,
the HIV closedpCI.t intervals and the two-occasion example of Seber 1982, p. 107).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mse_reference import agrees, load

from tollbook.estimate.histories import CaptureHistories, HistoryError
from tollbook.estimate.loglinear import LogLinearModel, closedp, hierarchical_closure


def by_model(histories: CaptureHistories, ordered: bool = True) -> dict:
    """closedp's models by name; ``ordered`` (the lists as capture occasions in time order) adds Mb and Mbh."""
    return {result.model: result for result in closedp(histories, ordered=ordered, seed=0)}


@pytest.fixture(scope="module")
def kosovo() -> dict:
    return by_model(load("kosovo_1999_lcmcr"))


@pytest.fixture(scope="module")
def hare() -> dict:
    return by_model(load("snowshoe_hare_rcapture"))


KOSOVO = [  # Rcapture closedp.t on kosovo_aggregate (the issue): abundance, standard error
    ("M0", 7608, 137),
    ("Mt", 7395, 130),
    ("Mth Chao (LB)", 8591, 214),
    ("Mth Poisson2", 9328, 306),
    ("Mth Darroch", 12797, 815),
    ("Mb", 5190, None),
]


@pytest.mark.parametrize(("model", "estimate", "se"), KOSOVO)
def test_kosovo_matches_rcapture_to_3_significant_figures(kosovo, model, estimate, se):
    result = kosovo[model]
    assert agrees(result.estimate, estimate)
    if se is not None:
        assert agrees(result.diagnostics["se"], se)
    assert result.converged


HARE = [  # Rcapture-Ex.Rout.save, closedp.t(hare): abundance, stderr, deviance, df, AIC
    ("M0", 75.4, 3.5, 68.516, 61, 154.707),
    ("Mt", 75.1, 3.4, 58.314, 56, 154.505),
    ("Mh Chao (LB)", 79.8, 6.4, 58.023, 58, 150.214),
    ("Mh Poisson2", 81.5, 5.7, 59.107, 60, 147.298),
    ("Mh Darroch", 90.4, 11.6, 61.600, 60, 149.791),
    ("Mh Gamma3.5", 100.6, 21.7, 62.771, 60, 150.961),
    ("Mth Chao (LB)", 79.6, 6.3, 47.115, 52, 151.305),
    ("Mth Poisson2", 81.1, 5.6, 48.137, 55, 146.327),
    ("Mth Darroch", 90.5, 11.7, 50.706, 55, 148.896),
    ("Mth Gamma3.5", 101.6, 22.4, 51.956, 55, 150.147),
    ("Mb", 81.1, 8.3, 67.027, 60, 155.217),
    ("Mbh", 74.2, 14.6, 63.257, 59, 153.447),
]


@pytest.mark.parametrize(("model", "estimate", "se", "deviance", "df", "aic"), HARE)
def test_hare_table_matches_rcapture_example(hare, model, estimate, se, deviance, df, aic):
    result = hare[model]
    assert round(result.estimate, 1) == pytest.approx(estimate)
    assert round(result.diagnostics["se"], 1) == pytest.approx(se)
    assert result.diagnostics["deviance"] == pytest.approx(deviance, abs=5e-4)
    assert result.diagnostics["df"] == df
    assert result.diagnostics["AIC"] == pytest.approx(aic, abs=5e-4)


@pytest.mark.parametrize(
    ("model", "estimate", "se"),
    [("Mt", 75.07, 3.35), ("Mth Poisson2", 81.08, 5.57), ("Mh Poisson2", 81.53, 5.71)],  # the issue
)
def test_hare_two_decimals_from_the_issue(hare, model, estimate, se):
    assert round(hare[model].estimate, 2) == pytest.approx(estimate)
    assert round(hare[model].diagnostics["se"], 2) == pytest.approx(se)


def test_bic_is_aic_with_log_n_penalty(hare):
    result = hare["Mt"]
    rank = 1 + 6  # intercept and one effect per occasion
    assert result.diagnostics["BIC"] == pytest.approx(result.diagnostics["AIC"] + (math.log(68) - 2) * rank)


def test_hiv_profile_intervals_match_closedpci():
    # Rcapture-Ex.Rout.save: closedpCI.t(HIV, mX = ~ . + c1:c2) and mX = ~ (c1+c2+c3+c4)^2
    hiv = load("hiv_rome_rcapture")
    one = LogLinearModel(hiv, [("c1", "c2")]).fit()
    assert (round(one.estimate, 1), round(one.diagnostics["se"], 1)) == (12318.5, 1188.7)
    assert round(one.diagnostics["multinomial_estimate"]) == 12308
    assert (round(one.lower), round(one.upper, 1)) == (10266, 14992.3)
    pairs = [("c1", "c2"), ("c1", "c3"), ("c1", "c4"), ("c2", "c3"), ("c2", "c4"), ("c3", "c4")]
    double = LogLinearModel(hiv, pairs).fit()
    assert round(double.estimate, 1) == 23443.5
    assert (round(double.lower, 1), round(double.upper, 1)) == (10027.6, 50046.3)
    assert double.diagnostics["df"] == 4


def test_two_lists_fit_m0_mt_mb_as_seber_example():
    # Rcapture-Ex.Rout.save: Seber (1982) p.107, counts 167 (both), 781 (first only), 254 (second only)
    two = CaptureHistories(("a", "b"), np.array([[1, 1], [1, 0], [0, 1]]), np.array([167, 781, 254]))
    results = by_model(two)
    assert list(results) == ["M0", "Mt", "Mb"]
    assert list(by_model(two, ordered=False)) == ["M0", "Mt"]
    assert round(results["M0"].estimate, 1) == 2805.6
    assert round(results["Mt"].estimate, 1) == 2389.9
    assert round(results["Mb"].estimate, 1) == 1295.0
    assert round(results["Mb"].diagnostics["se"], 1) == 17.3


def test_interval_brackets_estimate_and_observed(kosovo):
    for result in kosovo.values():
        assert result.observed <= result.lower <= result.estimate <= result.upper
        assert result.method == "loglinear"
        assert result.settings["model"] == result.model


def test_chao_negative_eta_is_reported(hare):
    assert hare["Mh Chao (LB)"].diagnostics["eta_set_to_zero"] == ["eta5"]


def test_hierarchical_closure_adds_lower_order_terms():
    assert hierarchical_closure([("A", "B", "C")]) == [("A", "B"), ("A", "C"), ("B", "C"), ("A", "B", "C")]


def test_saturated_model_has_zero_df_and_custom_name():
    kosovo = load("kosovo_1999_lcmcr")
    result = LogLinearModel(kosovo, [("EXH", "ABA", "OSCE"), ("EXH", "ABA", "HRW")], name="two triples").fit()
    assert result.model == "two triples"
    assert result.diagnostics["df"] == 15 - 1 - 4 - 5 - 2  # all pairs but OSCE:HRW, two triples
    assert result.estimate >= result.observed


def test_non_convergence_or_boundary_is_warned():
    # list c never overlaps list a: the a:c interaction runs off to minus infinity
    patterns = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]])
    sparse = CaptureHistories(("a", "b", "c"), patterns, np.array([30, 40, 20, 10, 5]))
    result = LogLinearModel(sparse, [("a", "c")]).fit()
    assert any("boundary" in text or "converge" in text for text in result.warnings)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"terms": [("EXH", "XYZ")]}, "not among"),
        ({"terms": [("EXH", "EXH")]}, "distinct lists"),
        ({"heterogeneity": "Weibull"}, "unknown heterogeneity"),
        ({"base": "Mx"}, "unknown base"),
        ({"alpha": 1.5}, "alpha"),
    ],
)
def test_bad_model_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LogLinearModel(load("kosovo_1999_lcmcr"), **kwargs)


def test_heterogeneity_needs_three_lists():
    two = CaptureHistories(("a", "b"), np.array([[1, 1], [1, 0], [0, 1]]), np.array([5, 6, 7]))
    with pytest.raises(HistoryError, match="at least 3 lists"):
        LogLinearModel(two, heterogeneity="Chao")


def test_too_many_lists_is_refused_with_advice():
    colombia = load("colombia_verdata_reclutamiento_R1_hombre_1999")
    with pytest.raises(HistoryError, match="LCMCR"):
        closedp(colombia)


def test_wrong_input_type_is_refused():
    with pytest.raises(HistoryError, match="CaptureHistories"):
        closedp({"a": 1})  # type: ignore[arg-type]


def test_behavioural_base_takes_no_terms():
    with pytest.raises(ValueError, match="behavioural"):
        LogLinearModel(load("kosovo_1999_lcmcr"), [("EXH", "ABA")], base="Mb")


def test_simulated_independent_lists_recover_the_truth():
    # 20,000 people, four independent lists: Mt is the true model, so its interval should hold N
    rng = np.random.default_rng(2024)
    truth, probs = 20_000, np.array([0.3, 0.15, 0.25, 0.1])
    matrix = rng.random((truth, 4)) < probs
    seen = matrix[matrix.any(axis=1)].astype(np.uint8)
    histories = CaptureHistories.from_matrix(seen, ("a", "b", "c", "d"))
    result = LogLinearModel(histories).fit()
    assert result.lower < truth < result.upper
    assert abs(result.estimate - truth) < 3 * result.diagnostics["se"]
    assert result.diagnostics["deviance"] < 30  # 10 df: a true model fits


def test_hare_mth_poisson_profile_interval_matches_closedpci(hare):
    # Rcapture-Ex.Rout.save: closedpCI.t(hare, m = "Mth", h = "Poisson"): 80.1 (71.8, 93.8)
    result = hare["Mth Poisson2"]
    assert round(result.diagnostics["multinomial_estimate"], 1) == 80.1
    assert (round(result.lower, 1), round(result.upper, 1)) == (71.8, 93.8)


def test_behavioural_models_need_lists_in_time_order():
    """Mb and Mbh model a response to the previous capture: only meaningful when the lists are occasions."""
    unordered = by_model(load("kosovo_1999_lcmcr"), ordered=False)
    assert "Mb" not in unordered and "Mbh" not in unordered and len(unordered) == 10


def test_simulated_draws_never_fall_below_the_observed(kosovo):
    result = kosovo["Mth Chao (LB)"]
    assert result.draws is not None and len(result.draws) == 4000
    assert result.draws.min() >= result.observed
    assert np.median(result.draws) == pytest.approx(result.estimate, rel=0.01)


def test_kosovo_mth_chao_fails_its_goodness_of_fit_test(kosovo):
    """The issue's case: Mth Chao on Kosovo, deviance 105.5 on 9 df, used to read "converged: yes" and nothing
    else. Its fit p-value is about 1e-18 and the result must say the model does not fit."""
    result = kosovo["Mth Chao (LB)"]
    assert result.diagnostics["deviance"] == pytest.approx(105.5, abs=0.05) and result.diagnostics["df"] == 9
    assert result.diagnostics["gof_p_value"] < 1e-15
    assert any("does not fit" in text for text in result.warnings)
    assert any("does not fit" in line for line in result.plain_language())


def test_models_are_ranked_and_the_preferred_one_is_marked(hare, kosovo):
    for models in (hare, kosovo):
        preferred = [r for r in models.values() if r.diagnostics["preferred"]]
        assert len(preferred) == 1
        assert preferred[0].diagnostics["rank_BIC"] == 1 or not all(r.diagnostics["preferred"] is False
                                                                    for r in models.values())
        assert "lowest BIC" in preferred[0].diagnostics["preferred_rule"]
        ranks = sorted(r.diagnostics["rank_AIC"] for r in models.values())
        assert ranks == list(range(1, len(models) + 1))
    assert hare["Mh Poisson2"].diagnostics["preferred"]  # lowest BIC of the hare table (153.96)
    assert kosovo["Mth Chao (LB)"].diagnostics["preferred"]
    assert any("does not fit either" in text for text in kosovo["Mth Chao (LB)"].warnings)


def test_no_profile_interval_on_a_rank_deficient_design():
    """Darroch's heterogeneity column (captures²/2) is a sum of list and pair columns when all pairs are in the
    model: the design is rank-deficient, so, as Rcapture's closedpCI, no profile interval is given."""
    h = load("kosovo_1999_lcmcr")
    pairs = [(a, b) for i, a in enumerate(h.lists) for b in h.lists[i + 1 :]]
    result = LogLinearModel(h, pairs, heterogeneity="Darroch").fit()
    assert math.isnan(result.lower) and math.isnan(result.upper)
    assert any("rank-deficient" in text for text in result.warnings)
    assert math.isnan(result.diagnostics["bias"])


R_OUTPUT = Path(__file__).parent / "r"


@pytest.mark.parametrize("name", ["kosovo_1999_lcmcr", "hepatitis_a_taiwan_1995", "us_western_site_sex_trafficking"])
def test_asymptotic_bias_and_its_warning_match_rcapture(name):
    """R's figures: tests/estimate/r/rcapture_bias_NAME.csv, written by tests/estimate/r/rcapture_bias.R NAME
    (Rcapture 1.4-4 built from its sources, R 4.2.2). Rcapture warns when |bias| > 10% of the estimate. The bias
    agrees within 1%: R takes the covariance from the weights of its last IRLS step, one step before the final
    fit, where we use the final fit's (the Poisson2 models, with their steep covariate, differ most: 0.4%)."""
    reference = pd.read_csv(R_OUTPUT / f"rcapture_bias_{name}.csv")
    ours = by_model(load(name))
    for row in reference.itertuples():
        result = ours[row.model]
        assert result.estimate == pytest.approx(row.abundance, rel=1e-6)
        assert result.diagnostics["bias"] == pytest.approx(row.bias, rel=0.01, abs=1e-6)
        assert result.diagnostics["BIC"] == pytest.approx(row.BIC, rel=1e-8)
        assert any("asymptotic bias is large" in text for text in result.warnings) == row.bias_warning
