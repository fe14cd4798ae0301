"""Seeded generator of the SYNTHETIC Iran 2019 example: four victim lists in four shapes, plus the truth.

The lists overlap as real ones do (unequal, correlated chances of naming each person); the truth files say
which true person each row is and are never imported. Calibration figures are cited in _iran2019_data.py and
examples/iran-2019/README.md. Run `python -m tollbook.examples.iran2019 OUT_DIR` to regenerate.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tollbook.examples import _iran2019_data as data
from tollbook.examples import _iran2019_write as write
from tollbook.examples._iran2019_evidence import add_roles, assign_roles, write_evidence
from tollbook.examples._iran2019_people import LISTS, Person, capture, draw_population
from tollbook.examples._iran2019_render import RENDERERS, Row

FILES = {"network": "network_fa.csv", "ngo": "ngo_verified.xlsx", "media": "media_export.json",
         "verified": "verified_cases.csv"}
SOURCE_KINDS = {"network": "activist_network", "ngo": "ngo", "media": "media", "verified": "ngo"}
ID_PREFIX = {"network": "NW-", "ngo": "HR-", "media": "MED-", "verified": "VC-"}
MEDIA_URL = "https://news.example.org/synthetic/2019/{record_id}"
TRUTH_FILE, PERSONS_FILE, MANIFEST_FILE, MAPPING_FILE = (
    "truth.csv", "truth_persons.csv", "MANIFEST.json", "media.mapping.toml")
ROW_NUMBERING = ("CSV and XLSX rows are numbered as a spreadsheet shows them (header = row 1, first "
                 "record = row 2); JSON records from 1 (records[0] is row 1); index is 0-based")


@dataclass(frozen=True)
class Malformed:
    """A row deliberately broken: where it is, which field, the bad value and why it is bad."""

    source: str
    file: str
    row: int
    index: int
    record_id: str
    field: str
    column: str
    value: Any
    reason: str
    severity: str  # "error": the row must not be imported; "warning": imported with the field flagged


@dataclass(frozen=True)
class SourceList:
    """One generated list: its rendered rows (canonical field names), true person of each row, broken rows."""

    name: str
    rows: list[Row]
    person_ids: list[str]
    malformed: list[Malformed]


@dataclass(frozen=True)
class ListFile:
    """One list to import: source name, file, source kind and the column mapping it needs (None: detected)."""

    source: str
    path: Path
    kind: str
    mapping: Path | None
    reported_on: str | None = None  # the list's publication day, given at import (--reported-on)


@dataclass(frozen=True)
class GeneratedExample:
    """What generate() wrote: the four list files by source name, their row counts, the malformed rows."""

    out_dir: Path
    files: dict[str, Path]
    rows: dict[str, int]
    malformed: list[Malformed]
    truth: Path
    persons: Path
    manifest: Path
    mapping: Path
    evidence: Path | None = None  # evidence.csv: the verified list's SYNTHETIC evidence files

    def expected_valid(self, source: str) -> int:
        """Rows of SOURCE's file an importer should accept: all rows less those with an error-level fault."""
        rejected = [m for m in self.malformed if m.source == source and m.severity == "error"]
        return self.rows[source] - len(rejected)

    def list_files(self) -> list[ListFile]:
        """The four lists in import order, with what `tollbook import` needs for each."""
        return [ListFile(name, path, SOURCE_KINDS[name], self.mapping if name == "media" else None,
                         data.REPORTED_ON[name]) for name, path in self.files.items()]


def _scaled(count_at_1500: int, total: int) -> int:
    return 0 if count_at_1500 == 0 else max(1, round(count_at_1500 * total / 1500))


def _break(row: Row, field: str, value: Any) -> None:
    if field == "name":
        row["given_name"] = row["family_name"] = ""
    else:
        row[field] = value


def _column(name: str, field: str) -> str:
    headers = write.HEADERS[name]
    return f"{headers['given_name']} / {headers['family_name']}" if field == "name" else headers[field]


