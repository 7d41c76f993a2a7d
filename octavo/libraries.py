"""WeasyPrint's C libraries opened by their file names on Linux, without the search that costs each process 0.15 s.

WeasyPrint 70 tries several names for each library (`libpango-1.0-0`, `pango-1.0-0`, `pango-1.0`,
`libpango-1.0.so.0`, ...) and cffi hands every name that does not open as it stands to
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then `gcc` and `ld`: about 12 ms a name,
20 names in all (harfbuzz-vector, usually absent, costs six). The Linux file names come later in the same
lists and open directly. So while WeasyPrint's `text/ffi.py` runs, a name that does not open is simply not
found; should that leave a library unopened (one only the search knows of), the module runs again with
the search, as it always did.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import io
import sys
import threading
from collections.abc import Iterator, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

MODULE = "weasyprint.text.ffi"

_installed = threading.Lock()


class _FileNamesFirst(importlib.machinery.SourceFileLoader):
    """Runs a module with library searches answered "not found", then, if it failed, as it stands."""

    def exec_module(self, module: ModuleType) -> None:
        try:
            # WeasyPrint prints its installation help before it gives up on a library: not on this try.
            with _without_search(), contextlib.redirect_stdout(io.StringIO()):
                super().exec_module(module)
        except OSError:
            super().exec_module(module)


class _Finder:
    """A meta path finder for one module only: WeasyPrint's foreign function interface."""

    @staticmethod
    def find_spec(name: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> ModuleSpec | None:
        if name != MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return spec  # a zipped or frozen WeasyPrint: imported as it comes
        spec.loader = _FileNamesFirst(spec.loader.name, spec.loader.path)
        return spec


@contextlib.contextmanager
def _without_search() -> Iterator[None]:
    import ctypes.util

    search = ctypes.util.find_library
    # For the length of one import, under the import lock; octavo runs no other thread that looks for libraries.
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search


def install() -> None:
    """Open WeasyPrint's libraries by file name when it is imported (Linux only; elsewhere nothing changes)."""
    if not sys.platform.startswith("linux") or MODULE in sys.modules:
        return
    with _installed:
        if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
            sys.meta_path.insert(0, _Finder())
