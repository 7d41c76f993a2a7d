"""Writing outputs so that a file is either complete and new, or the previous one untouched."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class WriteFailed(OSError):
    """One of several files could not be written; none of them was replaced."""

    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror)
        self.path, self.cause = path, cause


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then move it into place in one step."""
    write_all([(path, data)], wrap=False)


def write_all(files: list[tuple[Path, bytes]], wrap: bool = True) -> None:
    """Replace every file, or none: each is written in full beside its target before any is moved into place.

    A failure raises WriteFailed naming the file (or the OSError itself when `wrap` is false), and every
    target keeps its previous content. Only a failure of the final renames, which write no data, could
    leave some files replaced and others not.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            try:
                staged.append((_stage(path, data), path))
            except OSError as exc:
                raise WriteFailed(path, exc) if wrap else exc from None
        for temp_name, path in staged:
            os.replace(temp_name, path)
    except BaseException:  # also Ctrl-C: never leave a temporary file behind
        for temp_name, _path in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
        raise


def _stage(path: Path, data: bytes) -> str:
    """The data in a temporary file beside the target, synced to disk; its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, 0o644)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return temp_name
