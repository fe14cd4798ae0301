"""Train the model and score candidate pairs on a backend: u by seeded random sampling, m by EM, then predict.

Splink trains; on DuckDB the trained model is applied by Tollbook's NumPy scorer (:mod:`tollbook.link.scorer`:
the same gammas and weights as Splink's predict, several times faster on tens of millions of pairs); on Spark, or
where the model has a level the scorer does not know, Splink's predict scores.

Small tables (fewer than MIN_TRAIN_RECORDS) keep the stated priors of :mod:`tollbook.link.settings`: EM on a few
dozen pairs would learn noise. A saved model (Splink JSON) can be reused instead of training.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from tollbook.link import blocking
from tollbook.link import settings as model_settings
from tollbook.link.backend import make_backend
from tollbook.link.codes import KeyColumn, key_columns
from tollbook.link.levels import ModelSpec, UnknownLevelError, model_spec
from tollbook.link.scorer import Scorer

MIN_TRAIN_RECORDS = 1_000
DETERMINISTIC_RECALL = 0.6  # a starting point only: link.calibrate settles the prior on the data
Progress = Callable[[str], None]
PAIR_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
_CHOSEN = itertools.count(1)


@dataclass(frozen=True)
class ScoredPairs:
    """Candidate pairs at or above the lowest threshold of interest, and the model that scored them. With
    `terms=False` the pairs name records by rank (`ids[rank]` is the record id) and carry no per-comparison
    terms; `with_terms` reads them for the pairs that need them."""

    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_probability, match_weight (and gamma_, mw_ terms)
    model: dict[str, Any]
    trained: bool
    comparisons: int
    terms_of: Callable[[pd.DataFrame, float], pd.DataFrame] | None = field(default=None, repr=False, compare=False)
    ids: np.ndarray | None = field(default=None, repr=False, compare=False)  # record id by rank (terms=False)

    def with_terms(self, pairs: pd.DataFrame, prior: float | None = None) -> pd.DataFrame:
        """`pairs` (some of these pairs, match weights possibly shifted) with each comparison's level and match
        weight joined on, scored by the model with `prior` (default: the model's)."""
        if self.terms_of is None:
            return pairs
        return self.terms_of(pairs, self.model["probability_two_random_records_match"] if prior is None else prior)


def _quiet_splink() -> None:
    """Keep Splink's logging out of a user's terminal: Tollbook reports progress itself."""
    logging.getLogger("splink").setLevel(logging.ERROR)


class EMUnderflowError(RuntimeError):
    """EM drove a level's m probability to exactly zero (float underflow), which Splink refuses."""


def build_linker(keys: pd.DataFrame, backend: str, model: dict[str, Any] | None = None,
                 threads: int | None = None, planned: list[blocking.PlannedRule] | None = None) -> Any:
    """A Splink linker over the key table on the named backend, from a saved model or the default settings
    (with the blocking rules of a plan when one is given)."""
    from splink import Linker

    _quiet_splink()
    engine = make_backend(backend, threads)
    table = engine.register(keys, table_name="tollbook_keys")
    chosen = model if model is not None else model_settings.settings(untrained_prior(len(keys)), planned=planned)
    linker = Linker(table, chosen, log_level=logging.ERROR)
    linker.tollbook_keys, linker.tollbook_engine = table, engine  # for linkers that score it with other settings
    return linker


def sibling_linker(linker: Any, model: dict[str, Any]) -> Any:
    """Another linker over the same registered key table and database (shared term-frequency tables), with
    other settings: scoring without the comparison columns, or only chosen pairs."""
    from splink import Linker

    sibling = Linker(linker.tollbook_keys, model, log_level=logging.ERROR)
    sibling.tollbook_keys, sibling.tollbook_engine = linker.tollbook_keys, linker.tollbook_engine
    return sibling


def untrained_prior(records: int) -> float:
    """Prior match probability for a table too small to train: about one true match per record, as when
    each person is on two lists (training replaces it on larger tables)."""
    return min(0.05, max(1e-6, 1.0 / max(records, 1)))


def estimate_u(linker: Any, records: int, seed: int, say: Progress) -> None:
    """The prior match probability from near-certain rules, then u by seeded random sampling."""
    say("training: prior match probability from near-certain rules")
    linker.training.estimate_probability_two_random_records_match(model_settings.deterministic_rules(),
                                                                  recall=DETERMINISTIC_RECALL)
    say("training: u by random sampling")
    linker.training.estimate_u_using_random_sampling(max_pairs=_u_pairs(records), seed=seed)


def estimate_m(linker: Any, records: int, say: Progress) -> None:
    """m by EM on each training blocking rule. A rule no two records agree on (a list without fathers' names,
    say) is skipped: its comparisons keep the m of the other passes, or their stated m. Raises EMUnderflowError
    when a level's m underflows."""
    rules = model_settings.training_blocking_rules()
    trained = 0
    for number, (rule, columns) in enumerate(zip(rules, model_settings.TRAINING_BLOCKS, strict=True), start=1):
        say(f"training: m by expectation maximisation, pass {number}")
        if _em_pass(linker, rule, records):
            trained += 1
        else:
            say(f"training: skipped EM pass {number}: no two records agree on {', '.join(columns)}; its "
                "comparisons keep the m of the other passes or their stated m")
    if not trained:
        say("training: every EM pass was skipped; the model uses the stated m with the estimated u")


def _em_pass(linker: Any, rule: Any, records: int) -> bool:
    """One EM pass on a training blocking rule; False where the rule finds no record pairs (Splink's
    EMTrainingException), raising EMUnderflowError when a level's m underflows. Splink's session drops the
    rule's comparisons and changes the prior in the linker's settings before it finds no pairs: a skipped pass
    puts them back."""
    from splink.internals.exceptions import EMTrainingException

    before = linker._settings_obj.core_model_settings.copy()
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=_em_pairs(records))
    except EMTrainingException as exc:
        if "resulted in no record pairs" not in str(exc):
            raise
        linker._settings_obj.core_model_settings = before
        return False
    except ValueError as exc:
        if "m_probability" not in str(exc):
            raise
        raise EMUnderflowError(str(exc)) from exc
    return True


