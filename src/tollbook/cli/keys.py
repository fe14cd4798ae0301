"""`tollbook keys`: make the project's and collectors' keys, and register public keys in the database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from tollbook.cli.common import DbOption, JsonOption, console, handled_errors, open_session, print_json, print_table

keys_app = typer.Typer(help="Project and field-collector keys: create them, register public keys.",
                       no_args_is_help=True)
PASSPHRASE_ENV = "TOLLBOOK_KEY_PASSPHRASE"
ProtectOption = Annotated[bool, typer.Option(
    "--passphrase/--no-passphrase",
    help=f"Protect the private key with a passphrase (argon2id); asked for, or taken from {PASSPHRASE_ENV}.")]


def _new_passphrase(protect: bool) -> str | None:
    """The passphrase for a new key: from the environment, else asked twice; None when not protecting."""
    if not protect:
        return None
    return os.environ.get(PASSPHRASE_ENV) or typer.prompt("Passphrase", hide_input=True, confirmation_prompt=True)


def passphrase_for(path: Path) -> str | None:
    """The passphrase of a protected private key file (from the environment, else asked); None for an open one."""
    from tollbook.keys.files import is_protected

    with handled_errors():
        if not is_protected(path):
            return None
    return os.environ.get(PASSPHRASE_ENV) or typer.prompt(f"Passphrase for {path}", hide_input=True)


def load_private(path: Path, kind: str):  # noqa: ANN201 - a ProjectKey or CollectorKey
    """A private key file, asking for its passphrase when it has one."""
    from tollbook.keys.files import read_private

    passphrase = passphrase_for(path)
    with handled_errors():
        return read_private(path, passphrase, kind)


@keys_app.command("project-init")
def project_init(
    out: Annotated[Path, typer.Option("--out", help="Folder for project.key and project.pub.")],
    protect: ProtectOption = False,
) -> None:
    """Create the project's keypairs (X25519 for bundles, Ed25519 for checkpoints): OUT/project.key, .pub."""
    from tollbook.keys import new_project_key, write_keypair

    with handled_errors():
        key = new_project_key()
        private, public = write_keypair(out, "project", key, _new_passphrase(protect))
    console.print(f"project key {key.public().fingerprint}: private {private} (keep it safe, 0600), "
                  f"public {public} (give it to collectors and partners)")


@keys_app.command("collector-init")
def collector_init(
    name: Annotated[str, typer.Argument(help="The collector's name (kept private: never in public output).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for NAME.key and NAME.pub.")],
    protect: ProtectOption = False,
) -> None:
    """Create a field collector's Ed25519 signing key: OUT/NAME.key and OUT/NAME.pub."""
    from tollbook.keys import new_collector_key, write_keypair

    with handled_errors():
        key = new_collector_key(name)
        private, public = write_keypair(out, name, key, _new_passphrase(protect))
    console.print(f"collector key {key.public().fingerprint}: private {private} (0600), "
                  f"public {public} (give it to the project to register)")


@keys_app.command("register")
def keys_register(
    pubfile: Annotated[Path, typer.Argument(help="A project or collector .pub file.")],
    actor: Annotated[str, typer.Option("--as", help="Who registers it (for the audit log).")] = "cli",
    db: DbOption = "",
) -> None:
    """Register a public key in the database by its fingerprint (audited)."""
    from tollbook.keys import read_public, register_key

    with open_session(db) as session, handled_errors():
        public = read_public(pubfile)
        _, new = register_key(session, public, actor)
    state = "registered" if new else "already registered"
    console.print(f"{public.kind} key {public.fingerprint}: {state}")


@keys_app.command("list")
def keys_list(
    confidential: Annotated[bool, typer.Option(help="Also show collectors' names.")] = False,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """List registered keys by fingerprint."""
    from tollbook.keys import list_keys

    with open_session(db) as session:
        rows = [{"fingerprint": k.fingerprint, "kind": k.kind, "registered_at": k.registered_at}
                | ({"label": k.label} if confidential else {}) for k in list_keys(session)]
    print_json(rows) if as_json else print_table("Registered keys", rows)


def register(app: typer.Typer) -> None:
    """Attach these commands to the main app."""
    app.add_typer(keys_app, name="keys")
