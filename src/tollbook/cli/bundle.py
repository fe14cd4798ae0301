"""`tollbook bundle`: collect offline into a working folder, seal it for the project, split and join it for any
channel, and import it (verified, decrypted, validated, once)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tollbook.cli.audit import write_import_checkpoint
from tollbook.cli.common import DbOption, console, err_console, fail, handled_errors, open_session
from tollbook.cli.keys import load_private, passphrase_for

bundle_app = typer.Typer(help="Field bundles: collect offline, seal, split/join for any channel, import once.",
                         no_args_is_help=True)
WorkdirArg = Annotated[Path, typer.Argument(help="The collector's working folder.")]


@bundle_app.command("new")
def bundle_new(
    workdir: WorkdirArg,
    collector_key: Annotated[Path, typer.Option("--collector-key", help="The collector's private key (NAME.key).")],
) -> None:
    """Start a working folder (owner-only) for one bundle; nothing here needs a network or a database."""
    from tollbook.bundle import new_workdir

    passphrase = passphrase_for(collector_key)
    with handled_errors():
        manifest = new_workdir(workdir, collector_key, passphrase)
    console.print(f"bundle {manifest['bundle_id']} started in {workdir} (collector key {manifest['collector']})")


@bundle_app.command("add")
def bundle_add(workdir: WorkdirArg,
               records: Annotated[Path, typer.Argument(help="A canonical records CSV.")]) -> None:
    """Add a records CSV, checked row by row with the importers' validation (any bad field: nothing added)."""
    from tollbook.bundle import add_records

    with handled_errors():
        entry = add_records(workdir, records)
    console.print(f"added {records.name}: {entry['rows']} record(s)")


@bundle_app.command("attach")
def bundle_attach(
    workdir: WorkdirArg,
    file: Annotated[Path, typer.Argument(help="An evidence file (photo, video, certificate, testimony...).")],
    record: Annotated[str | None, typer.Option("--record", help="The record_id (in the added CSV) it supports.")]
    = None,
    kind: Annotated[str, typer.Option(help="video, photo, death_certificate, burial_record, testimony, other")]
    = "other",
) -> None:
    """Attach an evidence file, hashed (SHA-256) as it is attached."""
    from tollbook.bundle import attach_evidence

    with handled_errors():
        entry = attach_evidence(workdir, file, record, kind)
    console.print(f"attached {file.name} (sha256 {entry['sha256'][:16]}…){f' to record {record}' if record else ''}")


@bundle_app.command("seal")
def bundle_seal(
    workdir: WorkdirArg,
    to: Annotated[Path, typer.Option("--to", help="The project's public key (project.pub).")],
    out: Annotated[Path, typer.Option("--out", help="The .tbundle file to write.")],
) -> None:
    """Sign with the collector key, encrypt to the project, write OUT, and erase the plaintext working folder."""
    from tollbook.bundle import seal_workdir
    from tollbook.bundle.workdir import load_manifest

    with handled_errors():
        key_path = Path(load_manifest(workdir)["collector_key"])
    passphrase = passphrase_for(key_path)
    with handled_errors():
        sealed = seal_workdir(workdir, to, out, key_path, passphrase)
    console.print(f"sealed {sealed.path}: {sealed.records} records file(s), {sealed.evidence} evidence file(s); "
                  f"{workdir} erased (files you added from elsewhere are untouched: remove them yourself)")


@bundle_app.command("split")
def bundle_split(
    file: Annotated[Path, typer.Argument(help="A .tbundle file.")],
    size: Annotated[str, typer.Option("--size", help="Largest part, e.g. 60KB, 1MB.")] = "60KB",
    text: Annotated[bool, typer.Option("--text", help="Base64 text parts, for messaging apps.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the parts (default: beside FILE).")] = None,
) -> None:
    """Split a bundle into numbered, checksummed parts."""
    from tollbook.bundle import parse_size, split_bundle

    with handled_errors():
        parts = split_bundle(file, parse_size(size), text, out)
    console.print(f"{len(parts)} part(s): {parts[0].name} … {parts[-1].name}")


