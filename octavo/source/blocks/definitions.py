"""definitions: a glossary list of terms and their definitions, in the order written."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node

from octavo.core.model import Inline
from octavo.source.blocks.base import BlockType, Context
from octavo.source.reader import kind_name
from octavo.source.shapes import Value
from octavo.source.yamlsrc import position


@dataclass(frozen=True)
class Definitions:
    items: tuple[tuple[Inline, Inline], ...]  # (term, definition)
    kind: str = "definitions"


def read(ctx: Context, node: Node, where: str) -> Definitions | None:
    if not isinstance(node, MappingNode):
        ctx.error(node, f"{where}: expected a mapping of terms to their definitions, found a {kind_name(node)}")
        return None
    if not node.value:
        ctx.error(node, f"{where}: a list of definitions needs at least one term")
        return None
    errors = ctx.errors
    items = []
    seen: dict[str, Node] = {}  # a term without markup, case or extra spaces -> where it was first given
    for term_node, definition_node in node.value:
        term_text = ctx.string(term_node, f"{where}: a term")
        if term_text is None:
            continue
        label = f"{where}.{term_text}"
        if not term_text.strip():
            ctx.error(term_node, f"{where}: a term must not be empty")
            continue
        term = ctx.resolver.inline_text(term_node, label, term_text)
        same = " ".join((term.plain if term else term_text).split()).casefold()
        if same in seen:
            ctx.error(term_node, f"{label}: the term is given twice (first on line {position(seen[same])[0]})")
            continue
        seen[same] = term_node
        text = ctx.string(definition_node, label)
        if text is not None and not text.strip():
            ctx.error(definition_node, f"{label}: the definition is empty")
            continue
        definition = ctx.resolver.inline_text(definition_node, label, text) if text is not None else None
        if term is not None and definition is not None:
            items.append((term, definition))
    return Definitions(tuple(items)) if ctx.errors == errors else None


BLOCK = BlockType(
    "definitions",
    "A glossary list: a mapping of terms to their definitions, in the order written.",
    (Value.DEFINITIONS,),
    read,
)
