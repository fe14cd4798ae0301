"""`tollbook link`, `link-files`, `review` and `persons show`: thin commands over :mod:`tollbook.link`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from tollbook.cli import review
from tollbook.cli.common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    handled_errors,
    open_session,
    print_json,
    print_table,
)

persons_app = typer.Typer(help="Show linked persons: every value with its source, accepted values, alternatives.",
                          no_args_is_help=True)

ThresholdOption = Annotated[float, typer.Option(help="Pairs at or above this match probability are one person.")]
LowerOption = Annotated[float, typer.Option("--review-lower",
                                            help="Pairs from this probability up to the threshold go to review.")]
BackendOption = Annotated[str, typer.Option(
    help="Linkage engine: duckdb (embedded) or spark (the spark extra: pyspark and Java).")]
THRESHOLD, REVIEW_LOWER = 0.1, 0.05  # tollbook.link.api's defaults (not imported: it loads Splink)


def stage_printer() -> Callable[[str], None]:
    """A progress callback printing one line per stage to stderr, with the seconds since the start."""
    started = time.perf_counter()

    def say(message: str) -> None:
        err_console.print(f"[dim][{time.perf_counter() - started:7.1f} s][/] {message}", highlight=False)

    return say


def link_command(threshold: ThresholdOption = THRESHOLD, review_lower: LowerOption = REVIEW_LOWER,
                 backend: BackendOption = "duckdb",
                 seed: Annotated[int, typer.Option(help="Seed of u sampling (runs are reproducible).")] = 2019,
                 model_out: Annotated[Path | None, typer.Option("--model-out", help="Also write the model JSON here.")]
                 = None,
                 db: DbOption = "", as_json: JsonOption = False) -> None:
    """Link the database's current records into persons; uncertain pairs go to the review queue."""
    from tollbook.link import link_database

    with open_session(db) as session:
        run = link_database(session, threshold, review_lower, backend, seed, actor="cli", progress=stage_printer())
    if model_out:
        model_out.write_text(json.dumps(run.model, indent=2, default=str), encoding="utf-8")
    if as_json:
        print_json(run.summary())
        return
    print_table("Linkage run", [{"what": k, "value": v} for k, v in run.summary().items()])


def link_files_command(
    files: Annotated[list[Path], typer.Argument(help="Canonical CSV files, one per source list (source = stem).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write source,record_id,person_id,… as CSV.")],
    threshold: ThresholdOption = THRESHOLD, backend: BackendOption = "duckdb", review_lower: LowerOption = REVIEW_LOWER,
) -> None:
    """Link list files without a database and write one row per record with its person id."""
    from tollbook.link import link_files
    from tollbook.outputs import check_output_path, write_csv_atomic

    with handled_errors():
        check_output_path(out, "--out", files)
        clusters = link_files(files, threshold, backend, review_lower, progress=stage_printer())
    cells = clusters.astype(object).where(clusters.notna(), None)
    write_csv_atomic(out, list(clusters.columns), cells.itertuples(index=False, name=None))
    console.print(f"{len(clusters):,} records → {clusters['person_id'].nunique():,} persons; written to {out}")


@persons_app.command("list")
def persons_list(limit: Annotated[int, typer.Option(help="At most this many (0 = all).")] = 50,
                 source: Annotated[str | None, typer.Option(help="Only persons on this source's list.")] = None,
                 level: Annotated[str | None, typer.Option(help="Only persons at this verification level.")] = None,
                 by: Annotated[str | None, typer.Option(
                     help="Count them by cause, perpetrator, date or province; or by role or force, per claimant.")]
                 = None,
                 db: DbOption = "", as_json: JsonOption = False) -> None:
    """Linked persons with their accepted values and lists, the most reported first; counts by level."""
    from tollbook.cli.evidence import level_line, persons_by_level

    if level or by:
        persons_by_level(level, by, limit, source, db, as_json)
        return
    from tollbook.link.person_view import person_rows

    with open_session(db) as session:
        rows = person_rows(session, limit or None, source)
        counts = level_line(session)
    print_json(rows) if as_json else (print_table("Persons", rows), console.print(counts))


@persons_app.command("show")
def persons_show(public_id: Annotated[str, typer.Argument(help="The person's public id (P-…).")],
                 verified_source: Annotated[list[str] | None, typer.Option(
                     "--verified-source", help="A source whose values count as verified (repeatable).")] = None,
                 db: DbOption = "", as_json: JsonOption = False) -> None:
    """Every value of each field with its source, the accepted value and why, and the alternatives."""
    from tollbook.cli.evidence import person_extras, print_person_extras
    from tollbook.link.person_view import RULE, person_view
    from tollbook.records import display_value

    with open_session(db) as session:
        view = person_view(session, public_id, verified_source or ())
        extras = person_extras(session, public_id)
    if as_json:
        print_json(view.to_dict() | extras)
        return
    listed = {r["record_id"]: r for r in view.records}
    rows = [{"field": name, "value": display_value(claimed.value), "source": claimed.source,
             "role": "alternative" if claimed in f.alternatives else f"accepted: {f.reason}",
             "source record id": listed.get(claimed.record_id, {}).get("source_record_id") or "",
             "record": claimed.record_id}
            for name, f in view.fields.items() for claimed in f.values]
    print_table(f"Person {view.public_id} ({view.verification}; lists: {', '.join(view.sources)})", rows)
    print_table(f"Records of {view.public_id}", view.records)
    console.print(f"[dim]accepted value: {RULE}[/]")
    print_person_extras(extras)


def register(app: typer.Typer) -> None:
    """Attach the linkage commands to the main app."""
    app.command("link")(link_command)
    app.command("link-files")(link_files_command)
    app.add_typer(persons_app, name="persons")
    review.register(app, persons_app)
