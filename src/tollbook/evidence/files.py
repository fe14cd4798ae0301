"""The content-addressed store of evidence files: each file kept once under its SHA-256, read-only.

A file is copied in, never moved or edited; its name in the store is its hash, so a changed byte shows as a hash
that no longer matches. The store is a folder: beside a SQLite database by default, or named by the user.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from tollbook.errors import TollbookError

CHUNK = 1 << 20
ENV_VAR = "TOLLBOOK_EVIDENCE"
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP


def sha256_of(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in chunks so that long videos do not fill memory."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def default_root(db_url: str | None) -> Path:
    """Where evidence lives when the user does not say: $TOLLBOOK_EVIDENCE, else beside a SQLite file
    (`tollbook.db` → `tollbook-evidence/`), else `tollbook-evidence/` in the working folder."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    database = make_url(db_url).database if db_url and db_url.startswith("sqlite") else None
    if database and database != ":memory:":
        return Path(database).with_name(f"{Path(database).stem}-evidence")
    return Path("tollbook-evidence")


@dataclass(frozen=True)
class EvidenceStore:
    """A folder of files named by their SHA-256 (`ab/abcdef…`)."""

    root: Path

    def path_of(self, sha256: str) -> Path:
        """Where the file with this hash is kept."""
        return self.root / sha256[:2] / sha256

    def put(self, source: Path) -> tuple[str, int]:
        """Copy a file in (once per content) and return its hash and size; the original is only read."""
        if not source.is_file():
            raise TollbookError(f"no evidence file at {source}")
        digest, size = sha256_of(source)
        target = self.path_of(digest)
        if target.exists() and sha256_of(target)[0] == digest:
            return digest, size
        target.parent.mkdir(parents=True, exist_ok=True)
        self._copy(source, target, digest)
        return digest, size

    def _copy(self, source: Path, target: Path, digest: str) -> None:
        """Write through a temporary file, check the copy's hash, then move it into place read-only."""
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out, source.open("rb") as data:
                while block := data.read(CHUNK):
                    out.write(block)
            if sha256_of(Path(temporary))[0] != digest:
                raise TollbookError(f"{source} changed while it was being copied; add it again")
            os.chmod(temporary, READ_ONLY)
            if target.exists():  # a damaged copy is set aside, never silently overwritten
                target.rename(target.with_name(f"{target.name}.damaged"))
            os.replace(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)

    def check(self, sha256: str) -> str:
        """'ok', 'missing' or 'changed' for the file stored under this hash."""
        path = self.path_of(sha256)
        if not path.is_file():
            return "missing"
        return "ok" if sha256_of(path)[0] == sha256 else "changed"


def store_for(db_url: str | None, root: Path | str | None = None) -> EvidenceStore:
    """The evidence store of a database: ROOT when given, else the default next to it."""
    return EvidenceStore(Path(root) if root else default_root(db_url))
