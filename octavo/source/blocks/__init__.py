"""The block registry: every kind of block, octavo's own and those other installed packages add.

A block kind is one module (its YAML shape, its reading and checking, its model dataclass) and one
partial template, templates/blocks/<name>.html, shared by the print HTML and the EPUB. A package
adds a kind the way octavo's own are added: it exposes a BlockType under the entry point group
`octavo.blocks` (in its pyproject.toml: [project.entry-points."octavo.blocks"] name = "module:BLOCK")
and ships the partial in a `templates/blocks/` folder of the project, or as package data it names in
the BlockType's module.
"""

from __future__ import annotations

import os
import sys
from functools import cache

from octavo.source.blocks import box, code, definitions, figure, lists, math, quote, table, verse
from octavo.source.blocks.base import Block, BlockType, Context

__all__ = ["BUILTIN", "Block", "BlockType", "Context", "registry"]
ENTRY_POINT_GROUP = "octavo.blocks"

# The order is the order of the loader's messages ("expected figure, quote, list, ...").
BUILTIN: tuple[BlockType, ...] = (
    figure.BLOCK, quote.BLOCK, lists.BULLETS, lists.NUMBERED, verse.BLOCK, table.BLOCK,
    code.BLOCK, math.BLOCK, box.BLOCK, definitions.BLOCK,
)  # fmt: skip


@cache
def registry() -> dict[str, BlockType]:
    """Every block kind by name: octavo's own, then those of installed plugins (which cannot replace them)."""
    kinds = {kind.name: kind for kind in BUILTIN}
    if not plugins_installed():
        return kinds
    from importlib.metadata import entry_points

    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        kind = point.load()
        if not isinstance(kind, BlockType):
            raise TypeError(f"the entry point '{point.name}' in {ENTRY_POINT_GROUP} is not an octavo BlockType")
        if kind.name in kinds:
            raise TypeError(f"the block kind '{kind.name}' of entry point '{point.name}' is octavo's own")
        kinds[kind.name] = kind
    return kinds


def plugins_installed() -> bool:
    """Whether any installed package has an entry point in the group, as importlib.metadata finds them.

    Asking importlib.metadata costs every build about 20 ms (its import, and reading every installed
    package's metadata), and most installations have no plugin: the answer is kept in the user's cache
    under what it depends on, the installed packages' metadata folders and their entry_points.txt files.
    """
    from octavo.core.usercache import cached_bytes

    key = installed_metadata()
    if key is None:
        return _ask_importlib()
    return cached_bytes("plugins", key, lambda: b"1" if _ask_importlib() else b"0") == b"1"


def _ask_importlib() -> bool:
    from importlib.metadata import entry_points

    return bool(entry_points(group=ENTRY_POINT_GROUP))


def installed_metadata() -> bytes | None:
    """What importlib.metadata reads to find entry points: every folder on sys.path, each package metadata
    folder in it (.dist-info, .egg-info) with the size and time of its entry_points.txt, and every zip file
    on the path by its size and time. None when a finder other than Python's own may add packages."""
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return None
    parts = []
    for entry in sys.path:
        parts.append(f"path {entry}")
        try:
            children = sorted(os.listdir(entry or "."))
        except OSError:
            parts.append(_stamp(entry))  # a zip file, or nothing there
            continue
        for child in children:
            if child.lower().endswith(("dist-info", "egg-info")):
                parts.append(f"{child} {_stamp(os.path.join(entry, child, 'entry_points.txt'))}")
    return "\n".join(parts).encode("utf-8", "surrogateescape")


def _stamp(path: str) -> str:
    try:
        found = os.stat(path)
    except OSError:
        return "-"
    return f"{found.st_size} {found.st_mtime_ns}"
