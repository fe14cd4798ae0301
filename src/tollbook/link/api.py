"""Linkage as library calls for notebooks, the CLI and the web app: link a database's records, or key and
cluster a frame of records without a database (what `link-files` and the benchmarks use)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.errors import TollbookError
from tollbook.link import store
from tollbook.link.blocking import load_kernels
from tollbook.link.calibrate import log_odds, probability_of, settled_prior
from tollbook.link.clashes import VETO_BELOW, large_clusters, vetoes, within_cluster_pairs
from tollbook.link.cluster import (
    Constraints,
    Ranked,
    as_pairs,
    assign_public_ids,
    cluster_ranks,
    fresh_public_id,
    members,
)
from tollbook.link.competition import list_aware_terms
from tollbook.link.keys import build_keys
from tollbook.link.lock import hold_link_lock
from tollbook.link.review import constraints
from tollbook.link.train import ScoredPairs, score, scorer_choice

DEFAULT_THRESHOLD = 0.1  # with list-aware scores, errors nearest balance on realistic lists and the example (bench)
DEFAULT_REVIEW_LOWER = 0.05
CLASH_ROUNDS = 2
# The list-aware terms raise a pair by a few bits at most (a cross-list prior about +1, the only candidate on a
# list log2(1 / (1 - c)), c <= 0.95); pairs 64 times (6 bits) below the review band cannot reach it.
LIST_AWARE_REACH = 64
SCORE_FLOOR = 1e-4  # pairs scored this low are kept while the prior is calibrated (it may rise several-fold)
Progress = Callable[[str], None]
LOG = logging.getLogger("tollbook.link")


def _announcer(progress: Progress | None) -> Progress:
    """Each stage's message to the log and to the caller's progress callback (if any)."""
    def say(message: str) -> None:
        LOG.info(message)
        if progress:
            progress(message)

    return say


@dataclass(frozen=True)
class Clustering:
    """The result of linking a frame of records: a cluster key per record and what it took."""

    record_ids: np.ndarray = field(repr=False)  # the records' ids, in the order they were given
    cluster_keys: np.ndarray = field(repr=False)  # each one's cluster key (the id of its cluster's first record)
    pairs: pd.DataFrame  # scored pairs at or above the review threshold
    model: dict[str, Any]
    trained: bool
    comparisons: int
    seconds: dict[str, float] = field(default_factory=dict)
    scorer: str = "numpy"  # what scored the pairs: "numpy" (Tollbook's scorer) or "splink" (Splink's predict)
    scorer_reason: str | None = None  # why Splink's predict scored them (the level NumPy does not reproduce)

    @cached_property
    def assignment(self) -> dict[Any, Any]:
        """Record id -> cluster key, in the records' order (built when first asked: a million entries)."""
        return dict(zip(self.record_ids.tolist(), self.cluster_keys.tolist(), strict=True))

    @property
    def clusters(self) -> int:
        """Number of clusters (persons)."""
        return len(pd.unique(self.cluster_keys))


@dataclass(frozen=True)
class LinkRun:
    """What `link_database` did: counts, ids kept, the queue, and the model saved with the run."""

    run_id: str
    backend: str
    threshold: float
    review_lower: float
    records: int
    persons: int
    comparisons: int
    links_stored: int
    review_queue: int
    ids_kept: int
    ids_inherited: int
    ids_new: int
    trained: bool
    seconds: float
    model: dict[str, Any] = field(repr=False, default_factory=dict)
    scorer: str = "numpy"  # as Clustering.scorer
    scorer_reason: str | None = None

    def summary(self) -> dict[str, Any]:
        """The run's figures without the model, for printing and audit (the scorer's reason only when Splink's
        predict scored, so a NumPy run's table shows no empty row)."""
        return {k: v for k, v in self.__dict__.items()
                if k != "model" and not (k == "scorer_reason" and v is None)}


