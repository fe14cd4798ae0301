"""Keep confidential values out of the append-only log: "changed" and a hash stand in for them."""

from __future__ import annotations

import hashlib
from typing import Any

from tollbook.audit.canonical import canonical_json
from tollbook.confidential import AUDIT_REDACTED


def masked(value: Any) -> dict[str, str]:
    """What the log keeps of a confidential value: that it changed, and a hash to check a copy against."""
    if value is None:
        return {"changed": "cleared"}
    return {"changed": "sha256:" + hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()}


def redact(details: Any) -> Any:
    """`details` with every confidential key's value masked, at any depth."""
    if isinstance(details, dict):
        return {key: masked(value) if key in AUDIT_REDACTED else redact(value) for key, value in details.items()}
    if isinstance(details, list | tuple):
        return [redact(value) for value in details]
    return details
