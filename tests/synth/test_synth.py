"""The realistic generator: seeded, as concentrated as the register's published counts, with the noise it claims."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tollbook.link.keys import INPUT_COLUMNS
from tollbook.synth import LIST_NAMES, realistic_lists
from tollbook.synth.evaluate import evidence_ceiling, quality
from tollbook.synth.names import family_names, fill_counts, given_names


def test_same_seed_same_lists_and_other_seed_other_lists() -> None:
    a, b, c = realistic_lists(800, 3), realistic_lists(800, 3), realistic_lists(800, 4)
    pd.testing.assert_frame_equal(a.records, b.records)
    assert not a.records["given_name"].equals(c.records["given_name"])
    assert set(INPUT_COLUMNS) <= set(a.records.columns) and set(a.records["source"]) == set(LIST_NAMES)


def test_published_counts_keep_their_ratios() -> None:
    male, family = given_names("m"), family_names()
    assert male.name(0).canonical == "mohammad" and family.name(0).canonical == "mohammadi"
    assert male.probabilities[1] / male.probabilities[0] == pytest.approx(2_263_006 / 2_435_888)
    assert family.probabilities[2] / family.probabilities[0] == pytest.approx(614_399 / 960_505)
    assert 0.15 < male.top_share(3) < 0.30  # Mohammad, Ali, Hossein
    assert family.top_share(3) < 0.05 < family.top_share(100)  # family names are spread over a long tail


def test_gaps_are_interpolated_between_published_neighbours() -> None:
    counts = fill_counts([1000.0, None, 250.0], 5, exponent=1.0)
    assert counts[0] == pytest.approx(1000) and counts[2] == pytest.approx(250) and 250 < counts[1] < 1000
    assert counts[4] == pytest.approx(250 * 3 / 5)


def test_lists_carry_duplicates_both_scripts_missing_fathers_and_partial_dates() -> None:
    records = realistic_lists(4000, 5).records
    persian = records["given_name"].str.contains("[\u0600-\u06ff]", regex=True)
    assert 0.3 < persian.mean() < 0.8
    assert 0.3 < records["father_name"].isna().mean() < 0.7
    assert (records["date_precision"] == "month").any() and records["date_of_death"].isna().any()
    assert records["city_code"].isna().mean() > records["province_code"].isna().mean()
    assert records.duplicated(["source", "truth"]).sum() > 0  # within-list duplicates
    assert records["truth"].value_counts().max() >= 3


def test_namesakes_are_common_as_in_a_real_national_list() -> None:
    lists = realistic_lists(50_000, 1, persons=30_000)
    people = lists.people
    sharing = people.groupby(["given", "family"]).size()
    assert sharing.max() >= 15 and (sharing >= 2).sum() > 500


def test_quality_counts_pairs_from_labels() -> None:
    q = quality(["a", "a", "b", "c"], [1, 1, 1, 2])
    assert (q.precision, round(q.recall, 4), q.persons, q.true_persons) == (1.0, 0.3333, 3, 2)


def test_ceiling_links_patterns_whose_true_pairs_outnumber_false_ones() -> None:
    patterns = pd.DataFrame({"pattern": ["aa", "ad"], "true_pairs": [90, 10], "false_pairs": [10, 50]})
    precision, recall = 90 / 100, 90 / 100
    assert evidence_ceiling(patterns) == pytest.approx(2 * precision * recall / (precision + recall))
    assert np.isclose(evidence_ceiling(patterns.assign(true_pairs=[0, 0])), 0.0)
