"""The model on the hand-labelled lists: it must find exactly the true persons, across scripts and spellings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from link_fixtures import labelled, true_pairs

from tollbook.errors import TollbookError
from tollbook.link import link_files
from tollbook.link.api import link_frame
from tollbook.link.keys import records_frame


def test_link_files_finds_the_true_persons(list_files: list[Path]) -> None:
    clusters = link_files(list_files, threshold=0.9)
    truth = labelled().set_index(["source", "record_id"])["truth"]
    clusters["truth"] = [truth[(s, r)] for s, r in zip(clusters["source"], clusters["record_id"], strict=True)]
    key = clusters["source"] + ":" + clusters["record_id"]
    found, expected = true_pairs(key, clusters["person_id"]), true_pairs(key, clusters["truth"])
    assert found == expected
    assert clusters["person_id"].nunique() == clusters["truth"].nunique()


def test_link_files_is_reproducible(list_files: list[Path]) -> None:
    first, second = link_files(list_files), link_files(list_files)
    pd.testing.assert_frame_equal(first, second)


def test_within_list_duplicates_are_found(list_files: list[Path]) -> None:
    clusters = link_files(list_files).set_index("record_id")
    assert clusters.loc["n6", "person_id"] == clusters.loc["n6b", "person_id"]


def test_same_name_same_city_different_men_stay_apart(list_files: list[Path]) -> None:
    clusters = link_files(list_files).set_index("record_id")
    assert clusters.loc["n1", "person_id"] != clusters.loc["n2", "person_id"]


def test_repeated_record_ids_are_refused() -> None:
    frame = records_frame([{"unique_id": "x", "source": "a", "given_name": "Ali"},
                           {"unique_id": "x", "source": "a", "given_name": "Reza"}])
    with pytest.raises(TollbookError, match="unique"):
        link_frame(frame)


def test_thresholds_must_be_ordered() -> None:
    frame = records_frame([{"unique_id": "x", "source": "a", "given_name": "Ali"}])
    with pytest.raises(TollbookError, match="review_lower"):
        link_frame(frame, threshold=0.5, review_lower=0.9)
