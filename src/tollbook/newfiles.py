"""Write a file that must not exist yet, created with its final mode (never briefly more open) and synced."""

from __future__ import annotations

import os
from pathlib import Path


def write_new(path: Path, data: bytes, mode: int, error: type[Exception]) -> Path:
    """Create `path` with `mode` and write `data`; an existing file or an OS failure raises `error`, naming it."""
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except FileExistsError:
        raise error(f"{path} already exists: it is never overwritten; choose another name") from None
    except OSError as exc:
        raise error(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(handle, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    return path
