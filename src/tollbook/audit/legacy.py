"""Rows hashed under an older schema: how a database upgraded by `tollbook init` still verifies, honestly.

A row's audit hash covers every column it had when it was written, and a record's `content_hash` the fields
hashed then. A migration that adds columns (or hashed fields) would otherwise make every older row look edited.
So each such migration is listed in :data:`ADDITIONS` with the values it gave the rows that existed then. A row
whose current hash does not match the chain is checked as each older schema held it: the columns added since
must hold exactly what those migrations put there (computed from the row's older columns), and the older
columns must hash to what the chain holds.

Why this, and not re-sealing rows during the migration: nothing is rewritten or newly blessed, databases
already upgraded verify without another migration, and an edit is still caught whenever it was made. An edit
before the upgrade changes the older columns, whose hash the chain holds; an edit after it changes either those
or an added column, which then no longer holds the migration's value; a row written after the migration is
held to its full hash (the older schema's hash is of a different payload, so it cannot stand in for it).
A test upgrades a database revision by revision and fails if a migration adds a column no entry here names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


def _plain(value: Any) -> Any:
    """A value as the row hash writes it (enums by value, dates in ISO form), for comparing."""
    from tollbook.audit.rows import plain  # rows imports this module: import late

    return None if value is None else value if isinstance(value, bool | int | str) else plain(value)


def _lifecycle(row: Mapping[str, Any]) -> dict[str, Any]:
    """What 0007_i9 gave existing records: an exact age range, a day's date as its own end, the raw row's hash."""
    from tollbook.records import raw_hash  # records imports the audit: import late

    day = _plain(row.get("date_precision")) in (None, "day")
    return {"age_low": row.get("age"), "age_high": row.get("age"), "age_approximate": False,
            "date_of_death_end": row.get("date_of_death") if day else None,
            "raw_hash": None if row.get("raw") is None else raw_hash(row["raw"])}


@dataclass(frozen=True)
class Addition:
    """Columns one migration added to a covered table, and the values it gave the rows already there."""

    revision: str
    table: str
    columns: tuple[str, ...]
    filled: Callable[[Mapping[str, Any]], dict[str, Any]]

    def holds_fill(self, row: Mapping[str, Any]) -> bool:
        """True when the row's added columns hold exactly what the migration wrote into them."""
        filled = self.filled(row)
        return all(_plain(row.get(column)) == _plain(filled[column]) for column in self.columns)


def _constant(**values: Any) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A fill that is the same for every row (NULL or the column's server default)."""
    return lambda _row: dict(values)


ADDITIONS: tuple[Addition, ...] = (  # in migration order; every column a migration added to a covered table
    Addition("0002", "claims", ("date_basis", "subset"), _constant(date_basis=None, subset=None)),
    Addition("0003_i12", "evidence", ("kind", "size_bytes", "added_by"),
             _constant(kind="other", size_bytes=None, added_by=None)),
    Addition("0003_i12", "records", ("role", "reported_on"), _constant(role=None, reported_on=None)),
    Addition("0004_i11", "estimates", ("draws",), _constant(draws=None)),
    Addition("0005_i15", "users", ("password_hash", "active", "session_version"),
             _constant(password_hash=None, active=True, session_version=0)),
    Addition("0006_i10", "links", ("weights",), _constant(weights=None)),
    Addition("0007_i9", "records", ("age_low", "age_high", "age_approximate", "date_of_death_end", "raw_hash"),
             _lifecycle),
)
# Fields records.content_hash gained, by migration: a record hashed before holds the hash of the fields without them.
CONTENT_ADDITIONS: tuple[tuple[str, tuple[str, ...]], ...] = (("0003_i12", ("role", "reported_on")),)


ROW_COVERAGE = "0003_i14"  # the migration that began hashing rows into the chain


def predates_row_coverage(revision: str | None) -> bool:
    """True for a schema revision older than row coverage: its rows need one `tollbook audit baseline`."""
    from alembic.script import ScriptDirectory

    from tollbook.store import MIGRATIONS  # store is imported by the model's users: import late

    if revision is None:
        return False
    older = {script.revision for script in ScriptDirectory(str(MIGRATIONS)).iterate_revisions(ROW_COVERAGE, "base")}
    return revision in older - {ROW_COVERAGE}


def older_forms(table_name: str, row: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The row as each older schema held it, newest first, as far back as the added columns hold their fill."""
    current = dict(row)
    for addition in reversed(ADDITIONS):
        if addition.table != table_name:
            continue
        if not addition.holds_fill(current):
            return
        current = {key: value for key, value in current.items() if key not in addition.columns}
        yield current


def older_content_fields(fields: tuple[str, ...], row: Mapping[str, Any]) -> Iterator[tuple[str, ...]]:
    """The content-hash field lists of older versions, newest first, as far back as the fields added since are
    empty (the migrations that added them left them NULL)."""
    current = fields
    for _revision, added in reversed(CONTENT_ADDITIONS):
        if any(row.get(field) is not None for field in added):
            return
        current = tuple(field for field in current if field not in added)
        yield current
