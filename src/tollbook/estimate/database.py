"""The database side of estimation: capture histories from linked persons, and saved results."""

from __future__ import annotations

import io
import math
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.documented import LeftOut, retracted_only
from tollbook.errors import TollbookError
from tollbook.estimate.caveats import Caveat, saved_lines
from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.result import EstimateResult
from tollbook.model import Estimate, Source


def histories_from_database(
    session: Session, by: str | None = None, merge_groups: bool = True
) -> dict[str | None, CaptureHistories]:
    """Capture histories of the linked persons who count as documented deaths (one list per source or
    independence group), per stratum; :func:`documented_histories` also says whom they leave out."""
    return documented_histories(session, by, merge_groups)[0]


def documented_histories(
    session: Session, by: str | None = None, merge_groups: bool = True
) -> tuple[dict[str | None, CaptureHistories], LeftOut]:
    """Capture histories of the persons the report counts (:mod:`tollbook.documented`), per stratum, and the
    persons left out by reason (discounted, not killed, every record retracted)."""
    from tollbook.link.histories import capture_histories

    tally: Counter = Counter()
    frames = capture_histories(session, by=by, merge_groups=merge_groups, left_out=tally)
    left_out = LeftOut.of(tally, retracted_only(session))
    if not frames:
        raise TollbookError("no linked persons who count as documented deaths in the database "
                            f"({left_out.line()}): import lists and run `tollbook link` first")
    if by is None:  # one population: no stratum name, so no stratum total is added
        (frame,) = frames.values()
        return {None: _from_frame(frame, None, None)}, left_out
    return {stratum: _from_frame(frame, stratum, by) for stratum, frame in frames.items()}, left_out


def with_left_out(results: Sequence[EstimateResult], left_out: LeftOut) -> list[EstimateResult]:
    """The results with whom the documented count leaves out, and why, in ``diagnostics["persons_left_out"]``
    (kept when saved, printed as one line)."""
    return [replace(r, diagnostics=r.diagnostics | {"persons_left_out": left_out.as_dict()}) for r in results]


def independence_groups(session: Session) -> dict[str, list[str]]:
    """Independence group -> its sources' names, for groups of two or more sources (DESIGN.md: sources of one
    network are not independent)."""
    groups: dict[str, list[str]] = {}
    for source in session.scalars(select(Source).order_by(Source.name)):
        groups.setdefault(source.group, []).append(source.name)
    return {group: names for group, names in groups.items() if len(names) >= 2}


@dataclass(frozen=True)
class PendingReview:
    """Pairs awaiting a reviewer and the range of persons they imply: none merged (now) to all merged."""

    pairs: int
    persons_now: int
    persons_if_all_merged: int

    def warning(self) -> Caveat:
        """The plain-words warning printed with every estimate while pairs are pending."""
        return Caveat("review.pending", num_pairs=self.pairs, num_merged=self.persons_if_all_merged,
                      num_now=self.persons_now)

    def as_dict(self) -> dict:
        return {"pairs": self.pairs, "persons_now": self.persons_now,
                "persons_if_all_merged": self.persons_if_all_merged}  # fmt: skip


def pending_review(session: Session) -> PendingReview | None:
    """The undecided pairs of the latest linkage run and the persons they would merge, or None when there are
    none. Persons are those the documented count counts (their current records); merging follows the pairs
    transitively."""
    from tollbook.documented import person_views
    from tollbook.link.review import review_queue

    queue = review_queue(session)
    if not queue:
        return None
    owner = {r.id: person.id for person, records, _view, reason in person_views(session) if reason is None
             for r in records}
    persons = set(owner.values())
    parent = {person: person for person in persons}

    def root(person: int) -> int:
        while parent[person] != person:
            parent[person] = parent[parent[person]]
            person = parent[person]
        return person

    for link in queue:
        a, b = owner.get(link.record_a_id), owner.get(link.record_b_id)
        if a is not None and b is not None:
            parent[root(a)] = root(b)
    merged = len({root(person) for person in persons})
    return PendingReview(len(queue), len(persons), merged)


