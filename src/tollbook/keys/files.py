"""Key files: JSON, the private one written owner-only (0600) and optionally sealed under a passphrase
(argon2id stretches it into a key for a secret box), the public one free to share."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from nacl import pwhash, secret
from nacl.exceptions import CryptoError
from nacl.utils import random

from tollbook.errors import TollbookError
from tollbook.keys.material import CollectorKey, ProjectKey, PublicKey, b64, unb64
from tollbook.newfiles import write_new

FORMAT = 1
OPSLIMIT = pwhash.argon2id.OPSLIMIT_MODERATE
MEMLIMIT = pwhash.argon2id.MEMLIMIT_MODERATE
PrivateKey = ProjectKey | CollectorKey


class KeyFileError(TollbookError):
    """A key file that is missing, malformed, too open, or whose passphrase is wrong."""


def _secret_fields(key: PrivateKey) -> dict[str, str]:
    """The private material of a key as base64 fields."""
    fields = {"signing_seed": b64(key.signing_seed)}
    if isinstance(key, ProjectKey):
        fields["encryption_secret"] = b64(key.encryption_secret)
    return fields


def _stretch(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    """A secret-box key from a passphrase by argon2id."""
    return pwhash.argon2id.kdf(secret.SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt,
                               opslimit=opslimit, memlimit=memlimit)


def _protect(fields: dict[str, str], passphrase: str) -> dict[str, Any]:
    """The secret fields encrypted under a passphrase."""
    salt = random(pwhash.argon2id.SALTBYTES)
    box = secret.SecretBox(_stretch(passphrase, salt, OPSLIMIT, MEMLIMIT))
    return {"kdf": "argon2id", "salt": b64(salt), "opslimit": OPSLIMIT, "memlimit": MEMLIMIT,
            "ciphertext": b64(bytes(box.encrypt(json.dumps(fields).encode("utf-8"))))}


def private_document(key: PrivateKey, passphrase: str | None = None) -> dict[str, Any]:
    """The JSON document of a private key file."""
    kind = "project" if isinstance(key, ProjectKey) else "collector"
    document: dict[str, Any] = {"tollbook_key": FORMAT, "kind": kind, "part": "private", "label": key.label}
    fields = _secret_fields(key)
    return document | ({"protected": _protect(fields, passphrase)} if passphrase else {"secret": fields})


def public_document(public: PublicKey) -> dict[str, Any]:
    """The JSON document of a public key file."""
    document = {"tollbook_key": FORMAT, "kind": public.kind, "part": "public", "label": public.label,
                "fingerprint": public.fingerprint, "signing_key": b64(public.signing)}
    if public.encryption is not None:
        document["encryption_key"] = b64(public.encryption)
    return document


def write_keypair(folder: Path, name: str, key: PrivateKey, passphrase: str | None = None) -> tuple[Path, Path]:
    """Write NAME.key (0600, optionally passphrase-protected) and NAME.pub into `folder`; return both paths."""
    if not name or "/" in name or name.startswith("."):
        raise KeyFileError(f"bad key name {name!r}: use letters, digits, - and _")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    private, public = folder / f"{name}.key", folder / f"{name}.pub"
    if public.exists():
        raise KeyFileError(f"{public} already exists: it is never overwritten; choose another name")
    write_new(private, (json.dumps(private_document(key, passphrase), indent=2) + "\n").encode(), 0o600, KeyFileError)
    write_new(public, (json.dumps(public_document(key.public()), indent=2) + "\n").encode(), 0o644, KeyFileError)
    return private, public


def _load_json(path: Path, part: str) -> dict[str, Any]:
    """A key file's document, checked to be Tollbook's and of the expected part."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyFileError(f"{path}: no such key file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeyFileError(f"{path}: not a Tollbook key file ({exc})") from None
    if not isinstance(document, dict) or document.get("tollbook_key") != FORMAT:
        raise KeyFileError(f"{path}: not a Tollbook key file")
    if document.get("part") != part:
        raise KeyFileError(f"{path}: this is a {document.get('part')} key file; a {part} one is needed here")
    return document


def read_public(path: Path) -> PublicKey:
    """A public key file as a PublicKey; its fingerprint is re-derived and must match the one written."""
    document = _load_json(path, "public")
    try:
        encryption = unb64(document["encryption_key"]) if document.get("encryption_key") else None
        public = PublicKey(document["kind"], unb64(document["signing_key"]), encryption, document.get("label"))
    except (KeyError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: malformed public key file ({exc})") from None
    if public.kind not in ("project", "collector") or len(public.signing) != 32:
        raise KeyFileError(f"{path}: malformed public key file")
    if document.get("fingerprint") != public.fingerprint:
        raise KeyFileError(f"{path}: its fingerprint does not match its key (edited?)")
    return public


def _check_private_mode(path: Path) -> None:
    """Refuse a private key others can read, as ssh does."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        raise KeyFileError(f"{path}: permissions {mode:04o} let others read this private key; run chmod 600 {path}")


def _unprotect(path: Path, protected: dict[str, Any], passphrase: str | None) -> dict[str, str]:
    """The secret fields of a passphrase-protected key."""
    if not passphrase:
        raise KeyFileError(f"{path}: this key is passphrase-protected; give the passphrase "
                           "(prompted, or TOLLBOOK_KEY_PASSPHRASE)")
    try:
        key = _stretch(passphrase, unb64(protected["salt"]), int(protected["opslimit"]), int(protected["memlimit"]))
        return json.loads(secret.SecretBox(key).decrypt(unb64(protected["ciphertext"])))
    except CryptoError:
        raise KeyFileError(f"{path}: wrong passphrase (or the key file was altered)") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: malformed protected key ({exc})") from None


def is_protected(path: Path) -> bool:
    """Whether a private key file needs a passphrase."""
    return "protected" in _load_json(path, "private")


def read_private(path: Path, passphrase: str | None = None, kind: str | None = None) -> PrivateKey:
    """A private key file as a ProjectKey or CollectorKey (of `kind` when given)."""
    document = _load_json(path, "private")
    _check_private_mode(path)
    if kind and document.get("kind") != kind:
        raise KeyFileError(f"{path}: this is a {document.get('kind')} key; a {kind} key is needed here")
    fields = _unprotect(path, document["protected"], passphrase) if "protected" in document else document.get(
        "secret", {})
    try:
        if document.get("kind") == "project":
            return ProjectKey(unb64(fields["signing_seed"]), unb64(fields["encryption_secret"]), document.get("label"))
        return CollectorKey(unb64(fields["signing_seed"]), document.get("label"))
    except (KeyError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: malformed private key file ({exc})") from None