def _inject_malformed(name: str, rows: list[Row], chosen: list[int]) -> list[Malformed]:
    """Break the CHOSEN rows, each in the way the data table says, and record where."""
    broken = []
    first_row = 1 if name == "media" else 2  # JSON has no header row
    for index, (field, value, reason, severity) in zip(chosen, data.MALFORMED[name], strict=False):
        _break(rows[index], field, value)
        broken.append(Malformed(name, FILES[name], index + first_row, index, rows[index]["record_id"], field,
                                _column(name, field), value, reason, severity))
    return broken


def _number_rows(name: str, rows: list[Row]) -> list[Row]:
    """Give each row its record id in file order (and the media rows their synthetic source URL)."""
    width = max(4, len(str(len(rows))))
    for number, row in enumerate(rows, start=1):
        row["record_id"] = f"{ID_PREFIX[name]}{number:0{width}d}"
        if name == "media":
            row["notes"] = MEDIA_URL.format(record_id=row["record_id"])
    return rows


def build_list(name: str, people: list[Person], total: int, seed: int,
               rng: np.random.Generator) -> SourceList:
    """One list: its people plus a few duplicates, shuffled, numbered, rendered, with a few rows broken.

    Structure (order, duplicates, broken rows) comes from RNG; each list's text and names from streams of
    their own, so an edit to the name data changes names and spellings and nothing else.
    """
    stream = LISTS.index(name) + 1
    text_rng, name_rng = np.random.default_rng([seed, stream, 0]), np.random.default_rng([seed, stream, 1])
    n_dup = min(_scaled(data.DUPLICATES_AT_1500[name], total), len(people))
    entries = people + [people[int(i)] for i in rng.choice(len(people), size=n_dup, replace=False)]
    entries = [entries[int(i)] for i in rng.permutation(len(entries))]
    n_broken = min(len(data.MALFORMED[name]), len(entries) // 5)  # at most one row in five
    chosen = sorted(int(i) for i in rng.choice(len(entries), size=n_broken, replace=False))
    rows = _number_rows(name, [RENDERERS[name](person, text_rng, name_rng) for person in entries])
    add_roles(name, rows, entries, seed, stream)
    return SourceList(name, rows, [p.person_id for p in entries], _inject_malformed(name, rows, chosen))


def _write_lists(out_dir: Path, lists: dict[str, SourceList], seed: int) -> dict[str, Path]:
    paths = {name: out_dir / FILES[name] for name in LISTS}
    write.write_csv(paths["network"], write.NETWORK_HEADERS, lists["network"].rows)
    write.write_xlsx(paths["ngo"], write.NGO_HEADERS, lists["ngo"].rows, seed)
    write.write_json(paths["media"], lists["media"].rows, seed)
    write.write_csv(paths["verified"], write.VERIFIED_HEADERS, lists["verified"].rows)
    (out_dir / MAPPING_FILE).write_text(write.mapping_toml(), encoding="utf-8")
    return paths


PERSON_HEADER = ["person_id", "given_name", "family_name", "given_name_fa", "family_name_fa", "father_name",
                 "sex", "age", "date_of_death", "province", "city", "cause", "perpetrator", "visibility",
                 "lists", "notes", "role"]


def _person_cells(p: Person, lists: str) -> list[Any]:
    return [p.person_id, p.given.canonical, p.family.canonical, p.given.persian[0], p.family.persian[0],
            p.father.canonical, p.sex, p.age, p.died, p.province.en, p.city.en, p.cause, p.perpetrator,
            p.visibility, lists, "SYNTHETIC", p.role]


def _write_truth(out_dir: Path, lists: dict[str, SourceList], people: list[Person]) -> None:
    truth = [[name, row["record_id"], pid] for name, listed in lists.items()
             for row, pid in zip(listed.rows, listed.person_ids, strict=True)]
    write.write_rows_csv(out_dir / TRUTH_FILE, ["source", "record_id", "person_id"], truth)
    members = {name: set(listed.person_ids) for name, listed in lists.items()}
    rows = [_person_cells(p, ";".join(n for n in LISTS if p.person_id in members[n])) for p in people]
    write.write_rows_csv(out_dir / PERSONS_FILE, PERSON_HEADER, rows)


def _file_entry(listed: SourceList) -> dict[str, Any]:
    rows, persons = len(listed.rows), len(set(listed.person_ids))
    errors = sum(1 for m in listed.malformed if m.severity == "error")
    return {"source": listed.name, "kind": SOURCE_KINDS[listed.name], "rows": rows,
            "malformed": len(listed.malformed), "errors": errors, "valid": rows - errors, "persons": persons,
            "duplicate_rows": rows - persons, "mapping": MAPPING_FILE if listed.name == "media" else None}


def _manifest(lists: dict[str, SourceList], total: int, seed: int) -> dict[str, Any]:
    files = {FILES[name]: _file_entry(listed) for name, listed in lists.items()}
    union = set().union(*(set(listed.person_ids) for listed in lists.values()))
    return {"synthetic": True, "about": write.ABOUT, "generator": "tollbook.examples.iran2019", "seed": seed,
            "total": total, "documented_persons": len(union), "files": files, "row_numbering": ROW_NUMBERING,
            "malformed": [asdict(m) for m in lists_malformed(lists)],
            "truth": {"rows": TRUTH_FILE, "persons": PERSONS_FILE, "note": "ground truth: never import"}}


def lists_malformed(lists: dict[str, SourceList]) -> list[Malformed]:
    """All malformed rows of all lists, in list order."""
    return [m for listed in lists.values() for m in listed.malformed]


def generate(out_dir: Path | str, total: int = 1500, seed: int = 2019) -> GeneratedExample:
    """Write the four SYNTHETIC lists, the truth and MANIFEST.json into OUT_DIR; same seed, same bytes."""
    if total < 100:
        raise ValueError(f"total must be at least 100 true victims to fill four lists, got {total}")
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    people = assign_roles(draw_population(total, rng), seed)
    captured = capture(people, rng)
    lists = {name: build_list(name, captured[name], total, seed, rng) for name in LISTS}
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = _write_lists(out_dir, lists, seed)
    rejected = {m.record_id for m in lists["verified"].malformed if m.severity == "error"}
    evidence = write_evidence(out_dir, lists["verified"].rows, rejected)
    _write_truth(out_dir, lists, people)
    items = len(evidence.read_text(encoding="utf-8").splitlines()) - 1
    write.write_manifest(out_dir / MANIFEST_FILE, _manifest(lists, total, seed) | {"evidence": {
        "file": evidence.name, "items": items, "note": "SYNTHETIC placeholders for the verified list's evidence: "
        "a PNG for each photo, text for every other kind; captured_by is a confidential field"}})
    return GeneratedExample(out_dir=out_dir, files=paths, rows={n: len(lists[n].rows) for n in LISTS},
                            malformed=lists_malformed(lists), truth=out_dir / TRUTH_FILE,
                            persons=out_dir / PERSONS_FILE, manifest=out_dir / MANIFEST_FILE,
                            mapping=out_dir / MAPPING_FILE, evidence=evidence)


def main(argv: list[str] | None = None) -> None:
    """Command line: regenerate the example into a folder."""
    parser = argparse.ArgumentParser(description="Write the SYNTHETIC Iran 2019 example lists.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--total", type=int, default=1500, help="true number of victims (default 1500)")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)
    result = generate(args.out_dir, args.total, args.seed)
    for name, path in result.files.items():
        broken = result.rows[name] - result.expected_valid(name)
        print(f"{path}: {result.rows[name]} rows, {result.expected_valid(name)} to import, {broken} rejected")


if __name__ == "__main__":
    main()
