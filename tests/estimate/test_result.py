"""EstimateResult: JSON-safe dicts, summaries in three formats, draws never serialised."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from tollbook.estimate.result import EstimateResult, code_version


def _result(**changes: object) -> EstimateResult:
    fields = dict(
        method="lcmcr", model=None, estimate=10_122.0, lower=8_616.0, upper=13_372.0, observed=4_400,
        stratum=None, settings={"K": np.int64(10), "seed": 1}, diagnostics={"rhat": np.float64(1.2)},
        data_hash="ab" * 32, converged=False, warnings=("chains disagree",), draws=np.arange(5.0),
    )  # fmt: skip
    fields.update(changes)
    return EstimateResult(**fields)


def test_to_dict_is_json_safe_and_has_no_draws() -> None:
    data = _result().to_dict()
    text = json.dumps(data, allow_nan=False)
    assert "draws" not in data
    assert json.loads(text)["settings"]["K"] == 10
    assert data["converged"] is False
    for key in ("method", "model", "estimate", "lower", "upper", "observed", "stratum", "settings"):
        assert key in data


def test_non_finite_numbers_become_null() -> None:
    data = _result(estimate=math.nan, diagnostics={"ess": math.inf}).to_dict()
    assert data["estimate"] is None
    assert data["diagnostics"]["ess"] is None


def test_summaries_show_non_convergence_next_to_the_number() -> None:
    text = _result().summary()
    assert "10,122" in text and "8,616 – 13,372" in text
    assert "converged: NO" in text and "WARNING: chains disagree" in text
    html = _result(stratum="<Tehran>").summary("html")
    assert "&lt;Tehran&gt;" in html and "Warning: chains disagree" in html
    assert _result().summary("dict") == _result().to_dict()


def test_unknown_summary_format() -> None:
    with pytest.raises(ValueError, match="unknown summary format"):
        _result().summary("pdf")


def test_code_version_is_filled_in() -> None:
    assert _result().code_version == code_version() != ""


def test_plain_language_says_what_the_number_is_and_when_not_to_trust_it() -> None:
    what, assumptions, trust = _result().plain_language()
    assert "10,122 people in total" in what and "the 4,400 documented" in what and "about 5,722" in what
    assert "closed population" in assumptions and "linkage" in assumptions and "hidden groups" in assumptions
    assert trust.startswith("Do not rely on it") and "did not settle" in trust
    settled = _result(converged=True, warnings=()).plain_language()[2]
    assert settled.startswith("When not to trust it")
    nothing = _result(estimate=math.nan, warnings=("stratum 'x' not estimated: only 4 people",)).plain_language()
    assert "No estimate here" in nothing[0] and "floor" in nothing[1]
    assert _result().to_dict()["plain_language"] == _result().plain_language()
    assert "hidden groups" in _result().summary() and "plain-language" in _result().summary("html")
