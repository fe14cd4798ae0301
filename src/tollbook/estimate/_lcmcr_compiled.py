"""Which LCMCR kernel a run uses: the one compiled ahead of time, when it has been built, else Numba's JIT.

Importing Numba and loading its cached kernel costs about 0.4 s of CPU on every run, more than sampling Kosovo
takes. ``python -m tollbook.estimate.build_kernel`` (run by ``make``) compiles the same kernel source once, with
Numba's ahead-of-time compiler, into an extension module in the user's cache folder; it loads in a millisecond,
without Numba, and draws the same numbers bit for bit (the build checks that before keeping it). The module's
name carries a hash of the kernel's source and of the Python, NumPy and Numba versions, so an edited kernel or an
upgraded library is never served by a stale build: the JIT is used until it is rebuilt.
``TOLLBOOK_KERNEL=jit`` forces the JIT; ``TOLLBOOK_KERNEL_DIR`` moves the cache folder.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

__all__ = ["AOT_SIGNATURES", "Kernel", "jit_kernel", "kernel_dir", "kernel_path", "load_built", "load_kernel",
           "module_name", "new_state"]

KERNEL_SOURCE = Path(__file__).with_name("_lcmcr_kernel.py")
# The functions the Python side calls, with the exact types it passes (see lcmcr._run and lcmcr._initial_state).
AOT_SIGNATURES = {
    "sweep": "i8(u8[:], i8[:], i8[:], i8[:], f8[:], f8[:,:], f8[:], f8[:], f8[:], i8[:,:], i8[:], i8, i8, b1, "
             "f8[:,:], i8, i8[:,:], i8[:,:], u8[:])",
    "random_sticks": "void(u8[:], f8[:], f8[:])",
    "missing_ratio": "i8()",
}  # fmt: skip


def new_state(seed_sequence: np.random.SeedSequence) -> np.ndarray:
    """A xoshiro256** state (never all zero) drawn from a NumPy seed sequence."""
    state = seed_sequence.generate_state(4, dtype=np.uint64)
    if not state.any():
        state[0] = np.uint64(0x9E3779B97F4A7C15)
    return state


@dataclass(frozen=True)
class Kernel:
    """The compiled functions a chain needs and how they were compiled ("ahead of time" or "numba jit")."""

    sweep: Any
    random_sticks: Any
    missing_ratio: int
    compiled: str


def _version(name: str) -> str:
    from tollbook.estimate.versions import installed_version

    return installed_version(name) or "none"


def module_name() -> str:
    """The extension module's name: a hash of the kernel source, the Python build and NumPy's and Numba's
    versions."""
    digest = hashlib.sha256(KERNEL_SOURCE.read_bytes())
    for part in (sys.version, platform.machine(), np.__version__, _version("numba")):
        digest.update(part.encode())
    return f"_tollbook_lcmcr_{digest.hexdigest()[:16]}"


def kernel_dir() -> Path:
    """Where built kernels live: $TOLLBOOK_KERNEL_DIR, else the user's cache folder."""
    if os.environ.get("TOLLBOOK_KERNEL_DIR"):
        return Path(os.environ["TOLLBOOK_KERNEL_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tollbook" / "kernels"


def kernel_path(name: str | None = None) -> Path:
    """The file the built kernel of this source and these versions has (or would have)."""
    return kernel_dir() / f"{name or module_name()}{importlib.machinery.EXTENSION_SUFFIXES[0]}"


def load_built(path: Path, name: str) -> ModuleType | None:
    """The built module at ``path``, or None when there is none or it does not load (then the JIT is used)."""
    if not path.is_file():
        return None
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            return None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except (ImportError, OSError):
        return None
    return module if all(hasattr(module, function) for function in AOT_SIGNATURES) else None


def load_kernel() -> Kernel:
    """The ahead-of-time kernel when it is built for this source and these versions, else Numba's JIT kernel."""
    if os.environ.get("TOLLBOOK_KERNEL", "").lower() != "jit":
        name = module_name()
        built = load_built(kernel_path(name), name)
        if built is not None:
            return Kernel(built.sweep, built.random_sticks, int(built.missing_ratio()), "ahead of time")
    return jit_kernel()


def jit_kernel() -> Kernel:
    """Numba's JIT kernel (compiled on first use, then loaded from Numba's on-disk cache)."""
    from tollbook.estimate import _lcmcr_kernel as jit

    return Kernel(jit.sweep, jit.random_sticks, jit.MISSING_RATIO, "numba jit")
