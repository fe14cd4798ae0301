"""What goes wrong with bundles: a mistake by the user, or a file that must not be trusted. Each refusal of
an import carries a stable code and its parameters (tollbook.bundle.codes)."""

from __future__ import annotations

from tollbook.errors import TollbookError


class BundleError(TollbookError):
    """A bundle operation that cannot be done as asked (missing folder, bad size, parts missing...)."""


class BundleRefused(TollbookError):
    """A bundle that must not enter the database: bad signature, unknown collector, wrong key, damage."""
