"""The block registry: every kind of block, octavo's own and those other installed packages add.

A block kind is one module (its YAML shape, its reading and checking, its model dataclass) and one
partial template, templates/blocks/<name>.html, shared by the print HTML and the EPUB. A package
adds a kind the way octavo's own are added: it exposes a BlockType under the entry point group
`octavo.blocks` (in its pyproject.toml: [project.entry-points."octavo.blocks"] name = "module:BLOCK")
and ships the partial in a `templates/blocks/` folder of the project, or as package data it names in
the BlockType's module.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from octavo.blocks import box, code, definitions, figure, lists, math, quote, table, verse
from octavo.blocks.base import Block, BlockType, Context

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
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        kind = point.load()
        if not isinstance(kind, BlockType):
            raise TypeError(f"the entry point '{point.name}' in {ENTRY_POINT_GROUP} is not an octavo BlockType")
        if kind.name in kinds:
            raise TypeError(f"the block kind '{kind.name}' of entry point '{point.name}' is octavo's own")
        kinds[kind.name] = kind
    return kinds
