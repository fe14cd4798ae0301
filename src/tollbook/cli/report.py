"""Commands that publish: the report, the explanation of any number in it, and the public export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tollbook.cli.common import DbOption, JsonOption, console, fail, open_session, print_json, print_table

LangOption = Annotated[str, typer.Option("--lang", help="en, fa or both (index.html is English, index.fa.html "
                                                        "Persian).")]


def report(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")] = Path("report"),
    public: Annotated[bool, typer.Option("--public/--team", help="Public edition (default; lists of field "
                                         "collectors and families named by kind), or the team's, which names every "
                                         "list and is marked not for publication.")] = True,
    lang: LangOption = "both",
    note: Annotated[str | None, typer.Option(help="A line shown under the title (e.g. 'synthetic data').")] = None,
    db: DbOption = "",
) -> None:
    """Write the self-contained HTML report (no network needed to open it): headline, charts, estimates,
    method, claims ledger; every number carries an id that `tollbook explain ID` explains."""
    from tollbook.report import build_report

    with open_session(db) as session:
        files = build_report(session, out, lang=lang, public=public, note=note)
    for item, path in files.pages.items():
        console.print(f"report ({item}): {path}")
    console.print(f"{len(files.data.book)} numbers, data version {files.data.data_version[:16]}, "
                  f"{files.seconds['total']:.1f} s")


def explain(
    number_id: Annotated[str | None, typer.Argument(help="Id of a number (shown on hover in the report).")] = None,
    team: Annotated[bool, typer.Option("--team", help="Also show each person's lists and internal record ids "
                                       "(never for publication).")] = False,
    list_all: Annotated[bool, typer.Option("--list", help="List every id with its value.")] = False,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Say how one number of the report was computed and list the persons (public ids) or claims behind it."""
    from tollbook.report.explain import explain as explain_one
    from tollbook.report.explain import list_ids

    if not list_all and not number_id:
        raise fail("give a number's id, or --list to see them all")
    with open_session(db) as session:
        if list_all:
            rows = [{"id": n.id, "value": n.value, "how": n.how} for n in list_ids(session, public=not team)]
            print_json(rows) if as_json else print_table("Numbers of the report", rows)
            return
        found = explain_one(session, number_id, public=not team)
    print_json(found.as_dict()) if as_json else console.print(found.render(), highlight=False, markup=False)


def export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")] = Path("export"),
    public: Annotated[bool, typer.Option("--public", help="The public export under the redaction policy.")] = False,
    full: Annotated[bool, typer.Option("--full", help="The team's full export with confidential fields, marked "
                                       "so in every file and row.")] = False,
    policy: Annotated[Path | None, typer.Option(help="Redaction policy TOML (default: the shipped one).")] = None,
    db: DbOption = "",
) -> None:
    """Export the persons list as CSV, JSON and HXL-tagged CSV: --public (redacted) or --full (team only)."""
    from tollbook.report import write_export

    if public == full:
        raise fail("choose one: --public (redacted, for publication) or --full (confidential, team only)")
    with open_session(db) as session:
        files = write_export(session, out, full=full, policy_file=policy)
    console.print(f"{files.edition} export of {files.persons:,} persons (data version {files.data_version[:16]}):")
    for path in files.paths:
        console.print(f"  {path}")


def register(app: typer.Typer) -> None:
    """Attach these commands to the main app."""
    app.command("report")(report)
    app.command("explain")(explain)
    app.command("export")(export)
