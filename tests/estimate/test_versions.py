"""The versions an estimate records and `tollbook --version` prints are the installed ones, found without the
package-metadata machinery at start-up (see tollbook.estimate.versions)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

import tollbook
from tollbook.estimate.result import code_version, library_versions
from tollbook.estimate.versions import installed_version

ROOT = Path(__file__).parents[2]
KOSOVO = ROOT / "tests" / "data" / "mse" / "kosovo_1999_lcmcr.csv"


@pytest.mark.parametrize("name", ["numpy", "scipy", "numba", "arviz", "pandas", "typer", "argon2-cffi",
                                  "python-multipart", "psycopg", "tollbook"])  # fmt: skip
def test_installed_version_is_what_package_metadata_says(name: str) -> None:
    assert installed_version(name) == metadata.version(name)


def test_a_loaded_module_answers_with_its_own_version_and_an_absent_one_with_none() -> None:
    assert installed_version("numpy") == np.__version__
    assert installed_version("no-such-distribution-tollbook") is None


def test_tollbook_has_one_version_everywhere() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert "version" in project["dynamic"] and "version" not in project  # read from tollbook.__version__
    assert code_version() == tollbook.__version__ == metadata.version("tollbook")
    done = subprocess.run([sys.executable, "-m", "tollbook", "--version"], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert done.stdout.strip() == f"tollbook {tollbook.__version__}"


def test_an_estimate_records_the_installed_versions() -> None:
    done = subprocess.run([sys.executable, "-m", "tollbook", "estimate", "--patterns", str(KOSOVO), "--method",
                           "loglinear", "--no-intervals", "--json"], capture_output=True, text=True, check=True)
    versions = json.loads(done.stdout)[0]["versions"]
    assert versions == library_versions() | {"generator": versions["generator"]}
    for name in ("numpy", "scipy", "numba", "arviz", "pandas", "tollbook"):
        assert versions[name] == metadata.version(name)


def test_the_library_records_versions_without_importlib_metadata() -> None:
    """A notebook's estimate does not load the metadata machinery (through the CLI, Typer's pydantic does)."""
    probe = ("import sys; from tollbook.estimate import estimate, read_pattern_csv\n"
             f"(h,) = read_pattern_csv({str(KOSOVO)!r}).values()\n"
             "result = estimate(h, method='loglinear', intervals=False)[0].to_dict()\n"
             "print(result['versions']['numpy'], 'importlib.metadata' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [np.__version__, "False"]
