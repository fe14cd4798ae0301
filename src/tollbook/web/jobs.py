"""Linkage and estimation as background jobs with progress, one at a time (both write the database).

A job runs the same library calls as `tollbook link` and `tollbook estimate --db` in a worker thread with a
session of its own. Its state and progress live in the database (web_jobs), written by its thread every few
seconds, so every worker process of `tollbook serve --workers N` shows the same jobs and refuses a second one.
A job whose process died (killed, crashed, restarted) shows as abandoned: on this machine as soon as its
process is gone, from another machine once it has not been heard from for STALE_SECONDS.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tollbook.errors import NotFoundError, TollbookError
from tollbook.model import WebJob
from tollbook.store import session_scope

KINDS = ("link", "estimate")
ACTIVE = ("queued", "running")
HEARTBEAT_SECONDS = 2.0  # how often a running job writes its progress
STALE_SECONDS = 120.0  # a job of another machine not heard from for this long is abandoned
LISTED = 100  # jobs on the list page, newest first


@dataclass
class Job:
    """One background job and how far it got (the running thread's copy, written to web_jobs)."""

    id: str
    kind: str
    actor: str
    state: str = "queued"  # queued, running, done, failed, abandoned
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


Runner = Callable[[Engine, Job], dict[str, Any]]
RUNNERS: dict[str, Runner] = {"link": run_link, "estimate": run_estimate}


def _process_start(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, from /proc), which tells it from a later process
    given the same id: "" when no live process has that id, None where this system has no /proc to ask."""
    if not Path("/proc/self/stat").exists():
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()  # after the command name
    except OSError:
        return ""
    return "" if fields[0] in ("Z", "X") else fields[19]  # a dead process not yet reaped; field 22: its start


def this_process() -> str:
    """Who runs a job: this machine, this process's id, and when the process started."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid) or ''}"


def owner_alive(owner: str, heartbeat_at: float, now: float) -> bool:
    """Whether the process that owns a job may still run it: asked of the system on this machine, judged by
    its heartbeat for another machine."""
    host, pid, started = (owner.rsplit(":", 2) + ["", ""])[:3]
    if host != socket.gethostname() or not pid.isdigit():
        return now - heartbeat_at < STALE_SECONDS
    started_now = _process_start(int(pid))
    if started_now is not None:
        return bool(started_now) and started_now == started
    try:  # no /proc: whether any process has that id
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _as_job(row: WebJob) -> Job:
    """A stored job as the pages and the API show it."""
    return Job(row.id, row.kind, row.actor, row.state, row.message, row.done, row.total, row.started_at,
               row.finished_at, row.result, row.error)


class JobRunner:
    """Starts jobs in threads, one at a time across every process on the database, and lists them from it."""

    def __init__(self, engine: Engine, runners: dict[str, Runner] | None = None,
                 heartbeat: float = HEARTBEAT_SECONDS) -> None:
        self.engine = engine
        self.runners = runners or RUNNERS
        self.heartbeat = heartbeat

    def _reap(self, session: Session) -> None:
        """Mark the active job abandoned when the process that ran it is gone (it cannot finish)."""
        now = time.time()
        for row in session.scalars(select(WebJob).where(WebJob.slot.is_not(None))):
            if not owner_alive(row.owner, row.heartbeat_at, now):
                row.state, row.slot, row.finished_at = "abandoned", None, now
                row.error = ("abandoned: the server process running it stopped before it finished (nothing of an "
                             "unfinished job is kept); start it again")

    def running(self) -> Job | None:
        """The job in progress, if any."""
        with session_scope(self.engine) as session:
            self._reap(session)
            row = session.scalars(select(WebJob).where(WebJob.slot.is_not(None))).first()
            return _as_job(row) if row is not None else None

    def start(self, kind: str, actor: str) -> Job:
        """Start a job of `kind`, refusing while another runs (in any process on this database)."""
        if kind not in self.runners:
            raise TollbookError(f"unknown job {kind!r}: use one of {', '.join(self.runners)}", code="job.unknown",
                                params={"kind": kind})
        job = Job(uuid.uuid4().hex[:12], kind, actor)
        try:
            with session_scope(self.engine) as session:
                self._reap(session)
                session.flush()  # a freed slot before the new job takes it
                session.add(WebJob(id=job.id, kind=kind, actor=actor, state=job.state, slot=1, owner=this_process(),
                                   message="", done=0, total=0, started_at=job.started, heartbeat_at=job.started))
        except IntegrityError:  # the one slot is taken
            busy = self.running()
            raise TollbookError(f"a {busy.kind if busy else 'background'} job is still running "
                                f"({busy.id if busy else '?'}): wait for it to finish", code="job.busy",
                                params={"kind": busy.kind if busy else "", "id": busy.id if busy else ""}) from None
        threading.Thread(target=self._run, args=(job,), name=f"tollbook-{kind}", daemon=True).start()
        return job

    def _write(self, job: Job, final: bool = False) -> None:
        """Write the thread's copy of the job (a final write frees the slot), retrying while the database is
        busy: a final state must not be lost; a heartbeat that cannot be written waits for the next."""
        values = {"state": job.state, "message": job.message[:10_000], "done": job.done, "total": job.total,
                  "heartbeat_at": time.time()}
        if final:
            values |= {"slot": None, "finished_at": job.finished, "result": job.result, "error": job.error}
        for pause in (0.5, 1, 2, 4, 8, 16, 32) if final else (None,):
            try:
                with session_scope(self.engine) as session:
                    session.execute(update(WebJob).where(WebJob.id == job.id).values(**values))
                return
            except OperationalError:
                if pause is None:
                    return
                time.sleep(pause)

    def _beat(self, job: Job, stop: threading.Event) -> None:
        """Write the job's progress every few seconds until it ends."""
        while not stop.wait(self.heartbeat):
            self._write(job)

    def _run(self, job: Job) -> None:
        """Run one job and record its outcome; any failure becomes the job's error message."""
        job.state = "running"
        self._write(job)
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job, stop), name=f"tollbook-{job.kind}-beat", daemon=True)
        beat.start()
        try:
            job.result = self.runners[job.kind](self.engine, job)
            job.state = "done"
        except Exception as exc:  # noqa: BLE001 - a job's failure is reported on its page, never lost
            job.error, job.state = f"{type(exc).__name__}: {exc}" if not isinstance(exc, TollbookError) \
                else str(exc), "failed"
        finally:
            stop.set()
            beat.join()
        job.finished = time.time()
        self._write(job, final=True)

    def get(self, job_id: str) -> Job:
        """A job by id, or a clear error."""
        with session_scope(self.engine) as session:
            self._reap(session)
            row = session.get(WebJob, job_id)
            if row is None:
                raise NotFoundError(f"no job {job_id!r} in this database", code="job.not_found",
                                    params={"id": job_id})
            return _as_job(row)

    def listing(self) -> list[dict[str, Any]]:
        """The latest jobs, newest first."""
        with session_scope(self.engine) as session:
            self._reap(session)
            rows = session.scalars(select(WebJob).order_by(WebJob.started_at.desc()).limit(LISTED))
            return [_as_job(row).as_dict() for row in rows]
