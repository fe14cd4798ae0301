"""Tollbook: document, link, estimate and publish victim counts when a state will not."""

# The one place the version is written: pyproject.toml reads it from here (setuptools' dynamic ``attr``), so
# `tollbook --version` and every saved result name it without a package-metadata lookup at start-up.
__version__ = "0.1.0"
