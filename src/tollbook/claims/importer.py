"""Import claims from CSV or JSON: bad rows are reported (file, row, field, value, reason), good rows kept.

Re-importing a file changes nothing: a row whose key (or, without a key, whose content) is already in the
ledger is counted as unchanged. With `strict=True` any bad row fails the whole file and nothing is added.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tollbook.claims.fields import draft_of
from tollbook.claims.ledger import add_claim, find_claim, same_content
from tollbook.claims.rows import COLUMNS, ClaimDraft, RowError, parse_row
from tollbook.errors import TollbookError


@dataclass
class ClaimImportReport:
    """What one import did: rows read, added, already present, and every refused field."""

    file: str
    rows: int = 0
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "file": self.file,
            "rows": self.rows,
            "added": len(self.added),
            "unchanged": len(self.unchanged),
            "failed_rows": len({e.row for e in self.errors}),
            "errors": [e.__dict__ | {"message": str(e)} for e in self.errors],
        }


class ClaimImportError(TollbookError):
    """A strict import met bad rows; nothing was added. `report` holds every error."""

    def __init__(self, report: ClaimImportReport) -> None:
        self.report = report
        lines = "\n".join(f"  {error}" for error in report.errors[:20])
        more = f"\n  … and {len(report.errors) - 20} more" if len(report.errors) > 20 else ""
        super().__init__(
            f"{len(report.errors)} error(s) in {report.file}; nothing imported (strict):\n{lines}{more}"
        )


def _check_columns(names: list[str], file: str) -> None:
    """Refuse unknown column names: a misspelt column would otherwise be dropped silently."""
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise TollbookError(f"{file}: unknown column(s) {unknown}; claim columns are {', '.join(COLUMNS)}")


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, raw row) pairs: CSV rows numbered as in a spreadsheet (header = 1), JSON items from 1."""
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data.get("claims", []) if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise TollbookError(
                f'{path.name}: expected a JSON list of claim objects (or {{"claims": [...]}})'
            )
        for item in items:
            _check_columns(list(item), path.name)
        yield from enumerate(items, start=1)
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        _check_columns([name for name in reader.fieldnames or [] if name], path.name)
        yield from enumerate(reader, start=2)


KEY_TAKEN = "already in the ledger with other content: supersede that claim instead"
KEY_TWICE = "used twice in this file for different claims"


def _decide(
    session: Session, draft: ClaimDraft, file: str, row: int, seen: dict[object, tuple]
) -> str | RowError | None:
    """The key of a claim the ledger (or this file, earlier) already holds; an error when a key is reused for
    other content; None when the draft is new. `seen` maps keys and contents of this file's new claims."""
    stored = find_claim(session, draft.claim_key) if draft.claim_key else same_content(session, draft)
    slot = draft.claim_key or draft.content()
    known, reason = (draft_of(stored).content(), KEY_TAKEN) if stored else (seen.get(slot), KEY_TWICE)
    if known is None:
        seen[slot] = seen[draft.content()] = draft.content()
        return None
    if known != draft.content():
        return RowError(file, row, "claim_key", draft.claim_key or "", reason)
    return draft.claim_key or (stored.claim_key if stored else "") or ""


def import_claims(
    session: Session,
    path: Path | str,
    actor: str = "system",
    strict: bool = False,
    today: dt.date | None = None,
) -> ClaimImportReport:
    """Validate every row of a claims file, then add the good ones (or none, with `strict`, if any is bad)."""
    path = Path(path)
    if not path.is_file():
        raise TollbookError(f"no claims file at {path}")
    report = ClaimImportReport(path.name)
    new: list[ClaimDraft] = []
    seen: dict[object, tuple] = {}
    for row, raw in read_rows(path):
        report.rows += 1
        parsed = parse_row(raw, path.name, row, today)
        outcome = parsed if isinstance(parsed, list) else _decide(session, parsed, path.name, row, seen)
        if isinstance(outcome, list | RowError):
            report.errors.extend(outcome if isinstance(outcome, list) else [outcome])
        elif outcome is None:
            new.append(parsed)
        else:
            report.unchanged.append(outcome)
    if strict and report.errors:
        raise ClaimImportError(report)
    report.added = [add_claim(session, draft, actor).claim_key or "" for draft in new]
    return report
