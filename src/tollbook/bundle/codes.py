"""Stable codes for what a bundle import can say, each with its parameters: the English message stays the
message of record (the CLI prints it); an interface in another language says the same from the code and its
parameters (the web app's Persian imports page does)."""

from __future__ import annotations

BUNDLE_CODES: dict[str, str] = {  # code -> what it means (its parameters)
    "bundle.unreadable": "the uploaded or given file cannot be read (why)",
    "bundle.not_a_bundle": "not a Tollbook bundle, or its first bytes are damaged",
    "bundle.wrong_key": "cannot be opened with this project key: sealed to another key, truncated or altered",
    "bundle.too_short": "too short to hold a signature",
    "bundle.unknown_collector": "signed by a collector key that is not registered (collector)",
    "bundle.bad_signature": "the collector's signature does not check out: the bundle was altered (collector)",
    "bundle.unknown_format": "a bundle format this version does not know (format)",
    "bundle.signer_mismatch": "signed by another collector than the one it names",
    "bundle.other_project": "made for another project key (recipient)",
    "bundle.file_hash": "a records or evidence file that does not match its hash (part, name)",
    "bundle.malformed": "signed contents that are malformed (error)",
    "bundle.bad_row": "a records file with a row the importers refuse (file, row, column, value, issue: the "
                      "row's own issue code and params, tollbook.ingest.codes)",
}
