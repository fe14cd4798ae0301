"""Traceable numbers: each number the report prints has an id, a line saying how it was computed, and the
persons or claims behind it, so `tollbook explain ID` can show its working."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

_ID = re.compile(r"[^\w.+-]+")  # letters of any script stay: two Persian source names must not collide


def number_id(*parts: object) -> str:
    """A stable, readable id from parts, e.g. ("province", "IR-23") -> "province.IR-23"; spaces and
    punctuation become "-"."""
    return ".".join(_ID.sub("-", str(part)).strip("-") or "none" for part in parts)


@dataclass(frozen=True)
class Number:
    """One published number: its id, value, how it was computed, and what it counts (public ids or claim keys)."""

    id: str
    value: float | int | None
    how: str
    persons: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    grouped: bool = True  # thousands separators; False for identifiers such as a seed

    @property
    def missing(self) -> bool:
        """Whether there is no value (e.g. a stratum too thin to estimate)."""
        return self.value is None


@dataclass
class NumberBook:
    """Every number of one report, by id, in the order they were added."""

    numbers: dict[str, Number] = field(default_factory=dict)

    def add(self, id_: str, value: float | int | None, how: str, persons: Iterable[str] = (),
            claims: Iterable[str] = (), grouped: bool = True) -> Number:
        """Register a number and return it; an id already taken (two names that differ only in punctuation)
        gets a suffix, "~2", "~3"…, in the report's fixed order, so it stays stable from run to run."""
        base, count = id_, 1
        while id_ in self.numbers:
            count += 1
            id_ = f"{base}~{count}"
        number = Number(id_, value, how, tuple(persons), tuple(claims), grouped)
        self.numbers[id_] = number
        return number

    def __getitem__(self, id_: str) -> Number:
        return self.numbers[id_]

    def __contains__(self, id_: object) -> bool:
        return id_ in self.numbers

    def __iter__(self) -> Iterator[Number]:
        return iter(self.numbers.values())

    def __len__(self) -> int:
        return len(self.numbers)


def registered_setting(book: NumberBook, area: str, key: str, value: Any, how: str) -> Any:
    """A setting's value as the templates show it: numeric ones registered in the book and given as {"id": …},
    lists joined into text, others as they are."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return {"id": book.add(number_id(area, key), value, f"{key}: {how}", grouped=key != "seed").id}
