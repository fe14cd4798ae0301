"""link_frame's stages after scoring on arrays end to end against the previous implementation (kept in
tests/link/after_scoring_reference.py): the same persons in the same order, the same kept pairs with every
column to the bit, the same fitted prior; with and without reviewers' decisions, and for a saved model."""

from __future__ import annotations

from typing import Any

import after_scoring_reference as reference
import numpy as np
import pandas as pd
import pytest

from tollbook.link import api
from tollbook.synth import realistic_lists


def _scored(size: int, seed: int, monkeypatch: pytest.MonkeyPatch, **options: Any) -> tuple[Any, dict]:
    """link_frame's result on realistic lists, and the keys and scored pairs it clustered."""
    seen: dict[str, Any] = {}
    score = api.score

    def keep(keys: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
        seen["keys"], seen["scored"] = keys, score(keys, *args, **kwargs)
        return seen["scored"]

    monkeypatch.setattr(api, "score", keep)
    return api.link_frame(realistic_lists(size, seed).records.drop(columns=["truth"]), **options), seen


def _assert_as_before(result: api.Clustering, expected: tuple[dict, pd.DataFrame, dict]) -> None:
    assignment, pairs, model = expected
    assert result.assignment == assignment and list(result.assignment) == list(assignment)
    assert result.clusters == len(set(assignment.values()))
    pd.testing.assert_frame_equal(result.pairs, pairs, check_exact=True)
    assert result.model == model


def _decisions(ids: np.ndarray, seed: int, count: int) -> tuple[list, list]:
    rng = np.random.default_rng(seed)
    return ([tuple(p) for p in rng.choice(ids, (count, 2)).tolist()],
            [tuple(p) for p in rng.choice(ids, (count, 2)).tolist()])


@pytest.mark.slow
@pytest.mark.parametrize(("size", "seed", "decided"), [(6_000, 5, 0), (6_000, 6, 200)])
def test_stages_after_scoring_give_the_previous_persons_and_pairs(size: int, seed: int, decided: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    must, cannot = _decisions(realistic_lists(size, seed).records["unique_id"].to_numpy(), seed, decided)
    result, seen = _scored(size, seed, monkeypatch, must_link=must, cannot_link=cannot)
    expected = reference.after_scoring(seen["keys"], seen["scored"], api.DEFAULT_THRESHOLD,
                                       api.DEFAULT_REVIEW_LOWER, None, must, cannot)
    _assert_as_before(result, expected)
    assert "gamma_competition" in result.pairs and result.clusters < 0.8 * len(result.assignment)


@pytest.mark.slow
def test_a_saved_model_keeps_the_previous_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    first, _seen = _scored(3_000, 7, monkeypatch)
    result, seen = _scored(3_000, 7, monkeypatch, model=first.model, threshold=0.3, review_lower=0.02)
    expected = reference.after_scoring(seen["keys"], seen["scored"], 0.3, 0.02, first.model)
    _assert_as_before(result, expected)
    assert "gamma_competition" not in result.pairs


def test_the_assignment_is_built_from_the_arrays_when_asked() -> None:
    found = api.Clustering(np.array(["b", "a", "c"], dtype=object), np.array(["b", "b", "c"], dtype=object),
                           pd.DataFrame(), {}, True, 0)
    assert "assignment" not in found.__dict__ and found.clusters == 2
    assert list(found.assignment.items()) == [("b", "b"), ("a", "b"), ("c", "c")]
