"""Linkage as library calls for notebooks, the CLI and the web app: link a database's records, or key and
cluster a frame of records without a database (what `link-files` and the benchmarks use)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.errors import TollbookError
from tollbook.link import store
from tollbook.link.calibrate import calibrate_prior
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
from tollbook.link.competition import list_aware
from tollbook.link.keys import build_keys
from tollbook.link.lock import hold_link_lock
from tollbook.link.review import constraints
from tollbook.link.train import ScoredPairs, score

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

    assignment: dict[Any, Any]  # record id -> cluster key (first record of the cluster)
    pairs: pd.DataFrame  # scored pairs at or above the review threshold
    model: dict[str, Any]
    trained: bool
    comparisons: int
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def clusters(self) -> int:
        """Number of clusters (persons)."""
        return len(set(self.assignment.values()))


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

    def summary(self) -> dict[str, Any]:
        """The run's figures without the model, for printing and audit."""
        return {k: v for k, v in self.__dict__.items() if k != "model"}


def _check_thresholds(threshold: float, review_lower: float) -> None:
    """Thresholds are probabilities with the review band below the match threshold."""
    if not 0 < threshold <= 1 or not 0 < review_lower <= threshold:
        raise TollbookError(f"thresholds must satisfy 0 < review_lower ({review_lower}) ≤ threshold ({threshold}) ≤ 1")


def link_frame(records: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD,
               review_lower: float = DEFAULT_REVIEW_LOWER, backend: str = "duckdb", seed: int = 2019,
               must_link: list[tuple[Any, Any]] | None = None, cannot_link: list[tuple[Any, Any]] | None = None,
               model: dict[str, Any] | None = None, progress: Progress | None = None,
               threads: int | None = None) -> Clustering:
    """Key, train, score and cluster a frame of records (keys.INPUT_COLUMNS; unique_id unique text)."""
    _check_thresholds(threshold, review_lower)
    if records["unique_id"].duplicated().any():
        raise TollbookError("record ids must be unique within a linkage: found duplicates of "
                            f"{records.loc[records['unique_id'].duplicated(), 'unique_id'].head(3).tolist()}")
    say = _announcer(progress)
    started = time.perf_counter()
    say(f"building keys for {len(records):,} records")
    keys = build_keys(records)
    keyed = time.perf_counter()
    scored = score(keys, min(review_lower, SCORE_FLOOR) if model is None else review_lower, backend, seed, model,
                   say, threads, terms=False)
    scored_at = time.perf_counter()
    say(f"{len(scored.pairs):,} of {scored.comparisons:,} compared pairs scored at or above "
        f"{min(review_lower, SCORE_FLOOR) if model is None else review_lower:g}")
    names = scored.ids  # record id by rank; pairs name records by rank
    number = pd.Index(names)  # rank by record id
    records = Ranked.of(number.get_indexer(keys["unique_id"]), keys["source_list"])  # in the records' order
    pairs, fitted = scored.pairs, scored.model
    if scored.trained and model is None:  # a table too small to train keeps its stated prior (1 / records)
        pairs, prior = calibrate_prior(records, pairs, fitted["probability_two_random_records_match"],
                                       threshold, None, say)
        fitted = fitted | {"probability_two_random_records_match": prior}
        reachable = pairs[pairs["match_probability"] >= review_lower / LIST_AWARE_REACH].reset_index(drop=True)
        pairs = list_aware(records, reachable, prior, threshold, None, say)
    pairs = pairs[pairs["match_probability"] >= review_lower].reset_index(drop=True)
    say(f"reading the comparisons of {len(pairs):,} pairs at or above {review_lower}")
    pairs = scored.with_terms(pairs, fitted["probability_two_random_records_match"])
    pairs = pairs.sort_values(["unique_id_l", "unique_id_r"], ignore_index=True)  # stored in one order
    say(f"clustering {len(pairs):,} pairs at threshold {threshold}")
    decided = Constraints(_numbered_pairs(must_link, number), _numbered_pairs(cannot_link, number))
    labels = cluster_ranks(records, *_pair_arrays(pairs), threshold, decided)
    labels = _checked_whole(scored, fitted, (records, pairs), labels, threshold, decided, say)
    done = time.perf_counter()
    seconds = {"keys": keyed - started, "model": scored_at - keyed, "cluster": done - scored_at,
               "total": done - started}
    order = records.order
    assignment = dict(zip(names[order].tolist(), names[labels[order]].tolist(), strict=True))
    return Clustering(assignment, named_pairs(pairs, names), fitted, scored.trained, scored.comparisons, seconds)


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
                  result.model)
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
