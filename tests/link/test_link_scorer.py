"""The NumPy scorer against Splink's own predict: every pair's gammas, match weight and probability, on realistic
lists (every level of every comparison hit, the tf minimum too) and on hand-written boundary cases."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tollbook.link import blocking
from tollbook.link import scorer as scorer_module
from tollbook.link.keys import KEY_COLUMNS, build_keys
from tollbook.link.levels import UnknownLevelError, model_spec
from tollbook.link.scorer import Scorer
from tollbook.link.similarity import StringMeasures
from tollbook.link.train import _terms_query, build_linker, numbered, score
from tollbook.synth import realistic_lists

LOWEST = 1e-4


def splink_predictions(ranked: pd.DataFrame, model: dict[str, Any], left: np.ndarray,
                       right: np.ndarray) -> pd.DataFrame:
    """Splink's predict of the model over exactly these pairs (ranks), with every intermediate column."""
    linker = build_linker(ranked, "duckdb", model)
    pairs = pd.DataFrame({"match_key": "0", "join_key_l": left, "join_key_r": right})
    linker.table_management.register_blocked_pairs_for_predict(linker.tollbook_engine.register(pairs, "oracle"))
    scored = linker.inference.predict()
    found = linker.misc.query_sql(f"select * from {scored.physical_name}", output_type="pandas")
    terms = linker.misc.query_sql(_terms_query(linker, scored.physical_name), output_type="pandas")
    terms = terms.drop(columns=["match_probability", "match_weight"])
    terms.columns = [c if c.startswith("unique_id") else f"{c}_small" for c in terms.columns]
    asked = pd.DataFrame({"unique_id_l": left, "unique_id_r": right})
    return asked.merge(found, how="left", validate="one_to_one").merge(terms, how="left", validate="one_to_one")


def realistic_records() -> pd.DataFrame:
    """Realistic lists with what the synthetic ones lack: a few names missing, and the last day of a month-only
    date's period (as database records carry it), so the null name levels and the period level are hit."""
    records = realistic_lists(20_000, 2).records.drop(columns=["truth"])
    rng = np.random.default_rng(7)
    for column in ("given_name", "family_name"):
        records.loc[rng.random(len(records)) < 0.02, column] = None
    month = (records["date_precision"] == "month").to_numpy()
    dates = pd.to_datetime(records["date_of_death"])
    records["date_of_death_end"] = (dates + pd.offsets.MonthEnd(0)).where(month)
    return records


@pytest.fixture(scope="module")
def realistic() -> dict[str, Any]:
    keys = build_keys(realistic_records())
    with pytest.MonkeyPatch.context() as patch:  # many chunks, as at a million records
        patch.setattr(scorer_module, "CHUNK", 7_000)
        scored = score(keys, LOWEST, terms=False)
    assert scored.trained
    ranked, _ = numbered(keys)
    blocked = blocking.blocked_pairs(ranked, blocking.plan(keys))
    left, right = blocked["join_key_l"].to_numpy(), blocked["join_key_r"].to_numpy()
    return {"keys": keys, "ranked": ranked, "scored": scored, "left": left, "right": right,
            "splink": splink_predictions(ranked, scored.model, left, right)}


def gamma_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("gamma_") and not c.endswith("_small")]


@pytest.mark.slow
def test_every_pair_scores_as_in_splink_and_every_level_is_hit(realistic: dict[str, Any]) -> None:
    splink, model = realistic["splink"], realistic["scored"].model
    scorer = Scorer(realistic["ranked"], model_spec(model))
    ours = scorer.score(realistic["left"], realistic["right"], 0.0)
    assert (ours["unique_id_l"].to_numpy() == splink["unique_id_l"].to_numpy()).all()
    assert np.abs(ours["match_weight"].to_numpy() - splink["match_weight"].to_numpy()).max() <= 1e-9
    assert np.allclose(ours["match_probability"], splink["match_probability"], rtol=1e-12, atol=0)
    terms = scorer.terms(realistic["left"], realistic["right"])
    for comparison in model["comparisons"]:
        column = f"gamma_{comparison['output_column_name']}"
        assert (terms[column].to_numpy() == splink[column].to_numpy()).all(), column
        levels = {-1 if lv.get("is_null_level") else None for lv in comparison["comparison_levels"]} - {None}
        expected = set(range(len(comparison["comparison_levels"]) - len(levels))) | levels
        assert set(splink[column].unique()) == expected, f"{column}: not every level is hit"
    assert "tf_given_canon_l" in splink.columns
    exact = splink[splink["gamma_given_name"] == splink["gamma_given_name"].max()]
    assert (exact["tf_given_canon_l"] < 0.001).any() and (exact["tf_given_canon_l"] > 0.001).any()


