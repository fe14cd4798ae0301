"""Start-up cost: `tollbook --version` and an estimate from a pattern file load only what they need."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KOSOVO = Path(__file__).parent.parent / "data" / "mse" / "kosovo_1999_lcmcr.csv"
PROBE = ("import sys; sys.argv = ['tollbook', *sys.argv[1:]]; from tollbook.cli import main\n"
         "try:\n    main()\nexcept SystemExit:\n    pass\n"
         "print('\\nLOADED', ' '.join(sorted(sys.modules)))")
DATABASE_AND_FRIENDS = {"sqlalchemy", "alembic", "tollbook.link", "tollbook.report", "tollbook.web", "splink",
                        "tollbook.store", "tollbook.model"}  # fmt: skip


def _loaded(*args: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True)
    output, _, loaded = done.stdout.rpartition("\nLOADED ")
    return output, set(loaded.split())


def test_version_loads_no_command() -> None:
    output, loaded = _loaded("--version")
    assert output.startswith("tollbook ")
    assert not loaded & (DATABASE_AND_FRIENDS | {"numpy", "pandas", "tollbook.cli.estimate"})


# pandas, SciPy's special functions and linear algebra, and Rich's progress bar each cost more CPU to import than
# a pattern file's estimate takes; a run loads only what it uses (the log-linear profile intervals need SciPy's
# optimiser; LCMCR loads Numba only while its kernel is not built ahead of time).
HEAVY = {"pandas", "arviz", "scipy.stats", "scipy.special", "scipy.linalg", "scipy.optimize", "rich.progress"}
FAST = [("loglinear", ["--no-intervals"], HEAVY | {"scipy", "numba"}),
        ("loglinear", [], HEAVY - {"scipy.special", "scipy.linalg", "scipy.optimize"} | {"numba"}),
        ("dga", [], HEAVY | {"scipy", "numba"}),
        ("lcmcr", ["--burnin", "100", "--samples", "50", "--thinning", "1", "--chains", "1"], HEAVY)]


@pytest.mark.parametrize(("method", "options", "absent"), FAST)
def test_small_estimate_loads_only_what_it_needs(method: str, options: list[str], absent: set[str]) -> None:
    output, loaded = _loaded("estimate", "--patterns", str(KOSOVO), "--method", method, *options, "--json")
    assert json.loads(output)[0]["observed"] == 4_400
    assert not loaded & (DATABASE_AND_FRIENDS | absent)
    assert ("tollbook.estimate.lcmcr" in loaded) == (method == "lcmcr")


def test_the_lcmcr_kernel_hides_only_the_blas_probe_from_numba() -> None:
    """Loading the kernel keeps scipy.linalg out, yet leaves it importable and Numba's BLAS calls working."""
    probe = ("import sys; from tollbook.estimate import _lcmcr_kernel; print('scipy.linalg' in sys.modules); "
             "import numpy as np, numba, scipy.linalg.cython_blas; "
             "print(numba.njit(lambda a, b: np.dot(a, b))(np.ones(3), np.full(3, 2.0)))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "6.0"]


def test_the_whole_app_is_still_there() -> None:
    from tollbook.cli import app, command_of
    from tollbook.cli.common import DEFAULT_URL
    from tollbook.store import DEFAULT_URL as STORE_DEFAULT

    names = {group.name for group in app.registered_groups} | {c.name for c in app.registered_commands}
    assert {"estimate", "link", "report", "claims"} <= names
    assert DEFAULT_URL == STORE_DEFAULT
    assert command_of(["--db", "sqlite:///x.db", "--debug", "estimate", "--json"]) == "estimate"
    assert command_of(["--version"]) is None


def test_an_estimate_asks_blas_for_one_thread_unless_the_user_chose() -> None:
    from tollbook.cli.estimate import one_blas_thread

    environ: dict[str, str] = {"MKL_NUM_THREADS": "4"}
    one_blas_thread(environ, {})
    assert environ == {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "4"}
    untouched: dict[str, str] = {}
    one_blas_thread(untouched, {"numpy": object()})  # too late to matter once NumPy is loaded: leave it
    assert untouched == {}
    probe = ("import os, sys; sys.argv = ['tollbook', *sys.argv[1:]]; from tollbook.cli import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('\\nBLAS', os.environ.get('OPENBLAS_NUM_THREADS'))")
    done = subprocess.run([sys.executable, "-c", probe, "estimate", "--patterns", str(KOSOVO), "--method",
                           "dga", "--json"], capture_output=True, text=True, check=True,
                          env={k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"})
    assert done.stdout.rstrip().endswith("BLAS 1")
