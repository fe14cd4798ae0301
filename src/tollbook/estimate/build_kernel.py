"""Build the LCMCR kernel ahead of time: ``python -m tollbook.estimate.build_kernel [--dir DIR]``.

Compiles the kernel's source with Numba's ahead-of-time compiler (``numba.pycc``: it needs a C compiler and
takes about 30 s) into the cache folder of :mod:`._lcmcr_compiled`, so later runs start without importing Numba
(about 0.4 s of CPU less per run). Before the module is kept, a short chain on a fixed data set is run with it and
with the JIT: a build that does not draw the same numbers bit for bit is thrown away. Without a compiler the JIT is
used, as before; nothing else changes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from tollbook.estimate import _lcmcr_compiled as compiled

__all__ = ["build", "same_draws"]


def _compile(name: str, folder: Path) -> Path:
    """Compile the exported kernel functions into ``folder``; returns the extension module's path."""
    from tollbook.estimate import _lcmcr_kernel as jit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba.pycc announces its own future replacement
        from numba.pycc import CC

        cc = CC(name)
        cc.output_dir = str(folder)
        cc.verbose = False
        for function, signature in compiled.AOT_SIGNATURES.items():
            cc.export(function, signature)(getattr(jit, function).py_func)
        cc.compile()
    return next(folder.glob(f"{name}*"))


def _check_chain(kernel: compiled.Kernel) -> tuple[np.ndarray, np.ndarray]:
    """Trace and predictive replicates of a 3,000-iteration chain on a fixed 5-list data set."""
    from tollbook.estimate import lcmcr
    from tollbook.estimate.histories import CaptureHistories

    rng = np.random.default_rng(11)
    seen = (rng.random((400, 5)) < rng.uniform(0.1, 0.6, 5)).astype(np.uint8)
    histories = CaptureHistories.from_matrix(seen[seen.sum(axis=1) > 0], ["A", "B", "C", "D", "E"])
    previous = lcmcr.kernel
    lcmcr.kernel = kernel
    try:
        model = lcmcr.LCMCR(histories, K=8, burnin=1_000, samples=200, thinning=10, chains=1, seed=5, warmup=100)
        model.fit()
    finally:
        lcmcr.kernel = previous
    return np.stack([model.trace[name] for name in ("N", "alpha", "occupied")]), model.replicated


def same_draws(first: compiled.Kernel, second: compiled.Kernel) -> bool:
    """Whether two kernels draw the same chain, bit for bit."""
    return all(np.array_equal(a, b) for a, b in zip(_check_chain(first), _check_chain(second), strict=True))


def build(folder: Path | None = None) -> Path:
    """Build, check and install the kernel for this source and these versions; returns its path (an existing,
    current build is kept). Raises RuntimeError when the build fails or draws differently from the JIT."""
    target = compiled.kernel_path() if folder is None else folder / compiled.kernel_path().name
    if target.is_file():
        return target
    name = compiled.module_name()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        try:
            built = _compile(name, Path(scratch))
        except Exception as exc:  # a missing compiler shows up as many error types
            raise RuntimeError(f"the ahead-of-time build failed ({type(exc).__name__}: {exc}); the JIT is "
                               "used") from exc
        module = compiled.load_built(built, name)
        if module is None:
            raise RuntimeError("the built kernel does not load; the JIT is used")
        aot = compiled.Kernel(module.sweep, module.random_sticks, int(module.missing_ratio()), "ahead of time")
        if not same_draws(aot, compiled.jit_kernel()):
            raise RuntimeError("the built kernel draws differently from the JIT's; it was not kept")
        os.replace(built, target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="folder for the built kernel (default: the user's cache folder, "
                        "or TOLLBOOK_KERNEL_DIR)")  # fmt: skip
    args = parser.parse_args()
    if shutil.which(os.environ.get("CC", "cc")) is None:
        print("no C compiler found: LCMCR keeps using Numba's JIT (about 0.4 s more start-up per run)")
        return
    started = time.perf_counter()
    try:
        path = build(args.dir)
    except RuntimeError as exc:
        print(f"LCMCR kernel not built: {exc}", file=sys.stderr)
        sys.exit(1)
    print(f"LCMCR kernel ready: {path} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
