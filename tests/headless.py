"""The system Chromium for the browser tests (the report's and the web app's), driven by Playwright."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def browser_or_skip() -> str:
    """Debian's Chromium with Playwright's Python package: its path, or a skip outside CI (a failure in CI, where
    .ci/run installs both)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Playwright's Python package is not installed"
    else:
        missing = None if CHROMIUM else "no chromium executable (apt-get install chromium)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}: .ci/run installs Debian's chromium and the dev extras")
        pytest.skip(missing)
    return CHROMIUM
