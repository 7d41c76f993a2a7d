"""quote: a quotation, as text or with its attribution."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode

from octavo.core.model import Inline
from octavo.source.blocks.base import BlockType, Context
from octavo.source.shapes import Key, Shape, Value

SHAPE = Shape(
    "quote",
    "A quotation with its attribution.",
    (
        Key("text", Value.INLINE, "The quoted words (required; inline markup).", required=True),
        Key("attribution", Value.INLINE, "Who said or wrote them (inline markup)."),
        Key("id", Value.ID, "The quotation's anchor, for cross-references [#id] (which read \"the quotation\")."),
    ),
)


@dataclass(frozen=True)
class Quote:
    text: Inline
    attribution: Inline | None
    id: str | None = None  # an author's id, which cross-references link to
    kind: str = "quote"


def read(ctx: Context, node: Node, where: str) -> Quote | None:
    if isinstance(node, ScalarNode):
        text = ctx.inline(node, where)
        return Quote(text, None) if text else None
    fields = ctx.mapping(node, where, SHAPE.names, text_too=">-")
    if not isinstance(node, MappingNode) or not ctx.require(node, fields, "text", where):
        return None
    text = ctx.inline(fields["text"], f"{where}.text")
    attribution = ctx.optional_inline(fields, "attribution", f"{where}.attribution")
    anchor = ctx.resolver.author_id(fields["id"], where) if "id" in fields else None
    if anchor is not None:
        ctx.resolver.add_target(anchor, "quote")
    return Quote(text, attribution, anchor) if text else None


BLOCK = BlockType(
    "quote", "A quotation: its text, or a mapping with text and attribution.", (Value.INLINE, SHAPE), read
)
