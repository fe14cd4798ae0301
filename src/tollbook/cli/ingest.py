"""`tollbook import`: load a list file into a source, with a progress bar and a report of every bad row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tollbook.cli.audit import write_import_checkpoint
from tollbook.cli.common import (
    DbOption,
    JsonOption,
    console,
    fail,
    handled_errors,
    open_session,
    print_json,
    print_table,
)
from tollbook.ingest import ImportReport, StrictImportError, import_file, load_mapping


def import_command(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or Windows-1256), XLSX or JSON file of victim reports.")],
    source: Annotated[str, typer.Option("--source", help="Name of the source list (created if new).")],
    mapping: Annotated[Path | None, typer.Option(help="TOML column mapping; without it headers are detected.")]
    = None,
    strict: Annotated[bool, typer.Option(help="Any bad row fails the whole import (nothing is written).")] = False,
    report_csv: Annotated[Path | None, typer.Option("--report-csv", help="Write every issue to this CSV.")] = None,
    kind: Annotated[str, typer.Option(help="Kind of a new source (ngo, media, activist_network, …).")] = "other",
    reported_on: Annotated[str | None, typer.Option(
        "--reported-on", help="The day the source published this list (ISO or Solar Hijri), for rows without "
                              "a report date of their own: 'documented by then' counts rest on it.")] = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Import FILE into SOURCE. Re-importing the same file or rows adds nothing."""
    with handled_errors():
        column_mapping = load_mapping(mapping) if mapping else None
    report_day = _report_day(reported_on)
    if report_csv is not None and not report_csv.parent.is_dir():
        raise fail(f"--report-csv {report_csv}: folder {report_csv.parent} does not exist; nothing was imported")
    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=as_json) as bar:
        task = bar.add_task("rows", total=None)
        try:
            with open_session(db) as session:
                report = import_file(session, file, source, column_mapping, strict,
                                     lambda done, total: bar.update(task, completed=done, total=total),
                                     actor="cli", source_kind=kind, reported_on=report_day)
            report.committed = True
            checkpoint = write_import_checkpoint(db)  # signed when $TOLLBOOK_CHECKPOINT_KEY names the key
        except StrictImportError as exc:
            report, checkpoint = exc.report, None
    _finish(report, report_csv, as_json)
    if checkpoint and not as_json:
        console.print(f"signed checkpoint {checkpoint}")
    if strict and not report.committed:
        raise fail(f"{file}: {len(report.errors)} bad row(s) in strict mode; nothing was imported")


def _report_day(text: str | None) -> dt.date | None:
    """The --reported-on day, or a one-line error before anything is imported."""
    from tollbook.text.dates import DateError
    from tollbook.text.days import full_day

    try:
        return full_day(text) if text else None
    except DateError as exc:
        raise fail(f"--reported-on: {exc}; nothing was imported") from None


def _finish(report: ImportReport, report_csv: Path | None, as_json: bool) -> None:
    """Print the report (table or JSON) and write its CSV."""
    if report_csv:
        report.write_csv(report_csv)
    if as_json:
        print_json(report.to_dict())
        return
    if report.already_imported:
        console.print(f"{report.file}: already imported into {report.source!r}; nothing added")
        return
    print_table(f"Issues in {report.file}", [issue.__dict__ for issue in report.issues])
    console.print(f"{report.file} → {report.source!r}: {report.rows_total} rows, {report.imported} imported, "
                  f"{report.duplicates} already present, {report.failed} failed, {len(report.warnings)} warnings")


def register(app: typer.Typer) -> None:
    """Attach the import command."""
    app.command("import")(import_command)
