"""Canonical JSON: the one text form the audit hashes and signs."""

from __future__ import annotations

import json


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no spaces, so equal content always hashes equally."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
