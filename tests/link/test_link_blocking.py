"""Blocking planned by counting: counts by hand, exploding rules split, and residual rules for the pairs a split
would drop (a record whose province is not given)."""

from __future__ import annotations

import duckdb
import pandas as pd

from tollbook.link.blocking import PlannedRule, plan, rule_pairs


def _keys(rows: list[tuple[str, str, str | None]]) -> pd.DataFrame:
    """A key table of (unique_id, names_phon, province_code) rows, the other refinements not given."""
    keys = pd.DataFrame(rows, columns=["unique_id", "names_phon", "province_code"]).astype(object)
    return keys.assign(dod=None, age=None, city_code=None, sex=None)


# five namesakes in two provinces, two without a province, and one other name
KEYS = _keys([("1", "mhmd|hsn", "IR-23"), ("2", "mhmd|hsn", "IR-23"), ("3", "mhmd|hsn", "IR-10"),
              ("4", "mhmd|hsn", None), ("5", "mhmd|hsn", None), ("6", "al|krm", "IR-23")])


def _blocked(keys: pd.DataFrame, rules: list[PlannedRule]) -> set[tuple[str, str]]:
    """The pairs the planned rules' SQL selects (the conditions Splink is given), evaluated in DuckDB."""
    connection = duckdb.connect()
    connection.register("k", keys)
    found: set[tuple[str, str]] = set()
    for rule in rules:
        sql = f"select l.unique_id, r.unique_id from k l join k r on {rule.sql} and l.unique_id < r.unique_id"
        found |= {tuple(row) for row in connection.execute(sql).fetchall()}
    return found


def test_rule_pairs_counts_agreeing_pairs_and_those_lacking_a_column() -> None:
    assert rule_pairs(KEYS, ("names_phon",)) == 10  # five namesakes: 10 pairs
    assert rule_pairs(KEYS, ("names_phon", "province_code")) == 1  # only 1-2 share a province
    assert rule_pairs(KEYS, ("names_phon",), missing="province_code") == 10 - 3  # all but the 3 pairs of 1, 2, 3


def test_a_rule_under_its_budget_is_kept_whole() -> None:
    assert plan(KEYS, (("names_phon",),), limit=10) == [PlannedRule(("names_phon",), 10)]


def test_a_split_rule_keeps_the_pairs_whose_province_is_missing() -> None:
    planned = plan(KEYS, (("names_phon",),), limit=8)
    split, residual = planned
    assert split.columns == ("names_phon", "province_code") and split.pairs == 1
    assert residual.missing == "province_code" and residual.pairs == 7
    assert "lacks province_code: 7 comparisons" in residual.describe()
    blocked = _blocked(KEYS, planned)
    assert ("1", "4") in blocked and ("4", "5") in blocked and ("3", "5") in blocked
    assert ("1", "3") not in blocked  # two different provinces: the split's purpose
    assert len(blocked) == 8


def test_a_residual_rule_that_would_explode_is_split_too() -> None:
    many = _keys([(str(i), "mhmd|hsn", None if i % 2 else "IR-23") for i in range(40)])
    many["dod"] = [f"2019-11-{15 + i % 3}" for i in range(40)]
    planned = plan(many, (("names_phon",),), limit=200)  # the residual alone would compare 590 pairs
    residual = [rule for rule in planned if rule.missing]
    assert residual and all(rule.pairs <= 200 for rule in residual)
    assert residual[0].columns == ("names_phon", "dod") and residual[0].missing == "province_code"


def namesakes_and_a_pair_without_province() -> pd.DataFrame:
    """Thirty Mohammad Hosseinis in six provinces, and Ebrahim Hosseini on two lists, once without a province."""
    from tollbook.link.keys import records_frame

    provinces = ["IR-23", "IR-10", "IR-07", "IR-15", "IR-30", "IR-05"]
    rows = [{"unique_id": f"m{i}", "source": "network", "given_name": "محمد", "family_name": "حسینی",
             "sex": "male", "age": 20 + i, "province_code": provinces[i % 6]} for i in range(30)]
    rows += [{"unique_id": "x", "source": "ngo", "given_name": "Ebrahim", "family_name": "Hosseini", "sex": "male",
              "province_code": "IR-23"},
             {"unique_id": "y", "source": "media", "given_name": "ابراهیم", "family_name": "حسینی", "sex": "male"}]
    return records_frame(rows)


def small_budget(monkeypatch) -> None:
    """A budget of 50 comparisons per rule, so the namesakes' rules are split."""
    import tollbook.link.blocking as blocking

    monkeypatch.setattr(blocking, "MIN_BUDGET", 50)
    monkeypatch.setattr(blocking, "PAIRS_PER_RECORD", 1)


