"""Imports: upload a list, see its import report from a dry run, then import it; or upload a field bundle."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tollbook.ingest.report import ImportReport
from tollbook.web.auth import GUARD, Viewer
from tollbook.web.bundles import SUFFIXES as BUNDLE_SUFFIXES
from tollbook.web.bundles import import_uploaded_bundle
from tollbook.web.error_words import shown_error
from tollbook.web.i18n import pick_language
from tollbook.web.issue_words import shown_column, shown_issue
from tollbook.web.permissions import Perm
from tollbook.web.render import render
from tollbook.web.uploads import MAX_BYTES, run_import, store_upload, stored_file

router = APIRouter(include_in_schema=False)


@router.get("/imports")
def imports_page(request: Request, viewer: Viewer = Depends(GUARD[Perm.IMPORT])) -> Response:
    """The upload form."""
    return render(request, viewer, "imports.html", _context(request))


def _context(request: Request, **values: object) -> dict:
    """What the imports page needs: nothing shown yet unless `values` say so; a report's issues in the page's
    language (each with its place and message as shown)."""
    report, lang = values.get("report"), pick_language(request)
    issues = [(issue, shown_column(lang, issue.column), shown_issue(lang, issue)) for issue in report.issues] \
        if isinstance(report, ImportReport) else []
    bundle = values.get("bundle")
    said = {name: shown_error(lang, error) for name, error in (
        ("bundle_refusal", getattr(bundle, "refused", None)),
        ("checkpoint_error", getattr(bundle, "checkpoint_failed", None))) if error is not None}
    return {"report": None, "token": None, "source": "", "dry_run": True, "bundle": None, "issues": issues,
            "bundles_ready": request.app.state.bundles.key is not None} | said | values


@router.post("/imports")
async def imports_upload(request: Request, file: UploadFile = File(...), source: str = Form(..., max_length=200),
                         viewer: Viewer = Depends(GUARD[Perm.IMPORT])) -> Response:
    """Keep the upload and show the dry run's report; nothing is written yet."""
    data = await file.read(MAX_BYTES + 1)
    token = store_upload(request.app.state.uploads, file.filename or "upload.csv", data)
    path = stored_file(request.app.state.uploads, token)
    report = run_import(request.app.state.engine, path, source, viewer.actor, dry_run=True)
    return render(request, viewer, "imports.html", _context(request, report=report, token=token, source=source,
                                                            file_name=path.name))


@router.post("/imports/commit")
def imports_commit(request: Request, token: str = Form(..., max_length=64), source: str = Form(..., max_length=200),
                   viewer: Viewer = Depends(GUARD[Perm.IMPORT])) -> Response:
    """Import the file the dry run checked (audited; re-importing it adds nothing)."""
    path = stored_file(request.app.state.uploads, token)
    report = run_import(request.app.state.engine, path, source, viewer.actor, dry_run=False)
    return render(request, viewer, "imports.html", _context(request, report=report, source=source, dry_run=False,
                                                            file_name=path.name))


@router.post("/imports/bundle")
async def bundle_upload(request: Request, file: UploadFile = File(...), source: str = Form("", max_length=200),
                        viewer: Viewer = Depends(GUARD[Perm.IMPORT])) -> Response:
    """Keep an uploaded field bundle and show its dry run (`tollbook bundle import`'s checks and import, all
    rolled back): signature, registered collector, every row. A refused file goes to quarantine at once."""
    state = request.app.state
    data = await file.read(MAX_BYTES + 1)
    token = store_upload(state.uploads, file.filename or "field.tbundle", data, BUNDLE_SUFFIXES)
    return await run_in_threadpool(_bundle, request, viewer, token, source, True)


@router.post("/imports/bundle/commit")
def bundle_commit(request: Request, token: str = Form(..., max_length=64), source: str = Form("", max_length=200),
                  viewer: Viewer = Depends(GUARD[Perm.IMPORT])) -> Response:
    """Import the bundle the dry run checked, as `tollbook bundle import` does: once, audited, checkpointed."""
    return _bundle(request, viewer, token, source, False)


def _bundle(request: Request, viewer: Viewer, token: str, source: str, dry_run: bool) -> Response:
    """Run the stored bundle's import (or dry run) and show what came of it."""
    state = request.app.state
    path = stored_file(state.uploads, token)
    outcome = import_uploaded_bundle(state.engine, state.evidence, state.bundles, path, source, viewer.actor,
                                     dry_run)
    status = 200 if outcome.refused is None else 400
    return render(request, viewer, "imports.html", _context(request, bundle=outcome, bundle_token=token,
                                                            bundle_source=source), status)
