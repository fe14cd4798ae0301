"""The Iran 2019 example generated once per test session at its default size and seed."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tollbook.examples.iran2019 import GeneratedExample, generate


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    """The default example (total 1,500, seed 2019) written to a fresh folder."""
    return generate(tmp_path_factory.mktemp("iran2019"))


@pytest.fixture(scope="session")
def manifest(example: GeneratedExample) -> dict:
    """The example's MANIFEST.json."""
    return json.loads(example.manifest.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def persons(example: GeneratedExample) -> list[dict[str, str]]:
    """The true persons (truth_persons.csv)."""
    return read_csv(example.persons)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV as dicts."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
