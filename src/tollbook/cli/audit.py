"""`tollbook audit`: verify the chain and every row against it; sign checkpoints a partner can keep."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tollbook.cli.common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    handled_errors,
    open_session,
    print_json,
)
from tollbook.cli.keys import load_private

CHECKPOINT_KEY_ENV, CHECKPOINTS_ENV = "TOLLBOOK_CHECKPOINT_KEY", "TOLLBOOK_CHECKPOINTS"
audit_app = typer.Typer(help="Check the tamper-evident audit log and sign checkpoints of it.", no_args_is_help=True)
SHOWN_PROBLEMS = 50


@audit_app.command("verify")
def audit_verify(
    checkpoint: Annotated[list[Path] | None, typer.Option(
        "--checkpoint", help="A signed checkpoint file to hold the log against (repeatable).")] = None,
    db: DbOption = "",
    as_json: JsonOption = False,
) -> None:
    """Walk the hash chain, re-hash every row against it and check checkpoints; name everything that differs."""
    from tollbook.audit.verify import verify_audit

    with open_session(db) as session, handled_errors():
        report = verify_audit(session, checkpoint or [])
    if as_json:
        print_json(report.to_dict())
    problems = report.problems()
    for line in problems[:SHOWN_PROBLEMS]:
        err_console.print(f"[bold red]tampered:[/] {line}", highlight=False, soft_wrap=True)
    if len(problems) > SHOWN_PROBLEMS:
        err_console.print(f"… and {len(problems) - SHOWN_PROBLEMS} more (see --json)")
    if problems:
        raise fail(f"audit verification failed: {len(problems)} problem(s)")
    if not as_json:
        console.print(f"audit chain intact: {report.chain.events} events, {report.rows_checked} rows match the chain")
        for path, held, _ in report.checkpoints:
            console.print(f"checkpoint {path} (event {held.event_id}, signed by {held.signer}): the log holds it")


@audit_app.command("checkpoint")
def audit_checkpoint(
    key: Annotated[Path, typer.Option("--key", help="The project's private key (project.key).")],
    out: Annotated[Path, typer.Option("--out", help="Checkpoint file to write (never overwritten).")],
    db: DbOption = "",
) -> None:
    """Sign the chain's head with the project key into OUT, for a partner or the public report to keep."""
    from tollbook.audit.checkpoint import make_checkpoint, write_checkpoint

    project = load_private(key, "project")
    with open_session(db) as session, handled_errors():
        document = make_checkpoint(session, project)  # type: ignore[arg-type]
        write_checkpoint(document, out)
    console.print(f"checkpoint {out}: event {document['event_id']} ({document['events']} events), "
                  f"head {document['head_hash'][:16]}…, signed by {document['signer']}")


@audit_app.command("baseline")
def audit_baseline(
    actor: Annotated[str, typer.Option("--as", help="Who takes the baseline (for the audit log).")] = "cli",
    db: DbOption = "",
) -> None:
    """Cover rows written before the audit covered rows (an upgraded database) with one baseline event.

    Refused while any row differs from the chain or is missing: a baseline never hides tampering."""
    from tollbook.audit.verify import baseline

    with open_session(db) as session, handled_errors():
        covered = baseline(session, actor)
    console.print(f"baseline: {covered} row(s) written before row coverage are now covered" if covered
                  else "nothing to cover: every row is already covered by the chain")


def write_import_checkpoint(db: str, project=None, folder: Path | None = None) -> Path | None:  # noqa: ANN001
    """After an import: sign a checkpoint of the head into FOLDER (default $TOLLBOOK_CHECKPOINTS, else
    checkpoints/) with the project key given, else the one $TOLLBOOK_CHECKPOINT_KEY names; None without a key."""
    import os

    from tollbook.audit.checkpoint import make_checkpoint, write_checkpoint

    if project is None:
        if not os.environ.get(CHECKPOINT_KEY_ENV):
            return None
        project = load_private(Path(os.environ[CHECKPOINT_KEY_ENV]), "project")
    folder = folder or Path(os.environ.get(CHECKPOINTS_ENV) or "checkpoints")
    with open_session(db) as session, handled_errors():
        folder.mkdir(parents=True, exist_ok=True)
        document = make_checkpoint(session, project)
        path = folder / f"checkpoint-{document['event_id']:08d}.json"
        if not path.exists():  # nothing was written since the last one: it still holds
            write_checkpoint(document, path)
    return path


def register(app: typer.Typer) -> None:
    """Attach these commands to the main app."""
    app.add_typer(audit_app, name="audit")
