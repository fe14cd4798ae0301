"""The report's method section: sources and independence groups, linkage settings and review counts, the
estimator's settings, and the data and code versions needed to rebuild the same numbers."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.estimate.result import code_version
from tollbook.model import AuditEvent, ReviewDecision, Source
from tollbook.records import current_records_query
from tollbook.report.numbers import NumberBook, number_id, registered_setting
from tollbook.status import review_queue_size

LINK_KEYS = ("backend", "threshold", "review_lower", "records", "persons", "comparisons", "review_queue")


def sources_rows(book: NumberBook, session: Session, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Each source with its kind, independence group, description and count of current records (no contacts);
    a list `labels` renames is shown by its label only, without its description."""
    current = current_records_query().subquery()
    counts = dict(session.execute(select(current.c.source_id, func.count()).group_by(current.c.source_id)).all())
    rows = []
    for source in session.scalars(select(Source).order_by(Source.name)):
        name = labels.get(source.name, source.name)
        hidden = name != source.name
        number = book.add(number_id("records", name), counts.get(source.id, 0),
                          f"current records (latest revisions) imported from {name!r}")
        rows.append({"name": name, "kind": source.kind.value, "group": labels.get(source.group, source.group),
                     "description": None if hidden else source.description, "records": number.value,
                     "id": number.id})
    return rows


def linkage(book: NumberBook, session: Session) -> dict[str, Any]:
    """Settings and outcome of the latest linkage run, and the reviewers' decisions so far."""
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "link.run").order_by(AuditEvent.id.desc()))
    details = json.loads(event.details) if event else {}
    settings = {key: registered_setting(book, "linkage", key, details[key], "setting of the latest linkage run")
                for key in LINK_KEYS if key in details}
    verdicts = Counter(v.value for v in session.scalars(select(ReviewDecision.verdict)))
    decided = book.add("review.decided", sum(verdicts.values()), "reviewers' decisions on candidate pairs")
    verdict_ids = {verdict: book.add(number_id("review", verdict), count, f"reviewers' {verdict} decisions").id
                   for verdict, count in sorted(verdicts.items())}
    queued = book.add("review.queued", review_queue_size(session), "queued pairs no reviewer has decided yet")
    return {"available": event is not None, "settings": settings, "run_at": event.at if event else None,
            "verdicts": verdict_ids, "decided_id": decided.id, "queued_id": queued.id}


def source_commit() -> str | None:
    """The git commit of the code when it runs from a checkout, "-dirty" when it has uncommitted changes (None
    from an installed wheel)."""
    root = Path(__file__).resolve().parents[3]
    if not (root / ".git").exists():
        return None
    try:
        command = ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=40"]
        found = subprocess.run(command, capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None


def method_section(book: NumberBook, session: Session, data_version: str,
                   labels: dict[str, str]) -> dict[str, Any]:
    """Sources, linkage, and versions in one mapping for the templates."""
    sources = sources_rows(book, session, labels)
    book.add("sources", len(sources), "sources (lists and publishers) registered in the database")
    return {"sources": sources, "linkage": linkage(book, session),
            "data_version": data_version, "code_version": code_version(), "commit": source_commit()}
