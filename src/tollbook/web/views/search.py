"""The records search form's fields, shared by the page and the API."""

from __future__ import annotations

from fastapi import Query


class SearchForm:
    """The fields of a records search (all text; tollbook.web.views.records reads them)."""

    def __init__(self, name: str = "", province: str = "", died_from: str = "", died_to: str = "", status: str = "",
                 verification: str = "", source: str = "") -> None:
        self.name, self.province, self.died_from, self.died_to = name, province, died_from, died_to
        self.status, self.verification, self.source = status, verification, source

    def as_dict(self) -> dict[str, str]:
        """The fields by name."""
        return dict(self.__dict__)


async def search_params(
        name: str = Query("", max_length=200, description="Name in Persian or Latin script."),
        province: str = Query("", max_length=100, description="Province name or code (IR-23)."),
        died_from: str = Query("", max_length=40, description="Died on or after (Solar Hijri or Gregorian)."),
        died_to: str = Query("", max_length=40, description="Died on or before."),
        status: str = Query("", max_length=40, description="killed, injured, detained, disappeared."),
        verification: str = Query("", max_length=40, description="reported, corroborated, verified, …"),
        source: str = Query("", max_length=200, description="Only this source's records.")) -> SearchForm:
    """The query parameters of a records search (a coroutine: run on the event loop, not in a thread)."""
    return SearchForm(name, province, died_from, died_to, status, verification, source)
