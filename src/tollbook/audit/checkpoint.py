"""Signed checkpoints of the audit chain's head, for a partner or the public report to keep.

A checkpoint says "event N of this log had hash H, and the log held E events up to it", signed with the
project's Ed25519 key. Against it, deleting the newest events or rewriting the chain and recomputing every later
hash is seen: event N is gone, or its hash is no longer H.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.exceptions import BadSignatureError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.audit.canonical import canonical_json
from tollbook.audit.chain import verify_chain
from tollbook.errors import TollbookError
from tollbook.keys.material import ProjectKey, PublicKey, b64, unb64
from tollbook.model import AuditEvent, RegisteredKey
from tollbook.newfiles import write_new

FORMAT = "tollbook-audit-checkpoint/1"


class CheckpointError(TollbookError):
    """A checkpoint that cannot be made, read or trusted."""


@dataclass(frozen=True)
class Checkpoint:
    """A verified checkpoint: the head it vouches for and who signed it."""

    event_id: int
    events: int
    head_hash: str
    made_at: str
    signer: str  # fingerprint of the project key that signed it


def _body(session: Session, key: ProjectKey) -> dict[str, Any]:
    """What a checkpoint of the current head signs."""
    chain = verify_chain(session)
    if not chain.ok:
        raise CheckpointError(f"refusing to sign a broken chain: event {chain.broken_at}: {chain.reason}",
                              code="checkpoint.broken_chain", params={"event": chain.broken_at})
    if chain.head_id is None:
        raise CheckpointError("the audit log is empty: there is nothing to checkpoint yet", code="checkpoint.empty")
    public = key.public()
    registered = session.scalar(select(RegisteredKey).where(RegisteredKey.fingerprint == public.fingerprint))
    if registered is None or registered.kind != "project":
        raise CheckpointError(f"key {public.fingerprint} is not this database's project key: register its .pub "
                              "with `tollbook keys register` first", code="checkpoint.not_project_key",
                              params={"fingerprint": public.fingerprint})
    return {"format": FORMAT, "event_id": chain.head_id, "events": chain.events, "head_hash": chain.head_hash,
            "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "signer": public.fingerprint,
            "signing_key": b64(public.signing)}


def make_checkpoint(session: Session, key: ProjectKey) -> dict[str, Any]:
    """A signed checkpoint document of the chain's head now (the chain must be intact)."""
    body = _body(session, key)
    signature = key.signer.sign(canonical_json(body).encode("utf-8")).signature
    return body | {"signature": b64(signature)}


def write_checkpoint(document: dict[str, Any], path: Path) -> Path:
    """Write a checkpoint file (never over an existing one: checkpoints are kept, not replaced)."""
    return write_new(path, (json.dumps(document, indent=2) + "\n").encode(), 0o644, CheckpointError)


def read_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint file, its signature checked against the key it names."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        body = {key: value for key, value in document.items() if key != "signature"}
        if body.get("format") != FORMAT:
            raise ValueError("not a Tollbook audit checkpoint")
        public = PublicKey("project", unb64(body["signing_key"]))
        if public.fingerprint != body["signer"]:
            raise ValueError("its signer fingerprint does not match its key")
        public.verify_key().verify(canonical_json(body).encode("utf-8"), unb64(document["signature"]))
        return Checkpoint(int(body["event_id"]), int(body["events"]), str(body["head_hash"]), str(body["made_at"]),
                          public.fingerprint)
    except FileNotFoundError:
        raise CheckpointError(f"{path}: no such checkpoint file") from None
    except BadSignatureError:
        raise CheckpointError(f"{path}: its signature does not check out (the checkpoint was altered)") from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointError(f"{path}: not a valid checkpoint ({exc})") from None


def checkpoint_problems(session: Session, checkpoint: Checkpoint) -> list[str]:
    """What the database contradicts in a (signature-checked) checkpoint; empty when it holds."""
    problems = []
    signer = session.scalar(select(RegisteredKey).where(RegisteredKey.fingerprint == checkpoint.signer))
    if signer is None or signer.kind != "project":
        problems.append(f"signed by key {checkpoint.signer}, which this database does not hold as its project key")
    held = session.get(AuditEvent, checkpoint.event_id)
    newest = session.scalar(select(func.max(AuditEvent.id)))
    if held is None:
        problems.append(f"event {checkpoint.event_id} of the checkpoint is gone (the log ends at event {newest}): "
                        "events were deleted")
    elif held.hash != checkpoint.head_hash:
        problems.append(f"event {checkpoint.event_id}'s hash differs from the signed checkpoint: the chain was "
                        "rewritten")
    else:
        count = session.scalar(select(func.count()).where(AuditEvent.id <= checkpoint.event_id))
        if count != checkpoint.events:
            problems.append(f"the log holds {count} events up to event {checkpoint.event_id}, the checkpoint "
                            f"{checkpoint.events}: the chain was rewritten")
    return problems
