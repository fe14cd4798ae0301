"""Field bundles uploaded to the imports page: imported with tollbook.bundle.import_bundle as `tollbook bundle
import` does (verified, decrypted, validated, all or nothing, once), a refused file moved to quarantine, and a
signed checkpoint of the audit chain written after each import.

The server holds the project's private key (`tollbook serve --project-key`, or TOLLBOOK_PROJECT_KEY; a protected
key's passphrase from TOLLBOOK_KEY_PASSPHRASE); without one, bundle upload is refused with a clear message.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from tollbook.bundle import BundleImport, BundleRefused, import_bundle, quarantine
from tollbook.errors import TollbookError
from tollbook.evidence import EvidenceStore
from tollbook.keys.material import ProjectKey
from tollbook.store import session_scope

KEY_ENV, PASSPHRASE_ENV = "TOLLBOOK_PROJECT_KEY", "TOLLBOOK_KEY_PASSPHRASE"
QUARANTINE_ENV, CHECKPOINTS_ENV = "TOLLBOOK_QUARANTINE", "TOLLBOOK_CHECKPOINTS"
SUFFIXES = (".tbundle",)


@dataclass(frozen=True)
class BundleSetup:
    """What the server needs to import bundles: the project key and where refused files and checkpoints go."""

    key: ProjectKey | None
    quarantine: Path
    checkpoints: Path


@dataclass(frozen=True)
class BundleOutcome:
    """What one uploaded bundle came to: imported or checked by a dry run (result, checkpoint) or refused (why,
    with its code and parameters, and the quarantined file). An import whose checkpoint could not be signed
    stays imported, and says why (checkpoint_failed)."""

    file_name: str
    result: BundleImport | None = None
    refused: BundleRefused | None = None
    quarantined: str | None = None
    checkpoint: str | None = None
    checkpoint_failed: TollbookError | None = None
    dry_run: bool = False


def bundle_setup(key_path: Path | None = None, quarantine_dir: Path | None = None,
                 checkpoints: Path | None = None) -> BundleSetup:
    """The server's bundle setup from its options, else the environment, else the CLI's defaults (quarantine/
    and checkpoints/ in the working folder)."""
    from tollbook.keys.files import read_private

    path = key_path or (Path(os.environ[KEY_ENV]) if os.environ.get(KEY_ENV) else None)
    key = read_private(path, os.environ.get(PASSPHRASE_ENV) or None, "project") if path else None
    return BundleSetup(key, quarantine_dir or Path(os.environ.get(QUARANTINE_ENV) or "quarantine"),
                       checkpoints or Path(os.environ.get(CHECKPOINTS_ENV) or "checkpoints"))


def _require_key(engine: Engine, setup: BundleSetup) -> ProjectKey:
    """The project key, registered in this database (each import is checkpointed with it), or a clear error."""
    from tollbook.keys import find_key

    if setup.key is None:
        raise TollbookError("this server holds no project key: start it with `tollbook serve --project-key "
                            "project.key` to import field bundles", code="server.no_project_key")
    fingerprint = setup.key.public().fingerprint
    with session_scope(engine) as session:
        if find_key(session, fingerprint, "project") is None:
            raise TollbookError(f"project key {fingerprint} is not registered in this database: "
                                "`tollbook keys register project.pub` first", code="server.project_key_unregistered",
                                params={"fingerprint": fingerprint})
    return setup.key


def import_uploaded_bundle(engine: Engine, store: EvidenceStore, setup: BundleSetup, path: Path,
                           source: str | None, actor: str, dry_run: bool = False) -> BundleOutcome:
    """Import one uploaded bundle file in its own transaction; a refused one is rolled back and quarantined.
    A dry run does the whole import, evidence into a scratch store, and rolls it all back: what it would add."""
    key = _require_key(engine, setup)
    session = sessionmaker(engine, expire_on_commit=False)()
    scratch = tempfile.TemporaryDirectory(prefix="tollbook-dry-run-") if dry_run else None
    try:
        target = EvidenceStore(Path(scratch.name)) if scratch else store
        result = import_bundle(session, path, key, target, (source or "").strip() or None, actor)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except BundleRefused as exc:
        session.rollback()  # nothing of a refused bundle stays
        moved = quarantine(path, setup.quarantine)
        return BundleOutcome(path.name, refused=exc, quarantined=moved.name)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if scratch:
            scratch.cleanup()
    if dry_run or result.already_imported:
        return BundleOutcome(path.name, result=result, dry_run=dry_run)
    try:
        return BundleOutcome(path.name, result=result, checkpoint=write_checkpoint_now(engine, key, setup.checkpoints))
    except TollbookError as exc:  # the import is committed: say so, and why no checkpoint was signed
        return BundleOutcome(path.name, result=result, checkpoint_failed=exc)


def write_checkpoint_now(engine: Engine, key: ProjectKey, folder: Path) -> str:
    """Sign a checkpoint of the audit chain's head into `folder` (kept if one for this head exists); its name."""
    from tollbook.audit.checkpoint import make_checkpoint, write_checkpoint

    with session_scope(engine) as session:
        document = make_checkpoint(session, key)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"checkpoint-{document['event_id']:08d}.json"
    if not path.exists():
        write_checkpoint(document, path)
    return path.name
