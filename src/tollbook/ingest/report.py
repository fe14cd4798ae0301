"""The import report: every problem with file, row, column, value and reason; nothing goes unsaid."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"  # the row is not imported
WARNING = "warning"  # the row is imported, the field is left unresolved (the raw row keeps what was written)
DUPLICATE = "duplicate"  # the row's content is already in the source (from this file or another): not added


@dataclass(frozen=True)
class ImportIssue:
    """One problem in one field of one row; rows are numbered as a spreadsheet shows them (header = 1)."""

    file: str
    row: int
    column: str
    value: str
    reason: str
    severity: str = ERROR


@dataclass
class ImportReport:
    """What an import did: counts by outcome and every issue found."""

    file: str
    source: str
    rows_total: int = 0
    imported: int = 0
    duplicates: int = 0
    failed: int = 0
    already_imported: bool = False
    committed: bool = False
    batch_id: int | None = None
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportIssue]:
        """Issues that kept a row out."""
        return [issue for issue in self.issues if issue.severity == ERROR]

    @property
    def warnings(self) -> list[ImportIssue]:
        """Issues on rows that were imported anyway."""
        return [issue for issue in self.issues if issue.severity == WARNING]

    def to_dict(self) -> dict:
        """JSON-ready summary with every issue."""
        counts = {key: getattr(self, key) for key in ("file", "source", "rows_total", "imported", "duplicates",
                                                      "failed", "already_imported", "committed", "batch_id")}
        return counts | {"issues": [issue.__dict__ for issue in self.issues]}

    def write_csv(self, path: Path) -> None:
        """Write the issues as CSV (file,row,column,value,reason,severity) for the documenter to fix."""
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "row", "column", "value", "reason", "severity"])
            for issue in self.issues:
                writer.writerow([issue.file, issue.row, issue.column, issue.value, issue.reason, issue.severity])
