"""Link canonical CSV files without a database: one file per source list (the source is the file's stem).

Rows are read as the importer reads them (names in any script, dates in either calendar, places in any usual
spelling); a field that cannot be read is left unknown for linkage rather than dropping the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tollbook.errors import TollbookError
from tollbook.ingest.mapping import detect_mapping
from tollbook.ingest.readers import read_table
from tollbook.ingest.validate import (
    RowContext,
    parse_age,
    parse_death_date,
    parse_names,
    parse_place,
    parse_vocab_fields,
)
from tollbook.link.api import DEFAULT_REVIEW_LOWER, DEFAULT_THRESHOLD, Progress, link_frame, person_ids_for

OUTPUT_COLUMNS = ["source", "record_id", "person_id", "cluster_size", "given_name", "family_name", "father_name",
                  "sex", "age", "date_of_death", "province_code", "city_code"]  # fmt: skip


def read_canonical_csv(path: Path) -> pd.DataFrame:
    """One list's rows as linkage inputs; record ids default to the row number when the file has none."""
    table = read_table(path)
    mapping = detect_mapping(table.headers)
    rows = [_parse(path, raw.number, mapping, raw.values) for raw in table.rows]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame.insert(0, "source", path.stem)
    frame["unique_id"] = path.stem + "\x1f" + frame["record_id"]
    return frame


def _parse(path: Path, row: int, mapping: Any, values: dict[str, str]) -> dict[str, Any]:
    """The linkage fields of one row; unreadable fields become unknown (the row is still linked)."""
    ctx = RowContext(str(path), row, mapping, values)
    parsed: dict[str, Any] = {"record_id": ctx.raw("record_id") or str(row)}
    parsed |= parse_names(ctx) | parse_death_date(ctx, dt.date.today()) | parse_place(ctx)
    parsed["age"] = parse_age(ctx)
    parsed["sex"] = parse_vocab_fields(ctx)["sex"]
    return parsed


def read_lists(paths: Sequence[Path]) -> pd.DataFrame:
    """All lists in one frame; two files with the same stem would be one source, so that is refused."""
    stems = [Path(p).stem for p in paths]
    repeated = sorted({s for s in stems if stems.count(s) > 1})
    if repeated:
        raise TollbookError(f"two files name the same source {repeated}: the source is the file stem, rename one")
    frames = [read_canonical_csv(Path(p)) for p in paths]
    frame = pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(
        not f.empty for f in frames) else pd.DataFrame()
    if frame.empty:
        raise TollbookError(f"no rows to link in {', '.join(str(p) for p in paths)}")
    duplicated = frame["unique_id"].duplicated()
    if duplicated.any():
        first = frame.loc[duplicated, ["source", "record_id"]].iloc[0]
        raise TollbookError(f"record id {first['record_id']!r} appears twice in {first['source']}: ids must be "
                            "unique within a list")
    return frame


def link_files(paths: Sequence[Path | str], threshold: float = DEFAULT_THRESHOLD,
               backend: str = "duckdb", review_lower: float = DEFAULT_REVIEW_LOWER, seed: int = 2019,
               progress: Progress | None = None) -> pd.DataFrame:
    """Link canonical CSV lists and return one row per record: source, record_id, person_id, cluster_size and
    the fields as read; person ids are derived from the records, so the same input gives the same ids."""
    frame = read_lists([Path(p) for p in paths])
    result = link_frame(frame, threshold, review_lower, backend, seed, progress=progress)
    person = person_ids_for(result.assignment)
    frame["person_id"] = frame["unique_id"].map(person)
    frame["cluster_size"] = frame.groupby("person_id")["person_id"].transform("size")
    frame["sex"] = frame["sex"].map(lambda s: getattr(s, "value", s))
    frame["age"] = frame["age"].astype("Int64")
    return frame[OUTPUT_COLUMNS].sort_values(["person_id", "source", "record_id"], ignore_index=True)
