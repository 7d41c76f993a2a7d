"""Hyphenation patterns kept parsed in the user's cache: each process reads English's in 4 ms instead of 50 ms.

WeasyPrint hyphenates with Pyphen, which parses a language's `hyph_*.dic` file the first time a process
hyphenates that language. A build of several articles with `--jobs` pays it in every worker. The parsed
patterns (a dict of strings to tuples of integers) are kept with `marshal`, keyed by Pyphen's version and
the file's path, size and time; patterns with non-standard hyphenation (objects, not integers) are not kept.
"""

from __future__ import annotations

import marshal
import threading
from pathlib import Path

import pyphen

from octavo.core.usercache import cached_bytes

_PARSER = pyphen.HyphDict  # Pyphen's own, kept before install() puts the cached one in its place
_ATTRIBUTES = {"patterns", "cache", "maxlen"}  # what Pyphen's HyphDict sets, in the versions this was made for
_NOT_KEPT = b""
_installed = threading.Lock()


class _KeptHyphDict(_PARSER):
    """A HyphDict made from the patterns kept in the cache, parsed (and kept) on the first use only."""

    def __init__(self, path: Path) -> None:
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


def install() -> None:
    """Pyphen makes its pattern dictionaries through the cache, from now on in this process."""
    with _installed:
        pyphen.HyphDict = _KeptHyphDict
