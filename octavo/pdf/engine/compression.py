"""Each object of a PDF serialised (and compressed) once while pydyf writes it: the same bytes, several per cent less.

To make the second half of the trailer /ID, pydyf's `PDF.write` serialises the whole file again (`obj.data`
for every object), every stream compressed a second time at level 9. While octavo's own PDFs are written,
each object's bytes are kept when `Object.indirect` writes them and given again to the hash; the file is
the same, byte for byte (tests/test_engine.py builds one document with and without this and compares).
The check: `PDF.write(self, output, version, identifier, compress)` reads `indirect` and `data`, `indirect`
is a property of `Object`, and Stream, Dictionary, Array and String each define their own `data` property.
Without it pydyf writes as it does.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from octavo.pdf.engine.scope import Hook, Patch, active, parameters, register

_CLASSES = ("Stream", "Dictionary", "Array", "String")
_writing = threading.local()  # the bytes of each object written so far, while this thread writes a PDF


def _check() -> str | None:
    import pydyf

    write = getattr(getattr(pydyf, "PDF", None), "write", None)
    if parameters(write) != ["self", "output", "version", "identifier", "compress"]:
        return f"pydyf.PDF.write takes {parameters(write)}, not (self, output, version, identifier, compress)"
    if not {"indirect", "data"} <= set(write.__code__.co_names):
        return "pydyf.PDF.write does not write objects through .indirect and hash them through .data"
    if not isinstance(vars(pydyf.Object).get("indirect"), property):
        return "pydyf.Object.indirect is not a property"
    for name in _CLASSES:
        if not isinstance(vars(getattr(pydyf, name, object)).get("data"), property):
            return f"pydyf.{name} defines no data property of its own"
    return None


def _patches() -> list[Patch]:
    import pydyf

    write, indirect = pydyf.PDF.write, pydyf.Object.indirect.fget
    classes = [getattr(pydyf, name) for name in _CLASSES]
    serialise = {cls: cls.data.fget for cls in classes}

    def kept(cls: type) -> property:
        def data(obj: Any) -> bytes:
            made = getattr(_writing, "made", None)
            return made[id(obj)][1] if made is not None and id(obj) in made else serialise[cls](obj)

        return property(data)

    def indirect_once(obj: Any) -> bytes:
        made = getattr(_writing, "made", None)
        if made is not None and id(obj) not in made:
            own = next(c for c in type(obj).__mro__ if c in serialise)
            made[id(obj)] = (obj, serialise[own](obj))  # the object kept alive: its id is not reused
        return indirect(obj)

    @functools.wraps(write)
    def write_once(pdf: Any, *args: Any, **kwargs: Any) -> Any:
        if not active():  # the program's own PDF, written in another thread: pydyf as it comes
            return write(pdf, *args, **kwargs)
        _writing.made = {}
        try:
            return write(pdf, *args, **kwargs)
        finally:
            _writing.made = None

    write_once.octavo_once = True  # type: ignore[attr-defined]
    return [(pydyf.PDF, "write", write_once), (pydyf.Object, "indirect", property(indirect_once)),
            *((cls, "data", kept(cls)) for cls in classes)]  # fmt: skip


HOOK = register(Hook("compression", _check, _patches))
