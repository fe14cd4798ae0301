"""The public export's redaction policy (a small TOML file) and the pure functions that apply it.

Confidential fields are never written, whatever a policy says: `NEVER_EXPORTED` names them and a policy that
mentions one is refused. Other fields can be kept, dropped or coarsened (age to a band, place to the province,
date to the month or year).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tollbook.confidential import AUDIT_REDACTED, RECORD_CONFIDENTIAL
from tollbook.errors import TollbookError
from tollbook.text.dates import PartialDate, describe_date

DESCRIBED = {
    "contact": "a source's contact details", "witness": "witnesses", "captured_by": "who captured evidence",
    "place_detail": "exact addresses and place detail", "notes": "free-text notes", "note": "reviewers' notes",
    "evidence_refs": "evidence references", "evidence": "evidence references", "raw": "the raw imported row",
    "created_by": "who entered a record", "collector_key": "field collectors' keys",
    "collector_name": "field collectors' names", "label": "field collectors' names",
}
NEVER_EXPORTED = {key: DESCRIBED.get(key, "a confidential field")
                  for key in RECORD_CONFIDENTIAL | AUDIT_REDACTED | DESCRIBED.keys()}
CHOICES = {
    "given_name": ("keep", "drop"), "family_name": ("keep", "drop"), "father_name": ("keep", "drop"),
    "sex": ("keep", "drop"), "age": ("keep", "band", "drop"), "date_of_death": ("day", "month", "year", "drop"),
    "place": ("city", "province", "drop"), "status": ("keep", "drop"), "cause": ("keep", "drop"),
    "perpetrator": ("keep", "drop"), "sources": ("names", "count", "drop"),
}
DEFAULT_FILE = "public_policy.toml"


@dataclass(frozen=True)
class Policy:
    """What the public export keeps of each field, the age bands, and which kinds of list stay unnamed."""

    fields: dict[str, str]
    age_bands: tuple[int, ...] = (0, 12, 18, 25, 35, 50, 65)
    hidden_kinds: frozenset[str] = field(default_factory=lambda: frozenset({"field_collector", "family"}))
    origin: str = "default"

    def rule(self, name: str) -> str:
        """The rule for one field."""
        return self.fields[name]


def _refuse_confidential(table: dict[str, Any], where: str) -> None:
    for key in table:
        if key in NEVER_EXPORTED:
            raise TollbookError(f"{where}: {key!r} ({NEVER_EXPORTED[key]}) is confidential and is never exported; "
                                "remove it from the policy")


def parse_policy(data: dict[str, Any], origin: str) -> Policy:
    """A Policy from parsed TOML, every field and value checked (one-line errors name the file and key)."""
    defaults = default_policy_data()
    fields_ = dict(defaults["fields"]) | dict(data.get("fields", {}))
    _refuse_confidential(fields_, f"{origin} [fields]")
    for key, value in fields_.items():
        if key not in CHOICES:
            raise TollbookError(f"{origin} [fields]: unknown field {key!r}; fields are {', '.join(CHOICES)}")
        if value not in CHOICES[key]:
            raise TollbookError(f"{origin} [fields] {key} = {value!r}: use one of {', '.join(CHOICES[key])}")
    bands = tuple(data.get("age", {}).get("bands", defaults["age"]["bands"]))
    if not bands or any(not isinstance(b, int) or b < 0 for b in bands) or list(bands) != sorted(set(bands)):
        raise TollbookError(f"{origin} [age] bands: give increasing whole numbers from 0, e.g. [0, 18, 30, 45, 60]")
    hidden = data.get("sources", {}).get("name_hidden_for_kinds", defaults["sources"]["name_hidden_for_kinds"])
    return Policy(fields_, bands, frozenset(hidden), origin)


def default_policy_data() -> dict[str, Any]:
    """The shipped default policy as parsed TOML."""
    return tomllib.loads((resources.files("tollbook.report") / "data" / DEFAULT_FILE).read_text(encoding="utf-8"))


def load_policy(path: Path | None = None) -> Policy:
    """The policy in a TOML file, or the shipped default."""
    if path is None:
        return parse_policy(default_policy_data(), "default policy")
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise TollbookError(f"cannot read policy {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TollbookError(f"policy {path} is not valid TOML: {exc}") from None
    return parse_policy(data, str(path))


def age_band(age: int | None, bands: tuple[int, ...]) -> str | None:
    """The band an age falls in, e.g. "18-24" or "65+" (None when unknown)."""
    if age is None:
        return None
    lower = max((b for b in bands if b <= age), default=None)
    if lower is None:
        return None
    upper = next((b for b in bands if b > age), None)
    return f"{lower}+" if upper is None else f"{lower}-{upper - 1}"


def coarse_date(value: dt.date | str | None, rule: str, precision: str | None = None) -> str | None:
    """A date cut to day, month or year — never finer than the precision the sources gave (a month- or year-only
    date as its period, e.g. "Aban 1398 (month)", never its first day)."""
    if value is None or rule == "drop":
        return None
    if isinstance(value, PartialDate):
        return describe_date(value, "year" if rule == "year" else value.precision, value.text)
    text = value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    finest = {"day": 10, "month": 7, "year": 4}
    return text[: min(finest[rule], finest.get(precision or "day", 10))]
