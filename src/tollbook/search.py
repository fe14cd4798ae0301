"""Searching current records: by name in either script, province, date range, status, verification, source.

Names are matched on their script-independent keys, so محمد حسینی finds Mohammad Hosseini; each word of the
query must begin a given, family or father's name key. Results are paged, newest record id last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from tollbook.enums import Status, Verification
from tollbook.errors import TollbookError
from tollbook.model import Person, Record, Source
from tollbook.places import resolve_province
from tollbook.records import current_records_query
from tollbook.text import canonical_name

MAX_PAGE = 200


@dataclass(frozen=True)
class RecordFilter:
    """What to look for; None means any."""

    name: str | None = None
    province: str | None = None  # a code (IR-23) or a name in either script
    died_from: dt.date | None = None
    died_to: dt.date | None = None
    status: Status | None = None
    verification: Verification | None = None
    source: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of results and the total they come from."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Number of pages (at least one)."""
        return max(1, -(-self.total // self.per_page))


def _escape_like(text: str) -> str:
    """A LIKE pattern that matches `text` literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_condition(query: str):  # noqa: ANN201 - a SQLAlchemy boolean clause
    """Every word of the query's canonical form begins one of the record's name keys."""
    words = canonical_name(query).split()
    if not words:
        raise TollbookError(f"the name {query!r} has no letters to search for")
    keys = (Record.given_name_key, Record.family_name_key, Record.father_name_key)
    return [or_(*(key.like(f"{_escape_like(word)}%", escape="\\") for key in keys)) for word in words]


def province_code(text: str) -> str:
    """The gazetteer code of a province named in either script, or a clear error."""
    province = resolve_province(text.strip())
    if province is None:
        raise TollbookError(f"unknown province {text!r}: give its name (تهران, Tehran) or code (IR-23)")
    return province.code


def filtered_query(flt: RecordFilter) -> Select:
    """Current records matching the filter, oldest first."""
    query = current_records_query()
    if flt.name:
        query = query.where(*name_condition(flt.name))
    if flt.province:
        query = query.where(Record.province_code == province_code(flt.province))
    if flt.died_from:
        query = query.where(Record.date_of_death >= flt.died_from)
    if flt.died_to:
        query = query.where(Record.date_of_death <= flt.died_to)
    if flt.status:
        query = query.where(Record.status == flt.status)
    if flt.verification:
        query = query.join(Person, Record.person_id == Person.id).where(Person.verification == flt.verification)
    if flt.source:
        query = query.join(Source, Record.source_id == Source.id).where(Source.name == flt.source)
    return query


def search_records(session: Session, flt: RecordFilter, page: int = 1, per_page: int = 50) -> Page:
    """One page of the current records that match `flt`, with the total count."""
    if page < 1 or not 1 <= per_page <= MAX_PAGE:
        raise TollbookError(f"page must be 1 or more and per_page 1 to {MAX_PAGE}")
    query = filtered_query(flt)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return Page(items, total, page, per_page)
