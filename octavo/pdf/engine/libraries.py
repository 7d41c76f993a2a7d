"""WeasyPrint's C libraries opened by file name, and its C declarations read parsed: 0.2 s less for a process.

WeasyPrint 70 tries several names for each library (`libpango-1.0-0`, `pango-1.0-0`, `pango-1.0`,
`libpango-1.0.so.0`, ...) and cffi hands every name that does not open as it stands to
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then `gcc` and `ld`: about 12 ms a name,
20 names in all (harfbuzz-vector, usually absent, costs six). The Linux file names come later in the same
lists and open directly. So while WeasyPrint's `text/ffi.py` runs, a name that does not open is simply not
found; should that leave a library unopened (one only the search knows of), the module runs again with
the search, as it always did.

The same module also parses WeasyPrint's C declarations with cffi's parser (pycparser) in every process:
30 ms, and as much again for the type names its layout then asks for. On that fast path the declarations
are read instead from cffi's own out-of-line form of them (generated Python, kept in the user's cache like
the compiled templates, keyed by cffi's version and the declarations' text), which needs no parser at all.
Anything unexpected in the module's text (another WeasyPrint) leaves the module to run as it stands.

Both hold for octavo's own first import of WeasyPrint only (`load_weasyprint`): the finder is on
`sys.meta_path` for the length of that import, and `ctypes.util.find_library` answers "not found" only to the
thread that imports, only while the module runs. Should WeasyPrint already be imported (by the program that
uses octavo), nothing changes. The check (`_check`) looks for the module's source file, the `ffi.cdef` statement
in the form above and the `_dlopen` helper, and cffi's out-of-line writer; anything else: imported as it comes.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import io
import re
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import CodeType, ModuleType

from octavo.core.usercache import cache_dir, cached_bytes
from octavo.pdf.engine.scope import Hook, say_once

MODULE = "weasyprint.text.ffi"

_importing = threading.Lock()


# `ffi = cffi.FFI()` then `ffi.cdef('''...''')`, as WeasyPrint 70 writes them.
_DECLARATIONS = re.compile(r"^ffi = cffi\.FFI\(\)\nffi\.cdef\('''(.*?)'''\)\n", re.S | re.M)


class _FileNamesFirst(importlib.machinery.SourceFileLoader):
    """Runs the module with its declarations already parsed and library searches answered "not found";
    if a library is then missing, runs it again as it stands."""

    def exec_module(self, module: ModuleType) -> None:
        try:
            # WeasyPrint prints its installation help before it gives up on a library: not on this try.
            with _without_search(), contextlib.redirect_stdout(io.StringIO()):
                prepared = _with_declarations_parsed(self.get_data(self.path).decode("utf-8"), self.path)
                if prepared is None:
                    say_once(HOOK.name, "WeasyPrint's C declarations are parsed as it parses them (none kept)")
                    super().exec_module(module)
                else:
                    code, module.ffi = prepared
                    exec(code, module.__dict__)  # WeasyPrint's own module, less two statements
        except OSError:
            super().exec_module(module)


def _with_declarations_parsed(source: str, filename: str) -> tuple[CodeType, object] | None:
    """The module's code without its `cdef`, and the FFI it made, from the out-of-line form; None if not so."""
    found = _DECLARATIONS.search(source)
    if found is None or cache_dir() is None:
        return None
    try:
        import cffi

        declarations = found.group(1)
        generated = cached_bytes("weasyprint-ffi", f"{cffi.__version__}\0{declarations}".encode(),
                                 lambda: _out_of_line(declarations))  # fmt: skip
        namespace: dict[str, object] = {}
        exec(compile(generated, "weasyprint-ffi (cffi out-of-line)", "exec"), namespace)
        # Blank lines in place of the two statements: line numbers in tracebacks stay WeasyPrint's.
        rest = source[: found.start()] + "\n" * found.group(0).count("\n") + source[found.end() :]
        return compile(rest, filename, "exec"), namespace["ffi"]
    except Exception:  # any surprise: the module runs as it stands
        return None


def _out_of_line(declarations: str) -> bytes:
    """cffi's out-of-line ABI module for the declarations: Python that builds the FFI without parsing."""
    import cffi

    builder = cffi.FFI()
    builder.cdef(declarations)
    builder.set_source("_weasyprint_ffi", None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "_weasyprint_ffi.py"
        builder.emit_python_code(str(path))
        return path.read_bytes()


class _Finder:
    """A meta path finder for one module only: WeasyPrint's foreign function interface, in one thread."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:  # fmt: skip
        if name != MODULE or threading.get_ident() != self.thread:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return spec  # a zipped or frozen WeasyPrint: imported as it comes
        spec.loader = _FileNamesFirst(spec.loader.name, spec.loader.path)
        return spec


@contextlib.contextmanager
def _without_search() -> Iterator[None]:
    import ctypes.util

    search, thread = ctypes.util.find_library, threading.get_ident()

    def not_searched(name: str) -> str | None:
        return None if threading.get_ident() == thread else search(name)  # another thread searches as ever

    ctypes.util.find_library = not_searched
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _check() -> str | None:
    """What differs from the WeasyPrint this was made for: its platform, its ffi module's text, cffi's writer."""
    if not sys.platform.startswith("linux"):
        return "libraries are opened by file name on Linux only"
    spec = importlib.util.find_spec("weasyprint")  # the package's spec only: nothing of it is run
    if spec is None or not spec.submodule_search_locations:
        return "WeasyPrint is not installed as a package of source files"
    source = Path(next(iter(spec.submodule_search_locations))) / "text" / "ffi.py"
    try:
        text = source.read_text(encoding="utf-8")
    except OSError:
        return f"no {MODULE} source file"
    if _DECLARATIONS.search(text) is None or "def _dlopen(" not in text:
        return f"{MODULE} does not declare and open its libraries as WeasyPrint 70 does"
    import cffi

    if not all(hasattr(cffi.FFI, name) for name in ("cdef", "set_source", "emit_python_code")):
        return "cffi has no out-of-line writer (FFI.set_source, FFI.emit_python_code)"
    return None


HOOK = Hook("libraries", _check)  # installed around octavo's first import of WeasyPrint only, not by hooks()


def load_weasyprint() -> ModuleType:
    """WeasyPrint, imported the first time with its libraries opened by file name (Linux) and its declarations
    read parsed; the finder is gone again once the import is done. Already imported: as it is."""
    module = sys.modules.get("weasyprint")
    if module is not None:
        return module
    with _importing:
        if "weasyprint" not in sys.modules and MODULE not in sys.modules and HOOK.usable():
            finder = _Finder()
            sys.meta_path.insert(0, finder)
            try:
                import weasyprint
            finally:
                sys.meta_path.remove(finder)
        import weasyprint
    return weasyprint
