"""The scorer's compiled string measures against DuckDB (whose gammas they must give) and rapidfuzz (whose
summation order the Jaro-Winkler follows), on names of several scripts and strings built to break them."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import JaroWinkler, Levenshtein

from tollbook.link._strings_kernel import code_points
from tollbook.link.similarity import DuckDBJaroWinkler, StringMeasures, jaro_winkler, levenshtein

ZWNJ, ACUTE = "\u200c", "\u0301"
LONG = "abcdefghijklmnopqrstuvwxyz" * 3  # 78 characters: rapidfuzz's multi-word algorithm beyond 64
ADVERSARIAL = [
    ("", ""), ("", "a"), ("a", ""), ("a", "a"), ("a", "b"), ("ab", "ba"), ("abc", "cab"), ("ab", "a"),
    ("martha", "marhta"), ("dixon", "dicksonx"), ("abcde", "abcdx"), ("jellyfish", "smellyfish"),
    ("محمد", "محمد"), ("محمد", "محمّد"), ("مریم", "مریم" + ZWNJ), ("زهرا", "زهره"), ("علی‌رضا", "علیرضا"),
    ("فاطمه", "فاطیما"), ("Mohammad", "محمد"), ("José", "Jose" + ACUTE), ("Jose" + ACUTE, "Jos" + ACUTE + "e"),
    ("\U0001F600a", "\U0001F600b"), ("\U0001F468\u200d\U0001F469x", "\U0001F468\u200d\U0001F469y"),
    ("𝔞𝔟𝔠", "𝔞𝔠𝔟"), ("aaaaa", "aaabbb"), ("abxxxxxx", "abyyyyyy"), ("abcdefgh", "abcdefgx"),
    (LONG, LONG), (LONG, LONG[:-1] + "!"), (LONG, LONG[1:]), (LONG, LONG[::-1]), ("a" * 70 + "b", "a" * 70 + "c"),
    ("ab" * 40, "ba" * 40), (LONG + "محمد", "محمد" + LONG), ("x", LONG),
]
ALPHABET = "abcde" + "مریحد" + ZWNJ + ACUTE + "\U0001F600\U0001D11E"


def duckdb_measures(left: list[str], right: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """DuckDB's jaro_winkler_similarity and levenshtein of each pair."""
    connection = duckdb.connect()
    connection.register("pairs", pd.DataFrame({"a": left, "b": right}, dtype=object))
    found = connection.execute("select jaro_winkler_similarity(a, b) j, levenshtein(a, b) l from pairs").fetchnumpy()
    return np.asarray(found["j"], dtype=np.float64), np.asarray(found["l"], dtype=np.float64)


def assert_as_duckdb(left: list[str], right: list[str]) -> None:
    """Our measures equal DuckDB's: similarities to 1e-12, distances exactly."""
    similar, distances = duckdb_measures(left, right)
    ours = jaro_winkler(np.array(left, dtype=object), np.array(right, dtype=object))
    np.testing.assert_allclose(ours, similar, rtol=0, atol=1e-12)
    assert (levenshtein(np.array(left, dtype=object), np.array(right, dtype=object)) == distances).all()


def random_pairs(count: int, seed: int) -> tuple[list[str], list[str]]:
    """Pairs of short strings over mixed scripts, half of them one string and an edit of it (a swap of two
    neighbours, a changed character), some long."""
    rng = np.random.default_rng(seed)
    letters = list(ALPHABET)
    left, right = [], []
    for _ in range(count):
        extra = 60 if rng.random() < 0.03 else 0
        first = "".join(rng.choice(letters, rng.integers(0, 9) + extra))
        second = list(first if rng.random() < 0.5 else "".join(rng.choice(letters, rng.integers(0, 9) + extra)))
        if len(second) > 1 and rng.random() < 0.5:
            at = rng.integers(0, len(second) - 1)
            second[at], second[at + 1] = second[at + 1], second[at]
        if second and rng.random() < 0.3:
            second[rng.integers(0, len(second))] = rng.choice(letters)
        left.append(first)
        right.append("".join(second))
    return left, right


def test_adversarial_pairs_measure_as_duckdb() -> None:
    left, right = (list(side) for side in zip(*ADVERSARIAL, strict=True))
    assert_as_duckdb(left, right)
    assert_as_duckdb(right, left)


