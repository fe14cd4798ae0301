"""Evidence, verification and contested classifications of persons.

- `files`: the content-addressed store of evidence files (sha256; originals never altered);
- `items`: evidence items attached to records or persons (add, list, show, verify the store);
- `levels`: verification levels (reported / corroborated computed; verified / contested / discounted by review);
- `assertions`: competing assertions of a person's role and of the force responsible;
- `tables`: verified subsets by cause, perpetrator or date, as a human-rights report prints them.
"""

from tollbook.evidence.assertions import classify, person_assertions
from tollbook.evidence.files import EvidenceStore, store_for
from tollbook.evidence.items import add_evidence, evidence_row, list_evidence, verify_store
from tollbook.evidence.levels import level_counts, set_level, verification_history
from tollbook.evidence.tables import classification_table, subset_table

__all__ = [
    "EvidenceStore",
    "add_evidence",
    "classification_table",
    "classify",
    "evidence_row",
    "level_counts",
    "list_evidence",
    "person_assertions",
    "set_level",
    "store_for",
    "subset_table",
    "verification_history",
    "verify_store",
]
