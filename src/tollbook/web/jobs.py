"""Linkage and estimation as background jobs with progress, one at a time (both write the database).

A job runs the same library calls as `tollbook link` and `tollbook estimate --db` in a worker thread with a
session of its own; its progress and outcome live in the serving process and show on /jobs.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from tollbook.errors import TollbookError
from tollbook.store import session_scope

KINDS = ("link", "estimate")


@dataclass
class Job:
    """One background job and how far it got."""

    id: str
    kind: str
    actor: str
    state: str = "queued"  # queued, running, done, failed
    message: str = ""
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.time)
    finished: float | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the page and the API."""
        return {key: getattr(self, key) for key in ("id", "kind", "actor", "state", "message", "done", "total",
                                                    "started", "finished", "result", "error")}


def run_link(engine: Engine, job: Job) -> dict[str, Any]:
    """`tollbook link` with the default thresholds."""
    from tollbook.link import link_database

    def say(message: str) -> None:
        job.message = message

    with session_scope(engine) as session:
        return link_database(session, actor=job.actor, progress=say).summary()


def run_estimate(engine: Engine, job: Job) -> dict[str, Any]:
    """`tollbook estimate --by province --pool-thin --seed 1`: LCMCR per province and the total, saved."""
    from tollbook.estimate import estimate
    from tollbook.estimate.database import documented_histories, save_results, with_left_out

    def progress(done: int, total: int) -> None:
        job.done, job.total, job.message = done, total, f"sampling {done:,} of {total:,}"

    with session_scope(engine) as session:
        try:
            histories, left_out = documented_histories(session, "province")
            results = with_left_out(estimate(histories, "lcmcr", progress=progress, pool=True, seed=1), left_out)
        except ValueError as exc:
            raise TollbookError(str(exc)) from exc
        run_id = save_results(session, results, "province", actor=job.actor)
    total = next((r for r in results if r.stratum in (None, "total")), results[-1])
    return {"run_id": run_id, "results": len(results), "total": total.to_dict()["estimate"]}


RUNNERS: dict[str, Callable[[Engine, Job], dict[str, Any]]] = {"link": run_link, "estimate": run_estimate}


class JobRunner:
    """Starts jobs in threads, one at a time, and remembers them (newest first)."""

    def __init__(self, engine: Engine, runners: dict[str, Callable[[Engine, Job], dict[str, Any]]] | None = None):
        self.engine = engine
        self.runners = runners or RUNNERS
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def running(self) -> Job | None:
        """The job in progress, if any."""
        return next((job for job in self.jobs.values() if job.state in ("queued", "running")), None)

    def start(self, kind: str, actor: str) -> Job:
        """Start a job of `kind`, refusing while another runs."""
        if kind not in self.runners:
            raise TollbookError(f"unknown job {kind!r}: use one of {', '.join(self.runners)}")
        with self._lock:
            if (busy := self.running()) is not None:
                raise TollbookError(f"a {busy.kind} job is still running ({busy.id}): wait for it to finish")
            job = Job(uuid.uuid4().hex[:12], kind, actor)
            self.jobs[job.id] = job
        threading.Thread(target=self._run, args=(job,), name=f"tollbook-{kind}", daemon=True).start()
        return job

    def _run(self, job: Job) -> None:
        """Run one job and record its outcome; any failure becomes the job's error message."""
        job.state = "running"
        try:
            job.result = self.runners[job.kind](self.engine, job)
            job.state = "done"
        except Exception as exc:  # noqa: BLE001 - a job's failure is reported on its page, never lost
            job.error, job.state = f"{type(exc).__name__}: {exc}" if not isinstance(exc, TollbookError) \
                else str(exc), "failed"
        job.finished = time.time()

    def get(self, job_id: str) -> Job:
        """A job by id, or a clear error."""
        from tollbook.errors import NotFoundError

        if job_id not in self.jobs:
            raise NotFoundError(f"no job {job_id!r} in this server (jobs are forgotten when it restarts)")
        return self.jobs[job_id]

    def listing(self) -> list[dict[str, Any]]:
        """Every job, newest first."""
        return [job.as_dict() for job in sorted(self.jobs.values(), key=lambda j: j.started, reverse=True)]