def _u_pairs(records: int) -> float:
    """Random pairs for u: plenty for small tables, capped so a million records stays quick."""
    return float(min(max(records * 20, 2e6), 3e6))


def _em_pairs(records: int) -> float | None:
    """Blocked pairs EM may use: all of them for small tables, a deterministic sample of large ones."""
    return None if records < 20_000 else 5e5


def trained_linker(keys: pd.DataFrame, backend: str, seed: int, progress: Progress | None,
                   threads: int | None, planned: list[blocking.PlannedRule] | None = None) -> tuple[Any, bool]:
    """A linker trained on the keys when the table is large enough. If EM underflows, EM runs again with the
    fuzzy name levels' m held at their stated values; if it fails again, m keeps the stated values."""
    say = progress or (lambda _message: None)
    linker = build_linker(keys, backend, threads=threads, planned=planned)
    if len(keys) < MIN_TRAIN_RECORDS:
        return linker, False
    estimate_u(linker, len(keys), seed, say)
    with_u = linker.misc.save_model_to_json()
    for attempt in (linker, None):
        attempt = attempt or build_linker(keys, backend, model_settings.hold_fuzzy_levels(with_u), threads)
        try:
            estimate_m(attempt, len(keys), say)
            return attempt, True
        except EMUnderflowError:
            say("training: EM underflowed on a rare name level; held the fuzzy name levels at their stated m")
    say("training: EM underflowed again; using the stated m with the estimated u")
    return build_linker(keys, backend, with_u, threads), True


def _terms_query(linker: Any, table: str) -> str:
    """Select the pair ids, scores and per-comparison terms (small types) of a predictions table."""
    names = linker.misc.query_sql(f"select * from {table} limit 0", output_type="pandas").columns
    terms = [f"cast({c} as {'tinyint' if c.startswith('gamma_') else 'float'}) as {c}"
             for c in names if c.startswith(("gamma_", "mw_"))]
    return f"select {', '.join(PAIR_COLUMNS + terms)} from {table}"


def predict(linker: Any, lowest: float) -> tuple[pd.DataFrame, int]:
    """Pairs scoring at or above `lowest` with their per-comparison terms, and how many pairs the blocking
    rules compared."""
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    compared = linker.misc.query_sql(f"select count(*) as n from {blocked.physical_name}", output_type="pandas")
    scored = linker.inference.predict(threshold_match_probability=lowest if lowest > 0 else None)
    pairs = linker.misc.query_sql(_terms_query(linker, scored.physical_name), output_type="pandas")
    return pairs, int(compared["n"].iloc[0])


