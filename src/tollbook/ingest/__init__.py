"""Import victim lists as they arrive: CSV/XLSX/JSON, Persian or Latin, column mapping, per-row validation."""

from tollbook.ingest.importer import StrictImportError, import_file
from tollbook.ingest.mapping import CANONICAL_FIELDS, ColumnMapping, MappingError, detect_mapping, load_mapping
from tollbook.ingest.readers import ReadError, read_table
from tollbook.ingest.report import ImportIssue, ImportReport

__all__ = [
    "CANONICAL_FIELDS", "ColumnMapping", "ImportIssue", "ImportReport", "MappingError", "ReadError",
    "StrictImportError", "detect_mapping", "import_file", "load_mapping", "read_table",
]
