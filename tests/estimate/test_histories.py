"""Capture histories: tabulation, validation messages, list merging, canonical hashing, CSV reading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tollbook.estimate.histories import CaptureHistories, HistoryError, read_pattern_csv

DATA = Path(__file__).parent.parent / "data" / "mse"


def _abc() -> CaptureHistories:
    return CaptureHistories(("A", "B", "C"), np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1]]), np.array([5, 2, 7]))


def test_counts_and_properties() -> None:
    h = _abc()
    assert h.observed == 14
    assert h.n_lists == 3
    assert h.list_totals() == {"A": 7, "B": 2, "C": 7}


def test_full_table_puts_first_list_in_the_highest_bit() -> None:
    table = _abc().full_table()
    assert table.shape == (8,)
    assert table[0] == 0
    assert table[0b100] == 5  # on A only
    assert table[0b110] == 2  # on A and B
    assert table[0b001] == 7  # on C only
    assert table.sum() == 14


def test_from_matrix_tabulates_people() -> None:
    matrix = [[1, 0], [1, 0], [0, 1], [1, 1]]
    h = CaptureHistories.from_matrix(matrix, ["X", "Y"])
    assert h.observed == 4
    assert dict(zip(map(tuple, h.patterns.tolist()), h.counts.tolist(), strict=True)) == {
        (1, 0): 2,
        (0, 1): 1,
        (1, 1): 1,
    }


def test_from_matrix_refuses_a_person_on_no_list() -> None:
    with pytest.raises(HistoryError, match="row 1 of the matrix is on no list"):
        CaptureHistories.from_matrix([[1, 0], [0, 0]], ["X", "Y"])


def test_from_frame_sums_repeated_patterns_and_drops_zero_counts() -> None:
    frame = pd.DataFrame({"A": [1, 1, 0, 0], "B": [0, 0, 1, 1], "n": [2, 3, 4, 0]})
    h = CaptureHistories.from_frame(frame, ["A", "B"], count_col="n")
    assert h.n_patterns == 2
    assert h.observed == 9


@pytest.mark.parametrize(
    ("lists", "patterns", "counts", "message"),
    [
        (("A",), [[1]], [3], "at least 2 lists"),
        (("A", "A"), [[1, 0]], [3], "distinct"),
        (("A", "B"), [[1, 2]], [3], "only 0"),
        (("A", "B"), [[0, 0]], [3], "all zeros"),
        (("A", "B"), [[1, 0]], [-1], "positive"),
        (("A", "B"), [[1, 0]], [1.5], "whole numbers"),
        (("A", "B"), [[1, 0], [1, 0]], [1, 2], "unique"),
    ],
)
def test_validation_messages(lists: tuple, patterns: list, counts: list, message: str) -> None:
    with pytest.raises(HistoryError, match=message):
        CaptureHistories(lists, np.array(patterns), np.array(counts))


def test_arrays_are_read_only() -> None:
    with pytest.raises(ValueError):
        _abc().counts[0] = 99


def test_data_hash_ignores_row_order_but_not_counts() -> None:
    h = _abc()
    shuffled = CaptureHistories(h.lists, h.patterns[::-1].copy(), h.counts[::-1].copy())
    changed = CaptureHistories(h.lists, h.patterns.copy(), h.counts + 1)
    assert h.data_hash() == shuffled.data_hash()
    assert h == shuffled
    assert h.data_hash() != changed.data_hash()


def test_merge_lists_ors_the_members() -> None:
    merged = _abc().merge_lists({"AB": ["A", "B"]})
    assert merged.lists == ("AB", "C")
    assert merged.observed == 14
    assert merged.list_totals() == {"AB": 7, "C": 7}


def test_merge_lists_refuses_unknown_and_repeated_lists() -> None:
    with pytest.raises(HistoryError, match="not among"):
        _abc().merge_lists({"G": ["A", "Z"]})
    with pytest.raises(HistoryError, match="two groups"):
        _abc().merge_lists({"G": ["A", "B"], "H": ["B", "C"]})


def test_drop_lists_removes_people_only_on_dropped_lists() -> None:
    dropped = _abc().drop_lists(["C"])
    assert dropped.lists == ("A", "B")
    assert dropped.observed == 7


def test_read_kosovo() -> None:
    histories = read_pattern_csv(DATA / "kosovo_1999_lcmcr.csv")
    h = histories[None]
    assert h.lists == ("EXH", "ABA", "OSCE", "HRW")
    assert h.observed == 4400  # LCMCR's kosovo_aggregate has 4,400 rows
    assert h.n_patterns == 15


def test_read_with_strata() -> None:
    strata = read_pattern_csv(DATA / "scotland_pwid_2006_conting.csv", strata=["Region", "Gender", "Age"])
    assert len(strata) == 8
    assert sum(h.observed for h in strata.values()) == 5670
    assert all(h.stratum == key and h.lists == ("S1", "S2", "S3", "S4") for key, h in strata.items())


def test_csv_errors_name_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,0,3\n1,x,2\n")
    with pytest.raises(HistoryError, match=r"bad.csv, row 3, column 'B'"):
        read_pattern_csv(bad)
    bad.write_text("A,B,count\n1,0,3\n0,1,-2\n")
    with pytest.raises(HistoryError, match=r"row 3, column 'count'.*non-negative"):
        read_pattern_csv(bad)
    bad.write_text("A,B,count\n0,0,3\n")
    with pytest.raises(HistoryError, match="all-zero pattern"):
        read_pattern_csv(bad)
    bad.write_text("A,B,n\n1,0,3\n")
    with pytest.raises(HistoryError, match="missing"):
        read_pattern_csv(bad)


def test_csv_stratum_column_not_named_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "strata.csv"
    path.write_text("A,B,province,count\n1,0,Tehran,3\n")
    with pytest.raises(HistoryError, match="name it in strata"):
        read_pattern_csv(path)
    assert read_pattern_csv(path, strata=["province"])["Tehran"].observed == 3
