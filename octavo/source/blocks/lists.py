"""list and numbered: bulleted and numbered lists of inline texts."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import Node, SequenceNode

from octavo.core.model import Inline
from octavo.source.blocks.base import BlockType, Context
from octavo.source.shapes import Value


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inline, ...]
    kind: str = "list"


@dataclass(frozen=True)
class NumberedList:
    items: tuple[Inline, ...]
    kind: str = "numbered"


def items(ctx: Context, node: Node, where: str) -> tuple[Inline, ...] | None:
    found = ctx.sequence(node, where)
    if not found and isinstance(node, SequenceNode):
        ctx.error(node, f"{where}: a list needs at least one item")
    inlines = [ctx.inline(item, f"{where}[{i}]") for i, item in enumerate(found)]
    return tuple(inlines) if inlines and None not in inlines else None


def read_bullets(ctx: Context, node: Node, where: str) -> BulletList | None:
    found = items(ctx, node, where)
    return BulletList(found) if found else None


def read_numbered(ctx: Context, node: Node, where: str) -> NumberedList | None:
    found = items(ctx, node, where)
    return NumberedList(found) if found else None


BULLETS = BlockType("list", "A bulleted list: a list of texts.", (Value.ITEMS,), read_bullets)
NUMBERED = BlockType("numbered", "A numbered list: a list of texts.", (Value.ITEMS,), read_numbered)
