"""Commands for the database itself: init, status, sources, records, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tollbook import records, sources, status
from tollbook.cli.common import (
    DbOption,
    JsonOption,
    console,
    handled_errors,
    open_session,
    print_json,
    print_table,
    resolve_db,
)
from tollbook.store import mask_url

sources_app = typer.Typer(help="Register and list the lists and publishers reports come from.", no_args_is_help=True)
records_app = typer.Typer(help="List, show, add, correct and retract victim records; nothing is ever deleted.",
                          no_args_is_help=True)


def init(db: DbOption = "") -> None:
    """Create the database, or migrate an existing one forward (never drops data)."""
    from tollbook.audit.legacy import predates_row_coverage
    from tollbook.store import migrate

    with open_session(db, migrated=False) as session:
        before, after = migrate(session.get_bind())  # type: ignore[arg-type]
    state = "created" if before is None else ("already current" if before == after else f"migrated from {before}")
    console.print(f"database {mask_url(resolve_db(db))}: {state} (schema {after})")
    if before != after and predates_row_coverage(before):
        console.print("its rows were written before the audit covered rows: cover them once with `tollbook audit "
                      "baseline --as NAME` (it refuses if any row fails its content check)")


def show_status(db: DbOption = "", as_json: JsonOption = False) -> None:
    """Counts of sources, records, persons, claims and review items."""
    with open_session(db) as session:
        counts = status.database_status(session)
    if as_json:
        print_json(counts)
    else:
        print_table("Tollbook status", [{"what": k, "count": v} for k, v in counts.items()])


@sources_app.command("add")
def sources_add(
    name: Annotated[str, typer.Argument(help="Unique name of the list or publisher.")],
    kind: Annotated[str, typer.Option(help="activist_network, ngo, media, official, family, field_collector, other")]
    = "other",
    group: Annotated[str | None, typer.Option("--group", help="Independence group (sources of one network).")]
    = None,
    description: Annotated[str | None, typer.Option(help="What the list is.")] = None,
    db: DbOption = "",
) -> None:
    """Register a source."""
    with open_session(db) as session:
        source = sources.add_source(session, name, kind, group, description, actor="cli")
        console.print(f"added source {source.name!r} (id {source.id}, {source.kind.value})")


@sources_app.command("list")
def sources_list(db: DbOption = "", as_json: JsonOption = False) -> None:
    """List sources."""
    with open_session(db) as session:
        rows = [sources.source_row(s) for s in sources.list_sources(session)]
    print_json(rows) if as_json else print_table("Sources", rows)


@records_app.command("list")
def records_list(
    source: Annotated[str | None, typer.Option(help="Only this source's records.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (0 = all).")] = 50,
    retracted: Annotated[bool, typer.Option("--retracted", help="Also list retracted records, with the reason.")]
    = False,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """List current records (latest revisions); dates as precise as the source gave them."""
    with open_session(db) as session:
        source_id = sources.get_source(session, source).id if source else None
        found = records.list_records(session, source_id, limit or None, include_retracted=retracted)
        rows = [records.record_row(r, retraction=records.retraction_of(session, r.id) if retracted else None)
                for r in found]
        total = records.count_records(session, source_id, retracted) if limit and len(found) == limit else None
    if as_json:
        print_json(rows)
        return
    columns = ["id", "source", "source_record_id", "given_name", "family_name", "age", "date_of_death",
               "province", "city", "status", "person_id", *(["retracted"] if retracted else [])]
    print_table("Records", [row | {"age": records.age_text(row)} for row in rows], columns)
    if total is not None and total > limit:
        console.print(f"{limit} of {total} records shown; --limit 0 lists them all", highlight=False)


@records_app.command("show")
def records_show(
    record_id: Annotated[int, typer.Argument(help="Record id.")],
    confidential: Annotated[bool, typer.Option(help="Also show the confidential fields: the raw row as imported, "
                                               "place detail, notes and who entered it.")] = False,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Show one record's parsed fields and any retraction; the raw row, place detail and notes are confidential
    and shown only with --confidential."""
    with open_session(db) as session:
        row = records.record_row(records.get_record(session, record_id), confidential=confidential,
                                 retraction=records.retraction_of(session, record_id))
    print_json(row) if as_json else print_table(f"Record {record_id}", [{"field": k, "value": v}
                                                                         for k, v in row.items()])


def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder to build the example in.")] = Path("demo"),
    total: Annotated[int, typer.Option(help="True number of victims in the synthetic example.")] = 1500,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic example.")] = 2019,
) -> None:
    """Build the bundled Iran 2019 example (synthetic lists) into OUT and print what to run next."""
    from tollbook.demo import build_demo

    with handled_errors():
        summary = build_demo(out, total=total, seed=seed, console=console)
    console.print(summary.render())


def register(app: typer.Typer) -> None:
    """Attach these commands to the main app."""
    app.command("init")(init)
    app.command("status")(show_status)
    app.command("demo")(demo)
    app.add_typer(sources_app, name="sources")
    app.add_typer(records_app, name="records")
