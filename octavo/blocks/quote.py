"""quote: a quotation, as text or with its attribution."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode

from octavo.blocks.base import BlockType, Context
from octavo.model import Inline
from octavo.shapes import Key, Shape, Value

SHAPE = Shape(
    "quote",
    "A quotation with its attribution.",
    (
        Key("text", Value.INLINE, "The quoted words (required; inline markup).", required=True),
        Key("attribution", Value.INLINE, "Who said or wrote them (inline markup)."),
    ),
)


@dataclass(frozen=True)
class Quote:
    text: Inline
    attribution: Inline | None
    kind: str = "quote"


def read(ctx: Context, node: Node, where: str) -> Quote | None:
    if isinstance(node, ScalarNode):
        text = ctx.inline(node, where)
        return Quote(text, None) if text else None
    fields = ctx.mapping(node, where, SHAPE.names)
    if not isinstance(node, MappingNode) or not ctx.require(node, fields, "text", where):
        return None
    text = ctx.inline(fields["text"], f"{where}.text")
    attribution = ctx.optional_inline(fields, "attribution", "attribution")
    return Quote(text, attribution) if text else None


BLOCK = BlockType(
    "quote", "A quotation: its text, or a mapping with text and attribution.", (Value.INLINE, SHAPE), read
)
