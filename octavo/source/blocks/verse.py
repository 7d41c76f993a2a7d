"""verse: a poem or song; its line breaks are kept, and a blank line starts a new stanza."""

from __future__ import annotations

import re
from dataclasses import dataclass

from yaml.nodes import Node

from octavo.core.model import Inline
from octavo.source.blocks.base import BlockType, Context
from octavo.source.shapes import Value


@dataclass(frozen=True)
class Verse:
    stanzas: tuple[tuple[Inline, ...], ...]
    kind: str = "verse"


def read(ctx: Context, node: Node, where: str) -> Verse | None:
    text = ctx.string(node, where)
    if text is None:
        return None
    stanzas = []
    for chunk in re.split(r"\n\s*\n", text.strip("\n")):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if lines:
            stanzas.append(tuple(ctx.resolver.inline_text(node, where, line) for line in lines))
    if not stanzas:
        ctx.error(node, f"{where}: a verse needs at least one line")
        return None
    return Verse(tuple(stanzas))


BLOCK = BlockType(
    "verse", "A poem or song: one text, its line breaks kept; a blank line starts a stanza.", (Value.VERSE,), read
)
