"""Tollbook's command line: a thin Typer layer over the library (`python -m tollbook` or `tollbook`)."""

from __future__ import annotations

from typing import Annotated

import typer

from tollbook import __version__
from tollbook.cli import admin, claims, estimate, evidence, ingest, link, records, report, users
from tollbook.cli import audit as audit_cli
from tollbook.cli import bundle as bundle_cli
from tollbook.cli import keys as keys_cli
from tollbook.cli.common import STATE

app = typer.Typer(
    name="tollbook",
    help="Document victim reports, link lists into persons, estimate the true toll, track claims, publish.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    """Print the version and stop."""
    if value:
        typer.echo(f"tollbook {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    db: Annotated[str, typer.Option("--db", help="Database URL for the command (also accepted after it).",
                                    show_default=False)] = "",
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Tollbook: count the dead when a state will not."""
    STATE["debug"] = debug
    STATE["db"] = db


admin.register(app)
ingest.register(app)
records.register(app)
link.register(app)
estimate.register(app)
claims.register(app)
evidence.register(app, link.persons_app)
audit_cli.register(app)
keys_cli.register(app)
bundle_cli.register(app)
report.register(app)
users.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
