"""`tollbook users …` (accounts of the web app) and `tollbook serve` (the web app itself)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tollbook import users
from tollbook.cli.common import DbOption, JsonOption, console, handled_errors, open_session, print_json, print_table

users_app = typer.Typer(help="Accounts of the web app: names, roles, passwords (argon2id hashes).",
                        no_args_is_help=True)

RoleOption = Annotated[str, typer.Option("--role", help="admin, documenter, reviewer, statistician or viewer.")]
PasswordStdin = Annotated[bool, typer.Option("--password-stdin",
                                             help="Read the password from the first line of standard input.")]


def _password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def add(name: Annotated[str, typer.Argument(help="Sign-in name (unique).")], role: RoleOption = "viewer",
        password_stdin: PasswordStdin = False, db: DbOption = "") -> None:
    """Add an account; the password is asked for twice (or read with --password-stdin) and only its hash kept."""
    with handled_errors():
        users.parse_role(role)
    password = _password(password_stdin)
    with open_session(db) as session:
        user = users.add_user(session, name, role, password, actor="cli")
        console.print(f"added user {user.name!r} ({user.role.value})")


@users_app.command("passwd")
def passwd(name: Annotated[str, typer.Argument(help="Sign-in name.")], password_stdin: PasswordStdin = False,
           db: DbOption = "") -> None:
    """Set a new password; the user's open sessions end."""
    password = _password(password_stdin)
    with open_session(db) as session:
        users.set_password(session, name, password, actor="cli")
    console.print(f"password of {name!r} changed; their sessions ended")


@users_app.command("role")
def role_command(name: Annotated[str, typer.Argument(help="Sign-in name.")], role: RoleOption,
                 db: DbOption = "") -> None:
    """Change a user's role (their open sessions end)."""
    with open_session(db) as session:
        user = users.set_role(session, name, role, actor="cli")
        console.print(f"{user.name!r} is now {user.role.value}")


@users_app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="Sign-in name.")], db: DbOption = "") -> None:
    """Stop an account signing in (it is kept: its name stays on what it did)."""
    with open_session(db) as session:
        users.set_active(session, name, False, actor="cli")
    console.print(f"{name!r} disabled")


@users_app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="Sign-in name.")], db: DbOption = "") -> None:
    """Let a disabled account sign in again."""
    with open_session(db) as session:
        users.set_active(session, name, True, actor="cli")
    console.print(f"{name!r} enabled")


@users_app.command("list")
def list_command(db: DbOption = "", as_json: JsonOption = False) -> None:
    """Every account with its role."""
    with open_session(db) as session:
        rows = [users.user_row(user) for user in users.list_users(session)]
    print_json(rows) if as_json else print_table("Users", rows)


def serve(db: DbOption = "",
          host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")]
          = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          workers: Annotated[int, typer.Option(
              min=1, max=64, help="Worker processes. They share everything through the database: background "
              "jobs (linkage, estimation) show on every worker, and the sign-in rate limit counts across them.")]
              = 1,
          project_key: Annotated[Path | None, typer.Option(
              "--project-key", help="The project's private key (project.key), to import field bundles on the "
              "imports page (default: $TOLLBOOK_PROJECT_KEY; passphrase from $TOLLBOOK_KEY_PASSPHRASE).")] = None,
          quarantine_dir: Annotated[Path | None, typer.Option(
              "--quarantine", help="Where refused bundles are moved (default: quarantine/).")] = None,
          checkpoints: Annotated[Path | None, typer.Option(
              "--checkpoints", help="Where a signed checkpoint is written after each bundle import (default: "
              "checkpoints/).")] = None) -> None:
    """Serve the web app. Set TOLLBOOK_SECRET_KEY so sign-ins survive a restart."""
    import os
    import secrets
    import tempfile

    import uvicorn

    from tollbook.store import default_url
    from tollbook.web.app import UPLOADS_ENV, create_app
    from tollbook.web.bundles import CHECKPOINTS_ENV, KEY_ENV, QUARANTINE_ENV, bundle_setup

    url = db or default_url()
    with handled_errors():
        app = create_app(url, bundles=bundle_setup(project_key, quarantine_dir, checkpoints))
    if not os.environ.get("TOLLBOOK_SECRET_KEY"):
        console.print("[yellow]TOLLBOOK_SECRET_KEY is not set: a random key signs sessions, so sign-ins end when "
                      "the server stops[/]")
    console.print(f"Tollbook at http://{host}:{port}/ (database {app.state.db_label}, {workers} worker(s)); "
                  "Ctrl+C stops it")
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    app.state.engine.dispose()  # each worker builds its own app from what the environment says
    shared = {"TOLLBOOK_DB": url, "TOLLBOOK_SECRET_KEY": os.environ.get("TOLLBOOK_SECRET_KEY")
              or secrets.token_urlsafe(32), UPLOADS_ENV: os.environ.get(UPLOADS_ENV)
              or tempfile.mkdtemp(prefix="tollbook-uploads-"),
              KEY_ENV: str(project_key or os.environ.get(KEY_ENV) or ""),
              QUARANTINE_ENV: str(quarantine_dir or os.environ.get(QUARANTINE_ENV) or ""),
              CHECKPOINTS_ENV: str(checkpoints or os.environ.get(CHECKPOINTS_ENV) or "")}
    os.environ.update({key: value for key, value in shared.items() if value})
    uvicorn.run("tollbook.web.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="warning")


def register(app: typer.Typer) -> None:
    """Attach `tollbook users …` and `tollbook serve`."""
    app.add_typer(users_app, name="users")
    app.command("serve")(serve)
