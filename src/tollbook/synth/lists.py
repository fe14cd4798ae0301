"""Victim lists drawn from a true population, each with its own habits: script, romanisation, which fields it
fills, how precisely; with within-list duplicates, typos, swapped names and approximate ages and dates.

Capture is independent between lists within three visibility classes (so multiple systems estimation's
assumptions hold and its estimate on the true persons is the reference), heterogeneous between classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tollbook.synth.names import NameTable, family_names, given_names

VISIBILITY = {"high": (0.3, (0.70, 0.60, 0.50, 0.40)), "mid": (0.4, (0.40, 0.35, 0.30, 0.20)),
              "low": (0.3, (0.15, 0.12, 0.10, 0.05))}  # class: (share, capture probability per list)
DUPLICATE_SHARE = 0.03


@dataclass(frozen=True)
class Habits:
    """How one list writes its records: shares of Persian script and of each field given."""

    name: str
    persian: float
    father: float
    age: float
    day: float  # date to the day; `month` more give only the month, the rest no date
    month: float
    city: float  # city given; `province` more give only the province
    province: float
    sex: float


LISTS = (Habits("network", 0.8, 0.6, 0.7, 0.75, 0.10, 0.70, 0.25, 0.6),
         Habits("ngo", 0.3, 0.3, 0.8, 0.85, 0.05, 0.60, 0.30, 0.9),
         Habits("media", 0.5, 0.15, 0.6, 0.60, 0.20, 0.50, 0.35, 0.5),
         Habits("verified", 0.9, 0.85, 0.9, 0.90, 0.05, 0.85, 0.13, 1.0))
RECORDS_PER_PERSON = sum(share * sum(p) for share, p in VISIBILITY.values()) * (1 + DUPLICATE_SHARE)


def captures(persons: int, rng: np.random.Generator) -> pd.DataFrame:
    """(person, list index) of every capture, within-list duplicates repeated."""
    shares = np.array([s for s, _ in VISIBILITY.values()])
    klass = rng.choice(len(shares), size=persons, p=shares)
    probabilities = np.array([p for _, p in VISIBILITY.values()])[klass]
    taken = rng.random(probabilities.shape) < probabilities
    person, listed = np.nonzero(taken)
    again = rng.random(len(person)) < DUPLICATE_SHARE
    person, listed = np.concatenate([person, person[again]]), np.concatenate([listed, listed[again]])
    return pd.DataFrame({"person": person, "list": listed}).sort_values(["list", "person"], ignore_index=True)


def _latin_variant(word: str, rng: np.random.Generator) -> str:
    """A romanisation as people write them: q for gh, u or oo for ou, ee for i, a dropped final h."""
    swaps = (("gh", "q"), ("ou", "u"), ("ou", "oo"), ("i", "ee"), ("eh", "e"), ("ei", "ey"), ("kh", "x"),
             ("ss", "s"), ("a", "e"))
    source, target = swaps[int(rng.integers(len(swaps)))]
    return word.replace(source, target, 1) if source in word else word


def _typo(word: str, rng: np.random.Generator) -> str:
    """One dropped, doubled or swapped letter."""
    if len(word) < 4:
        return word
    j = int(rng.integers(1, len(word) - 1))
    kind = rng.random()
    if kind < 0.4:
        return word[:j] + word[j + 1:]
    if kind < 0.6:
        return word[:j] + word[j] + word[j:]
    return word[:j - 1] + word[j] + word[j - 1] + word[j + 1:]


def render_names(table: NameTable, ranks: np.ndarray, persian: np.ndarray, rng: np.random.Generator,
                 typo_share: float = 0.03) -> np.ndarray:
    """Each name written in Persian (one of its spellings) or Latin (a romanisation, sometimes varied)."""
    out = np.empty(len(ranks), dtype=object)
    for i, (rank, fa) in enumerate(zip(ranks, persian, strict=True)):
        name = table.name(int(rank))
        if fa:
            text = name.persian[int(rng.integers(len(name.persian)))]
        else:
            text = name.latin[0] if rng.random() < 0.5 else name.latin[int(rng.integers(len(name.latin)))]
            text = _latin_variant(text, rng) if rng.random() < 0.2 else text
            text = text.title()
        out[i] = _typo(text, rng) if rng.random() < typo_share else text
    return out


def _shifted(values: np.ndarray, rng: np.random.Generator, near: float, far: float, spread: int) -> np.ndarray:
    """Values off by one in a share `near`, by up to `spread` in a share `far`."""
    draw = rng.random(len(values))
    step = np.where(draw < near, rng.choice([-1, 1], len(values)),
                    np.where(draw < near + far, rng.integers(-spread, spread + 1, len(values)), 0))
    return values + step


def records_of(people: pd.DataFrame, taken: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One record per capture, written with its list's habits."""
    who = people.iloc[taken["person"].to_numpy()].reset_index(drop=True)
    habits = [LISTS[i] for i in taken["list"]]
    n = len(who)

    def share(field: str) -> np.ndarray:
        return np.array([getattr(h, field) for h in habits])

    persian = rng.random(n) < share("persian")
    male = who["male"].to_numpy()
    given = np.empty(n, dtype=object)
    for sex, mask in (("m", male), ("f", ~male)):
        given[mask] = render_names(given_names(sex), who["given"].to_numpy()[mask], persian[mask], rng)
    family = render_names(family_names(), who["family"].to_numpy(), persian, rng)
    swap = rng.random(n) < 0.02
    given[swap], family[swap] = family[swap], given[swap].copy()
    father = render_names(given_names("m"), who["father"].to_numpy(), persian, rng)
    father[rng.random(n) >= share("father")] = None
    age = pd.array(_shifted(who["age"].to_numpy(), rng, 0.15, 0.05, 3), dtype="Int64")
    age[rng.random(n) >= share("age")] = pd.NA
    died = _shifted(who["died"].to_numpy().astype("datetime64[D]").astype(int), rng, 0.10, 0.03, 3)
    date = pd.Series(died.astype("datetime64[D]").astype("datetime64[ns]"))
    kind = rng.random(n)
    precision = np.where(kind < share("day"), "day", np.where(kind < share("day") + share("month"), "month", None))
    date = date.where(precision != None)  # noqa: E711 - elementwise on an object array
    place = rng.random(n)
    city = who["city_code"].where(place < share("city"))
    province = who["province_code"].where(place < share("city") + share("province"))
    sex = np.where(male, "male", "female").astype(object)
    sex[rng.random(n) >= share("sex")] = None
    return pd.DataFrame({
        "source": [h.name for h in habits], "truth": who["person"].to_numpy(), "given_name": given,
        "family_name": family, "father_name": father, "sex": sex, "age": age, "date_of_death": date,
        "date_precision": precision, "province_code": province.to_numpy(), "city_code": city.to_numpy(),
    })
