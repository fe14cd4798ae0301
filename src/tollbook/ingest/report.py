"""The import report: every problem with file, row, column, value and reason; nothing goes unsaid."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tollbook.outputs import write_csv_atomic

ERROR = "error"  # the row is not imported
WARNING = "warning"  # the row is imported, the field is left unresolved (the raw row keeps what was written)
DUPLICATE = "duplicate"  # the same report is already in the source (same record id and content, or same raw row)
REVISED = "revised"  # the same record id with changed content: a revision superseding the record
NOTE = "note"  # about the file rather than a row: a column not mapped, title lines skipped, a list seen before


@dataclass(frozen=True)
class ImportIssue:
    """One problem in one field of one row; rows are numbered as a spreadsheet shows them."""

    file: str
    row: int
    column: str
    value: str
    reason: str
    severity: str = ERROR
    code: str = ""  # the problem's stable name (tollbook.ingest.codes), so an interface can say it in its language
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # what the code's words need


@dataclass(frozen=True)
class TableInfo:
    """How one file or sheet was read: where the header is, which column went to which field, what was not mapped."""

    label: str
    sheet: str | None
    header_row: int
    rows: int
    columns: dict[str, str]
    unmapped: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    dayfirst: bool | None = None


@dataclass
class ImportReport:
    """What an import did: counts by outcome and every issue found."""

    file: str
    source: str
    rows_total: int = 0
    imported: int = 0
    revised: int = 0
    duplicates: int = 0
    failed: int = 0
    already_imported: bool = False
    committed: bool = False
    dry_run: bool = False
    batch_id: int | None = None
    tables: list[TableInfo] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    samples: list[dict[str, object]] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportIssue]:
        """Issues that kept a row out."""
        return [issue for issue in self.issues if issue.severity == ERROR]

    @property
    def warnings(self) -> list[ImportIssue]:
        """Issues on rows that were imported anyway."""
        return [issue for issue in self.issues if issue.severity == WARNING]

    @property
    def notes(self) -> list[ImportIssue]:
        """Notes about the file: unmapped columns, skipped title lines, lists imported before."""
        return [issue for issue in self.issues if issue.severity == NOTE]

    def summary(self) -> list[dict[str, object]]:
        """Issues counted by severity, column and reason (numbers and quoted values folded), most frequent first."""
        counts = Counter((i.severity, i.column, _reason_kind(i.reason)) for i in self.issues if i.severity != NOTE)
        return [{"severity": severity, "column": column, "reason": reason, "rows": n}
                for (severity, column, reason), n in counts.most_common()]

    def to_dict(self) -> dict:
        """JSON-ready summary with every issue."""
        keys = ("file", "source", "rows_total", "imported", "revised", "duplicates", "failed", "already_imported",
                "committed", "dry_run", "batch_id")
        counts = {key: getattr(self, key) for key in keys}
        return counts | {"tables": [t.__dict__ for t in self.tables], "summary": self.summary(),
                         "issues": [issue.__dict__ for issue in self.issues], "samples": self.samples}

    def write_csv(self, path: Path) -> None:
        """Write every issue as CSV (file,row,column,value,reason,severity) atomically, formulas neutralised."""
        rows = [[i.file, i.row, i.column, i.value, i.reason, i.severity] for i in self.issues]
        write_csv_atomic(path, ["file", "row", "column", "value", "reason", "severity"], rows)


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|(?<=\brow )\d+|(?<=\brevision )\d+|\b\d{4}-\d\d-\d\d(?:\.\.\S+)?")


def _reason_kind(reason: str) -> str:
    """A reason with its particular values folded, so equal problems count together."""
    return _QUOTED.sub("…", reason)
