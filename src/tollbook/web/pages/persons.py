"""Persons: the list and one person field by field."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tollbook.web.auth import GUARD, Viewer
from tollbook.web.deps import db_session
from tollbook.web.permissions import Perm
from tollbook.web.render import render
from tollbook.web.views.paging import Paging
from tollbook.web.views.persons import person_detail, persons_page

router = APIRouter(include_in_schema=False)


@router.get("/persons")
def persons_list(request: Request, paging: Paging = Depends(), source: str = Query("", max_length=200),
                 viewer: Viewer = Depends(GUARD[Perm.READ]), session: Session = Depends(db_session)) -> Response:
    """Linked persons, most reported first."""
    data = persons_page(session, paging, source or None)
    return render(request, viewer, "persons.html", {"data": data, "source": source, "public": False})


@router.get("/persons/{public_id}")
def person_page(request: Request, public_id: str, viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Response:
    """Every value of each field with its source, the accepted value and why; the person's records."""
    return render(request, viewer, "person.html",
                  {"d": person_detail(session, public_id, viewer.can(Perm.CONFIDENTIAL))})
