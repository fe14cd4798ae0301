"""`tollbook claims …`: add, import, list, annotate claims; their timeline; the consistency checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from tollbook import claims
from tollbook.claims.fields import claim_row, figure
from tollbook.claims.timeline import load_estimates
from tollbook.cli.common import DbOption, JsonOption, console, fail, open_session, print_json, print_table

claims_app = typer.Typer(help="The claims ledger: who said how many, when, of what.", no_args_is_help=True)

Area = Annotated[str, typer.Option("--area", help="IR for the country, or a province: IR-23, Tehran, تهران.")]
Metric = Annotated[str, typer.Option(help="killed, injured, arrested, cities_affected, names_released, …")]
EstimatesOption = Annotated[
    Path | None,
    typer.Option("--estimates", help="JSON list of {stratum, estimate, lower, upper} (default: the last saved run)."),
]
LIST_COLUMNS = ["claim_key", "source", "date_stated", "metric", "figure", "scope_area", "subset"]


@claims_app.command("add")
def add(
    source: Annotated[str, typer.Option(help="Who said it, e.g. 'Amnesty International'.")],
    date: Annotated[str, typer.Option(help="Date stated: YYYY-MM-DD, day-first, or Solar Hijri (1398/09/13).")],
    metric: Metric,
    value: Annotated[str, typer.Option(help="The number (low end of a range).")] = "",
    qualifier: Annotated[str, typer.Option(help="exactly, at_least, more_than, about, up_to")] = "exactly",
    value_high: Annotated[str, typer.Option(help="High end of a range.")] = "",
    share: Annotated[str, typer.Option(help="Share in percent, for a share stated without a total.")] = "",
    area: Area = "IR",
    inferred_from: Annotated[str, typer.Option(help="For an inferred date: what it came from.")] = "",
    subset: Annotated[str, typer.Option(help="A sub-population counted: cause=beating, role!=protester.")] = "",
    quote: Annotated[str, typer.Option(help="Verbatim, at most one sentence.")] = "",
    citation: Annotated[str, typer.Option(help="Where it was said.")] = "",
    key: Annotated[str, typer.Option(help="Stable claim key (default: from date, source, metric).")] = "",
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Add one claim, validated as an imported row would be."""
    raw = {
        "source": source,
        "date_stated": date,
        "metric": metric,
        "value": value,
        "qualifier": qualifier,
        "value_high": value_high,
        "share_percent": share,
        "scope_area": area,
        "subset": subset,
        "date_inferred": "true" if inferred_from else "false",
        "date_basis": inferred_from,
        "quote": quote,
        "citation": citation,
        "claim_key": key,
    }
    with open_session(db) as session:
        row = claim_row(claims.add_claim_fields(session, raw, actor="cli"))
    print_json(row) if as_json else console.print(f"added claim {row['claim_key']}")


