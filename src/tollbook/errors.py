"""Exceptions the CLI turns into one clear line each."""


class TollbookError(Exception):
    """An error a user can act on: the message says what, where and what to do."""


class StoreError(TollbookError):
    """The database cannot be opened, migrated or used."""


class NotFoundError(TollbookError):
    """A named object does not exist."""
