"""Claims, and the published pages: the public summary, the public list and the claims timeline."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tollbook.web.auth import GUARD, Viewer
from tollbook.web.deps import cached, db_session
from tollbook.web.permissions import Perm
from tollbook.web.render import render
from tollbook.web.views.claims import claims_page, timeline_data
from tollbook.web.views.dashboard import headline
from tollbook.web.views.paging import Paging, paging_params
from tollbook.web.views.persons import public_persons_page

router = APIRouter(include_in_schema=False)


@router.get("/claims")
def claims_list(request: Request, paging: Paging = Depends(paging_params), metric: str = Query("", max_length=40),
                area: str = Query("", max_length=40), viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Response:
    """The claims ledger in the order claims were made."""
    data = claims_page(session, paging, metric, area)
    return render(request, viewer, "claims.html", {"data": data, "metric": metric, "area": area})


@router.get("/public")
def public_home(request: Request, viewer: Viewer = Depends(GUARD[Perm.PUBLIC]),
                session: Session = Depends(db_session)) -> Response:
    """The published headline numbers (no login)."""
    data = cached(request, session, ("headline", False), lambda: headline(session, internal=False))
    return render(request, viewer, "public.html", {"data": data})


@router.get("/public/persons")
def public_persons(request: Request, paging: Paging = Depends(paging_params),
                   viewer: Viewer = Depends(GUARD[Perm.PUBLIC]), session: Session = Depends(db_session)) -> Response:
    """The published list of persons: accepted values only, never a confidential one (no login)."""
    data = cached(request, session, ("public_persons", paging.page, paging.per_page),
                  lambda: public_persons_page(session, paging))
    return render(request, viewer, "public_persons.html", {"data": data})


@router.get("/public/timeline")
def public_timeline(request: Request, metric: str = Query("killed", max_length=40),
                    area: str = Query("IR", max_length=40), viewer: Viewer = Depends(GUARD[Perm.PUBLIC]),
                    session: Session = Depends(db_session)) -> Response:
    """Each source's claims over time beside the documented count and the estimate (no login)."""
    data = cached(request, session, ("timeline", metric, area), lambda: timeline_data(session, metric, area))
    return render(request, viewer, "timeline.html", {"data": data})
