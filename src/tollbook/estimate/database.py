"""The database side of estimation: capture histories from linked persons, and saved results."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.errors import TollbookError
from tollbook.estimate.histories import CaptureHistories
from tollbook.estimate.result import EstimateResult
from tollbook.model import Estimate


def histories_from_database(
    session: Session, by: str | None = None, merge_groups: bool = True
) -> dict[str | None, CaptureHistories]:
    """Capture histories of the linked persons (one list per source or independence group), per stratum."""
    from tollbook.link.histories import capture_histories

    frames = capture_histories(session, by=by, merge_groups=merge_groups)
    if not frames:
        raise TollbookError("no linked persons in the database: import lists and run `tollbook link` first")
    if by is None:  # one population: no stratum name, so no stratum total is added
        (frame,) = frames.values()
        return {None: _from_frame(frame, None, None)}
    return {stratum: _from_frame(frame, stratum, by) for stratum, frame in frames.items()}


def _from_frame(frame: pd.DataFrame, stratum: str | None, by: str | None) -> CaptureHistories:
    """One stratum's pattern counts as CaptureHistories."""
    lists = [column for column in frame.columns if column not in ("count", by)]
    return CaptureHistories.from_frame(frame, lists, count_col="count", stratum=stratum)


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
