"""Tollbook's command line: a thin Typer layer over the library (`python -m tollbook` or `tollbook`).

Command modules are imported when first needed: ``tollbook.cli.app`` (the whole app) is built on first use, and
:func:`main` answers `--version` at once and builds only the estimate command for `tollbook estimate ...`, so
neither loads the database, linkage, web or report code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Annotated

import typer

from tollbook import __version__


def _version(value: bool) -> None:
    """Print the version and stop."""
    if value:
        typer.echo(f"tollbook {__version__}")
        raise typer.Exit()


def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    db: Annotated[str, typer.Option("--db", help="Database URL for the command (also accepted after it).",
                                    show_default=False)] = "",
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Tollbook: count the dead when a state will not."""
    from tollbook.cli.common import STATE

    STATE["debug"] = debug
    STATE["db"] = db


def _new_app() -> typer.Typer:
    """The bare app: its name, help and global options, no commands yet."""
    app = typer.Typer(
        name="tollbook",
        help="Document victim reports, link lists into persons, estimate the true toll, track claims, publish.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
    )
    app.callback()(main_options)
    return app


def _register_all(app: typer.Typer) -> None:
    """Attach every command."""
    from tollbook.cli import admin, claims, estimate, evidence, ingest, link, records, report, users
    from tollbook.cli import audit as audit_cli
    from tollbook.cli import bundle as bundle_cli
    from tollbook.cli import keys as keys_cli

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


def _register_estimate(app: typer.Typer) -> None:
    from tollbook.cli import estimate

    estimate.register(app)


# Commands whose module stands alone: `tollbook NAME ...` builds an app with only that module.
LIGHT: dict[str, Callable[[typer.Typer], None]] = {"estimate": _register_estimate}
_FULL: list[typer.Typer] = []


def __getattr__(name: str) -> typer.Typer:
    """``tollbook.cli.app``: the whole app, built once on first use."""
    if name != "app":
        raise AttributeError(f"module 'tollbook.cli' has no attribute {name!r}")
    if not _FULL:
        app = _new_app()
        _register_all(app)
        _FULL.append(app)
    return _FULL[0]


def command_of(args: Sequence[str]) -> str | None:
    """The command named on a command line: its first word that is not a global option or --db's value."""
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--db":
            index += 2
        elif word.startswith("-"):
            index += 1
        else:
            return word
    return None


def main() -> None:
    """Console-script entry point."""
    args = sys.argv[1:]
    command = command_of(args)
    if command is None and "--version" in args:
        typer.echo(f"tollbook {__version__}")
        return
    if command in LIGHT:
        app = _new_app()
        LIGHT[command](app)
        app()
        return
    __getattr__("app")()