@pytest.mark.slow
def test_slim_scores_are_splinks_pairs_at_or_above_the_lowest(realistic: dict[str, Any]) -> None:
    splink, scored = realistic["splink"], realistic["scored"]
    floor = np.log2(LOWEST / (1 - LOWEST))
    theirs = splink[splink["match_weight"] >= floor].set_index(["unique_id_l", "unique_id_r"]).sort_index()
    ours = scored.pairs.set_index(["unique_id_l", "unique_id_r"]).sort_index()
    assert scored.comparisons == len(splink) and list(scored.pairs.columns) == [
        "unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    assert ours.index.equals(theirs.index)
    assert np.abs(ours["match_weight"] - theirs["match_weight"]).max() <= 1e-9


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_chunks_scored_by_several_threads_are_splinks_pairs_in_order(realistic: dict[str, Any], workers: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    splink, model = realistic["splink"], realistic["scored"].model
    monkeypatch.setattr(scorer_module, "CHUNK", 5_003)  # many chunks, boundaries at no round number
    ours = Scorer(realistic["ranked"], model_spec(model)).score(realistic["left"], realistic["right"], LOWEST,
                                                                 workers=workers)
    theirs = splink[splink["match_weight"] >= np.log2(LOWEST / (1 - LOWEST))]
    assert (ours["unique_id_l"].to_numpy() == theirs["unique_id_l"].to_numpy()).all()
    assert (ours["unique_id_r"].to_numpy() == theirs["unique_id_r"].to_numpy()).all()
    assert np.abs(ours["match_weight"].to_numpy() - theirs["match_weight"].to_numpy()).max() <= 1e-9
    serial = Scorer(realistic["ranked"], model_spec(model)).score(realistic["left"], realistic["right"], LOWEST,
                                                                   workers=1)
    pd.testing.assert_frame_equal(ours, serial, check_exact=True)


@pytest.mark.slow
def test_terms_of_chosen_pairs_have_splinks_names_types_and_values(realistic: dict[str, Any]) -> None:
    scored, ranked = realistic["scored"], realistic["ranked"]
    rng = np.random.default_rng(3)
    blocked = rng.choice(len(realistic["left"]), 3_000, replace=False)
    loose = np.sort(rng.choice(len(ranked), (3_000, 2)), axis=1)  # pairs no rule blocks, as clusters give
    loose = loose[loose[:, 0] < loose[:, 1]]
    chosen = pd.DataFrame({"unique_id_l": np.concatenate([realistic["left"][blocked], loose[:, 0]]),
                           "unique_id_r": np.concatenate([realistic["right"][blocked], loose[:, 1]])})
    chosen = chosen.drop_duplicates(ignore_index=True).assign(match_probability=0.5)
    left, right = chosen["unique_id_l"].to_numpy(), chosen["unique_id_r"].to_numpy()
    ours = scored.with_terms(chosen, 0.01)
    theirs = splink_predictions(ranked, scored.model, left, right)
    small = [c for c in theirs.columns if c.endswith("_small")]
    names = [c.removesuffix("_small") for c in small]
    assert [c for c in ours.columns if c.startswith(("gamma_", "mw_"))] == names and len(names) == 17
    for name in names:
        assert ours[name].dtype == theirs[f"{name}_small"].dtype, name
        assert (ours[name].to_numpy() == theirs[f"{name}_small"].to_numpy()).all(), name
    assert (ours["match_probability"] == 0.5).all()


def hand_keys(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A key table of hand-written keys (unset columns null, ids as ranks)."""
    frame = pd.DataFrame(rows).reindex(columns=list(KEY_COLUMNS))
    frame["unique_id"] = np.arange(len(frame), dtype=np.int64)
    frame["source_list"] = "a"
    frame["age"] = pd.array(frame["age"], dtype="Int64")
    for column in ("dod", "dod_from", "dod_to"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.astype({c: object for c in KEY_COLUMNS if c not in ("unique_id", "age", "dod", "dod_from",
                                                                       "dod_to")})


BOUNDARY_NAMES = [  # (canonical, phonetic): Jaro-Winkler exactly 0.92, just under 0.80, non-ASCII, one edit apart
    ("abcde", "abkd"), ("abcdx", "abkdk"), ("aad", "ad"), ("a", "xy"), ("martha", "mrt"), ("marhta", "mrht"),
    ("mohammad", "mhmd"), ("mohamad", "mhmmd"), ("محمد", "مهمد"), ("محمود", "مهمود"), ("rezā", "rz"),
    ("reza", "rz"), ("zoë", "z"), ("zoe", "zo"), ("ali", "al"), ("ali", "al"), ("ali", "al"),
]


FILLERS = 2_100  # records named in twos: each name's tf 2 / 2,118, under the tf minimum 0.001


def boundary_keys() -> pd.DataFrame:
    """Records pairing every boundary name with every other, in every name part, with ages, dates and places
    around their own boundaries, one record with given and family names swapped, then FILLERS records whose
    given names come in twos ('ali' is common: its tf is above the minimum, the fillers' under it)."""
    rows = []
    for number, (canon, phon) in enumerate(BOUNDARY_NAMES):
        other, other_phon = BOUNDARY_NAMES[(number + 3) % len(BOUNDARY_NAMES)]
        rows.append({"given_canon": canon, "given_phon": phon, "family_canon": other, "family_phon": other_phon,
                     "father_canon": canon if number % 3 else None, "father_phon": phon,
                     "sex": ("male", "female", None)[number % 3], "age": (30, 31, 33, 37, 38, None)[number % 6],
                     "dod": None if number % 4 == 0 else f"2019-11-{15 + number % 9:02d}",
                     "dod_from": "2019-11-01" if number % 4 == 0 else f"2019-11-{15 + number % 9:02d}",
                     "dod_to": ("2019-11-30" if number % 8 == 0 else None) if number % 4 == 0
                     else f"2019-11-{15 + number % 9:02d}",
                     "province_code": None if number % 5 == 4 else f"IR-{number % 2}",
                     "city_code": f"c{number % 3}" if number % 5 else None})
    rows.append({"given_canon": "a", "family_canon": "abcde", "given_phon": "q", "family_phon": "r"})  # 0 swapped
    rows += [{"given_canon": f"filler{n // 2}", "given_phon": f"f{n // 2}"} for n in range(FILLERS)]
    return hand_keys(rows)


def boundary_pairs(records: int) -> tuple[np.ndarray, np.ndarray]:
    """Every two of the boundary records, and each two fillers of one name."""
    left, right = np.triu_indices(len(BOUNDARY_NAMES) + 1, 1)
    fillers = np.arange(len(BOUNDARY_NAMES) + 1, records - 1, 2)
    return np.concatenate([left, fillers]), np.concatenate([right, fillers + 1])


def test_boundaries_nulls_swaps_and_term_frequencies_score_as_in_splink() -> None:
    keys = boundary_keys()
    model = json.loads(json.dumps(build_linker(keys, "duckdb").misc.save_model_to_json(), default=str))
    left, right = boundary_pairs(len(keys))
    theirs = splink_predictions(keys, model, left, right)
    scorer = Scorer(keys, model_spec(model))
    ours = scorer.score(left, right, 0.0)
    assert np.abs(ours["match_weight"].to_numpy() - theirs["match_weight"].to_numpy()).max() <= 1e-9
    terms = scorer.terms(left, right)
    for column in gamma_columns(theirs):
        assert (terms[column].to_numpy() == theirs[column].to_numpy()).all(), column
        assert (terms[column.replace("gamma_", "mw_")].to_numpy() == theirs[f"{column.replace('gamma_', 'mw_')}_small"]
                .to_numpy()).all(), column
    given = dict(zip(zip(left, right, strict=True), terms["gamma_given_name"], strict=True))
    assert given[(0, 1)] == 4  # Jaro-Winkler 0.92 exactly: the 0.92 level
    assert given[(2, 3)] == 0  # Jaro-Winkler 0.7999999999999999: under 0.80
    assert given[(14, 15)] == 6 and given[(0, len(BOUNDARY_NAMES))] == 5  # same name; given and family swapped
    exact = model["comparisons"][0]["comparison_levels"][1]
    common, rare = 3 / len(keys), 2 / len(keys)  # every record gives a given name
    assert rare < exact["tf_minimum_u_value"] < common
    by_hand = {np.float32(np.log2(exact["u_probability"]) - np.log2(max(tf, exact["tf_minimum_u_value"])))
               for tf in (common, rare)}
    adjustment = terms["mw_tf_adj_given_name"].to_numpy()
    assert set(adjustment[terms["gamma_given_name"].to_numpy() == 6]) == by_hand
    assert (adjustment[terms["gamma_given_name"].to_numpy() != 6] == 0).all()


def test_similarities_on_a_threshold_are_decided_by_the_exact_function() -> None:
    asked: list[tuple[str, str]] = []

    def exact(left: list[str], right: list[str]) -> np.ndarray:
        asked.extend(zip(left, right, strict=True))
        return np.full(len(left), 0.5)

    vocabulary = np.array(["abcde", "abcdx", "martha", "marhta"], dtype=object)
    measures = StringMeasures({"name": vocabulary}, {("jaro_winkler", "name"): [0.92, 0.8]}, exact)
    similar = measures.measure("jaro_winkler", "name", np.array([0, 2, 1]), np.array([1, 3, 0]))
    assert asked == [("abcde", "abcdx")]  # once per distinct unordered pair
    assert similar[0] == similar[2] == 0.5 and abs(similar[1] - 0.9611111111111111) < 1e-12


def test_a_level_the_scorer_does_not_know_falls_back_to_splink_and_says_so() -> None:
    keys = boundary_keys()
    model = json.loads(json.dumps(build_linker(keys, "duckdb").misc.save_model_to_json(), default=str))
    level = model["comparisons"][0]["comparison_levels"][3]
    level["sql_condition"] = 'jaro_similarity("given_canon_l", "given_canon_r") >= 0.9'
    with pytest.raises(UnknownLevelError, match="jaro_similarity"):
        model_spec(model)
    messages: list[str] = []
    scored = score(keys.assign(unique_id=keys["unique_id"].astype(str)), 1e-9, model=model,
                   progress=messages.append, terms=False)
    assert any("Splink's predict" in m and "jaro_similarity" in m for m in messages)
    assert len(scored.pairs) > 0 and "gamma_given_name" in scored.with_terms(scored.pairs.head(5)).columns


def test_a_level_not_observed_in_training_is_scored_as_splinks_predict_reads_it() -> None:
    keys = build_keys(realistic_lists(3_000, 2).records.drop(columns=["truth"]))
    model = json.loads(json.dumps(build_linker(keys, "duckdb").misc.save_model_to_json(), default=str))
    level = model["comparisons"][0]["comparison_levels"][1]  # the given name's exact level: most pairs hit it
    level["m_probability"] = "level not observed in training dataset"
    with pytest.raises(UnknownLevelError, match="not observed"):
        model_spec(model)
    messages: list[str] = []
    scored = score(keys, 1e-9, model=model, progress=messages.append, terms=False)
    oracle = score(keys, 1e-9, model=model, terms=True).pairs  # Splink's own predict
    assert any("Splink's predict" in m for m in messages)
    found = scored.pairs.assign(unique_id_l=scored.ids[scored.pairs["unique_id_l"]],
                                unique_id_r=scored.ids[scored.pairs["unique_id_r"]])
    merged = oracle.merge(found, on=["unique_id_l", "unique_id_r"], how="outer", validate="one_to_one",
                          indicator=True)
    assert (merged["_merge"] == "both").all() and (merged["gamma_given_name"] == 6).sum() > 1_000
    assert np.allclose(merged["match_weight_x"], merged["match_weight_y"], rtol=0, atol=1e-9)
