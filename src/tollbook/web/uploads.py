"""Uploaded list files: kept under the server's upload folder by content hash until they are imported, and
imported with tollbook.ingest.import_file — as a dry run (rolled back) first, then for real."""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from tollbook.errors import TollbookError
from tollbook.ingest import ImportReport, StrictImportError, import_file

SUFFIXES = (".csv", ".xlsx", ".json")
MAX_BYTES = 50 * 1024 * 1024
TOKEN = re.compile(r"^[0-9a-f]{64}$")


def safe_name(name: str, suffixes: tuple[str, ...] | None = SUFFIXES) -> str:
    """A file name without folders or odd characters, keeping its suffix (checked when `suffixes` are given)."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    if suffixes is not None and suffix not in suffixes:
        raise TollbookError(f"{base!r}: upload a {', '.join(suffixes[:-1])}{' or ' if len(suffixes) > 1 else ''}"
                            f"{suffixes[-1]} file", code="upload.suffix", params={"name": base, "suffixes": suffixes})
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ""
    cleaned = re.sub(r"[^\w.\-]+", "_", stem, flags=re.UNICODE).strip("._") or "upload"
    return cleaned[:100] + suffix


def store_upload(folder: Path, name: str, data: bytes, suffixes: tuple[str, ...] = SUFFIXES) -> str:
    """Keep an uploaded file (of one of `suffixes`) until its import; its token is the sha256 of its bytes."""
    if not data:
        raise TollbookError("the uploaded file is empty", code="upload.empty")
    if len(data) > MAX_BYTES:
        raise TollbookError(f"the uploaded file is over {MAX_BYTES // (1024 * 1024)} MB", code="upload.too_big",
                            params={"limit": MAX_BYTES // (1024 * 1024)})
    token = hashlib.sha256(data).hexdigest()
    target = folder / token
    target.mkdir(exist_ok=True)
    for old in target.iterdir():
        old.unlink()
    (target / safe_name(name, suffixes)).write_bytes(data)
    return token


def keep_evidence(folder: Path, name: str, data: bytes) -> Path:
    """An uploaded evidence file in a folder of its own, under its own (cleaned) name, for the evidence store
    to copy from."""
    if not data:
        raise TollbookError("the uploaded file is empty", code="upload.empty")
    if len(data) > MAX_BYTES:
        raise TollbookError(f"the uploaded file is over {MAX_BYTES // (1024 * 1024)} MB", code="upload.too_big",
                            params={"limit": MAX_BYTES // (1024 * 1024)})
    target = Path(tempfile.mkdtemp(dir=folder, prefix="evidence-")) / safe_name(name, None)
    target.write_bytes(data)
    return target


def stored_file(folder: Path, token: str) -> Path:
    """The uploaded file of a token, or a clear error."""
    if not TOKEN.match(token or ""):
        raise TollbookError("unknown upload: upload the file again", code="upload.unknown")
    files = sorted((folder / token).glob("*")) if (folder / token).is_dir() else []
    if not files:
        raise TollbookError("the upload is gone (the server restarted?): upload the file again", code="upload.gone")
    return files[0]


def run_import(engine: Engine, path: Path, source: str, actor: str, dry_run: bool) -> ImportReport:
    """Import one stored file into `source`; a dry run rolls everything back and only reports."""
    source = source.strip()
    if not source:
        raise TollbookError("name the source the list comes from", code="upload.no_source")
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        report = import_file(session, path, source, actor=actor)
        if dry_run:
            session.rollback()
        else:
            session.commit()
            report.committed = True
        return report
    except StrictImportError as exc:
        session.rollback()
        return exc.report
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
