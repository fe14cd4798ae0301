"""The true victims of a realistic synthetic event: concentrated names, ages, dates and places of death.

Dates cluster on the few days of a crackdown (16–19 November 2019 as in the reports), places follow city
population, most victims are young men: the namesakes a real national list holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tollbook.synth.names import family_names, given_names

START = np.datetime64("2019-11-15")
DAY_WEIGHTS = np.array([8, 26, 24, 16, 8, 4, 3, 2, 2, 1.5, 1.5, 1, 1, 1, 1], dtype=float)  # 15–29 November
MALE_SHARE = 0.88


def _cities() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """City ids, their province codes, and draw weights by population."""
    from tollbook.places import cities

    places = cities()
    weights = np.array([float(c.population or 2_000) for c in places])
    return (np.array([c.id for c in places], dtype=object), np.array([c.province_code for c in places], dtype=object),
            weights / weights.sum())


def population(size: int, rng: np.random.Generator) -> pd.DataFrame:
    """`size` true persons: person, sex, given/family/father name ranks, age, date and city of death."""
    male = rng.random(size) < MALE_SHARE
    given = np.where(male, given_names("m").draw(rng, size), given_names("f").draw(rng, size))
    city_ids, provinces, weights = _cities()
    city = rng.choice(len(city_ids), size=size, p=weights)
    age = np.clip(np.round(12 + rng.gamma(2.2, 7.0, size)), 1, 85).astype(int)
    day = rng.choice(len(DAY_WEIGHTS), size=size, p=DAY_WEIGHTS / DAY_WEIGHTS.sum())
    return pd.DataFrame({
        "person": np.arange(size), "male": male, "given": given, "family": family_names().draw(rng, size),
        "father": given_names("m").draw(rng, size), "age": age, "died": START + day,
        "city_code": city_ids[city], "province_code": provinces[city],
    })