def _check_thresholds(threshold: float, review_lower: float) -> None:
    """Thresholds are probabilities with the review band below the match threshold."""
    if not 0 < threshold <= 1 or not 0 < review_lower <= threshold:
        raise TollbookError(f"thresholds must satisfy 0 < review_lower ({review_lower}) ≤ threshold ({threshold}) ≤ 1")


def _check_unique_ids(ids: pd.Series) -> None:
    """Record ids must be unique as text (the form keys give them): 0 and "0", or NaN and "nan", are one id."""
    as_text = ids.astype(str)
    repeated = as_text.duplicated(keep=False)
    if repeated.any():
        clashing = ", ".join(f"{value!r}" for value in ids[repeated].head(6).tolist())
        raise TollbookError(f"record ids must be unique within a linkage (compared as text): {clashing} repeat")


def link_frame(records: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD,
               review_lower: float = DEFAULT_REVIEW_LOWER, backend: str = "duckdb", seed: int = 2019,
               must_link: list[tuple[Any, Any]] | None = None, cannot_link: list[tuple[Any, Any]] | None = None,
               model: dict[str, Any] | None = None, progress: Progress | None = None,
               threads: int | None = None) -> Clustering:
    """Key, train, score and cluster a frame of records (keys.INPUT_COLUMNS; unique_id unique text)."""
    _check_thresholds(threshold, review_lower)
    _check_unique_ids(records["unique_id"])
    say = _announcer(progress)
    started = time.perf_counter()
    say(f"building keys for {len(records):,} records")
    keys = build_keys(records, meanwhile=load_kernels)  # the plan's kernels load while names are keyed
    keyed = time.perf_counter()
    scored = score(keys, min(review_lower, SCORE_FLOOR) if model is None else review_lower, backend, seed, model,
                   say, threads, terms=False)
    scored_at = time.perf_counter()
    say(f"{len(scored.pairs):,} of {scored.comparisons:,} compared pairs scored at or above "
        f"{min(review_lower, SCORE_FLOOR) if model is None else review_lower:g}")
    found = _after_scoring(keys, scored, threshold, review_lower, model, must_link, cannot_link, say)
    done = time.perf_counter()
    seconds = {"keys": keyed - started, "model": scored_at - keyed, "cluster": done - scored_at,
               "total": done - started}
    scorer, reason = scorer_choice(scored.model, backend)
    return replace(found, seconds=seconds, scorer=scorer, scorer_reason=reason)


def _after_scoring(keys: pd.DataFrame, scored: ScoredPairs, threshold: float, review_lower: float,
                   model: dict[str, Any] | None, must_link: list[tuple[Any, Any]] | None,
                   cannot_link: list[tuple[Any, Any]] | None, say: Progress) -> Clustering:
    """link_frame's stages after scoring: the prior calibrated and the list-aware terms added (a fresh model),
    the kept pairs' terms read, the records clustered and the clusters checked whole."""
    names = scored.ids  # record id by rank; pairs name records by rank
    number = pd.Index(names)  # rank by record id
    records = Ranked.of(number.get_indexer(keys["unique_id"]), keys["source_list"])  # in the records' order
    fitted = scored.model
    if scored.trained and model is None:  # a table too small to train keeps its stated prior (1 / records)
        pairs, prior = _list_aware_pairs(records, scored.pairs, fitted["probability_two_random_records_match"],
                                         (threshold, review_lower), say)
        fitted = fitted | {"probability_two_random_records_match": prior}
    else:
        pairs = _kept(scored.pairs, scored.pairs["match_probability"].to_numpy() >= review_lower)
    say(f"reading the comparisons of {len(pairs):,} pairs at or above {review_lower}")
    serial = _one_at_a_time(scored)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tollbook-terms") as pool:
        with_terms = pool.submit(serial.with_terms, pairs, fitted["probability_two_random_records_match"])
        say(f"clustering {len(pairs):,} pairs at threshold {threshold}")  # while the terms are read
        decided = Constraints(_numbered_pairs(must_link, number), _numbered_pairs(cannot_link, number))
        labels = cluster_ranks(records, *_pair_arrays(pairs), threshold, decided)
        labels = _checked_whole(serial, fitted, (records, pairs), labels, threshold, decided, say)
        pairs = with_terms.result()
    order = records.order
    return Clustering(names[order], names[labels[order]], named_pairs(pairs, names), fitted, scored.trained,
                      scored.comparisons)


