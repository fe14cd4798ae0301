"""Imports: upload a list, see its import report from a dry run, then import it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from tollbook.web.auth import GUARD, Viewer
from tollbook.web.permissions import Perm
from tollbook.web.render import render
from tollbook.web.uploads import MAX_BYTES, run_import, store_upload, stored_file

router = APIRouter(include_in_schema=False)


@router.get("/imports")
def imports_page(request: Request, viewer: Viewer = Depends(GUARD[Perm.IMPORT])) -> Response:
    """The upload form."""
    return render(request, viewer, "imports.html", {"report": None, "token": None, "source": "", "dry_run": True})


@router.post("/imports")
async def imports_upload(request: Request, file: UploadFile = File(...), source: str = Form(..., max_length=200),
                         viewer: Viewer = Depends(GUARD[Perm.IMPORT])) -> Response:
    """Keep the upload and show the dry run's report; nothing is written yet."""
    data = await file.read(MAX_BYTES + 1)
    token = store_upload(request.app.state.uploads, file.filename or "upload.csv", data)
    path = stored_file(request.app.state.uploads, token)
    report = run_import(request.app.state.engine, path, source, viewer.actor, dry_run=True)
    return render(request, viewer, "imports.html", {"report": report, "token": token, "source": source,
                                                    "dry_run": True, "file_name": path.name})


@router.post("/imports/commit")
def imports_commit(request: Request, token: str = Form(..., max_length=64), source: str = Form(..., max_length=200),
                   viewer: Viewer = Depends(GUARD[Perm.IMPORT])) -> Response:
    """Import the file the dry run checked (audited; re-importing it adds nothing)."""
    path = stored_file(request.app.state.uploads, token)
    report = run_import(request.app.state.engine, path, source, viewer.actor, dry_run=False)
    return render(request, viewer, "imports.html", {"report": report, "token": None, "source": source,
                                                    "dry_run": False, "file_name": path.name})
