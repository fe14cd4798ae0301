"""Field bundles: collect offline, seal (signed by the collector, encrypted to the project), carry by any
channel in checksummed parts, and import once.

- `workdir`: the collector's working folder (new, add records, attach evidence), no network, no database;
- `seal`: one signed, sealed `.tbundle` file, and opening one with the project key;
- `parts`: split into numbered parts (binary or base64 text) and join them back from any order;
- `importer`: verify, decrypt, validate and import in one transaction; refused files go to quarantine.
"""

from tollbook.bundle.errors import BundleError, BundleRefused
from tollbook.bundle.importer import BundleImport, import_bundle, quarantine
from tollbook.bundle.parts import join_parts, parse_size, split_bundle
from tollbook.bundle.seal import open_bundle, seal_workdir
from tollbook.bundle.workdir import add_records, attach_evidence, new_workdir

__all__ = [
    "BundleError", "BundleImport", "BundleRefused", "add_records", "attach_evidence", "import_bundle",
    "join_parts", "new_workdir", "open_bundle", "parse_size", "quarantine", "seal_workdir", "split_bundle",
]