@bundle_app.command("join")
def bundle_join(
    parts: Annotated[list[Path], typer.Argument(help="Part files, in any order, duplicates allowed.")],
    out: Annotated[Path, typer.Option("--out", help="The .tbundle file to write.")],
) -> None:
    """Reassemble a bundle from its parts; names any part that is missing or damaged."""
    from tollbook.bundle import join_parts

    with handled_errors():
        joined = join_parts(parts, out)
    for line in joined.damaged:
        err_console.print(f"[yellow]set aside:[/] {line}", highlight=False)
    console.print(f"joined {joined.parts} part(s) into {joined.path}")


@bundle_app.command("import")
def bundle_import(
    files: Annotated[list[Path], typer.Argument(help="One or more .tbundle files.")],
    key: Annotated[Path, typer.Option("--key", help="The project's private key (project.key).")],
    source: Annotated[str | None, typer.Option(help="Source for the records (default: field-<key fingerprint>).")]
    = None,
    quarantine_dir: Annotated[Path, typer.Option("--quarantine", help="Where refused files are moved.")]
    = Path("quarantine"),
    checkpoints: Annotated[Path, typer.Option("--checkpoints", help="Folder for the signed checkpoint written "
                                              "after each import.")] = Path("checkpoints"),
    evidence_dir: Annotated[Path | None, typer.Option("--evidence-dir", help="Evidence store folder (default: "
                                                      "beside the database).")] = None,
    actor: Annotated[str, typer.Option("--as", help="Who imports (for the audit log).")] = "cli",
    db: DbOption = "",
) -> None:
    """Verify, decrypt, validate and import each bundle in one transaction; refused files go to quarantine."""
    project = load_private(key, "project")
    _require_registered(project, db)
    refused = sum(not _import_one(file, project, source, quarantine_dir, checkpoints, evidence_dir, actor, db)
                  for file in files)
    if refused:
        raise fail(f"{refused} of {len(files)} bundle(s) refused and moved to {quarantine_dir}")


def _require_registered(project, db: str) -> None:  # noqa: ANN001
    """Each import is checkpointed with the project key, so the database must know it."""
    from tollbook.keys import find_key

    with open_session(db) as session:
        if find_key(session, project.public().fingerprint, "project") is None:
            raise fail(f"project key {project.public().fingerprint} is not registered in this database: "
                       "`tollbook keys register project.pub` first")


def _import_one(file: Path, project, source, quarantine_dir: Path, checkpoints: Path,  # noqa: ANN001
                evidence_dir: Path | None, actor: str, db: str) -> bool:
    """Import one file in its own transaction, then checkpoint; False when it was refused (and quarantined)."""
    from tollbook.bundle import BundleRefused, import_bundle, quarantine
    from tollbook.evidence import store_for

    refusal = None
    with open_session(db) as session:
        try:
            result = import_bundle(session, file, project, store_for(db or None, evidence_dir), source, actor)
        except BundleRefused as exc:
            session.rollback()  # nothing of a refused bundle stays
            refusal = exc
    if refusal is not None:
        moved = quarantine(file, quarantine_dir) if file.exists() else file
        err_console.print(f"[bold red]refused:[/] {file}: {refusal} (moved to {moved})", highlight=False)
        return False
    if result.already_imported:
        console.print(f"{file}: bundle {result.bundle_id} was imported before; nothing added")
        return True
    path = write_import_checkpoint(db, project, checkpoints)
    console.print(f"{file}: bundle {result.bundle_id} from collector key {result.collector}: "
                  f"{result.records_imported} record(s) added, {result.records_duplicate} already held, "
                  f"{result.evidence_added} evidence file(s); checkpoint {path}")
    return True


def register(app: typer.Typer) -> None:
    """Attach these commands to the main app."""
    app.add_typer(bundle_app, name="bundle")
