"""Exceptions the CLI turns into one clear line each."""

from __future__ import annotations

from typing import Any


class TollbookError(Exception):
    """An error a user can act on: the message says what, where and what to do. An error may also carry a
    stable `code` and the `params` its message quotes, so an interface can say it in another language."""

    code: str = ""

    def __init__(self, *args: object, code: str = "", params: dict[str, Any] | None = None) -> None:
        super().__init__(*args)
        self.code = code
        self.params = dict(params or {})


class StoreError(TollbookError):
    """The database cannot be opened, migrated or used."""


class NotFoundError(TollbookError):
    """A named object does not exist."""
