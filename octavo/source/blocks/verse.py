"""verse: a poem or song; its line breaks are kept, and a blank line starts a new stanza."""

from __future__ import annotations

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
    text = ctx.string(node, where, block="|")
    if text is None:
        return None
    stanzas: list[tuple[Inline, ...]] = []
    stanza: list[Inline] = []
    start = 0  # where the line starts in the text, so that its problems are located on the poem's own line
    for line in text.split("\n"):
        if line.strip():
            stanza.append(ctx.resolver.inline_text(node, where, line.rstrip(), start=start))
        elif stanza:  # a blank line ends a stanza
            stanzas.append(tuple(stanza))
            stanza = []
        start += len(line) + 1
    if stanza:
        stanzas.append(tuple(stanza))
    if not stanzas:
        ctx.error(node, f"{where}: a verse needs at least one line")
        return None
    return Verse(tuple(stanzas))


BLOCK = BlockType(
    "verse", "A poem or song: one text, its line breaks kept; a blank line starts a stanza.", (Value.VERSE,), read
)