@claims_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="Claims CSV or JSON (columns: see examples/iran-2019).")],
    strict: Annotated[bool, typer.Option("--strict", help="Any bad row fails the whole file.")] = False,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Import claims; bad rows are listed (file, row, field, value, reason) and good rows kept."""
    with open_session(db) as session:
        report = claims.import_claims(session, path, actor="cli", strict=strict)
    summary = report.as_dict()
    if as_json:
        print_json(summary)
    else:
        console.print(
            f"{path.name}: {summary['rows']} rows, {summary['added']} added, "
            f"{summary['unchanged']} already present, {summary['failed_rows']} refused"
        )
        if report.errors:
            print_table("Refused fields", [e.__dict__ for e in report.errors])
    if report.errors:
        raise fail(f"{summary['failed_rows']} row(s) refused; the other rows were imported")


@claims_app.command("list")
def list_(
    metric: Annotated[str | None, typer.Option(help="Only this metric.")] = None,
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    area: Annotated[str | None, typer.Option("--area", help="Only this scope area.")] = None,
    include_superseded: Annotated[bool, typer.Option("--all", help="Include superseded claims.")] = False,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """List claims in the order they were made."""
    with open_session(db) as session:
        found = claims.list_claims(session, metric, source, area, include_superseded)
        rows = [claim_row(c) | {"figure": figure(c)} for c in found]
    print_json(rows) if as_json else print_table("Claims", rows, LIST_COLUMNS)


@claims_app.command("annotate")
def annotate(
    key: Annotated[str, typer.Argument(help="Claim key.")],
    text: Annotated[str, typer.Argument(help="The remark; the claim itself is never changed.")],
    db: DbOption = "",
) -> None:
    """Append a dated remark to a claim."""
    with open_session(db) as session:
        claims.annotate_claim(session, key, text, actor="cli")
    console.print(f"annotated claim {key}")


Change = Annotated[str | None, typer.Option(help="The new value (default: the old claim's).", show_default=False)]


@claims_app.command("supersede")
def supersede(
    key: Annotated[str, typer.Argument(help="Key of the claim to correct (it stays in the ledger, superseded).")],
    reason: Annotated[str, typer.Option(help="Why the claim is corrected (kept in the audit log).")],
    source: Change = None, date: Change = None, metric: Change = None, value: Change = None,
    qualifier: Change = None, value_high: Change = None, share: Change = None,
    area: Annotated[str | None, typer.Option("--area", help="The new scope (IR-23, Tehran, …).", show_default=False)]
    = None,
    subset: Change = None, quote: Change = None, citation: Change = None,
    inferred_from: Change = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Correct a claim by a new one: the old claim's fields with the ones given here changed."""
    changes = {"source": source, "date_stated": date, "metric": metric, "value": value, "qualifier": qualifier,
               "value_high": value_high, "share_percent": share, "scope_area": area, "subset": subset,
               "quote": quote, "citation": citation, "date_basis": inferred_from,
               "date_inferred": None if inferred_from is None else ("true" if inferred_from else "false")}
    with open_session(db) as session:
        row = claim_row(claims.supersede_claim_fields(session, key, changes, reason, actor="cli"))
    print_json(row) if as_json else console.print(f"claim {key} superseded by {row['claim_key']}")


@claims_app.command("timeline")
def show_timeline(
    metric: Metric = "killed",
    area: Area = "IR",
    start: Annotated[
        dt.datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="Only claims about the period from this day."),
    ] = None,
    end: Annotated[
        dt.datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Only claims about the period to this day."),
    ] = None,
    estimates: EstimatesOption = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Each source's claims over time beside the documented count and the estimate."""
    period = (start.date() if start else None, end.date() if end else None)
    with open_session(db) as session:
        found = load_estimates(estimates) if estimates else _saved(session)
        result = claims.timeline(session, metric, area, found, *period)
    columns = ["source", "date", "figure", "on list now", "reported by then", "estimate", "lower", "upper",
               "claim_key"]
    rows = [row | {key: _whole(row.get(key)) for key in ("estimate", "lower", "upper")}
            | {"on list now": row["documented"], "reported by then": _reported(row)} for row in result.rows()]
    if as_json:
        print_json(result.as_dict())
        return
    print_table(f"{metric} in {result.area_label}", rows, columns)
    console.print("[dim]on list now: persons the list holds today who died by the claim's date; reported by "
                  "then: of those, reported by a source on or before it (+N: no report date known)[/]")


def _reported(row: dict) -> str | None:
    """Reported-by-then count, with the persons whose report date is unknown (never read as known then)."""
    if row.get("reported_by_then") is None:
        return None
    unknown = row.get("report_dates_unknown") or 0
    return f"{row['reported_by_then']:,}" + (f" (+{unknown:,} no date)" if unknown else "")


def _whole(value: float | None) -> str | None:
    """An estimate as a whole number of people, for tables."""
    return None if value is None else f"{value:,.0f}"


@claims_app.command("check")
def check(estimates: EstimatesOption = None, db: DbOption = "", as_json: JsonOption = False) -> None:
    """Run the consistency checks and list what they find."""
    with open_session(db) as session:
        findings = claims.run_checks(session, load_estimates(estimates) if estimates else _saved(session))
    rows = [f.as_dict() | {"claim_keys": ", ".join(f.claim_keys)} for f in findings]
    if as_json:
        print_json([f.as_dict() for f in findings])
    else:
        print_table("Findings", rows, ["kind", "message", "claim_keys"])


def _saved(session: Session) -> list | None:
    """The last saved estimates (imported here so that `tollbook --help` does not load pandas and NumPy)."""
    from tollbook.estimate.database import saved_estimates

    return saved_estimates(session)


def register(app: typer.Typer) -> None:
    """Attach `tollbook claims …` to the main app."""
    app.add_typer(claims_app, name="claims")
