"""Import victim lists as they arrive: CSV/XLSX/ODS/JSON, Persian or Latin, column mapping, per-row validation."""

from tollbook.ingest.importer import StrictImportError, import_file, read_and_parse, with_options
from tollbook.ingest.mapping import CANONICAL_FIELDS, ColumnMapping, MappingError, detect_mapping, load_mapping
from tollbook.ingest.readers import ReadError, ReadOptions, read_table, read_tables
from tollbook.ingest.report import ImportIssue, ImportReport

__all__ = [
    "CANONICAL_FIELDS", "ColumnMapping", "ImportIssue", "ImportReport", "MappingError", "ReadError", "ReadOptions",
    "StrictImportError", "detect_mapping", "import_file", "load_mapping", "read_and_parse", "read_table",
    "read_tables", "with_options",
]
