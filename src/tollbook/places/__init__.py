"""Gazetteer of Iran: provinces (ISO 3166-2:IR) and cities, with Persian names and variant spellings."""

from tollbook.places.gazetteer import (
    City,
    PlaceMatch,
    Province,
    cities,
    place_key,
    province_by_code,
    provinces,
    resolve_city,
    resolve_province,
    use_places_file,
)

__all__ = [
    "City",
    "PlaceMatch",
    "Province",
    "cities",
    "place_key",
    "province_by_code",
    "provinces",
    "resolve_city",
    "resolve_province",
    "use_places_file",
]