def test_adversarial_pairs_measure_as_rapidfuzz_except_two_empty_strings() -> None:
    left, right = (list(side) for side in zip(*ADVERSARIAL, strict=True))
    ours = jaro_winkler(np.array(left, dtype=object), np.array(right, dtype=object))
    theirs = np.array([JaroWinkler.similarity(a, b) if a or b else 0.0 for a, b in zip(left, right, strict=True)])
    assert (ours == theirs).all()  # bit for bit: the same sums in the same order
    distances = levenshtein(np.array(left, dtype=object), np.array(right, dtype=object))
    assert (distances == [Levenshtein.distance(a, b) for a, b in zip(left, right, strict=True)]).all()
    assert ours[0] == 0.0 and JaroWinkler.similarity("", "") == 1.0  # DuckDB's convention, not rapidfuzz's


def test_winkler_conventions_are_duckdb_s() -> None:
    left, right = ["aaaaa", "abxxxxxx", "abcdefgh", "abcde"], ["aaabbb", "abyyyyyy", "abcdefgx", "badcx"]
    similar = jaro_winkler(np.array(left, dtype=object), np.array(right, dtype=object))
    assert similar[0] == pytest.approx(0.79, abs=1e-12)  # Jaro 0.7000000000000001: just above 0.7, boosted
    assert similar[1] == pytest.approx(0.5, abs=1e-12)  # Jaro 0.5, prefix 2: not boosted
    assert similar[2] == pytest.approx(11 / 12 + 0.4 / 12, abs=1e-12)  # Jaro 11/12; a prefix of 7 counts as 4
    assert similar[3] == duckdb_measures(["abcde"], ["badcx"])[0][0]  # no common prefix
    assert_as_duckdb(left, right)


def test_a_random_sample_of_pairs_measures_as_duckdb() -> None:
    left, right = random_pairs(20_000, seed=7)
    assert_as_duckdb(left, right)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(ALPHABET, max_size=12), st.text(ALPHABET, max_size=12)), min_size=1,
                max_size=40))
def test_any_pairs_measure_as_duckdb(pairs: list[tuple[str, str]]) -> None:
    left, right = (list(side) for side in zip(*pairs, strict=True))
    assert_as_duckdb(left, right)


def test_cutoff_and_limit_keep_the_old_semantics() -> None:
    left = np.array(["martha", "abcde", "dixon", "", "kitten"], dtype=object)
    right = np.array(["marhta", "vwxyz", "dicksonx", "", "sitting"], dtype=object)
    full = jaro_winkler(left, right)
    cut = jaro_winkler(left, right, cutoff=0.9)
    assert (cut == np.where(full >= 0.9, full, 0.0)).all() and cut[0] == full[0] > 0.9
    assert (levenshtein(left, right, limit=2) == [2, 3, 3, 0, 3]).all()
    assert (levenshtein(left, right) == [2, 5, 4, 0, 3]).all()
    assert len(jaro_winkler(left[:0], right[:0])) == len(levenshtein(left[:0], right[:0])) == 0


def test_code_points_count_characters_as_python_and_duckdb() -> None:
    values = ["", "a", "\U0001F600", "e" + ACUTE, "مریم" + ZWNJ, "\ud800x"]  # a lone surrogate too
    points, offsets = code_points(values)
    assert (np.diff(offsets) == [len(v) for v in values]).all()
    assert points.dtype == np.int32 and points[offsets[2]] == 0x1F600 and points[offsets[5]] == 0xD800
    assert "".join(map(chr, points)) == "".join(values)


def test_measures_of_codes_match_duckdb_per_pair_and_ask_it_on_thresholds() -> None:
    left, right = random_pairs(5_000, seed=11)
    vocabulary, codes = np.unique(np.array(left + right, dtype=object), return_inverse=True)
    l_codes, r_codes = codes[:len(left)], codes[len(left):]
    asked: list[int] = []
    exact = DuckDBJaroWinkler()

    def counted(a: list[str], b: list[str]) -> np.ndarray:
        asked.append(len(a))
        return exact(a, b)

    thresholds = {("jaro_winkler", "name"): [0.92, 0.88, 0.7], ("levenshtein", "name"): [1, 2]}
    measures = StringMeasures({"name": vocabulary}, thresholds, counted)
    similar, distances = duckdb_measures(left, right)
    ours = measures.measure("jaro_winkler", "name", l_codes, r_codes)
    wanted = similar >= 0.7 - 1e-6
    np.testing.assert_allclose(ours[wanted], similar[wanted], rtol=0, atol=1e-12)
    assert (ours[~wanted] == 0).all() and sum(asked) > 0
    for threshold in (0.92, 0.88, 0.7):
        assert ((ours >= threshold) == (similar >= threshold)).all()
    assert (measures.measure("levenshtein", "name", l_codes, r_codes) == np.minimum(distances, 3)).all()