def test_linkage_scores_a_pair_whose_province_is_missing_when_its_name_rule_is_split(monkeypatch) -> None:
    from tollbook.link.api import link_frame

    small_budget(monkeypatch)
    messages: list[str] = []
    result = link_frame(namesakes_and_a_pair_without_province(), progress=messages.append)
    assert any("split by province_code" in m for m in messages)
    assert any("lacks province_code" in m for m in messages)
    scored = set(zip(result.pairs["unique_id_l"], result.pairs["unique_id_r"], strict=True))
    assert ("x", "y") in scored or ("y", "x") in scored
    assert result.assignment["x"] == result.assignment["y"]


def _pairs_by_hand(keys: pd.DataFrame, rule: tuple[str, ...], missing: str | None = None) -> int:
    """The rule's comparisons counted pair by pair: both records give every column and agree (and one lacks
    `missing`)."""
    rows = keys.to_dict("records")
    count = 0
    for i, left in enumerate(rows):
        for right in rows[i + 1:]:
            agree = all(pd.notna(left[c]) and pd.notna(right[c]) and left[c] == right[c] for c in rule)
            lacking = missing is None or pd.isna(left[missing]) or pd.isna(right[missing])
            count += agree and lacking
    return count


def test_counts_on_integer_codes_equal_counting_pair_by_pair_for_text_dates_and_ages() -> None:
    names = ["mhmd|hsn", "mhmd|hsn", "mhmd|hsn", "mhmd|hsn", "al|krm", "al|krm", None, "mhmd|hsn", "rz|ahmd"]
    keys = pd.DataFrame({
        "unique_id": [str(i) for i in range(9)], "names_phon": names,
        "province_code": ["IR-23", "IR-23", None, "IR-10", "IR-23", None, "IR-23", "IR-23", None],
        "dod": pd.to_datetime(["2019-11-16", "2019-11-16", "2019-11-16", None, "2019-11-17", "2019-11-17",
                               "2019-11-16", None, "2019-11-16"]),
        "age": pd.array([23, 23, None, 23, 40, 40, 23, 24, None], dtype="Int64"),
        "city_code": [None] * 9, "sex": ["male"] * 8 + [None]})
    rules = [("names_phon",), ("names_phon", "province_code"), ("names_phon", "dod"), ("names_phon", "dod", "age"),
             ("province_code", "dod", "age"), ("names_phon", "city_code"), ("sex", "age")]
    for rule in rules:
        assert rule_pairs(keys, rule) == _pairs_by_hand(keys, rule), rule
        for missing in ("province_code", "dod", "age"):
            if missing not in rule:
                assert rule_pairs(keys, rule, missing) == _pairs_by_hand(keys, rule, missing), (rule, missing)
    assert rule_pairs(keys, ("names_phon", "dod", "age")) == 2  # 0-1 and 4-5: 2 lacks an age, 3 and 7 a date


def _blocked_on_codes(keys: pd.DataFrame, rules: list[PlannedRule]) -> list[tuple[str, str, str]]:
    """(match_key, left, right) of each pair blocked_pairs generates, with the text ids again."""
    from tollbook.link.blocking import blocked_pairs
    from tollbook.link.train import numbered

    ranked, ids = numbered(keys)
    found = blocked_pairs(ranked, rules)
    return list(zip(found["match_key"].astype(str), ids[found["join_key_l"]], ids[found["join_key_r"]], strict=True))


def test_pairs_generated_on_integer_codes_are_the_rules_pairs_once_each_with_the_first_rule_as_key() -> None:
    import numpy as np

    rng = np.random.default_rng(5)
    keys = pd.DataFrame({
        "unique_id": [f"r{i:03d}" for i in range(300)],
        "names_phon": rng.choice(["mhmd|hsn", "al|krm", "rz|ahmd", None], 300, p=[0.5, 0.3, 0.15, 0.05]),
        "province_code": rng.choice(["IR-23", "IR-10", None], 300),
        "dod": pd.to_datetime(rng.choice(["2019-11-16", "2019-11-17", None], 300)),
        "age": pd.array(rng.choice([23, 24, None], 300), dtype="Int64"),
        "city_code": rng.choice(["gn:1", None], 300), "sex": rng.choice(["male", "female", None], 300)})
    rules = plan(keys, (("names_phon",), ("dod", "age"), ("province_code", "sex")), limit=2_000)
    assert any(rule.missing for rule in rules) and any(rule.split_from for rule in rules)
    found = _blocked_on_codes(keys, rules)
    pairs = [(left, right) for _key, left, right in found]
    assert len(pairs) == len(set(pairs)) and all(left < right for left, right in pairs)
    assert set(pairs) == _blocked(keys, rules)  # the pairs Splink's SQL conditions select
    by_rule = [_blocked(keys, [rule]) for rule in rules]
    for key, left, right in found:  # each pair named by the first rule that blocks it
        assert key == str(next(n for n, pairs_of_rule in enumerate(by_rule) if (left, right) in pairs_of_rule))


