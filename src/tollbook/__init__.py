"""Tollbook: document, link, estimate and publish victim counts when a state will not."""

# The one place the version is written: pyproject.toml reads it from here (setuptools' dynamic ``attr``), so
# `tollbook --version` and every saved result name it without a package-metadata lookup at start-up.
__version__ = "0.1.0"

from tollbook.numba_cache import ensure_cache_dir as _ensure_numba_cache_dir

_ensure_numba_cache_dir()  # before any kernel imports Numba: a read-only install still caches its kernels
