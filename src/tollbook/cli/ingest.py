"""`tollbook import` and `tollbook inspect`: load a list file into a source, or show how it would be read."""

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
    resolve_db,
)
from tollbook.ingest import (
    ColumnMapping,
    ImportReport,
    StrictImportError,
    import_file,
    load_mapping,
    read_and_parse,
    with_options,
)
from tollbook.ingest.mapping import parse_window
from tollbook.outputs import check_output_path
from tollbook.places import use_places_file

FileArgument = Annotated[Path, typer.Argument(
    help="CSV/TSV (UTF-8, UTF-16 or Windows-1256), XLSX, ODS, XLS or JSON file of victim reports.")]
MappingOption = Annotated[Path | None, typer.Option(
    help="TOML column mapping ([columns] field = \"header\"; also sheet, header_row, dayfirst, century_pivot, "
         "event_window, records_path). Without it headers are detected.")]
SheetOption = Annotated[str | None, typer.Option(
    help="Workbook sheet to read, or 'all'. A workbook with several sheets of data needs it.")]
HeaderRowOption = Annotated[int | None, typer.Option(
    "--header-row", min=1, help="Row number of the headers (default: found below any title lines).")]
DayFirstOption = Annotated[bool | None, typer.Option(
    "--day-first/--month-first", help="Order of numeric dates like 05/11/2019 (default: inferred per column from "
    "dates that read only one way; required when the column does not tell).", show_default=False)]
WindowOption = Annotated[str | None, typer.Option(
    "--event-window", help="START:END (ISO dates): warn on dates of death outside it, e.g. 2019-11-15:2020-01-31.")]
PlacesOption = Annotated[Path | None, typer.Option(
    "--places", help="A places.toml of your own spellings and places (also: env TOLLBOOK_PLACES).")]
PivotOption = Annotated[int | None, typer.Option(
    "--century-pivot", min=0, max=99, help="Two-digit Solar Hijri years below it are 14xx, others 13xx (default 50).")]


def _options(mapping: Path | None, sheet: str | None, header_row: int | None, day_first: bool | None,
             event_window: str | None, century_pivot: int | None, places: Path | None = None) -> ColumnMapping | None:
    """The mapping file (if any) with the command-line options laid over it; a places file applied."""
    with handled_errors():
        if places is not None:
            use_places_file(places)
        column_mapping = load_mapping(mapping) if mapping else None
        window = parse_window(event_window) if event_window else None
        return with_options(column_mapping, sheet=sheet, header_row=header_row, dayfirst=day_first,
                            event_window=window, century_pivot=century_pivot)


