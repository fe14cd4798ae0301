"""The demo's evidence stage: the example's SYNTHETIC evidence files attached to the verified list's records,
and each person whose evidence includes a video, photo or certificate graded verified by a (synthetic) reviewer."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.evidence import add_evidence, set_level, store_for, subset_table
from tollbook.evidence.items import EvidenceInput
from tollbook.model import Person, Record, Source
from tollbook.records import current_records_query

REVIEWER = "demo reviewer (SYNTHETIC)"
GRADING_KINDS = frozenset({"video", "photo", "death_certificate", "burial_record"})
VERIFIED_SOURCE = "verified"


def _records_by_id(session: Session) -> dict[str, Record]:
    """The verified list's current records by their record id."""
    query = current_records_query().join(Source, Source.id == Record.source_id).where(Source.name == VERIFIED_SOURCE)
    return {record.source_record_id: record for record in session.scalars(query)}


def _attach(session: Session, lists: Path, db_url: str) -> dict[int, list[tuple[int, str]]]:
    """Add every file of evidence.csv to its record; person id → [(evidence id, kind)]."""
    records, store = _records_by_id(session), store_for(db_url)
    attached: dict[int, list[tuple[int, str]]] = {}
    with (lists / "evidence.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            record = records.get(row["record_id"])
            if record is None:
                continue
            info = EvidenceInput(row["kind"], row["description"], dt.datetime.fromisoformat(row["captured_at"]),
                                 row["captured_by"])
            item = add_evidence(session, store, lists / row["file"], info, record_id=record.id, actor="demo")
            if record.person_id is not None:
                attached.setdefault(record.person_id, []).append((item.id, row["kind"]))
    return attached


def attach_and_verify(session: Session, lists: Path, db_url: str) -> tuple[int, int, dict[str, Any]]:
    """(evidence items attached, persons graded verified, the verified persons by cause)."""
    attached = _attach(session, lists, db_url)
    persons = {p.id: p.public_id for p in session.scalars(select(Person).where(Person.id.in_(list(attached))))}
    verified = 0
    for person_id, items in sorted(attached.items()):
        grading = [eid for eid, kind in items if kind in GRADING_KINDS]
        if grading:
            set_level(session, persons[person_id], "verified", REVIEWER,
                      "SYNTHETIC demo: the example's evidence placeholders stand for reviewed evidence", grading)
            verified += 1
    return sum(len(items) for items in attached.values()), verified, subset_table(session, "verified", "cause")
