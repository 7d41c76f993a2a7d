"""code: a program listing, highlighted by Pygments; a caption or an id makes it a numbered Listing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from octavo.core.model import Inline
from octavo.source.blocks.base import BlockType, Context
from octavo.source.reader import suggestion
from octavo.source.shapes import Key, Shape, Value

SHAPE = Shape(
    "code",
    "A program listing; a caption or an id makes it a numbered Listing.",
    (
        Key("language", Value.LEXER, "The language: any Pygments lexer name or alias (python, yaml, console, …)."),
        Key("caption", Value.INLINE, "The caption (inline markup); it makes the listing a numbered Listing."),
        Key("id", Value.ID, "The listing's anchor, for cross-references; it makes the listing a numbered Listing."),
        Key("text", Value.LISTING, "The code (required), kept exactly as written; use a literal block.", required=True),
    ),
)
LEXERS_PAGE = "https://pygments.org/docs/lexers/"

# The tab-size of base.css, and the deepest indentation the stylesheets give continued rows (code-print.css): a
# line indented further wraps to 42 columns in, which leaves a row of 72 columns 30 to go on.
TAB_SIZE, MAX_INDENT = 4, 40
# One highlighted piece of a line: the CSS class of its token type (Pygments' short names, as its
# own HtmlFormatter writes them: k for a keyword, c1 for a comment) or "" for plain text; its text.
Span = tuple[str, str]


@dataclass(frozen=True)
class Code:
    lines: tuple[tuple[Span, ...], ...]  # the source lines, without their line breaks
    language: str | None  # the lexer's first alias (python, yaml), None for plain text
    caption: Inline | None
    number: int | None  # None: the listing has neither caption nor id, and is not numbered
    id: str | None
    kind: str = "code"

    @property
    def text(self) -> str:
        """The code as written (less the final line break of a YAML literal block)."""
        return "\n".join("".join(text for _, text in line) for line in self.lines)

    @property
    def indents(self) -> tuple[int, ...]:
        """Each line's indentation in columns (a tab to the next multiple of TAB_SIZE), at most MAX_INDENT:
        where the rows that continue a wrapped line start, two columns further in (templates/blocks/code.html)."""
        found = []
        for line in self.lines:
            text = "".join(piece for _, piece in line)
            lead = text[: len(text) - len(text.lstrip(" \t"))]
            found.append(min(len(lead.expandtabs(TAB_SIZE)), MAX_INDENT) if lead != text else 0)
        return tuple(found)


def read(ctx: Context, node: Node, where: str) -> Code | None:
    if isinstance(node, ScalarNode):  # `code: |` with the text alone: plain, unnumbered
        lines = listing_lines(ctx, node, where, None)
        return Code(lines, None, None, None, None) if lines is not None else None
    fields = ctx.mapping(node, where, SHAPE.names, text_too="|")
    if not isinstance(node, MappingNode):
        return None
    language = lexer_alias(ctx, fields["language"], f"{where}.language") if "language" in fields else None
    caption = ctx.optional_inline(fields, "caption", f"{where}.caption")
    if not ctx.require(node, fields, "text", where):
        return None
    lines = listing_lines(ctx, fields["text"], f"{where}.text", language)
    if lines is None or ("language" in fields and language is None):
        return None
    number, anchor = None, None
    if "caption" in fields or "id" in fields:
        number, anchor = ctx.number("listing", fields.get("id"), where)
    return Code(lines, language, caption, number, anchor)


def listing_lines(ctx: Context, node: Node, where: str, language: str | None) -> tuple[tuple[Span, ...], ...] | None:
    text = ctx.string(node, where, block="|")
    if text is None:
        return None
    if not text.strip():
        ctx.error(node, f"{where}: a listing needs at least one line that is not blank")
        return None
    # A literal block (`text: |`) ends in one line break that ends its last line; it is not a line of its own.
    return highlight(text.removesuffix("\n"), language)


def highlight(source: str, language: str | None) -> tuple[tuple[Span, ...], ...]:
    """The source split into lines of spans classed by token type; every character kept as written."""
    spans: list[Span] = [("", source)]
    if language is not None:
        from pygments.lexers import get_lexer_by_name  # Pygments is imported only for articles with listings

        # Some lexers need a line break at the end; it is added here and its empty last line dropped below.
        lexer = get_lexer_by_name(language, stripnl=False, stripall=False, ensurenl=False, tabsize=0)
        tokens = [(css_class(kind), text) for kind, text in lexer.get_tokens(source + "\n")]
        # Lexers are asked to keep the text as it is; should one not, the listing is shown unhighlighted.
        if "".join(text for _, text in tokens) == source + "\n":
            spans = tokens
    lines: list[list[Span]] = [[]]
    for name, text in spans:
        for index, piece in enumerate(text.split("\n")):
            if index:
                lines.append([])
            if piece:
                lines[-1].append((name, piece))
    if len(lines) > source.count("\n") + 1:
        lines.pop()  # the empty line after the line break added for the lexer
    return tuple(joined(line) for line in lines)


def joined(pieces: list[Span]) -> tuple[Span, ...]:
    """A line's pieces with neighbours of one class as one span, and white space never a span of its own.

    WeasyPrint draws no glyphs for a run of spaces alone, so an indentation by itself would be missing
    from the PDF's text, and from what a reader copies: spaces go with the token after them, or at the
    end of a line with the one before. (Monospaced faces give a space one width in every style.)
    """
    out: list[Span] = []
    spaces = ""
    for name, text in pieces:
        if not text.strip():
            spaces += text
            continue
        text, spaces = spaces + text, ""
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + text)
        else:
            out.append((name, text))
    if spaces:
        out[-1:] = [(out[-1][0], out[-1][1] + spaces)] if out else [("", spaces)]
    return tuple(out)


def css_class(kind: Any) -> str:
    """Pygments' short class of a token type, or of its nearest standard parent; plain text has none."""
    from pygments.token import STANDARD_TYPES, Token

    while kind not in STANDARD_TYPES:
        kind = kind.parent
    return "" if kind in (Token.Text, Token.Text.Whitespace) else STANDARD_TYPES[kind]


def lexer_alias(ctx: Context, node: Node, where: str) -> str | None:
    """The first alias of the lexer the author named (by any of its aliases or its name, in any case)."""
    wanted = ctx.string(node, where)
    if wanted is None:
        return None
    found = lexer_names().get(wanted.strip().lower())
    if found is None:
        hint = suggestion(wanted.strip().lower(), tuple(lexer_names()))
        ctx.error(node, f"{where}: unknown language '{wanted}'{hint}; any Pygments lexer name or alias "
                  f"works ({LEXERS_PAGE})")  # fmt: skip
    return found


@cache
def lexer_names() -> dict[str, str]:
    """Every lexer's aliases and name, lower-cased, each to the alias that loads the lexer."""
    from pygments.lexers import get_all_lexers

    names: dict[str, str] = {}
    for name, aliases, _files, _types in get_all_lexers():
        if aliases:  # a lexer without an alias cannot be loaded by name
            for key in (*aliases, name):
                names.setdefault(key.lower(), aliases[0])
    return names


BLOCK = BlockType(
    "code",
    "A code listing: its text, or a mapping with text, language, caption and id; numbered Listing 1, 2, … "
    "when it has a caption or an id.",
    (Value.LISTING, SHAPE),
    read,
)
