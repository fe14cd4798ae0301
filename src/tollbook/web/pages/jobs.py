"""Linkage and estimation as background jobs: start one, watch its progress."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from tollbook.web.auth import GUARD, Viewer
from tollbook.web.permissions import Perm
from tollbook.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/jobs")
def jobs_page(request: Request, viewer: Viewer = Depends(GUARD[Perm.READ])) -> Response:
    """The latest jobs on this database, newest first, and the buttons to start one."""
    runner = request.app.state.jobs
    return render(request, viewer, "jobs.html", {"jobs": runner.listing(), "running": runner.running()})


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, viewer: Viewer = Depends(GUARD[Perm.READ])) -> Response:
    """One job's progress (the page refreshes itself while the job runs)."""
    job = request.app.state.jobs.get(job_id)
    return render(request, viewer, "job.html", {"job": job.as_dict()})


@router.post("/jobs/link")
def start_link(request: Request, viewer: Viewer = Depends(GUARD[Perm.RUN_JOBS])) -> Response:
    """Start linking the records into persons."""
    job = request.app.state.jobs.start("link", viewer.actor)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/jobs/estimate")
def start_estimate(request: Request, viewer: Viewer = Depends(GUARD[Perm.RUN_JOBS])) -> Response:
    """Start LCMCR by province with thin provinces pooled."""
    job = request.app.state.jobs.start("estimate", viewer.actor)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
