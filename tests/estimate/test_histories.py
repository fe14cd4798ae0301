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


def _with_pandas(path: Path, strata: list[str]) -> dict[str | None, CaptureHistories]:
    """The histories as pandas reads the file (how read_pattern_csv read it before it stopped importing pandas)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    lists = [name for name in frame.columns if name != "count" and name not in strata]
    if not strata:
        return {None: CaptureHistories.from_frame(frame, lists, count_col="count")}
    labels = frame[strata].astype(str).agg(" / ".join, axis=1)
    return {str(label): CaptureHistories.from_frame(frame.iloc[rows], lists, count_col="count", stratum=str(label))
            for label, rows in labels.groupby(labels, sort=False).indices.items()}  # fmt: skip


def _assert_same(ours: CaptureHistories, theirs: CaptureHistories) -> None:
    assert ours.lists == theirs.lists and ours.stratum == theirs.stratum
    assert np.array_equal(ours.patterns, theirs.patterns) and np.array_equal(ours.counts, theirs.counts)


STRATA = {"scotland_pwid_2006_conting": ["Region", "Gender", "Age"], "spina_bifida_ny_by_ethnicity_conting": ["eth"]}
COLOMBIA = ["sexo", "yy_hecho", "dept_code_hecho", "edad_categoria", "etnia", "p_str"]


@pytest.mark.parametrize("path", sorted(p for p in DATA.glob("*.csv") if p.stem not in ("colombia_verdata_"
                                        "reclutamiento_R1", "colombia_verdata_reclutamiento_R2")),
                         ids=lambda path: path.stem)  # fmt: skip
def test_every_bundled_file_reads_as_pandas_reads_it(path: Path) -> None:
    strata = STRATA.get(path.stem, [])
    ours, theirs = read_pattern_csv(path, strata=strata), _with_pandas(path, strata)
    assert list(ours) == list(theirs)  # strata in the order the file first names them
    for key, histories in ours.items():
        _assert_same(histories, theirs[key])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["colombia_verdata_reclutamiento_R1", "colombia_verdata_reclutamiento_R2"])
def test_colombia_strata_read_as_pandas_reads_them(name: str) -> None:
    """7,813 strata of 34 lists: the same labels in the same order, people per stratum, and summed patterns."""
    from tollbook.estimate.strata import combine

    ours = read_pattern_csv(DATA / f"{name}.csv", strata=COLOMBIA)
    frame = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
    labels = frame[COLOMBIA].astype(str).agg(" / ".join, axis=1)
    people = frame["count"].astype(int).groupby(labels, sort=False).sum()
    assert list(ours) == list(people.index)
    assert [h.observed for h in ours.values()] == people.tolist()
    lists = [name for name in frame.columns if name not in ("count", *COLOMBIA)]
    _assert_same(combine(list(ours.values()), "all"),
                 CaptureHistories.from_frame(frame, lists, count_col="count", stratum="all"))


def test_messy_but_readable_pattern_file(tmp_path: Path) -> None:
    """A spreadsheet's export: byte-order mark, CRLF, a blank line, quoted cells, 1.0 and spaces around numbers."""
    path = tmp_path / "messy.csv"
    path.write_bytes('\ufeffA,"B",C,count\r\n1,0,1,3\r\n\r\n0,1.0,0, 2 \r\n" 1 ",1,0,1e0\r\n1,0,1,4\r\n'.encode())
    h = read_pattern_csv(path)[None]
    assert h.lists == ("A", "B", "C")
    assert h.patterns.tolist() == [[0, 1, 0], [1, 0, 1], [1, 1, 0]]
    assert h.counts.tolist() == [2, 7, 1]


@pytest.mark.parametrize(("text", "message"), [
    (b"", r"empty\.csv: cannot read as CSV \(the file is empty"),
    (b"A,B,count\n1,0,3\n\n1,x,2\n", r"row 4, column 'B': value 'x' is not 0 or 1"),  # the file's own line
    (b"A,B,count\n1,0,3\n0,1,3,4\n", r"row 3: 4 cells, but the header names 3 columns"),
    (b"A,A,count\n1,0,3\n", r"row 1: column 'A' is named twice"),
    (b"A,,count\n1,0,3\n", r"row 1: column 2 of the header has no name"),
    (b"A,B,count\n1,0\n", r"row 2, column 'count': count '' is not a non-negative whole number"),
    (b"A,B,count\n1,0,1_000\n", r"count '1_000' is not"),
    ("A,B,count\n1,\u0661,3\n".encode(), r"column 'B': value '\u0661' is not 0 or 1"),  # Arabic-Indic one
    (b"A,B,count\n1,0,3\n\xff\xfe,1,2\n", r"cannot read as CSV \(not UTF-8 text: byte 16 is b'\\xff'\)"),
])  # fmt: skip
def test_unreadable_pattern_files_are_one_clear_line(tmp_path: Path, text: bytes, message: str) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(text)
    with pytest.raises(HistoryError, match=message):
        read_pattern_csv(path)


def test_header_only_file_has_no_people(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("A,B,count\n")
    assert read_pattern_csv(path)[None].observed == 0
