"""Hyphenation patterns kept parsed in the user's cache: each process reads English's in 4 ms instead of 50 ms.

WeasyPrint hyphenates with Pyphen, which parses a language's `hyph_*.dic` file the first time a process
hyphenates that language. A build of several articles with `--jobs` pays it in every worker. The parsed
patterns (a dict of strings to tuples of integers) are kept with `marshal`, keyed by Pyphen's version and
the file's path, size and time; patterns with non-standard hyphenation (objects, not integers) are not kept.

While octavo lays out (`hooks()`), `pyphen.HyphDict` is this module's subclass of it, which makes its patterns
from the cache in octavo's threads and parses the file, as Pyphen does, in any other. Pyphen keeps the
dictionaries it made in `pyphen.hdcache`; those made while octavo laid out stay there, with the same patterns.
The check: `pyphen.HyphDict` is still Pyphen's own class, it takes one `path`, `Pyphen` makes its dictionaries
through it, and a parsed dictionary has exactly the attributes kept (else it is parsed each time, as before).
"""

from __future__ import annotations

import marshal
from pathlib import Path

import pyphen

from octavo.core.usercache import cached_bytes
from octavo.pdf.engine.scope import Hook, Patch, active, parameters, register

_PARSER = pyphen.HyphDict  # Pyphen's own, kept before the hook puts the cached one in its place
_ATTRIBUTES = {"patterns", "cache", "maxlen"}  # what Pyphen's HyphDict sets, in the versions this was made for
_NOT_KEPT = b""


class _KeptHyphDict(_PARSER):
    """A HyphDict made from the patterns kept in the cache, parsed (and kept) on the first use only."""

    def __init__(self, path: Path) -> None:
        if not active():  # a thread of the program's own, while octavo lays out in another: Pyphen as it comes
            super().__init__(path)
            return
        path = Path(path)
        parsed: list[_PARSER] = []

        def parse() -> bytes:
            parsed.append(_PARSER(path))
            return _dump(parsed[0])

        try:
            found = path.stat()
        except OSError:
            super().__init__(path)  # Pyphen's own error for a missing file
            return
        key = f"{pyphen.__version__}\0{path}\0{found.st_size}\0{found.st_mtime_ns}".encode()
        data = cached_bytes("hyphenation", key, parse)
        if parsed:
            self.__dict__.update(vars(parsed[0]))
        elif data == _NOT_KEPT:
            super().__init__(path)
        else:
            self.patterns, self.maxlen = marshal.loads(data)
            self.cache = {}


def _dump(parsed: _PARSER) -> bytes:
    if set(vars(parsed)) != _ATTRIBUTES or not all(
        type(start) is int and all(type(value) is int for value in values)
        for start, values in parsed.patterns.values()
    ):
        return _NOT_KEPT
    return marshal.dumps((parsed.patterns, parsed.maxlen))


def _check() -> str | None:
    if pyphen.HyphDict is not _PARSER:
        return "pyphen.HyphDict is not the class octavo's kept patterns extend (replaced since octavo was imported)"
    if parameters(_PARSER.__init__) != ["self", "path"]:
        return f"pyphen.HyphDict takes {parameters(_PARSER.__init__)}, not (self, path)"
    if "HyphDict" not in pyphen.Pyphen.__init__.__code__.co_names or not isinstance(pyphen.hdcache, dict):
        return "pyphen.Pyphen does not make its dictionaries through pyphen.HyphDict and pyphen.hdcache"
    if not isinstance(getattr(pyphen, "__version__", None), str):
        return "pyphen has no __version__ to key the kept patterns by"
    return None


def _patches() -> list[Patch]:
    return [(pyphen, "HyphDict", _KeptHyphDict)]


HOOK = register(Hook("hyphenation", _check, _patches))
