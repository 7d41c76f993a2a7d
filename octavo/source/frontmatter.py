"""A book's front and back matter keys: ISBNs per edition, the copyright page's facts, dedication, colophon."""

from __future__ import annotations

import re

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from octavo.core.model import Epigraph, FrontMatter, Inline
from octavo.core.printspec import isbn13
from octavo.source import shapes
from octavo.source.blocks import Context
from octavo.source.reader import kind_name


def read_front_matter(ctx: Context, fields: dict[str, Node]) -> FrontMatter:
    """The book's front and back matter, each key checked where it is written; what is wrong is left out."""
    colophon = fields.get("colophon")
    default_colophon = isinstance(colophon, ScalarNode) and colophon.value.strip().lower() in ("true", "false")
    return FrontMatter(
        isbns=read_isbns(ctx, fields.get("isbn")),
        edition=_text(ctx, fields, "edition"),
        publisher_address=_text(ctx, fields, "publisher-address"),
        credits=tuple(ctx.string_list(fields.get("credits"), "credits")),
        printing=_printing(ctx, fields.get("printing")),
        dedication=read_paragraphs(ctx, fields.get("dedication"), "dedication"),
        epigraph=_epigraph(ctx, fields.get("epigraph")),
        about_the_author=read_paragraphs(ctx, fields.get("about-the-author"), "about-the-author"),
        colophon=() if default_colophon else read_paragraphs(ctx, colophon, "colophon"),
        default_colophon=default_colophon and colophon.value.strip().lower() == "true",  # type: ignore[union-attr]
    )


def read_isbns(ctx: Context, node: Node | None) -> tuple[tuple[str, str, str], ...]:
    """`isbn`: one ISBN-13 (its edition "") or a mapping of editions to ISBN-13s, each (edition, digits, as written);
    the check digit must be right."""
    if node is None:
        return ()
    given = ctx.mapping(node, "isbn", shapes.ISBN_FORMATS) if isinstance(node, MappingNode) else {"": node}
    found = []
    for name, value in given.items():
        digits = _isbn(ctx, value, f"isbn.{name}" if name else "isbn")
        if digits:
            found.append((name, digits, value.value.strip()))
    return tuple(found)


def paperback_isbn(isbns: tuple[tuple[str, str, str], ...]) -> str | None:
    """The ISBN the paperback's cover carries: the paperback's own, else the book's one ISBN."""
    given = {edition: digits for edition, digits, _written in isbns}
    return given.get("paperback") or given.get("")


def read_paragraphs(ctx: Context, node: Node | None, where: str) -> tuple[Inline, ...]:
    """Paragraphs of inline text: a text whose blank lines part them, or a list of texts; problems located."""
    if node is None:
        return ()
    if isinstance(node, SequenceNode):
        return tuple(p for i, item in enumerate(node.value) for p in read_paragraphs(ctx, item, f"{where}[{i}]"))
    return text_paragraphs(ctx, node, where, "|")


def text_paragraphs(ctx: Context, node: Node, where: str, block: str = ">-") -> tuple[Inline, ...]:
    """The paragraphs of one text, parted by its blank lines, each problem located; a text is expected."""
    text = ctx.string(node, where, block)
    if not text or not isinstance(node, ScalarNode):
        return ()
    paragraphs = []
    for found in re.finditer(r"(?:(?!\n[ \t]*\n).)+", text, re.DOTALL):  # the runs between blank lines
        words = found[0].strip()
        if words:
            start = found.start() + len(found[0]) - len(found[0].lstrip())
            inline = ctx.resolver.inline_text(node, where, words, refs=False, start=start)
            paragraphs += [inline] if inline is not None else []
    return tuple(paragraphs)


def _isbn(ctx: Context, node: Node, where: str) -> str | None:
    text = ctx.string(node, where)
    if text is None:
        return None
    try:
        return isbn13(text)
    except ValueError as problem:
        ctx.error(node, f"{where}: {problem}")
        return None


def _text(ctx: Context, fields: dict[str, Node], key: str) -> str | None:
    text = ctx.optional_string(fields, key)
    return text.strip() or None if text is not None else None


def _printing(ctx: Context, node: Node | None) -> int | None:
    text = ctx.string(node, "printing") if node is not None else None
    if text is None:
        return None
    if not re.fullmatch(shapes.PRINTING_PATTERN, text):
        ctx.error(node, f"printing: expected this printing's number, a whole number from 1 to 999, not '{text}'")
        return None
    return int(text)


def _epigraph(ctx: Context, node: Node | None) -> Epigraph | None:
    """`epigraph`: a text, or a mapping of its text and source."""
    if node is None:
        return None
    if not isinstance(node, MappingNode):
        if not isinstance(node, ScalarNode | SequenceNode):
            ctx.error(node, f"epigraph: expected a text or a mapping with keys text, source, found a {kind_name(node)}")
            return None
        text = read_paragraphs(ctx, node, "epigraph")
        return Epigraph(text) if text else None
    fields = ctx.mapping(node, "epigraph", shapes.EPIGRAPH.names)
    if not ctx.require(node, fields, "text", "epigraph"):
        return None
    text = read_paragraphs(ctx, fields["text"], "epigraph.text")
    source = ctx.optional_inline(fields, "source", "epigraph.source", refs=False)
    return Epigraph(text, source if source is not None and source.plain.strip() else None) if text else None
