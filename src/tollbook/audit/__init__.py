"""The tamper-evident audit: a hash chain of events, each covering the rows it wrote; signed checkpoints of
its head that a partner keeps; and a verifier that names every event or row that does not check out.

Every write goes through :func:`record_event` (with `wrote=` naming the rows written), after its last change.
"""

from tollbook.audit.canonical import canonical_json
from tollbook.audit.chain import GENESIS, ChainReport, event_hash, record_event, verify_chain
from tollbook.audit.redact import masked, redact
from tollbook.audit.rows import RowFinding, covered_tables, row_findings, row_hash

__all__ = [
    "GENESIS", "ChainReport", "RowFinding", "canonical_json", "covered_tables", "event_hash", "masked",
    "record_event", "redact", "row_findings", "row_hash", "verify_chain",
]
