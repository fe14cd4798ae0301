"""The published report (tollbook.report's page, as `tollbook report` writes it), served in the reader's language.

The public edition needs no sign-in; the team's edition (marked not for publication) needs the confidential
permission. A built page is reused while the data version (newest audit event) is unchanged.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tollbook.web.auth import GUARD, Viewer
from tollbook.web.deps import cached, db_session
from tollbook.web.i18n import pick_language
from tollbook.web.permissions import Perm

router = APIRouter(include_in_schema=False)
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def _build(session: Session, lang: str, public: bool) -> str:
    """The report page's HTML, written by tollbook.report.build_report into a scratch folder."""
    from tollbook.report.build import build_report

    with tempfile.TemporaryDirectory(prefix="tollbook-report-") as folder:
        files = build_report(session, Path(folder), lang=lang, public=public)
        return files.pages[lang].read_text(encoding="utf-8")


def _page(request: Request, session: Session, public: bool) -> Response:
    """The cached (or freshly built) report page, self-contained: only inline styles and images are allowed."""
    lang = pick_language(request)
    html = cached(request, session, ("report", lang, public), lambda: _build(session, lang, public))
    return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})


@router.get("/public/report")
def public_report(request: Request, _viewer: Viewer = Depends(GUARD[Perm.PUBLIC]),
                  session: Session = Depends(db_session)) -> Response:
    """The public edition of the report (no sign-in; redacted as tollbook.report's policy says)."""
    return _page(request, session, public=True)


@router.get("/report/team")
def team_report(request: Request, _viewer: Viewer = Depends(GUARD[Perm.CONFIDENTIAL]),
                session: Session = Depends(db_session)) -> Response:
    """The team's edition, marked not for publication."""
    return _page(request, session, public=False)
