"""box: a framed aside of blocks (a note, a tip, a warning, key terms, an exercise); an id makes it a numbered Box."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node

from octavo.core.model import Inline
from octavo.source.blocks.base import Block, BlockType, Context
from octavo.source.reader import suggestion
from octavo.source.shapes import Key, Shape, Value

KINDS = ("note", "tip", "warning", "important", "exercise")

SHAPE = Shape(
    "box",
    "A framed aside that holds blocks; an id makes it a numbered Box.",
    (
        Key("title", Value.INLINE, "The title (inline markup)."),
        Key("kind", Value.CHOICE, f"What the box is, shown in its heading: {', '.join(KINDS)}.", choices=KINDS),
        Key("id", Value.ID, "The box's anchor, for cross-references; it makes the box a numbered Box."),
        Key("body", Value.BLOCKS, "The box's blocks (required): paragraphs, lists, definitions, …", required=True),
    ),
)


@dataclass(frozen=True)
class Box:
    title: Inline | None
    box_kind: str | None  # one of KINDS, or None for a plain box
    blocks: tuple[Block, ...]  # `blocks`, as a section's: octavo.core.model.iter_blocks looks inside
    number: int | None  # None: the box has no id and is not numbered
    id: str | None
    kind: str = "box"


def read(ctx: Context, node: Node, where: str) -> Box | None:
    fields = ctx.mapping(node, where, SHAPE.names)
    if not isinstance(node, MappingNode):
        return None
    errors = ctx.errors
    box_kind = None
    if "kind" in fields:
        box_kind = ctx.string(fields["kind"], f"{where}.kind")
        if box_kind is not None and box_kind not in KINDS:
            ctx.error(fields["kind"], f"{where}.kind: unknown kind of box '{box_kind}'"
                      f"{suggestion(box_kind, KINDS)} (expected {', '.join(KINDS)})")  # fmt: skip
    # Numbered before its body is read, so that a box's number comes before those of boxes inside it.
    number, anchor = ctx.number("box", fields["id"], where) if "id" in fields else (None, None)
    title = ctx.optional_inline(fields, "title", f"{where}.title")
    if not ctx.require(node, fields, "body", where):
        return None
    blocks = ctx.blocks(fields["body"], f"{where}.body")
    if not blocks and ctx.errors == errors:
        ctx.error(fields["body"], f"{where}.body: a box needs at least one block")
    if ctx.errors > errors:
        return None
    return Box(title, box_kind, blocks, number, anchor)


BLOCK = BlockType("box", "A framed aside of blocks with an optional title and kind; an id numbers it Box 1, 2, …",
                  (SHAPE,), read)  # fmt: skip
