"""list and numbered: bulleted and numbered lists of inline texts; an item may hold a list of its own."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from octavo.core.model import Inline
from octavo.source.blocks.base import BlockType, Context
from octavo.source.shapes import LIST_ITEM, MAX_LIST_DEPTH, Value

LIST_KINDS = ("list", "numbered")


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inline | ListItem, ...]
    kind: str = "list"
    level: int = 1  # 1 for a list in the text; 2 and 3 for lists inside an item of a list of this kind


@dataclass(frozen=True)
class NumberedList:
    items: tuple[Inline | ListItem, ...]
    kind: str = "numbered"
    level: int = 1  # numbered 1, 2, 3; a numbered list inside a numbered item a, b, c; one level deeper i, ii, iii


@dataclass(frozen=True)
class ListItem:
    """An item that holds a list: its text, then the list (`nested`) under it."""

    text: Inline
    nested: BulletList | NumberedList


def items(ctx: Context, node: Node, where: str, levels: tuple[str, ...]) -> tuple[Inline | ListItem, ...] | None:
    """A list's items; `levels` are the kinds of the lists from the outermost to this one."""
    found = ctx.sequence(node, where)
    if not found and isinstance(node, SequenceNode):
        ctx.error(node, f"{where}: a list needs at least one item")
    read = [item(ctx, value, f"{where}[{i}]", levels) for i, value in enumerate(found)]
    return tuple(read) if read and None not in read else None


def item(ctx: Context, node: Node, where: str, levels: tuple[str, ...]) -> Inline | ListItem | None:
    """A text, or a mapping of `text` and a `list` or `numbered` list inside the item."""
    if isinstance(node, SequenceNode):
        ctx.error(node, f"{where}: expected text, found a list; a list inside an item is written under the item's "
                  "text: `- text: …` and, indented beneath it, `list:` or `numbered:`")  # fmt: skip
        return None
    if not holds_a_list(node):
        return ctx.inline(node, where)  # a mapping made by a ': ' in a text is told to quote the text
    fields = ctx.mapping(node, where, LIST_ITEM.names)
    text = ctx.inline(fields["text"], f"{where}.text") if ctx.require(node, fields, "text", where) else None
    kinds = [kind for kind in LIST_KINDS if kind in fields]
    if len(kinds) > 1:
        ctx.error(fields[kinds[1]], f"{where}: an item holds one list, `list` or `numbered`, not both")
        return None
    if not kinds:
        if not any((id(node), kind) in ctx.misspelled for kind in LIST_KINDS):
            ctx.error(node, f"{where}: an item written as a mapping holds its `text` and a `list` or `numbered` "
                      "list inside it; an item without one is a text")  # fmt: skip
        return None
    kind, value = kinds[0], fields[kinds[0]]
    if len(levels) >= MAX_LIST_DEPTH:
        ctx.error(value, f"{where}.{kind}: lists nest at most {MAX_LIST_DEPTH} levels deep (a list in an item "
                  "of a list in an item of a list)")  # fmt: skip
        return None
    nested = read_list(ctx, kind, value, f"{where}.{kind}", levels)
    return ListItem(text, nested) if text is not None and nested is not None else None


def holds_a_list(node: Node) -> bool:
    """Whether a mapping is an item with a list inside (`text:` and `list:` or `numbered:`), rather than a text
    that a ': ' made a mapping (`- Tip: tape the bag`, `- list: what to pack`), which is told to quote it."""
    if not isinstance(node, MappingNode):
        return False
    pairs = [(key.value, value) for key, value in node.value if isinstance(key, ScalarNode)]
    if "text" in (key for key, _ in pairs) and len(node.value) > 1:
        return True
    return any(key in LIST_KINDS and not isinstance(value, ScalarNode) for key, value in pairs)


def read_list(ctx: Context, kind: str, node: Node, where: str,
              enclosing: tuple[str, ...] = ()) -> BulletList | NumberedList | None:  # fmt: skip
    """A list of either kind inside the lists `enclosing` (their kinds, outermost first; none in the text)."""
    found = items(ctx, node, where, (*enclosing, kind))
    if not found:
        return None
    level = 1 + enclosing.count(kind)
    return NumberedList(found, level=level) if kind == "numbered" else BulletList(found, level=level)


def read_bullets(ctx: Context, node: Node, where: str) -> BulletList | None:
    found = read_list(ctx, "list", node, where)
    return found if isinstance(found, BulletList) else None


def read_numbered(ctx: Context, node: Node, where: str) -> NumberedList | None:
    found = read_list(ctx, "numbered", node, where)
    return found if isinstance(found, NumberedList) else None


BULLETS = BlockType("list", "A bulleted list: texts, or items with a list inside them.", (Value.ITEMS,), read_bullets)
NUMBERED = BlockType("numbered", "A numbered list: texts, or items with a list inside them.", (Value.ITEMS,),
                     read_numbered)
