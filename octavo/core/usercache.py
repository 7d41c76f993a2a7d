"""Derived files kept between builds in the user's own cache folder: compiled templates, covers, scaled images."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from octavo import __version__

# Never a folder inside the project: a file there could come with a contributor's pull request, and the
# compiled templates kept here are code that runs. This folder is the user's own and private (0700).


@cache
def cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/octavo (else ~/.cache/octavo), private to the user; None when it cannot be so."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "octavo"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = folder.lstat()
        if stat.S_ISLNK(found.st_mode) or not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
            return None  # someone else's folder, or a link to one: nothing is read from it or written to it
        if stat.S_IMODE(found.st_mode) != 0o700:
            os.chmod(folder, 0o700)
    except (OSError, RuntimeError):  # no home folder, a read-only file system: build without the cache
        return None
    return folder


def cached_bytes(kind: str, key: bytes, make: Callable[[], bytes]) -> bytes:
    """The bytes `make()` gives, kept under a hash of `key` (which must hold every input of `make`)."""
    folder = cache_dir()
    if folder is None:
        return make()
    path = folder / kind / hashlib.sha256(__version__.encode() + b"\0" + key).hexdigest()
    with contextlib.suppress(OSError):
        return path.read_bytes()
    data = make()
    with contextlib.suppress(OSError):  # a cache that cannot be written is no reason to fail the build
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, path)  # whole or absent: a parallel build never reads half a file
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
    return data