def slim_model(model: dict[str, Any]) -> dict[str, Any]:
    """The model with nothing retained beyond ids and scores: the predictions table of tens of millions of pairs
    then holds four columns instead of sixty (names, keys and terms of both records)."""
    return model | {"retain_matching_columns": False, "retain_intermediate_calculation_columns": False,
                    "additional_columns_to_retain": []}


def predict_slim(linker: Any, lowest: float, keys: pd.DataFrame | None = None,
                 planned: list[blocking.PlannedRule] | None = None,
                 ) -> tuple[pd.DataFrame, int, Callable[..., pd.DataFrame]]:
    """Splink's scoring (on Spark, or for a model the NumPy scorer does not know): pairs scoring at or above
    `lowest` as ids and scores only, how many pairs were compared, and a function that scores chosen pairs
    again with their terms. On DuckDB, given the key table and its blocking plan, the pairs to score are
    generated on integer codes (blocking.blocked_pairs) rather than by Splink."""
    model = json.loads(json.dumps(linker.misc.save_model_to_json(), default=str))
    slim = sibling_linker(linker, slim_model(model))
    engine = linker.tollbook_engine
    if keys is not None and planned and engine.connection is not None:
        blocked = slim.table_management.register_blocked_pairs_for_predict(_blocked_on_codes(engine, keys, planned))
    else:
        blocked = slim.inference.compute_blocked_pairs_for_predict()
    compared = slim.misc.query_sql(f"select count(*) as n from {blocked.physical_name}", output_type="pandas")
    scored = slim.inference.predict(threshold_match_probability=lowest if lowest > 0 else None)
    blocked.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    pairs = slim.misc.query_sql(f"select {', '.join(PAIR_COLUMNS)} from {scored.physical_name}",
                                output_type="pandas")
    scored.drop_table_from_database_and_remove_from_cache()

    def terms_of(chosen: pd.DataFrame, prior: float) -> pd.DataFrame:
        return _rescore_with_terms(linker, model | {"probability_two_random_records_match": prior}, chosen)

    return pairs, int(compared["n"].iloc[0]), terms_of


def _blocked_on_codes(engine: Any, keys: pd.DataFrame, planned: list[blocking.PlannedRule]) -> Any:
    """The plan's pairs (blocking.blocked_pairs) as a DuckDB table Splink can be given to score."""
    connection = engine.connection
    connection.register("tollbook_blocked_frame", blocking.blocked_pairs(keys, planned))
    connection.execute("create or replace table tollbook_blocked_pairs as select * from tollbook_blocked_frame")
    connection.unregister("tollbook_blocked_frame")
    return engine.api.register("tollbook_blocked_pairs")


def _rescore_with_terms(linker: Any, model: dict[str, Any], chosen: pd.DataFrame) -> pd.DataFrame:
    """`chosen` pairs with the gamma_ and mw_ terms of each comparison joined on, scored again by `model`
    (only these pairs: they are registered as the blocked pairs to predict)."""
    if chosen.empty:
        return chosen
    full = sibling_linker(linker, model)
    ids = chosen[["unique_id_l", "unique_id_r"]].rename(columns={"unique_id_l": "join_key_l",
                                                                "unique_id_r": "join_key_r"})
    name = f"tollbook_chosen_pairs_{next(_CHOSEN)}"  # a name per call: a run scores chosen pairs more than once
    table = linker.tollbook_engine.register(ids.assign(match_key="0")[["match_key", "join_key_l", "join_key_r"]],
                                            name)
    full.table_management.register_blocked_pairs_for_predict(table)
    scored = full.inference.predict()
    terms = full.misc.query_sql(_terms_query(full, scored.physical_name), output_type="pandas")
    scored.drop_table_from_database_and_remove_from_cache()
    terms = terms.drop(columns=["match_probability", "match_weight"])
    return chosen.merge(terms, on=["unique_id_l", "unique_id_r"], how="left", validate="one_to_one")


