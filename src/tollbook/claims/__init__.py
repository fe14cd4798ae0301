"""The claims ledger: who said how many, when, of what — and how each claim stands against the list and the
estimate (DESIGN.md, "Claim"; issue 6)."""

from tollbook.claims.checks import ClaimFact, Finding, run_checks
from tollbook.claims.importer import ClaimImportError, ClaimImportReport, import_claims
from tollbook.claims.ledger import (
    add_claim,
    add_claim_fields,
    annotate_claim,
    get_claim,
    list_claims,
    supersede_claim,
    supersede_claim_fields,
)
from tollbook.claims.rows import COLUMNS, ClaimDraft, RowError, parse_row
from tollbook.claims.timeline import StratumEstimate, Timeline, documented_count, timeline

__all__ = [
    "COLUMNS",
    "ClaimDraft",
    "ClaimFact",
    "ClaimImportError",
    "ClaimImportReport",
    "Finding",
    "RowError",
    "StratumEstimate",
    "Timeline",
    "add_claim",
    "add_claim_fields",
    "annotate_claim",
    "documented_count",
    "get_claim",
    "import_claims",
    "list_claims",
    "parse_row",
    "run_checks",
    "supersede_claim",
    "supersede_claim_fields",
    "timeline",
]
