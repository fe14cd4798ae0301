"""Where Numba keeps the compiled kernels (clustering, pair generation, LCMCR) between runs.

Numba caches next to the source (``__pycache__``) or in the user's cache folder; where neither is writable (a
read-only install run by a service user without a home) it refuses to load a cached kernel at all. Then the cache
goes to a folder of this user's in the system's temporary directory. A NUMBA_CACHE_DIR the user set is kept.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def writable(folder: Path) -> bool:
    """True when files can be created in `folder` (or in the nearest existing folder above it)."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return os.access(candidate, os.W_OK | os.X_OK)
    return False


def user_cache() -> Path | None:
    """The user-wide folder Numba falls back to (XDG_CACHE_HOME or ~/.cache), or None without a home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no HOME and no password entry
            return None
    return Path(base) / "numba"


def choose_cache_dir(package: Path = PACKAGE) -> str | None:
    """A cache folder to give Numba, or None where its own choices work (or the user chose one)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return None
    if writable(package / "link" / "__pycache__"):
        return None
    home_cache = user_cache()
    if home_cache is not None and writable(home_cache):
        return None
    return str(Path(tempfile.gettempdir()) / f"tollbook-numba-{os.getuid() if hasattr(os, 'getuid') else 0}")


def ensure_cache_dir() -> None:
    """Point Numba at a writable cache folder before it is imported, where it has none of its own."""
    chosen = choose_cache_dir()
    if chosen:
        os.environ["NUMBA_CACHE_DIR"] = chosen
