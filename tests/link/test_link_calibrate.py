"""The prior settled on the data: the share of pairs inside clusters, reached by shifting match weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tollbook.link.calibrate import calibrate_prior, log_odds


def test_the_prior_settles_where_it_equals_the_share_of_pairs_inside_clusters() -> None:
    # ten records (45 pairs); at the stated prior 0.01 two pairs clear 0.5, which raises the prior to 2/45, which
    # lifts the third pair over 0.5 too: the prior settles at 3/45 and every weight moves by the same shift
    ids = [str(i) for i in range(10)]
    pairs = pd.DataFrame({"unique_id_l": ["0", "2", "4"], "unique_id_r": ["1", "3", "5"],
                          "match_weight": [3.0, 1.0, -2.0], "gamma_age": np.array([3, 1, 0], dtype="int8")})
    pairs["match_probability"] = 1 / (1 + np.exp2(-pairs["match_weight"]))
    messages: list[str] = []
    rescored, prior = calibrate_prior(ids, pairs, 0.01, 0.5, dict.fromkeys(ids, "A"), messages.append)
    assert prior == pytest.approx(3 / 45)
    shift = log_odds(3 / 45) - log_odds(0.01)
    assert rescored["match_weight"].tolist() == pytest.approx((pairs["match_weight"] + shift).tolist())
    assert rescored["match_probability"].tolist() == pytest.approx(
        (1 / (1 + np.exp2(-(pairs["match_weight"] + shift)))).tolist())
    assert (rescored["match_probability"] >= 0.5).all() and rescored["gamma_age"].tolist() == [3, 1, 0]
    assert len(messages) == 3 and messages[0].startswith("calibrating the prior, round 1: 0.01 -> 0.0444")