def _one_at_a_time(scored: ScoredPairs) -> ScoredPairs:
    """The scored pairs with their terms read by one thread at a time: clustering runs beside the reading, and a
    Splink linker's database (the scorer on other backends) takes one query at a time."""
    if scored.terms_of is None:
        return scored
    lock, terms_of = threading.Lock(), scored.terms_of

    def one_at_a_time(pairs: pd.DataFrame, prior: float) -> pd.DataFrame:
        with lock:
            return terms_of(pairs, prior)

    return replace(scored, terms_of=one_at_a_time)


def _list_aware_pairs(records: Ranked, scored: pd.DataFrame, prior: float, thresholds: tuple[float, float],
                      say: Progress) -> tuple[pd.DataFrame, float]:
    """(the pairs at or above the review threshold with the prior calibrated and the list-aware terms added, the
    calibrated prior), as calibrate_prior and list_aware on the pairs that can reach the review band, computed
    on arrays: only the kept pairs become a frame. `thresholds`: (match threshold, review_lower)."""
    threshold, review_lower = thresholds
    left, right = scored["unique_id_l"].to_numpy(dtype=np.int64), scored["unique_id_r"].to_numpy(dtype=np.int64)
    weight, probability = scored["match_weight"].to_numpy(), scored["match_probability"].to_numpy()
    settled = prior
    if records.size >= 2 and len(scored):
        settled = settled_prior(records, (left, right, weight), prior, threshold, say)
        weight = weight + (log_odds(settled) - log_odds(prior))  # as calibrate.shifted: the same bits
        probability = probability_of(weight)
    reach = np.flatnonzero(probability >= review_lower / LIST_AWARE_REACH)
    if not len(reach):
        return _kept(scored, reach), settled
    terms = list_aware_terms(records, (left[reach], right[reach]), (weight[reach], probability[reach]), settled,
                             threshold, say)
    kept = _in_order(left[reach], right[reach], terms["match_probability"] >= review_lower)
    return _kept(scored, reach[kept]).assign(**{name: column[kept] for name, column in terms.items()}), settled


