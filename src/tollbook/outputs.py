"""Files Tollbook writes: checked before any work, written atomically, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

from tollbook.errors import TollbookError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A cell a spreadsheet will show as text: one starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def check_output_path(path: Path, option: str, inputs: Sequence[Path] = (), db_url: str | None = None) -> None:
    """Refuse an output that is a folder, an input file or the database, or whose folder is missing."""
    target = path.expanduser().resolve()
    if target.is_dir():
        raise TollbookError(f"{option} {path}: is a folder; give a file name")
    if not target.parent.is_dir():
        raise TollbookError(f"{option} {path}: folder {path.parent} does not exist")
    for given in inputs:
        if given.expanduser().resolve() == target:
            raise TollbookError(f"{option} {path}: is the input file; writing there would destroy it")
    database = _sqlite_file(db_url)
    if database is not None and _same_file(database, target):
        raise TollbookError(f"{option} {path}: is the database file; writing there would destroy it")


def _sqlite_file(db_url: str | None) -> Path | None:
    """The file of a SQLite URL, or None."""
    if not db_url:
        return None
    try:
        url = make_url(db_url)
    except Exception:  # an unparsable URL is reported when the database is opened
        return None
    if not url.get_backend_name().startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve()


def _same_file(database: Path, target: Path) -> bool:
    """Whether a target is the database file or one of its companions (also through links)."""
    if target in {database, *(Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal"))}:
        return True
    try:
        return target.exists() and database.exists() and database.samefile(target)
    except OSError:
        return False


def write_csv_atomic(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a UTF-8 CSV through a temporary file in the same folder, renamed into place when complete."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([neutralise_cell(cell) for cell in row] for row in rows)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
