"""Key material as values: generating keypairs, their public halves and fingerprints. No I/O here."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from nacl.public import PrivateKey
from nacl.signing import SigningKey, VerifyKey
from nacl.utils import random

FINGERPRINT_CONTEXT = b"tollbook-key-fingerprint-v1:"


def b64(data: bytes) -> str:
    """Standard base64 text of bytes."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Bytes of base64 text (strict: any stray character is an error)."""
    return base64.b64decode(text.encode("ascii"), validate=True)


def fingerprint(signing_public: bytes) -> str:
    """A key's fingerprint: 32 hex digits of SHA-256 over its Ed25519 public key."""
    return hashlib.sha256(FINGERPRINT_CONTEXT + signing_public).hexdigest()[:32]


@dataclass(frozen=True)
class PublicKey:
    """The public half of a project or collector key, as registered and shared."""

    kind: str  # "project" or "collector"
    signing: bytes  # Ed25519 verify key
    encryption: bytes | None = None  # X25519 public key (project keys only)
    label: str | None = None  # the collector's name, confidential

    @property
    def fingerprint(self) -> str:
        """The fingerprint the project knows this key by."""
        return fingerprint(self.signing)

    def verify_key(self) -> VerifyKey:
        """The Ed25519 key that checks this key's signatures."""
        return VerifyKey(self.signing)


@dataclass(frozen=True)
class CollectorKey:
    """A field collector's signing key."""

    signing_seed: bytes
    label: str | None = None

    @property
    def signer(self) -> SigningKey:
        """The Ed25519 signing key."""
        return SigningKey(self.signing_seed)

    def public(self) -> PublicKey:
        """The public half, to give the project."""
        return PublicKey("collector", bytes(self.signer.verify_key), None, self.label)


@dataclass(frozen=True)
class ProjectKey:
    """The project's keypairs: X25519 that bundles are sealed to, Ed25519 that signs checkpoints."""

    signing_seed: bytes
    encryption_secret: bytes
    label: str | None = None

    @property
    def signer(self) -> SigningKey:
        """The Ed25519 signing key."""
        return SigningKey(self.signing_seed)

    @property
    def decryptor(self) -> PrivateKey:
        """The X25519 private key that opens sealed boxes."""
        return PrivateKey(self.encryption_secret)

    def public(self) -> PublicKey:
        """The public half, to give collectors and partners."""
        return PublicKey("project", bytes(self.signer.verify_key), bytes(self.decryptor.public_key), self.label)


def new_project_key(label: str | None = None) -> ProjectKey:
    """Fresh random project keypairs."""
    return ProjectKey(random(32), random(32), label)


def new_collector_key(label: str | None = None) -> CollectorKey:
    """A fresh random collector signing key."""
    return CollectorKey(random(32), label)