def score(keys: pd.DataFrame, lowest: float, backend: str = "duckdb", seed: int = 2019,
          model: dict[str, Any] | None = None, progress: Progress | None = None,
          threads: int | None = None, terms: bool = True) -> ScoredPairs:
    """Train (unless a model is given) and score the key table; pairs below `lowest` are dropped. Blocking
    rules are counted first and split where they would explode (each said through `progress`). With
    `terms=False` the pairs are ids and scores only (a million records: tens of millions of pairs), scored in
    NumPy on DuckDB, and `ScoredPairs.with_terms` scores the few that are kept again with their terms."""
    trained, planned, codes, early = False, None, None, None
    if model is None:
        codes = blocking.KeyCodes(keys)  # factorised once: for the plan's counts and then the pairs
        planned = blocking.plan(codes)
        for rule in planned:
            if progress:
                progress(rule.describe())
        early = meanwhile(keys, planned, codes) if backend == "duckdb" and not terms else None
        trainer, trained = trained_linker(keys, backend, seed, progress, threads, planned)
        model = json.loads(json.dumps(trainer.misc.save_model_to_json(), default=str))
        del trainer  # its database goes; scoring starts a fresh one
    if progress:
        progress("scoring candidate pairs")
    if terms:
        pairs, compared = predict(build_linker(keys, backend, model, threads), lowest)
        return ScoredPairs(pairs, model, trained, compared)
    ranked, ids = early.numbered.result() if early else numbered(keys)
    scorer = numpy_scorer(ranked, model, progress, early.columns.result() if early else None) \
        if backend == "duckdb" else None
    if scorer is not None:
        if early is not None:
            blocked = early.pairs.result()
        else:
            blocked = blocking.blocked_pairs(ranked, planned, codes) if planned else splink_blocked_pairs(
                build_linker(ranked, backend, model, threads))
        pairs = scorer.score(blocked["join_key_l"].to_numpy(), blocked["join_key_r"].to_numpy(), lowest)
        return ScoredPairs(pairs, model, trained, len(blocked), partial(_with_scored_terms, scorer), ids)
    pairs, compared, terms_of = predict_slim(build_linker(ranked, backend, model, threads), lowest, ranked, planned)
    return ScoredPairs(pairs, model, trained, compared, terms_of, ids)


def scorer_choice(model: dict[str, Any], backend: str) -> tuple[str, str | None]:
    """Which scorer scores the model's pairs when `score` is asked for no terms: ("numpy", None) on DuckDB for a
    model the NumPy scorer reproduces, else ("splink", why), Splink's predict then scoring (numpy_scorer)."""
    if backend != "duckdb":
        return "splink", f"the {backend} backend"
    try:
        model_spec(model)
    except UnknownLevelError as exc:
        return "splink", str(exc)
    return "numpy", None


@dataclass(frozen=True)
class Meanwhile:
    """The NumPy scorer's model-independent inputs, made on one other thread while Splink trains, in this order:
    the key table by rank (`numbered`), the key columns the scorer reads (their codes, vocabularies and term
    frequencies depend on the model's comparisons, not on its trained m and u), and the plan's pairs, last: where
    training ends first, the scorer is built while they are finished."""

    numbered: Future  # (ranked key table, record id by rank)
    pairs: Future  # the plan's pairs (blocking.blocked_pairs)
    columns: Future  # (column layout, KeyColumn by name), or None where the untrained model is unknown to it