def with_pending_review(results: Sequence[EstimateResult], pending: PendingReview | None) -> list[EstimateResult]:
    """The results with the pending-review warning and figures added (unchanged when nothing is pending)."""
    if pending is None:
        return list(results)
    return [replace(r, warnings=(pending.warning(), *r.warnings),
                    diagnostics=r.diagnostics | {"pending_review": pending.as_dict()}) for r in results]


def _from_frame(frame: pd.DataFrame, stratum: str | None, by: str | None) -> CaptureHistories:
    """One stratum's pattern counts as CaptureHistories."""
    lists = [column for column in frame.columns if column not in ("count", by)]
    return CaptureHistories.from_frame(frame, lists, count_col="count", stratum=stratum)


def pack_draws(result: EstimateResult) -> bytes | None:
    """The result's draws and per-chain traces as one compressed NumPy .npz blob (None when it has none)."""
    arrays = {} if result.draws is None else {"draws": np.asarray(result.draws)}
    arrays |= {f"chain_{name}": np.asarray(values) for name, values in (result.chains or {}).items()}
    if not arrays:
        return None
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def unpack_draws(blob: bytes | None) -> tuple[np.ndarray | None, dict[str, np.ndarray] | None]:
    """(draws, chains) from a blob written by :func:`pack_draws`."""
    if not blob:
        return None, None
    with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
        chains = {key.removeprefix("chain_"): stored[key] for key in stored.files if key.startswith("chain_")}
        return (stored["draws"] if "draws" in stored.files else None), (chains or None)


def load_result(row: Estimate) -> EstimateResult:
    """A saved estimate as an EstimateResult again, with its draws (numbers stored as null come back NaN)."""
    data = row.result
    draws, chains = unpack_draws(row.draws)

    def number(key: str) -> float:
        return math.nan if data.get(key) is None else float(data[key])

    return EstimateResult(
        method=data["method"], model=data["model"], estimate=number("estimate"), lower=number("lower"),
        upper=number("upper"), observed=int(data["observed"]), stratum=data["stratum"], settings=data["settings"],
        diagnostics=data["diagnostics"], data_hash=data["data_hash"], code_version=data["code_version"],
        converged=data["converged"], warnings=saved_lines(data, "warnings"), draws=draws, chains=chains,
    )  # fmt: skip


def load_run(session: Session, run_id: str) -> list[EstimateResult]:
    """Every result of one saved run, in the order saved; a run id nobody saved is a clear error."""
    rows = list(session.scalars(select(Estimate).where(Estimate.run_id == run_id).order_by(Estimate.id)))
    if not rows:
        raise TollbookError(f"no saved estimates with run id {run_id!r}: `tollbook estimate --db ...` prints the "
                            "run id it saves")
    return [load_result(row) for row in rows]


def save_results(
    session: Session, results: Sequence[EstimateResult], stratified_by: str | None, actor: str = "system"
) -> str:
    """Store results under one new run id (audited) and return the id."""
    run_id = uuid.uuid4().hex
    rows = []
    for result in results:
        data = result.to_dict()
        rows.append(
            Estimate(
                run_id=run_id,
                method=result.method,
                model=result.model,
                stratum=result.stratum,
                observed=result.observed,
                estimate=data["estimate"],
                lower=data["lower"],
                upper=data["upper"],
                converged=result.converged,
                stratified_by=stratified_by,
                result=data,
                draws=pack_draws(result),
            )
        )
    session.add_all(rows)
    session.flush()
    record_event(
        session,
        actor,
        "estimate.save",
        "estimate_run",
        run_id,
        {"results": len(results), "stratified_by": stratified_by},
        wrote=rows,
    )
    return run_id