def _in_order(left: np.ndarray, right: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The places of the chosen pairs (a mask) by left, then right rank: the order pairs are stored in (pairs
    already in it need no sort)."""
    from tollbook.link._kernels import in_pair_order

    places = np.flatnonzero(chosen)
    if in_pair_order(left[places], right[places]):
        return places
    return places[np.lexsort((right[places], left[places]))]


def _kept(pairs: pd.DataFrame, places: np.ndarray) -> pd.DataFrame:
    """The pairs at these places, indexed 0..k-1; a mask chooses them in the stored order (left, right rank)."""
    if places.dtype == bool:
        places = _in_order(*_pair_arrays(pairs)[:2], places)
    return pairs.take(places).reset_index(drop=True)


def _pair_arrays(pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs' left and right ranks and match probabilities."""
    return (pairs["unique_id_l"].to_numpy(dtype=np.int64), pairs["unique_id_r"].to_numpy(dtype=np.int64),
            pairs["match_probability"].to_numpy(dtype=np.float64))


def _checked_whole(scored: ScoredPairs, model: dict[str, Any], linked: tuple[Ranked, pd.DataFrame],
                   labels: np.ndarray, threshold: float, decided: Constraints, say: Progress) -> np.ndarray:
    """The clustering again with vetoes between records of one cluster that the model scores as clearly two
    persons (:mod:`tollbook.link.clashes`; they bind joins below VETO_BELOW), until none is new (CLASH_ROUNDS).
    `linked` is (the records by rank, the pairs), `labels` each rank's cluster key, `decided` the reviewers'
    must- and cannot-links."""
    records, pairs = linked
    must = [(int(a), int(b)) for a, b in decided.must.tolist()]
    vetoed: set[tuple[int, int]] = set()
    for _round in range(CLASH_ROUNDS):
        scored_within = within_cluster_pairs(labels, scored, model["probability_two_random_records_match"])
        found = set(vetoes(scored_within, must)) - vetoed
        if not found:
            break
        vetoed |= found
        say(f"checking clusters whole: {len(found):,} pairs of records in {large_clusters(labels):,} clusters "
            f"of three or more are clearly two persons; clustering again (joins below {VETO_BELOW} may not put "
            "them together)")
        labels = cluster_ranks(records, *_pair_arrays(pairs), threshold,
                               replace(decided, vetoes=as_pairs(sorted(vetoed)), veto_below=VETO_BELOW))
    return labels


def _numbered_pairs(pairs: list[tuple[Any, Any]] | None, number: pd.Index) -> np.ndarray:
    """Reviewers' pairs of record ids as ranks (`number`: the ids by rank); pairs naming a record not linked here
    are left out."""
    chosen = list(pairs or ())
    ranks = np.column_stack([number.get_indexer([a for a, _ in chosen]), number.get_indexer([b for _, b in chosen])])
    return ranks[(ranks >= 0).all(axis=1)].astype(np.int64).reshape(-1, 2)


def named_pairs(pairs: pd.DataFrame, names: np.ndarray) -> pd.DataFrame:
    """Scored pairs with their record ids again (ranks turned back into ids)."""
    return pairs.assign(unique_id_l=names[pairs["unique_id_l"].to_numpy()],
                        unique_id_r=names[pairs["unique_id_r"].to_numpy()])


def link_database(session: Session, threshold: float = DEFAULT_THRESHOLD,
                  review_lower: float = DEFAULT_REVIEW_LOWER, backend: str = "duckdb", seed: int = 2019,
                  actor: str = "system", progress: Progress | None = None) -> LinkRun:
    """Link the database's current records into persons in the caller's transaction: persons keep their ids
    when their records do not change, reviewers' decisions are respected, the run and its model are audited."""
    started = time.perf_counter()
    hold_link_lock(session)
    frame = store.records_frame(session)
    if frame.empty:
        raise TollbookError("no records to link: import some lists first (`tollbook import FILE --source NAME`)")
    must, cannot = constraints(session)
    as_text = [(str(a), str(b)) for a, b in must], [(str(a), str(b)) for a, b in cannot]
    result = link_frame(frame, threshold, review_lower, backend, seed, as_text[0], as_text[1], progress=progress)
    clusters = {int(key): frozenset(int(r) for r in ids) for key, ids in members(result.assignment).items()}
    ids = assign_public_ids(clusters, store.old_clusters(frame, session))
    before = store.written_by_linkage(session)
    store.write_persons(session, clusters, ids.ids, dict(zip(frame["record_id"], frame["group"], strict=True)))
    run_id = uuid.uuid4().hex
    stored, queued = store.write_links(session, run_id, result.pairs, review_lower, threshold)
    run = LinkRun(run_id, backend, threshold, review_lower, len(frame), len(clusters), result.comparisons, stored,
                  queued, ids.kept, ids.inherited, ids.new, result.trained, time.perf_counter() - started,
                  result.model, result.scorer, result.scorer_reason)
    after = store.written_by_linkage(session, run_id)
    record_event(session, actor, "link.run", "link_run", run_id, run.summary() | {"model": run.model},
                 wrote={"records": frame["record_id"].tolist(), "persons": after["persons"],
                        "links": before["links"] | after["links"]},
                 removed={"persons": before["persons"] - after["persons"]})
    return run


def person_ids_for(assignment: dict[Any, Any]) -> dict[Any, str]:
    """Record id -> a person id derived from the cluster's records (stable for the same clustering)."""
    ids = {key: fresh_public_id(records) for key, records in members(assignment).items()}
    return {record: ids[key] for record, key in assignment.items()}
