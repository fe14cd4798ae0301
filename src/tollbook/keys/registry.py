"""The keys a project trusts, registered in its database by fingerprint (audited; the label stays private)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.errors import TollbookError
from tollbook.keys.material import PublicKey, b64, unb64
from tollbook.model import RegisteredKey


def find_key(session: Session, fingerprint: str, kind: str | None = None) -> RegisteredKey | None:
    """The registered key with this fingerprint (and kind), or None."""
    key = session.scalar(select(RegisteredKey).where(RegisteredKey.fingerprint == fingerprint))
    return key if key is not None and (kind is None or key.kind == kind) else None


def register_key(session: Session, public: PublicKey, actor: str = "system") -> tuple[RegisteredKey, bool]:
    """Register a public key; (the row, whether it was new). Registering the same key again changes nothing."""
    existing = find_key(session, public.fingerprint)
    if existing is not None:
        if existing.kind != public.kind or unb64(existing.signing_key) != public.signing:
            raise TollbookError(f"fingerprint {public.fingerprint} is registered for a different key")
        return existing, False
    row = RegisteredKey(fingerprint=public.fingerprint, kind=public.kind, signing_key=b64(public.signing),
                        encryption_key=b64(public.encryption) if public.encryption else None,
                        label=public.label, registered_by=actor)
    session.add(row)
    session.flush()
    record_event(session, actor, "key.register", "registered_key", row.id,
                 {"fingerprint": row.fingerprint, "kind": row.kind}, wrote=[row])
    return row, True


def public_of(row: RegisteredKey) -> PublicKey:
    """A registered key as a PublicKey."""
    encryption = unb64(row.encryption_key) if row.encryption_key else None
    return PublicKey(row.kind, unb64(row.signing_key), encryption, row.label)


def list_keys(session: Session) -> list[RegisteredKey]:
    """Registered keys, oldest first."""
    return list(session.scalars(select(RegisteredKey).order_by(RegisteredKey.id)))
