"""Persian text handling for Tollbook: normalisation, digits, transliteration, name keys and dates."""

from tollbook.text.dates import DateError, ParsedDate, parse_date
from tollbook.text.names import (
    NamePartKeys,
    canonical_name,
    name_key,
    name_part_keys,
    name_variant_id,
    phonetic_key,
    transliterate,
)
from tollbook.text.normalize import fold_latin, is_persian, normalize_persian, to_ascii_digits

__all__ = [
    "DateError",
    "ParsedDate",
    "parse_date",
    "NamePartKeys",
    "canonical_name",
    "fold_latin",
    "is_persian",
    "name_key",
    "name_part_keys",
    "name_variant_id",
    "normalize_persian",
    "phonetic_key",
    "to_ascii_digits",
    "transliterate",
]
