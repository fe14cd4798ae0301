"""Which values are confidential: they never enter the audit log, public output or error messages."""

from __future__ import annotations

RECORD_CONFIDENTIAL = frozenset({"place_detail", "notes", "raw", "created_by", "evidence_refs"})
"""Record fields shown only with --confidential: exact addresses, witnesses' words, who entered it, evidence."""

AUDIT_REDACTED = RECORD_CONFIDENTIAL | frozenset({"contact", "captured_by", "note", "collector_name"})
"""Keys whose values an audit event keeps only as "changed" and a hash, at any depth of its details."""
