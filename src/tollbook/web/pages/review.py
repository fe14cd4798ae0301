"""The review queue: two records side by side, differing fields highlighted, and the reviewer's verdict."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tollbook.errors import NotFoundError
from tollbook.link.review import decide, undo_decision
from tollbook.model import Link
from tollbook.web.auth import GUARD, Viewer
from tollbook.web.deps import db_session
from tollbook.web.permissions import Perm
from tollbook.web.render import render
from tollbook.web.views.review import pair_detail, recent_decisions

router = APIRouter(include_in_schema=False)
VERDICTS = ("match", "non_match", "unsure")


@router.get("/review")
def review_page(request: Request, pair: int | None = None, viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Response:
    """The most uncertain undecided pair (or the one asked for)."""
    detail = pair_detail(session, pair)
    recent = recent_decisions(session) if viewer.can(Perm.REVIEW) else []
    done = request.query_params.get("decided") or ("undone" if request.query_params.get("undone") else None)
    return render(request, viewer, "review.html", {"d": detail, "verdicts": VERDICTS, "decided": done,
                                                   "recent": recent})


@router.post("/review/decide")
def review_decide(link_id: int = Form(...), verdict: str = Form(...), note: str = Form("", max_length=2000),
                  viewer: Viewer = Depends(GUARD[Perm.REVIEW]), session: Session = Depends(db_session)) -> Response:
    """Store the verdict on a queued pair (audited); later linkage runs respect it."""
    link = session.get(Link, link_id)
    if link is None:
        raise NotFoundError(f"no scored pair {link_id}")
    decide(session, link.record_a_id, link.record_b_id, verdict, viewer.actor, note.strip() or None)
    return RedirectResponse(f"/review?decided={verdict}", status_code=303)


@router.post("/review/undo")
def review_undo(decision: int | None = Form(None, ge=1, le=2**62), viewer: Viewer = Depends(GUARD[Perm.REVIEW]),
                session: Session = Depends(db_session)) -> Response:
    """Withdraw a decision (by default this reviewer's latest) with tollbook.link.review.undo_decision, as
    `tollbook review undo` does: the pair goes back to the queue or its earlier decision (audited)."""
    undone = undo_decision(session, viewer.actor, decision)
    return RedirectResponse(f"/review?undone={undone.id}", status_code=303)
