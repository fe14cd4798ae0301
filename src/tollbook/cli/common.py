"""What every command shares: the --db option, opening the store, JSON output and one-line errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tollbook.errors import TollbookError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# tollbook.store's default, repeated so commands that need no database start without SQLAlchemy (a test checks it)
DEFAULT_URL = "sqlite:///tollbook.db"

console = Console(soft_wrap=True)
err_console = Console(stderr=True)

DbOption = Annotated[
    str,
    typer.Option("--db", envvar="TOLLBOOK_DB", help=f"Database URL (env TOLLBOOK_DB; default {DEFAULT_URL}).",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

STATE: dict[str, Any] = {"debug": False, "db": ""}


def resolve_db(db: str) -> str:
    """The database URL a command uses: its own --db, else `tollbook --db URL` given before the command, else
    TOLLBOOK_DB, else the default. (A command's --db is filled from TOLLBOOK_DB when not given; then the global
    option wins.)"""
    from_env = os.environ.get("TOLLBOOK_DB", "")
    if STATE["db"] and (not db or db == from_env):
        return STATE["db"]
    return db or from_env or DEFAULT_URL


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one red line to stderr and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def handled_errors() -> Iterator[None]:
    """Turn library errors into one line and a non-zero exit; --debug shows the traceback."""
    try:
        yield
    except TollbookError as exc:
        if STATE["debug"]:
            raise
        raise fail(str(exc)) from None
    except Exception as exc:
        line = _database_error(exc)
        if line is None or STATE["debug"]:
            raise
        raise fail(line) from None


def _database_error(exc: Exception) -> str | None:
    """The one line for a database error (the driver's first line only: its detail lines can quote stored
    values), or None when ``exc`` is not one. Without SQLAlchemy loaded no error can be one of its own."""
    errors = sys.modules.get("sqlalchemy.exc")
    if errors is None or not isinstance(exc, errors.SQLAlchemyError):
        return None
    from tollbook.store import db_error_line

    if isinstance(exc, errors.OperationalError) and "locked" in db_error_line(exc):
        return ("the database is busy: another import or write holds it (waited, then gave up); try again when it "
                "has finished")
    return f"database error: {db_error_line(exc)}"


@contextmanager
def open_session(db: str, migrated: bool = True) -> Iterator[Session]:
    """A session on the database at `db`, which must be initialised and current."""
    from tollbook.store import open_engine, require_current, session_scope

    with handled_errors():
        engine = open_engine(resolve_db(db), create=not migrated)
        try:
            if migrated:
                require_current(engine)
            with session_scope(engine) as session:
                yield session
        finally:
            engine.dispose()


def print_json(data: Any) -> None:
    """Write data as indented UTF-8 JSON on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> None:
    """A Rich table of dict rows; an empty list prints a note instead."""
    if not rows:
        console.print(f"[dim]{title}: none[/]")
        return
    table = Table(title=title)
    columns = list(columns or rows[0].keys())
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console.print(table)
