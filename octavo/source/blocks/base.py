"""What a block kind is (BlockType), and the Context a block module reads its YAML with."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from octavo.core.diagnostics import Report
from octavo.core.labels import Labels
from octavo.core.model import Inline, Paragraph
from octavo.source.reader import NodeReader, close_matches, kind_name, suggestion
from octavo.source.resolve import Resolver
from octavo.source.shapes import Shape, Value
from octavo.source.yamlsrc import colon_text, quote_the

Block = Any  # a block's model: a frozen dataclass with a `kind` field naming its BlockType
MAX_BLOCK_DEPTH = 6  # a body, and boxes inside boxes five deep: more than any text needs


@dataclass(frozen=True)
class BlockType:
    """A kind of block: the one key of a block mapping, the values it accepts, and how to read them.

    Its model is a frozen dataclass whose `kind` is the block's name; the print HTML and the EPUB
    render it with the partial templates/blocks/<name>.html.
    """

    name: str
    description: str  # one line, shown by editors as hover help
    forms: tuple[Value | Shape, ...]  # what the YAML value may be: text, a list, a mapping of this shape
    read: Callable[[Context, Node, str], Block | None]  # returns None when the block has errors
    templates: Path | None = None  # a plugin's folder that holds blocks/<name>.html (octavo's own: the theme)

    @property
    def template(self) -> str:
        return f"blocks/{self.name}.html"


class Context(NodeReader):
    """An article being read: the node reader, its resolver, and the block kinds to dispatch to."""

    def __init__(self, path: Path, root: Path, report: Report, kinds: dict[str, BlockType], prefix: str = "",
                 labels: Labels | None = None) -> None:  # fmt: skip
        super().__init__(path, root, report)
        self.kinds = kinds
        self.resolver = Resolver(self, prefix, labels)
        self.depth = 0  # how many lists of blocks enclose the one being read (a box's body is one deeper)

    def inline(self, node: Node, where: str, refs: bool = True, required: bool = False) -> Inline | None:
        """Inline text with its markup and note references, checked."""
        text = self.string(node, where)
        if text is None:
            return None
        if required and not text.strip():
            self.error(node, f"{where}: must not be empty")
            return None
        return self.resolver.inline_text(node, where, text, refs)

    def optional_inline(self, fields: dict[str, Node], key: str, where: str | None = None,
                        refs: bool = True) -> Inline | None:  # fmt: skip
        return self.inline(fields[key], where or key, refs) if key in fields else None

    def number(self, kind: str, id_node: Node | None = None, where: str = "") -> tuple[int, str]:
        """The next number and anchor of a numbered block (Figure 3, figure-3, or the author's `id`)."""
        return self.resolver.number(kind, id_node, where)

    def blocks(self, node: Node | None, where: str) -> tuple[Block, ...]:
        """A list of blocks, each read by its kind's module; nested at most MAX_BLOCK_DEPTH deep.

        The limit keeps every reader of the model, and the typesetter, far from Python's recursion limit.
        """
        if node is not None and self.depth >= MAX_BLOCK_DEPTH:
            self.error(node, f"{where}: blocks nested more than {MAX_BLOCK_DEPTH} levels deep (a box in a box in …)")
            return ()
        blocks = []
        self.depth += 1
        try:
            for i, item in enumerate(self.sequence(node, where)):
                block = self.block(item, f"{where}[{i}]")
                if block is not None:
                    blocks.append(block)
        finally:
            self.depth -= 1
        return tuple(blocks)

    def block(self, node: Node, where: str) -> Block | None:
        """One block: a paragraph (text), or a one-key mapping read by the module its key names."""
        if isinstance(node, ScalarNode):
            text = self.inline(node, where)
            return Paragraph(text) if text else None
        names = tuple(self.kinds)
        if not isinstance(node, MappingNode) or len(node.value) != 1:
            found = kind_name(node) if not isinstance(node, MappingNode) else f"{len(node.value)} keys"
            self.error(node, f"{where}: a block is text or a mapping with one of the keys "
                       f"{', '.join(names)} (found {found})")  # fmt: skip
            return None
        key_node, value = node.value[0]
        kind = key_node.value if isinstance(key_node, ScalarNode) else ""
        if kind not in self.kinds:
            self.error(key_node, f"{where}: unknown block '{kind}'{suggestion(kind, names)}"
                       f" (expected {', '.join(names)}){paragraph_hint(self, node, names)}")  # fmt: skip
            return None
        return self.kinds[kind].read(self, value, f"{where}.{kind}")


def paragraph_hint(ctx: Context, node: MappingNode, names: tuple[str, ...]) -> str:
    """Advice for a paragraph with ': ' in it (`- Note: see below`), which YAML reads as a one-key mapping."""
    text = colon_text(ctx.source, node)
    key, value = node.value[0]
    if text is None or value.style:  # a quoted text after the key is a block's value, not a sentence
        return ""
    # 'qoute: We will bury you' is a misspelt block; 'Note: ...' (not spelt like a key) is a sentence.
    if re.fullmatch(r"[a-z]+", key.value) and close_matches(key.value, names):
        return ""
    return f"; if this is a paragraph, {quote_the(text)}"
