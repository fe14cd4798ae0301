"""The true population of the synthetic Iran 2019 example and which lists each person is on."""

from __future__ import annotations

import csv
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from importlib import resources
from itertools import accumulate

import numpy as np

from tollbook.examples import _iran2019_data as data

LISTS = ("network", "ngo", "media", "verified")
VISIBILITY = ("high", "mid", "low")


@dataclass(frozen=True)
class NameEntry:
    """A known name: canonical Latin form, Persian spellings, other romanisations, sex (given names)."""

    canonical: str
    persian: tuple[str, ...]
    variants: tuple[str, ...]
    sex: str = ""


@dataclass(frozen=True)
class Person:
    """One true victim of the synthetic example."""

    person_id: str
    given: NameEntry
    family: NameEntry
    father: NameEntry
    sex: str
    age: int
    died: date
    province: data.Province
    city: data.City
    cause: str
    perpetrator: str
    visibility: str
    role: str = "unknown"  # drawn after the rest, from a stream of its own (see _iran2019_evidence)


def _read_names(kind: str) -> list[NameEntry]:
    """Read tollbook.text's name data (ordered most common first); the fallback table if it is missing."""
    try:
        path = resources.files("tollbook.text") / "data" / f"{kind}_names.csv"
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (FileNotFoundError, ModuleNotFoundError):
        return _fallback_names(kind)
    return [NameEntry(row["canonical"], tuple(p for p in row["persian"].split("|") if p),
                      tuple((row.get("variants") or "").split()), row.get("sex") or "") for row in rows]


def _fallback_names(kind: str) -> list[NameEntry]:
    if kind == "given":
        return [NameEntry(c, (fa,), (), sex) for c, fa, sex in data.FALLBACK_GIVEN]
    return [NameEntry(c, (fa,), ()) for c, fa in data.FALLBACK_FAMILY]


class NamePool:
    """Draws names with Zipf-like weights, so that common names recur as they do in real lists."""

    def __init__(self, entries: list[NameEntry]) -> None:
        self.entries = [e for e in entries if e.persian]
        self.cumulative = list(accumulate(1.0 / (rank + 8.0) for rank in range(len(self.entries))))

    def draw(self, rng: np.random.Generator) -> NameEntry:
        """One name, drawn by weight."""
        return self.entries[choose(rng, self.cumulative)]


def choose(rng: np.random.Generator, cumulative: list[float]) -> int:
    """Index drawn with probabilities proportional to the steps of CUMULATIVE (faster than rng.choice)."""
    return min(bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def allocate(weights: list[float], total: int) -> list[int]:
    """Split TOTAL into integers proportional to WEIGHTS (largest remainder), so shares are exact."""
    raw = np.asarray(weights, dtype=float) / sum(weights) * total
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return [int(c) for c in counts]


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    return keys[choose(rng, list(accumulate(weights[k] for k in keys)))]


def _age(rng: np.random.Generator) -> int:
    """Mostly 15-45 (young men), a tail of older victims and a few children."""
    if rng.random() < 0.12:
        return int(rng.integers(46, 71))
    return min(45, max(12, round(float(rng.normal(26.0, 7.5)))))


def _death_day(rng: np.random.Generator) -> date:
    days = list(data.DAY_WEIGHTS)
    return date(2019, 11, days[choose(rng, list(accumulate(data.DAY_WEIGHTS.values())))])


def _person(index: int, province: data.Province, pools: dict[str, NamePool],
            rng: np.random.Generator) -> Person:
    sex = "male" if rng.random() < data.MALE_SHARE else "female"
    given, family, father = pools[sex].draw(rng), pools["family"].draw(rng), pools["male"].draw(rng)
    city = province.cities[choose(rng, list(accumulate(c.weight for c in province.cities)))]
    shares = data.VISIBILITY_SHARES["tehran" if province.en == "Tehran" else "other"]
    return Person(
        person_id=f"P{index:05d}", given=given, family=family, father=father,
        sex=sex, age=_age(rng), died=_death_day(rng), province=province, city=city,
        cause=_pick(rng, data.CAUSE_WEIGHTS), perpetrator=_pick(rng, data.PERPETRATOR_WEIGHTS),
        visibility=VISIBILITY[choose(rng, list(accumulate(shares)))],
    )


def name_pools() -> dict[str, NamePool]:
    """Male, female and family name pools from the package's name data."""
    given = _read_names("given")
    male, female = [g for g in given if g.sex != "f"], [g for g in given if g.sex == "f"]
    return {"male": NamePool(male), "female": NamePool(female), "family": NamePool(_read_names("family"))}


def draw_population(total: int, rng: np.random.Generator) -> list[Person]:
    """TOTAL true victims, provinces allocated exactly in the proportions of the 15 December breakdown."""
    pools = name_pools()
    counts = allocate([p.count_at_1500 for p in data.PROVINCES], total)
    provinces = [p for p, n in zip(data.PROVINCES, counts, strict=True) for _ in range(n)]
    order = rng.permutation(total)
    return [_person(i + 1, provinces[int(j)], pools, rng) for i, j in enumerate(order)]


def capture(people: list[Person], rng: np.random.Generator) -> dict[str, list[Person]]:
    """Which people each list names: chances depend on each person's visibility class."""
    lists: dict[str, list[Person]] = {name: [] for name in LISTS}
    for person in people:
        level = VISIBILITY.index(person.visibility)
        for name in LISTS:
            if rng.random() < data.CAPTURE[name][level]:
                lists[name].append(person)
    return lists
