"""Record lifecycle commands (`records add|correct|retract|history`) and `imports list|retract|reparse`.

Thin: each command parses its options, calls one function of `tollbook.records` or `tollbook.imports`, and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tollbook import imports, records
from tollbook.cli.admin import records_app
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
from tollbook.ingest import load_mapping

imports_app = typer.Typer(help="List import batches; retract one, or re-parse it after a mapping fix.",
                          no_args_is_help=True)
SetOption = Annotated[list[str], typer.Option(
    "--set", help="FIELD=VALUE, repeatable; fields: " + ", ".join(records.INPUT_FIELDS) + ". Values as in an "
    "import: Persian or Latin, Solar Hijri or Gregorian dates, ages such as 'حدود ۳۰' or 30-35.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why: kept with the change and in the audit log.")]
ActorOption = Annotated[str, typer.Option("--by", help="Who makes the change (recorded in the audit log).")]


def _pairs(values: list[str]) -> dict[str, str]:
    """FIELD=VALUE options as a dict; a malformed one is a one-line error."""
    pairs = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise fail(f"--set {item!r}: write FIELD=VALUE, e.g. --set age=24")
        pairs[key.strip()] = value.strip()
    return pairs


def _print_result(result: records.RecordResult, verb: str, as_json: bool) -> None:
    """The written record and any warnings."""
    row = records.record_row(result.record)
    if as_json:
        print_json(row | {"warnings": list(result.warnings)})
        return
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    console.print(f"{verb} record {result.record.id} (revision {result.record.revision}) in {row['source']!r}",
                  highlight=False)


@records_app.command("add")
def records_add(
    source: Annotated[str, typer.Option("--source", help="Source the report comes from (created if new).")],
    values: SetOption,
    reason: Annotated[str | None, typer.Option("--reason", help="Note kept in the audit log.")] = None,
    actor: ActorOption = "cli",
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Add one report by hand, validated as an import validates it."""
    fields = _pairs(values)
    with open_session(db) as session:
        result = records.add_record(session, source, fields, actor, reason)
        _print_result(result, "added", as_json)


@records_app.command("correct")
def records_correct(
    record_id: Annotated[int, typer.Argument(help="Record id (its latest revision).")],
    values: SetOption,
    reason: ReasonOption,
    actor: ActorOption = "cli",
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Correct fields of a record: a new revision supersedes it; the old one is kept."""
    fields = _pairs(values)
    with open_session(db) as session:
        result = records.correct_record(session, record_id, fields, actor, reason)
        _print_result(result, f"record {record_id} corrected by", as_json)


@records_app.command("retract")
def records_retract(
    record_id: Annotated[int, typer.Argument(help="Record id (its latest revision).")],
    reason: ReasonOption,
    actor: ActorOption = "cli",
    db: DbOption = "",
) -> None:
    """Retract a record: it stays stored and visible with the reason, and leaves linkage and estimates."""
    with open_session(db) as session:
        records.retract_record(session, record_id, actor, reason)
    console.print(f"record {record_id} retracted: {reason}", highlight=False)


@records_app.command("history")
def records_history(
    record_id: Annotated[int, typer.Argument(help="Any revision's record id.")],
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Every step of a report's life: imported or added, each correction with its reason, any retraction."""
    with open_session(db) as session:
        steps = [step.__dict__ for step in records.record_history(session, record_id)]
    print_json(steps) if as_json else print_table(f"History of record {record_id}", steps)


@imports_app.command("list")
def imports_list(db: DbOption = "", as_json: JsonOption = False) -> None:
    """Every import batch with its counts and retracted records."""
    with open_session(db) as session:
        rows = [imports.batch_row(b) for b in imports.list_imports(session)]
    print_json(rows) if as_json else print_table("Imports", rows)


@imports_app.command("retract")
def imports_retract(
    batch_id: Annotated[int, typer.Argument(help="Import batch id (see `tollbook imports list`).")],
    reason: ReasonOption,
    actor: ActorOption = "cli",
    db: DbOption = "",
) -> None:
    """Retract every current record of one import, with one reason; nothing is deleted."""
    with open_session(db) as session:
        count = imports.retract_import(session, batch_id, actor, reason)
    console.print(f"import {batch_id}: {count} record(s) retracted: {reason}", highlight=False)


@imports_app.command("reparse")
def imports_reparse(
    batch_id: Annotated[int, typer.Argument(help="Import batch id (see `tollbook imports list`).")],
    mapping: Annotated[Path, typer.Option("--mapping", help="The corrected TOML column mapping.")],
    actor: ActorOption = "cli",
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Parse an import's raw rows again with a corrected mapping: a revision for every record that changes."""
    with handled_errors():
        column_mapping = load_mapping(mapping)
    with open_session(db) as session:
        report = imports.reparse_import(session, batch_id, column_mapping, actor)
    if as_json:
        print_json({"batch": batch_id, "revised": report.revised, "unchanged": report.unchanged,
                    "failed": report.failed, "issues": [_reparse_issue(i) for i in report.issues]})
        return
    print_table(f"Issues re-parsing import {batch_id}", [_reparse_issue(i) for i in report.issues])
    console.print(f"import {batch_id}: {report.revised} revised, {report.unchanged} unchanged, "
                  f"{report.failed} not readable with the new mapping (left as they were)")


def register(app: typer.Typer) -> None:
    """Attach the imports sub-app (the records commands join `tollbook records`)."""
    app.add_typer(imports_app, name="imports")


def _reparse_issue(issue: object) -> dict[str, object]:
    """A re-parse issue as shown: it names the record (its `row` is the record id), not a row of the file."""
    shown = {k: v for k, v in issue.__dict__.items() if k not in ("code", "params")}
    return {"file": shown.pop("file"), "record": shown.pop("row"), **shown}