def meanwhile(keys: pd.DataFrame, planned: list[blocking.PlannedRule], codes: blocking.KeyCodes) -> Meanwhile:
    """Start making the scorer's inputs on another thread: the pair kernels and DuckDB release the GIL, so a
    million records' 32 million pairs cost no wall time of their own, and Splink's training, mostly one busy core
    (Python and small queries), leaves the other free."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tollbook-meanwhile")
    ranked = executor.submit(numbered, keys)
    columns = executor.submit(lambda: early_columns(ranked.result()[0]))
    pairs = executor.submit(lambda: _pairs_beside_training(ranked.result()[0], planned, codes))
    executor.shutdown(wait=False)  # the thread ends with its tasks
    return Meanwhile(ranked, pairs, columns)


def _pairs_beside_training(ranked: pd.DataFrame, planned: list[blocking.PlannedRule],
                           codes: blocking.KeyCodes) -> pd.DataFrame:
    """The plan's pairs with the pair kernels on half the cores: on all of them they would slow training down as
    much as they gain."""
    import numba

    numba.set_num_threads(min(_pair_cores(), numba.config.NUMBA_NUM_THREADS))  # for this thread only
    return blocking.blocked_pairs(ranked, planned, codes)


def _usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _pair_cores() -> int:
    """Cores for the pair kernels while Splink trains: half of them (at least one). Training keeps about one
    busy, and DuckDB's threads take the others when its queries are large."""
    return max(1, _usable_cores() // 2)


def untrained_model(records: int) -> dict[str, Any]:
    """The default settings as a saved model (DuckDB's dialect), before training sets m and u."""
    return model_settings.settings(untrained_prior(records)).get_settings("duckdb").as_dict()


def column_layout(spec: ModelSpec) -> tuple[tuple[str, tuple[str, ...], str | None], ...]:
    """What codes.key_columns reads of a model: each level's kind and columns, and its term-frequency column."""
    return tuple((level.kind, level.columns, level.tf.column if level.tf else None)
                 for comparison in spec.comparisons for level in comparison.levels)


def early_columns(ranked: pd.DataFrame) -> tuple[tuple[Any, ...], dict[str, KeyColumn]] | None:
    """The key columns the NumPy scorer reads for the untrained model, with its column layout (training changes
    m and u only); None where the scorer does not know that model or the key table."""
    try:
        spec = model_spec(untrained_model(len(ranked)))
        return column_layout(spec), key_columns(ranked, spec)
    except UnknownLevelError:
        return None


def numpy_scorer(ranked: pd.DataFrame, model: dict[str, Any], progress: Progress | None,
                 early: tuple[tuple[Any, ...], dict[str, KeyColumn]] | None = None) -> Scorer | None:
    """The NumPy scorer of the model over the ranked key table, or None (said through `progress`) where the
    model has a level it does not reproduce: Splink's predict scores then. `early` (early_columns) gives the key
    columns where its layout is the model's."""
    try:
        spec = model_spec(model)
        columns = early[1] if early is not None and early[0] == column_layout(spec) else None
        return Scorer(ranked, spec, columns=columns)
    except UnknownLevelError as exc:
        if progress:
            progress(f"scoring with Splink's predict instead of NumPy: {exc}")
        return None


def splink_blocked_pairs(linker: Any) -> pd.DataFrame:
    """The pairs the model's own blocking rules choose (join_key_l, join_key_r), as Splink blocks them: for a
    saved model, which carries its rules."""
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    pairs = linker.misc.query_sql(f"select join_key_l, join_key_r from {blocked.physical_name}",
                                  output_type="pandas")
    blocked.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    return pairs.astype(np.int64)


def _with_scored_terms(scorer: Scorer, chosen: pd.DataFrame, prior: float) -> pd.DataFrame:
    """`chosen` pairs with each comparison's gamma_ and mw_ terms joined on (the prior does not change them)."""
    if chosen.empty:
        return chosen
    terms = scorer.terms(chosen["unique_id_l"].to_numpy(), chosen["unique_id_r"].to_numpy())
    return pd.concat([chosen.reset_index(drop=True), terms], axis=1)


def numbered(keys: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The key table with each record id replaced by its rank among the ids in sorted order, and the ids by
    rank: integers join, group and cluster faster than text at every later stage, and sorted ranks keep each
    pair's left and right record (the smaller id left) as with the text ids. (Training keeps the text ids:
    Splink samples pairs for u by a hash of the id.) The other columns are shared, not copied: copying
    consolidates the key table's object columns (about a second at a million records)."""
    ids = keys["unique_id"].to_numpy(dtype=object)
    order = _sorted_order(ids)
    if order is None:  # ids NumPy cannot order as Python does, or repeated ones: pandas decides (and raises)
        ids = np.sort(ids)
        ranks = pd.Index(ids).get_indexer(keys["unique_id"]).astype(np.int64)
    else:
        ids, ranks = ids[order], np.empty(len(order), dtype=np.int64)
        ranks[order] = np.arange(len(order), dtype=np.int64)
    columns = {c: ranks if c == "unique_id" else keys[c] for c in keys.columns}
    return pd.DataFrame(columns, index=keys.index, copy=False), ids


def _sorted_order(ids: np.ndarray) -> np.ndarray | None:
    """Positions of the text ids in sorted order, sorted as fixed-width NumPy text (C comparisons, about five
    times faster than sorting Python strings), or None unless every id is text and the sorted ids strictly
    increase by Python's own comparison (NumPy text drops trailing NULs; repeated ids have no rank)."""
    if not all(isinstance(i, str) for i in ids):
        return None
    order = np.argsort(np.array(ids, dtype=str), kind="stable")
    ordered = ids[order]
    return order if all(a < b for a, b in zip(ordered[:-1], ordered[1:], strict=True)) else None
