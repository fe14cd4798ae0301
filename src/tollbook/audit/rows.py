"""Row hashes: what ties the data to the audit chain.

Every write records, in its audit event, the SHA-256 of each row it wrote (or that it removed one). The newest
hash the chain holds for a row is what that row must hash to now; :func:`row_findings` names every row that
differs, that no event wrote (inserted below the application) or that an event wrote but is gone (deleted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from tollbook.audit.legacy import older_content_fields, older_forms
from tollbook.model import AuditRow, Base

UNCOVERED = frozenset({"audit_events", "audit_rows", "alembic_version"})
IN_CHUNK = 5_000  # ids per IN (...) list, under both engines' bound-parameter limits
Wrote = Mapping[str, Iterable[int]] | Iterable[Base]


def covered_tables() -> dict[str, Table]:
    """Every table of the model with an integer `id` except the audit log itself: a new table is covered the day
    it is added. A table of no evidential value (say, web login sessions) opts out with
    `__table_args__ = {"info": {"audited": False}}`."""
    return {name: table for name, table in Base.metadata.tables.items()
            if name not in UNCOVERED and table.info.get("audited", True) and "id" in table.c
            and table.c.id.primary_key}


def plain(value: Any) -> Any:
    """A column value JSON cannot write, as stable JSON data: enums by value, dates and times in ISO form."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:  # the same instant whatever the session zone
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):  # binary columns (saved draws) by their hash
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    return str(value)  # Decimal and the like


def row_hash(table_name: str, row: Mapping[str, Any]) -> str:
    """SHA-256 of one row as the database holds it, every column included (canonical JSON, see `plain`)."""
    payload = json.dumps([table_name, dict(row)], sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                         default=plain)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _table(name: str) -> Table:
    """A covered table by name; anything else is a programming error worth a clear message."""
    table = covered_tables().get(name)
    if table is None:
        raise ValueError(f"table {name!r} is not one the audit covers: {sorted(covered_tables())}")
    return table


def hash_rows(session: Session, table_name: str, ids: Iterable[int]) -> dict[int, str | None]:
    """Row id -> hash of the row as stored now (None for an id no row has: it was removed)."""
    table = _table(table_name)
    wanted = sorted({int(i) for i in ids})
    found: dict[int, str | None] = dict.fromkeys(wanted)
    for start in range(0, len(wanted), IN_CHUNK):
        part = wanted[start:start + IN_CHUNK]
        for row in session.execute(select(table).where(table.c.id.in_(part))).mappings():
            found[row["id"]] = row_hash(table_name, row)
    return found


def normalise_wrote(wrote: Wrote | None) -> dict[str, set[int]]:
    """Table name -> row ids, from a mapping or from ORM objects (flushed, so they have ids)."""
    if wrote is None:
        return {}
    if isinstance(wrote, Mapping):
        return {name: {int(i) for i in ids} for name, ids in wrote.items()}
    grouped: dict[str, set[int]] = {}
    for obj in wrote:
        grouped.setdefault(obj.__tablename__, set()).add(int(obj.id))  # type: ignore[attr-defined]
    return grouped


def hashes_for(session: Session, wrote: Wrote | None, removed: Mapping[str, Iterable[int]] | None
               ) -> list[tuple[str, int, str | None]]:
    """(table, id, hash) of every row written (hashed as stored now) and removed (None), sorted."""
    entries: dict[tuple[str, int], str | None] = {}
    for name, ids in normalise_wrote(wrote).items():
        entries |= {(name, row_id): digest for row_id, digest in hash_rows(session, name, ids).items()}
    for name, ids in (removed or {}).items():
        _table(name)
        entries |= {(name, int(row_id)): None for row_id in ids}
    return sorted((name, row_id, digest) for (name, row_id), digest in entries.items())


def rows_digest(entries: Iterable[tuple[str, int, str | None]]) -> str:
    """One SHA-256 over an event's row entries (sorted), which the event's own hash covers."""
    digest = hashlib.sha256()
    for name, row_id, row in sorted(entries, key=lambda e: (e[0], e[1])):
        digest.update(f"{name}\t{row_id}\t{row or '-'}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class RowFinding:
    """One row that does not match what the audit chain holds for it."""

    table: str
    row_id: int
    problem: str  # "differs", "uncovered", "missing", "content"
    event_id: int | None = None

    def message(self) -> str:
        """A line naming the row and what is wrong with it."""
        what = f"{self.table.removesuffix('s') if self.table.endswith('s') else self.table} {self.row_id}"
        if self.problem == "differs":
            return f"{what} differs from what audit event {self.event_id} holds (edited below the application)"
        if self.problem == "missing":
            return f"{what} is gone but audit event {self.event_id} wrote it (deleted below the application)"
        if self.problem == "content":
            return f"{what}: its content_hash does not match its fields (edited below the application)"
        return f"{what} was written by no audit event (inserted below the application)"


def expected_rows(session: Session) -> dict[tuple[str, int], tuple[str | None, int]]:
    """(table, id) -> (newest hash the chain holds, id of the event that holds it)."""
    expected: dict[tuple[str, int], tuple[str | None, int]] = {}
    query = select(AuditRow.table_name, AuditRow.row_id, AuditRow.row_hash, AuditRow.event_id)
    for name, row_id, digest, event_id in session.execute(query.order_by(AuditRow.event_id, AuditRow.id)):
        expected[(name, row_id)] = (digest, event_id)
    return expected


def hash_matches(table_name: str, row: Mapping[str, Any], held: str) -> bool:
    """True when the row hashes to what the chain holds, as stored now or as an older schema held it (a row
    written before a migration added columns; see :mod:`tollbook.audit.legacy`)."""
    if row_hash(table_name, row) == held:
        return True
    return any(row_hash(table_name, older) == held for older in older_forms(table_name, row))


def content_matches(row: Mapping[str, Any]) -> bool:
    """True when a stored record's content_hash is that of its fields, under today's field list or an older
    one whose later fields the record leaves empty (hashed before they were added)."""
    from tollbook.records import CONTENT_FIELDS, content_hash, stored_content  # records imports the audit

    content = stored_content(row)
    if row["content_hash"] == content_hash(content):
        return True
    return any(row["content_hash"] == content_hash(content, fields)
               for fields in older_content_fields(CONTENT_FIELDS, content))


def _stored_rows(session: Session, name: str, table: Table) -> Iterator[Mapping[str, Any]]:
    """Every row of a table, streamed in id order."""
    yield from session.execute(select(table).order_by(table.c.id).execution_options(yield_per=IN_CHUNK)).mappings()


def row_findings(session: Session) -> tuple[int, list[RowFinding]]:
    """(rows checked, findings): every stored row re-hashed against the chain, and the chain's rows looked for."""
    expected = expected_rows(session)
    findings: list[RowFinding] = []
    checked = 0
    for name, table in covered_tables().items():
        for row in _stored_rows(session, name, table):
            checked += 1
            held = expected.pop((name, row["id"]), None)
            if held is None or held[0] is None:
                findings.append(RowFinding(name, row["id"], "uncovered"))
            elif not hash_matches(name, row, held[0]):
                findings.append(RowFinding(name, row["id"], "differs", held[1]))
            if name == "records" and not content_matches(row):
                findings.append(RowFinding(name, row["id"], "content"))
    for (name, row_id), (digest, event_id) in expected.items():
        if digest is not None:
            findings.append(RowFinding(name, row_id, "missing", event_id))
    return checked, sorted(findings, key=lambda f: (f.table, f.row_id, f.problem))
