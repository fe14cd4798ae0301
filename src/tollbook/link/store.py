"""Linkage's reads and writes of the database: current records in, persons, links and the review queue out.

Records stay immutable: only their person assignment changes, through one bulk UPDATE per person.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, selectinload

from tollbook.enums import Verification
from tollbook.evidence.levels import reviewed_person_ids
from tollbook.link.review import latest_decisions, ordered
from tollbook.link.waterfall import weights_of
from tollbook.model import Evidence, Link, Person, Record, Source
from tollbook.records import current_records_query

RECORD_FIELDS = ("given_name", "family_name", "father_name", "sex", "age", "date_of_death", "date_of_death_end",
                 "date_precision", "province_code", "city_code")  # fmt: skip

IN_CHUNK = 10_000  # ids per IN (...) list: under SQLite's and PostgreSQL's bound-parameter limits


def chunks(ids: list[int]) -> list[list[int]]:
    """Ids in slices small enough for one IN (...) list each."""
    return [ids[start:start + IN_CHUNK] for start in range(0, len(ids), IN_CHUNK)]


def records_frame(session: Session) -> pd.DataFrame:
    """Current records as a frame of linkage inputs (unique_id = record id as text), plus source group."""
    current = current_records_query().subquery()
    columns = [current.c.id, Source.name, Source.independence_group, current.c.person_id]
    columns += [current.c[name] for name in RECORD_FIELDS]
    rows = session.execute(select(*columns).join(Source, Source.id == current.c.source_id).order_by(current.c.id))
    frame = pd.DataFrame(rows.all(), columns=["record_id", "source", "group", "person_id", *RECORD_FIELDS])
    frame["unique_id"] = frame["record_id"].astype(str)
    frame["group"] = frame["group"].fillna(frame["source"])
    return frame


def old_clusters(frame: pd.DataFrame, session: Session) -> dict[str, frozenset]:
    """Public id -> record ids of each person as the records are assigned now."""
    assigned = frame.dropna(subset=["person_id"])
    public = dict(session.execute(select(Person.id, Person.public_id)).all())
    groups = assigned.groupby(assigned["person_id"].astype(int))["record_id"]
    return {public[pid]: frozenset(int(r) for r in ids) for pid, ids in groups if pid in public}


def write_persons(session: Session, clusters: Mapping[Hashable, frozenset], ids: Mapping[Hashable, str],
                  groups: Mapping[int, str]) -> None:
    """Create missing persons, point each record at its person, grade corroboration, remove empty persons."""
    existing = {p.public_id: p for p in session.scalars(select(Person))}
    missing = [Person(public_id=ids[key]) for key in clusters if ids[key] not in existing]
    session.add_all(missing)
    session.flush()
    existing |= {p.public_id: p for p in missing}
    assignments = [{"id": int(record), "person_id": existing[ids[key]].id}
                   for key, records in clusters.items() for record in records]
    if assignments:
        session.execute(update(Record), assignments)
    for key, records in clusters.items():
        _grade(existing[ids[key]], {groups[int(r)] for r in records})
    session.flush()
    _remove_empty_persons(session, set(ids.values()), existing)
    session.expire_all()


def _grade(person: Person, groups: set[str]) -> None:
    """Reported ↔ corroborated by the number of independence groups; reviewers' grades stay as they are."""
    if person.verification in (Verification.REPORTED, Verification.CORROBORATED):
        person.verification = Verification.CORROBORATED if len(groups) >= 2 else Verification.REPORTED


def _remove_empty_persons(session: Session, live: set[str], existing: Mapping[str, Person]) -> None:
    """Delete persons no record points at any more, unless evidence, a grade or an assertion is attached."""
    with_evidence = set(session.scalars(select(Evidence.person_id).where(Evidence.person_id.is_not(None))))
    with_evidence |= reviewed_person_ids(session)
    dead = [p.id for pid, p in existing.items() if pid not in live and p.id not in with_evidence]
    still_used = {pid for part in chunks(dead)
                  for pid in session.scalars(select(Record.person_id).where(Record.person_id.in_(part)))}
    for part in chunks([pid for pid in dead if pid not in still_used]):
        session.execute(delete(Person).where(Person.id.in_(part)))


def written_by_linkage(session: Session, run_id: str | None = None) -> dict[str, set[int]]:
    """Ids of the persons, and of the queued links (or the links of `run_id`), for the run's audit event."""
    links = select(Link.id).where(Link.in_review_queue.is_(True) if run_id is None else Link.run_id == run_id)
    return {"persons": set(session.scalars(select(Person.id))), "links": set(session.scalars(links))}


def write_links(session: Session, run_id: str, pairs: pd.DataFrame, lower: float, upper: float) -> tuple[int, int]:
    """Store the run's pairs ≥ lower; undecided pairs in [lower, upper) join the queue, older runs leave it.
    Returns (links stored, pairs queued)."""
    session.execute(update(Link).where(Link.in_review_queue.is_(True)).values(in_review_queue=False))
    decided = latest_decisions(session)
    rows = []
    for pair in pairs.to_dict("records"):
        a, b = ordered(int(pair["unique_id_l"]), int(pair["unique_id_r"]))
        p, w = float(pair["match_probability"]), pair["match_weight"]
        queued = lower <= p < upper and (a, b) not in decided
        rows.append({"run_id": run_id, "record_a_id": a, "record_b_id": b, "match_probability": p,
                     "match_weight": None if pd.isna(w) else float(w), "weights": weights_of(pair) or None,
                     "in_review_queue": queued})
    if rows:
        session.execute(insert(Link), rows)
    return len(rows), sum(r["in_review_queue"] for r in rows)


def current_records_of(session: Session, person_ids: Iterable[int]) -> dict[int, list[Record]]:
    """Person id -> its current records (latest revisions), with their sources loaded."""
    grouped: dict[int, list[Record]] = {}
    for part in chunks(list(person_ids)):
        current = current_records_query().where(Record.person_id.in_(part))
        for record in session.scalars(current.options(selectinload(Record.source))):
            grouped.setdefault(record.person_id, []).append(record)  # type: ignore[arg-type]
    return grouped