def _same_pairs_as_before(keys: pd.DataFrame, rules: list[PlannedRule]) -> None:
    """blocked_pairs gives the frame the previous implementation (blocking_oracle) gave: the same pairs, keys,
    dtypes and order."""
    from blocking_oracle import blocked_pairs as blocked_before

    from tollbook.link.blocking import blocked_pairs

    pd.testing.assert_frame_equal(blocked_pairs(keys, rules), blocked_before(keys, rules), check_exact=True)


def _random_keys(rows: int, seed: int) -> pd.DataFrame:
    """Keys of few values, many nulls and ids in no particular order (not the row order, with gaps)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "unique_id": rng.permutation(rows * 3)[:rows].astype(np.int64),
        "names_phon": rng.choice(["mhmd|hsn", "al|krm", "rz|ahmd", None], rows, p=[0.5, 0.3, 0.15, 0.05]),
        "province_code": rng.choice(["IR-23", "IR-10", None], rows),
        "dod": pd.to_datetime(rng.choice(["2019-11-16", "2019-11-17", None], rows)),
        "age": pd.array(rng.choice([23, 24, None], rows), dtype="Int64"),
        "city_code": rng.choice(["gn:1", None], rows), "sex": rng.choice(["male", "female", None], rows)})


def test_pairs_are_those_generated_before_for_split_and_residual_rules() -> None:
    for seed in range(4):
        keys = _random_keys(400, seed)
        rules = plan(keys, (("names_phon",), ("dod", "age"), ("province_code", "sex"), ("names_phon", "age")),
                     limit=1_500)
        assert any(rule.missing for rule in rules) and any(rule.split_from for rule in rules)
        _same_pairs_as_before(keys, rules)
        _same_pairs_as_before(keys, rules[::-1])  # residual rules first: each pair's first rule changes
        _same_pairs_as_before(keys, [PlannedRule(("names_phon",), 0, missing="province_code")])


def test_pairs_of_edge_cases_are_those_generated_before() -> None:
    keys = _random_keys(50, 9)
    _same_pairs_as_before(keys, [])
    _same_pairs_as_before(keys.iloc[:0], [PlannedRule(("names_phon",), 0)])
    _same_pairs_as_before(keys.iloc[:1], [PlannedRule(("names_phon",), 0)])
    _same_pairs_as_before(keys.assign(names_phon=None), [PlannedRule(("names_phon",), 0)])
    _same_pairs_as_before(keys.assign(names_phon="x"), [PlannedRule(("names_phon",), 0),
                                                        PlannedRule(("names_phon",), 0, missing="age")])


def test_pairs_of_a_realistic_list_are_those_generated_before() -> None:
    from tollbook.link.keys import build_keys
    from tollbook.link.train import numbered
    from tollbook.synth import realistic_lists

    keys = build_keys(realistic_lists(20_000, 4).records)
    ranked, _ids = numbered(keys)
    rules = plan(keys, limit=20_000)  # a small budget: most rules split, with residual rules
    assert sum(rule.missing is not None for rule in rules) >= 3
    _same_pairs_as_before(ranked, rules)
    from blocking_oracle import blocked_pairs as blocked_before

    from tollbook.link.blocking import KeyCodes, blocked_pairs

    codes = KeyCodes(keys)  # the plan's codes, of the text ids' table, reused for the ranked one
    assert plan(codes, limit=20_000) == rules
    pd.testing.assert_frame_equal(blocked_pairs(ranked, rules, codes), blocked_before(ranked, rules))


def test_pairs_are_the_same_whatever_the_runs_and_threads_generating_them(monkeypatch) -> None:
    import numba

    import tollbook.link.blocking as blocking

    keys = _random_keys(3_000, 11)
    rules = plan(keys, (("names_phon",), ("dod", "age"), ("province_code", "sex"), ("names_phon", "age")),
                 limit=200_000)
    for blocks in (1, 2, 7, 5_000):  # one run, a few, more runs than records
        monkeypatch.setattr(blocking, "PAIR_BLOCKS", blocks)
        for threads in {1, numba.config.NUMBA_NUM_THREADS}:
            numba.set_num_threads(threads)
            _same_pairs_as_before(keys, rules)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
