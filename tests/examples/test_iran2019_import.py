"""The Iran 2019 example against the rest of Tollbook: it imports with the expected counts and named errors,
its places resolve in the gazetteer and its words in the import vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from tollbook.enums import Cause, Perpetrator, Sex
from tollbook.examples import _iran2019_data as data
from tollbook.examples.iran2019 import FILES, GeneratedExample
from tollbook.ingest.importer import import_file
from tollbook.ingest.mapping import load_mapping
from tollbook.ingest.vocab import parse_vocab
from tollbook.places import resolve_city, resolve_province
from tollbook.store import migrate, open_engine, session_scope


@pytest.mark.slow
def test_each_list_imports_with_expected_counts_and_named_errors(example: GeneratedExample, manifest: dict,
                                                                tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path}/example.db")
    migrate(engine)
    assert [listed.source for listed in example.list_files()] == list(FILES)
    try:
        for listed in example.list_files():
            source, mapping = listed.source, load_mapping(listed.mapping) if listed.mapping else None
            with session_scope(engine) as session:
                report = import_file(session, listed.path, source, mapping, source_kind=listed.kind)
            expected = [m for m in manifest["malformed"] if m["source"] == source]
            assert report.rows_total == example.rows[source]
            assert report.imported + report.duplicates == example.expected_valid(source)
            assert report.duplicates <= 1  # a within-list duplicate can repeat another row in all but its id
            rows = {severity: {m["row"] for m in expected if m["severity"] == severity}
                    for severity in ("error", "warning")}
            assert {i.row for i in report.errors} == rows["error"]
            assert {i.row for i in report.warnings} == rows["warning"]
    finally:
        engine.dispose()


@pytest.mark.parametrize("province", data.PROVINCES, ids=lambda p: p.en)
def test_places_resolve_to_their_province(province: data.Province) -> None:
    for name in (province.en, province.fa, *province.variants):
        resolved = resolve_province(name)
        assert resolved is not None and resolved.name_en == province.en, name
    for city in province.cities:
        for name in (city.en, city.fa, *city.variants):
            match = resolve_city(name, province_hint=province.en)
            assert match.status == "ok" and match.city is not None, (name, match.reason)
            assert match.city.province_code == resolve_province(province.en).code, name


def test_every_vocabulary_word_is_read_as_meant() -> None:
    words = [(Cause, cause, w) for table in (data.CAUSE_FA, data.CAUSE_MEDIA) for cause, w in table.items()]
    words += [(Cause, cause, w) for cause, options in data.CAUSE_EN.items() for w in options]
    words += [(Perpetrator, perpetrator, w) for perpetrator, w in data.PERPETRATOR_EN.items()]
    sexes = {"male": ("Male", "M", "مرد"), "female": ("Female", "F", "زن")}
    words += [(Sex, sex, w) for sex, spellings in sexes.items() for w in spellings]
    assert [(meant, w) for enum, meant, w in words if parse_vocab(enum, w) != meant] == []
