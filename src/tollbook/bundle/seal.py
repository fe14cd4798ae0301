"""One `.tbundle` file: the working folder's records and evidence, signed with the collector's Ed25519 key and
sealed (libsodium sealed box) to the project's X25519 key; opening it checks both.

Layout: MAGIC, then the sealed box of [collector's verify key (32 bytes) | signature (64) | payload], where the
payload is canonical JSON naming the bundle, its collector and recipient, and carrying every file base64-coded.
Only the project can open it; only a registered collector can have signed it; the collector is not visible
from outside.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PublicKey as BoxPublicKey
from nacl.public import SealedBox
from nacl.signing import VerifyKey

from tollbook.audit.canonical import canonical_json
from tollbook.bundle.errors import BundleError, BundleRefused
from tollbook.bundle.workdir import load_manifest
from tollbook.keys.files import read_private, read_public
from tollbook.keys.material import ProjectKey, fingerprint
from tollbook.newfiles import write_new

MAGIC = b"TOLLBOOK-BUNDLE/1\n"
PAYLOAD_FORMAT = "tollbook-bundle/1"
KEY_BYTES, SIGNATURE_BYTES = 32, 64


def _file_entry(workdir: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """A manifest entry with its file's bytes, checked against the hash taken when it was added."""
    data = (workdir / entry["file"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise BundleError(f"{workdir / entry['file']} changed since it was added: add it again")
    return {key: value for key, value in entry.items() if key != "file"} | {
        "data": base64.b64encode(data).decode("ascii")}


def build_payload(workdir: Path, manifest: dict[str, Any], recipient: str) -> bytes:
    """The signed content of a bundle: who, for whom, and every file."""
    return canonical_json({
        "format": PAYLOAD_FORMAT, "bundle_id": manifest["bundle_id"], "collector": manifest["collector"],
        "recipient": recipient, "created_at": manifest["created_at"],
        "sealed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "records": [_file_entry(workdir, entry) for entry in manifest["records"]],
        "evidence": [_file_entry(workdir, entry) for entry in manifest["evidence"]],
    }).encode("utf-8")


def _erase(workdir: Path) -> None:
    """Remove the plaintext working copy: each file overwritten with zeros first, then the folder."""
    for path in sorted(workdir.rglob("*"), reverse=True):
        if path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            with path.open("r+b") as handle:
                handle.write(b"\0" * size)
                handle.flush()
                os.fsync(handle.fileno())
    shutil.rmtree(workdir)


@dataclass(frozen=True)
class Sealed:
    """What sealing wrote."""

    path: Path
    sha256: str
    bundle_id: str
    records: int
    evidence: int


def seal_workdir(workdir: Path, project_pub: Path, out: Path, collector_key: Path | None = None,
                 passphrase: str | None = None) -> Sealed:
    """Sign, encrypt to the project and write OUT; then erase the working folder."""
    manifest = load_manifest(workdir)
    if not manifest["records"] and not manifest["evidence"]:
        raise BundleError(f"{workdir}: nothing to seal: add records or attach evidence first")
    if out.resolve().is_relative_to(workdir.resolve()):
        raise BundleError(f"{out} is inside the working folder, which sealing erases: write it elsewhere")
    project = read_public(project_pub)
    if project.kind != "project" or project.encryption is None:
        raise BundleError(f"{project_pub}: a project public key (project.pub) is needed to seal to")
    key = read_private(collector_key or Path(manifest["collector_key"]), passphrase, kind="collector")
    if key.public().fingerprint != manifest["collector"]:
        raise BundleError(f"this collector key is not the one the bundle was started with ({manifest['collector']})")
    signed = key.signer.sign(build_payload(workdir, manifest, project.fingerprint))
    sealed = SealedBox(BoxPublicKey(project.encryption)).encrypt(bytes(key.signer.verify_key) + bytes(signed))
    data = MAGIC + bytes(sealed)
    write_new(out, data, 0o600, BundleError)
    _erase(workdir)
    return Sealed(out, hashlib.sha256(data).hexdigest(), manifest["bundle_id"], len(manifest["records"]),
                  len(manifest["evidence"]))


@dataclass(frozen=True)
class OpenedBundle:
    """A bundle whose signature and recipient checked out: its id, collector and files (bytes checked)."""

    bundle_id: str
    collector: str
    sha256: str
    records: list[tuple[dict[str, Any], bytes]]
    evidence: list[tuple[dict[str, Any], bytes]]


def _decrypt(data: bytes, project: ProjectKey) -> bytes:
    """The sealed box's content, or a refusal."""
    if not data.startswith(MAGIC):
        raise BundleRefused("not a Tollbook bundle (or its first bytes are damaged)", code="bundle.not_a_bundle")
    try:
        plain = SealedBox(project.decryptor).decrypt(data[len(MAGIC):])
    except (CryptoError, ValueError, TypeError):
        raise BundleRefused("cannot be opened with this project key: sealed to another key, or truncated or "
                            "altered", code="bundle.wrong_key") from None
    if len(plain) < KEY_BYTES + SIGNATURE_BYTES:
        raise BundleRefused("too short to hold a signature", code="bundle.too_short")
    return plain


def _verified(plain: bytes, trusted: dict[str, bytes]) -> tuple[str, bytes]:
    """(collector fingerprint, payload) once the signature checks out against a registered collector key."""
    verify_key, signed = plain[:KEY_BYTES], plain[KEY_BYTES:]
    collector = fingerprint(verify_key)
    if trusted.get(collector) != verify_key:
        raise BundleRefused(f"signed by collector key {collector}, which is not registered: check it with the "
                            "collector, then `tollbook keys register COLLECTOR.pub`", code="bundle.unknown_collector",
                            params={"collector": collector})
    try:
        return collector, VerifyKey(verify_key).verify(signed)
    except (BadSignatureError, ValueError):
        raise BundleRefused(f"its signature by collector key {collector} does not check out (altered)",
                            code="bundle.bad_signature", params={"collector": collector}) from None


def _files(payload: dict[str, Any], part: str) -> list[tuple[dict[str, Any], bytes]]:
    """The entries of one part of the payload with their bytes, each checked against its hash."""
    files = []
    for entry in payload[part]:
        data = base64.b64decode(entry["data"], validate=True)
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BundleRefused(f"{part} file {entry.get('name')!r} does not match its hash", code="bundle.file_hash",
                                params={"part": part, "name": str(entry.get("name"))})
        files.append(({key: value for key, value in entry.items() if key != "data"}, data))
    return files


def open_bundle(data: bytes, project: ProjectKey, trusted: dict[str, bytes]) -> OpenedBundle:
    """Decrypt with the project key and check the signature against the trusted collector keys
    (fingerprint -> Ed25519 key); anything wrong is a BundleRefused naming what."""
    collector, signed_payload = _verified(_decrypt(data, project), trusted)
    try:
        payload = json.loads(signed_payload.decode("utf-8"))
        if payload.get("format") != PAYLOAD_FORMAT:
            raise BundleRefused(f"unknown bundle format {payload.get('format')!r}", code="bundle.unknown_format",
                                params={"format": str(payload.get("format"))})
        if payload["collector"] != collector:
            raise BundleRefused("its signer is not the collector it names", code="bundle.signer_mismatch")
        if payload["recipient"] != project.public().fingerprint:
            raise BundleRefused(f"it was made for project key {payload['recipient']}, not this one",
                                code="bundle.other_project", params={"recipient": str(payload["recipient"])})
        records, evidence = _files(payload, "records"), _files(payload, "evidence")
        return OpenedBundle(str(payload["bundle_id"]), collector, hashlib.sha256(data).hexdigest(), records, evidence)
    except (KeyError, TypeError, AttributeError, UnicodeDecodeError, json.JSONDecodeError, binascii.Error) as exc:
        raise BundleRefused(f"its signed contents are malformed ({type(exc).__name__})", code="bundle.malformed",
                            params={"error": type(exc).__name__}) from None