def latest_estimates(session: Session, method: str | None = None) -> list[Estimate]:
    """The rows of the most recent saved run (optionally of one method)."""
    newest = select(Estimate.run_id).order_by(Estimate.id.desc()).limit(1)
    if method:
        newest = newest.where(Estimate.method == method)
    run_id = session.scalar(newest)
    if run_id is None:
        return []
    query = select(Estimate).where(Estimate.run_id == run_id).order_by(Estimate.id)
    return list(session.scalars(query.where(Estimate.method == method) if method else query))


def saved_estimates(session: Session, preferred: str = "lcmcr") -> list[Estimate] | None:
    """The latest saved run of the preferred method (else of any), or None when nothing was estimated yet."""
    return latest_estimates(session, preferred) or latest_estimates(session) or None


@dataclass(frozen=True)
class SavedLinkage:
    """The settings of the latest `tollbook link` run (the defaults when nothing was linked yet)."""

    threshold: float
    review_lower: float
    backend: str
    seed: int
    persons: int | None  # persons the run formed (None: no run saved)

    @property
    def saved(self) -> bool:
        return self.persons is not None


def saved_linkage(session: Session) -> SavedLinkage:
    """The latest linkage run's threshold, review band, backend and persons, from its audit event (the run's
    seed is not recorded there: `tollbook link`'s default is assumed)."""
    import json

    from tollbook.link.api import DEFAULT_REVIEW_LOWER, DEFAULT_THRESHOLD
    from tollbook.model import AuditEvent

    details = session.scalars(select(AuditEvent.details).where(AuditEvent.action == "link.run")
                              .order_by(AuditEvent.id.desc()).limit(1)).first()
    run = json.loads(details) if details else {}
    return SavedLinkage(float(run.get("threshold", DEFAULT_THRESHOLD)),
                        float(run.get("review_lower", DEFAULT_REVIEW_LOWER)), str(run.get("backend", "duckdb")),
                        int(run.get("seed", LINK_SEED)), run.get("persons"))


LINK_SEED = 2019  # `tollbook link --seed`'s default


@dataclass(frozen=True)
class Relinked:
    """Persons a linkage at one threshold would form: how many, and the capture histories of those who count."""

    threshold: float
    formed: int
    histories: CaptureHistories


def relinked(session: Session, threshold: float, merge_groups: bool = True,
             linkage: SavedLinkage | None = None) -> Relinked:
    """Re-link the current records at ``threshold`` exactly as `tollbook link --threshold` would (the link
    package's public ``link_frame``: the same keys, training, prior calibrated at that threshold, clustering,
    reviewers' decisions as must/cannot-link, the saved run's backend), writing nothing. A re-formed person
    counts unless all its records belong to saved persons the documented count leaves out."""
    from tollbook.documented import left_out_record_ids
    from tollbook.link import store
    from tollbook.link.api import link_frame
    from tollbook.link.cluster import members
    from tollbook.link.review import constraints

    linkage = linkage or saved_linkage(session)
    frame = store.records_frame(session)
    if frame.empty:
        raise TollbookError("no records to link: import some lists first")
    must, cannot = constraints(session)
    result = link_frame(frame, threshold, min(linkage.review_lower, threshold), linkage.backend, linkage.seed,
                        must_link=[(str(a), str(b)) for a, b in must],
                        cannot_link=[(str(a), str(b)) for a, b in cannot])
    column = frame["group"] if merge_groups else frame["source"]
    list_of = dict(zip(frame["record_id"].astype(int), column, strict=True))
    lists, left_out = sorted(set(column)), left_out_record_ids(session)
    clusters = [[int(r) for r in ids] for ids in members(result.assignment).values()]
    people = [[int(any(list_of[r] == name for r in ids)) for name in lists]
              for ids in clusters if not all(r in left_out for r in ids)]
    return Relinked(threshold, len(clusters), CaptureHistories.from_matrix(np.array(people), lists))


def histories_at_threshold(session: Session, threshold: float, merge_groups: bool = True) -> CaptureHistories:
    """Capture histories (one population) of the persons who count among those a linkage at ``threshold``
    would form (:func:`relinked`), writing nothing."""
    return relinked(session, threshold, merge_groups).histories