def import_command(
    file: FileArgument,
    source: Annotated[str, typer.Option("--source", help="Name of the source list (created if new).")],
    mapping: MappingOption = None,
    strict: Annotated[bool, typer.Option(help="Any bad row fails the whole import (nothing is written).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read, check and report; write nothing.")] = False,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    day_first: DayFirstOption = None,
    event_window: WindowOption = None,
    century_pivot: PivotOption = None,
    places: PlacesOption = None,
    report_csv: Annotated[Path | None, typer.Option("--report-csv", help="Write every issue to this CSV.")] = None,
    kind: Annotated[str, typer.Option(help="Kind of a new source (ngo, media, activist_network, …).")] = "other",
    reported_on: Annotated[str | None, typer.Option(
        "--reported-on", help="The day the source published this list (ISO or Solar Hijri), for rows without "
                              "a report date of their own: 'documented by then' counts rest on it.")] = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Import FILE into SOURCE. Every row is a report: new, a revision (same record id, changed content), already
    there (same id and content, or the same raw row), or named in the report with its reason. Re-importing the
    same file adds nothing."""
    column_mapping = _options(mapping, sheet, header_row, day_first, event_window, century_pivot, places)
    report_day = _report_day(reported_on)
    if report_csv is not None:
        with handled_errors():
            check_output_path(report_csv, "--report-csv", [file, *([mapping] if mapping else [])], resolve_db(db))
    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=as_json) as bar:
        task = bar.add_task("rows", total=None)
        try:
            with open_session(db) as session:
                report = import_file(session, file, source, column_mapping, strict,
                                     lambda done, total: bar.update(task, completed=done, total=total),
                                     actor="cli", source_kind=kind, dry_run=dry_run,
                                     reported_on=report_day)
            report.committed = not dry_run
            checkpoint = None if dry_run else write_import_checkpoint(db)  # signed when $TOLLBOOK_CHECKPOINT_KEY
        except StrictImportError as exc:
            report, checkpoint = exc.report, None
    _finish(report, report_csv, as_json)
    if checkpoint and not as_json:
        console.print(f"signed checkpoint {checkpoint}")
    if strict and not report.committed and not dry_run:
        raise fail(f"{file}: {len(report.errors)} bad row(s) in strict mode; nothing was imported")


def inspect_command(
    file: FileArgument,
    mapping: MappingOption = None,
    sheet: SheetOption = None,
    header_row: HeaderRowOption = None,
    day_first: DayFirstOption = None,
    event_window: WindowOption = None,
    century_pivot: PivotOption = None,
    places: PlacesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show how FILE would be read — sheet, header row, which column goes to which field, columns not mapped,
    sample parsed values and every issue — without a database and without writing anything."""
    column_mapping = _options(mapping, sheet, header_row, day_first, event_window, century_pivot, places)
    report = ImportReport(file=str(file), source="", dry_run=True)
    with handled_errors():
        read_and_parse(file, column_mapping, report)
    _finish(report, None, as_json, show_reading=True)


def _report_day(text: str | None) -> dt.date | None:
    """The --reported-on day, or a one-line error before anything is imported."""
    from tollbook.text.dates import DateError
    from tollbook.text.days import full_day

    try:
        return full_day(text) if text else None
    except DateError as exc:
        raise fail(f"--reported-on: {exc}; nothing was imported") from None


def _finish(report: ImportReport, report_csv: Path | None, as_json: bool, show_reading: bool = False) -> None:
    """Print the report (summary table or JSON) and write its CSV."""
    if report_csv:
        report.write_csv(report_csv)
    if as_json:
        print_json(report.to_dict())
        return
    if report.already_imported:
        console.print(f"{report.file}: already imported into {report.source!r}; nothing added")
        return
    if show_reading or report.dry_run:
        _print_reading(report)
    for note in report.notes + [i for i in report.warnings if i.row == 0]:
        value = f" {note.value}" if note.value else ""
        console.print(f"[yellow]{note.severity}:[/] {note.column}{value}: {note.reason}", highlight=False)
    row_issues = [i for i in report.issues if i.row > 0 and i.severity != "note"]
    print_table(f"Issues in {report.file} by reason (every row: --report-csv)", report.summary()
                if row_issues else [])
    if not report.source:  # inspect: nothing was compared with a database
        console.print(f"{report.file}: {report.rows_total} rows read, {report.rows_total - report.failed} readable, "
                      f"{report.failed} with errors, {len(report.warnings)} warnings (inspect: nothing written)",
                      highlight=False)
        return
    verb = "would be " if report.dry_run else ""
    console.print(f"{report.file} → {report.source!r}: {report.rows_total} rows, {report.imported} {verb}imported, "
                  f"{report.revised} {verb}revised, {report.duplicates} already present, {report.failed} failed, "
                  f"{len(report.warnings)} warnings" + (" (dry run: nothing written)" if report.dry_run else ""),
                  highlight=False)


def _print_reading(report: ImportReport) -> None:
    """How each table was read: header row, titles skipped, the mapping, and sample parsed rows."""
    for table in report.tables:
        order = {True: "day-first", False: "month-first", None: "not needed"}[table.dayfirst]
        console.print(f"{table.label}: header in row {table.header_row}, {table.rows} rows, numeric dates {order}",
                      highlight=False)
        print_table("Mapping", [{"field": f, "column": c} for f, c in table.columns.items()]
                    + [{"field": "(not mapped)", "column": c} for c in table.unmapped])
    if report.samples:  # one column per sample row, so every parsed field stays readable
        fields = list(dict.fromkeys(key for sample in report.samples for key in sample if key != "file"))
        columns = [f"{sample['file'].rsplit('/', 1)[-1]} row {sample['row']}" for sample in report.samples]
        rows = [{"field": f} | {c: sample.get(f) for c, sample in zip(columns, report.samples, strict=True)}
                for f in fields if f != "row"]
        print_table("Sample parsed rows", rows, ["field", *columns])


def register(app: typer.Typer) -> None:
    """Attach the import and inspect commands."""
    app.command("import")(import_command)
    app.command("inspect")(inspect_command)
