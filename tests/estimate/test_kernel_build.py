"""The LCMCR kernel built ahead of time: used when built for the current source, drawing what the JIT draws bit
for bit, never a stale or broken build (then the JIT)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tollbook.estimate import _lcmcr_compiled as compiled

DATA = Path(__file__).parent.parent / "data" / "mse"
RUN = ("import json, sys; from tollbook.estimate import lcmcr; from tollbook.estimate.histories import "
       "read_pattern_csv\n"
       "h = read_pattern_csv(sys.argv[1])[None]\n"
       "m = lcmcr.LCMCR(h, K=int(sys.argv[2]), burnin=2000, samples=300, thinning=10, chains=2, seed=7)\n"
       "r = m.fit()\n"
       "print(json.dumps({'kernel': lcmcr.kernel.compiled, 'numba': 'numba' in sys.modules, "
       "'N': m.trace['N'].tolist(), 'alpha': m.trace['alpha'].tolist(), 'replicated': m.replicated.tolist(), "
       "'estimate': r.estimate}))")  # fmt: skip


def _run(env: dict[str, str], name: str, K: int) -> dict:  # noqa: N803
    done = subprocess.run([sys.executable, "-c", RUN, str(DATA / name), str(K)], capture_output=True, text=True,
                          check=True, env=os.environ | env)  # fmt: skip
    return json.loads(done.stdout)


def test_no_build_means_the_jit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOLLBOOK_KERNEL_DIR", str(tmp_path))
    assert compiled.load_kernel().compiled == "numba jit"
    compiled.kernel_path().write_bytes(b"not an extension module")  # a broken build is passed over
    assert compiled.load_kernel().compiled == "numba jit"


def test_the_build_name_follows_the_kernel_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = compiled.module_name()
    edited = tmp_path / "_lcmcr_kernel.py"
    edited.write_bytes(compiled.KERNEL_SOURCE.read_bytes() + b"\n# an edit\n")
    monkeypatch.setattr(compiled, "KERNEL_SOURCE", edited)
    assert compiled.module_name() != name and compiled.module_name().startswith("_tollbook_lcmcr_")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which(os.environ.get("CC", "cc")) is None, reason="needs a C compiler")
def test_built_kernel_draws_as_the_jit_without_loading_numba(tmp_path: Path) -> None:
    """Built (about 30 s), then the same chains with both kernels on Kosovo (K = 10) and the 20-list Colombia
    stratum (K = 15): identical traces and predictive replicates; the built one never imports Numba."""
    from tollbook.estimate.build_kernel import build

    path = build(tmp_path)
    assert path.is_file() and path.name.startswith(compiled.module_name())
    for name, K in (("kosovo_1999_lcmcr.csv", 10), ("colombia_verdata_reclutamiento_R1_hombre_1999.csv", 15)):  # noqa: N806
        built = _run({"TOLLBOOK_KERNEL_DIR": str(tmp_path)}, name, K)
        jit = _run({"TOLLBOOK_KERNEL_DIR": str(tmp_path), "TOLLBOOK_KERNEL": "jit"}, name, K)
        assert (built["kernel"], built["numba"]) == ("ahead of time", False)
        assert (jit["kernel"], jit["numba"]) == ("numba jit", True)
        assert built["N"] == jit["N"] and built["alpha"] == jit["alpha"] and built["replicated"] == jit["replicated"]
        assert built["estimate"] == jit["estimate"]
    assert build(tmp_path) == path  # a current build is kept, not redone
