"""The content format as data: every mapping's keys, their value types and descriptions, the block kinds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

# The loader checks these patterns and the JSON Schema states them, so both read the same strings.
# They are written in the common subset of Python's and ECMA-262's regular expressions (editors
# evaluate schema patterns as JavaScript): [0-9] rather than \d, which is wider in Python, and
# ^...$ meant for a full match.
DATE_PATTERN = r"^([0-9]{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?$"
ASPECT_PATTERN = r"^\s*([0-9]{1,4})\s*[:/x]\s*([0-9]{1,4})\s*$"
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"
NOTE_KEY_PATTERN = r"^[^\s\[\]^]+$"
# Only the syntax every BCP 47 tag has (subtags of 1 to 8 letters or digits); the loader asks
# langcodes whether the tag is valid, which a pattern cannot say.
LANGUAGE_PATTERN = r"^[A-Za-z0-9]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$"

DEFAULT_ASPECT = (3, 2)
MAX_SECTION_DEPTH = 3


class Value(StrEnum):
    """What a key's value may be, as the loader reads it (every YAML scalar is text to the loader)."""

    TEXT = "text"  # plain text, shown as written; may be empty
    INLINE = "inline"  # text with inline markup; may be empty
    HEADING = "heading"  # inline text that must not be empty or blank (titles)
    NAMES = "names"  # a list of plain texts, or one plain text
    DATE = "date"  # YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date
    LANGUAGE = "language"  # a BCP 47 language tag
    ID = "id"  # an anchor name: a letter, then letters, digits, '-', '_' or '.'
    IMAGE = "image"  # an image path relative to the file; empty means a placeholder
    COVER = "cover"  # an image path relative to the file; must name a file
    ASPECT = "aspect"  # width:height, width/height or widthxheight in whole numbers
    VERSE = "verse"  # text with at least one non-blank line
    ITEMS = "items"  # a non-empty list of inline texts
    CELLS = "cells"  # a list of inline texts (one table row)
    ROWS = "rows"  # a non-empty list of rows
    BLOCKS = "blocks"  # a list of blocks
    SECTIONS = "sections"  # a list of sections, nested MAX_SECTION_DEPTH deep at most
    NOTES = "notes"  # a mapping of note keys (NOTE_KEY_PATTERN) to inline texts
    ARTICLE_FILES = "article files"  # a non-empty list of article paths relative to the book


@dataclass(frozen=True)
class Key:
    name: str
    value: Value
    description: str  # one line, shown by editors as hover help
    required: bool = False


@dataclass(frozen=True)
class Shape:
    """A mapping: its keys in the order messages list them, and which of them must be given."""

    name: str
    description: str
    keys: tuple[Key, ...]
    needs_one_of: tuple[str, ...] = ()  # at least one of these keys must be given

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys if key.required)


@dataclass(frozen=True)
class BlockKind:
    """A kind of block: the one key of a block mapping, and the values it accepts."""

    name: str
    description: str
    forms: tuple[Value | Shape, ...]


METADATA = (
    Key("title", Value.HEADING, "The title (required; inline markup, no note references).", required=True),
    Key("subtitle", Value.INLINE, "A subtitle (inline markup, no note references)."),
    Key("authors", Value.NAMES, "The authors: a list of names, or one name."),
    Key("publisher", Value.TEXT, "The publisher."),
    Key("date", Value.DATE, "The publication date: YYYY, YYYY-MM or YYYY-MM-DD."),
    Key("language", Value.LANGUAGE, "The language, a BCP 47 tag such as en, fr or pt-BR (default en)."),
    Key("identifier", Value.TEXT, "A unique identifier such as urn:isbn:…; default: a stable urn:uuid."),
    Key("description", Value.TEXT, "A short plain-text summary."),
    Key("rights", Value.TEXT, "The rights statement, such as CC BY-SA 4.0."),
    Key("keywords", Value.NAMES, "Keywords: a list, or one keyword."),
    Key("cover", Value.COVER, "A cover image, relative to this file; without one a cover is generated."),
)

SECTION = Shape(
    "section",
    "A section: a title, its blocks and its subsections.",
    (
        Key("title", Value.HEADING, "The section title (required; inline markup, no note references).", required=True),
        Key("id", Value.ID, "The section's anchor; default: a slug of the title, made unique."),
        Key("body", Value.BLOCKS, "The section's blocks: paragraphs, figures, quotes, lists, verse, tables."),
        Key("sections", Value.SECTIONS, f"Subsections (sections nest at most {MAX_SECTION_DEPTH} levels deep)."),
    ),
)

ARTICLE = Shape(
    "article",
    "An article: metadata, lead blocks, sections and notes.",
    (
        *METADATA,
        Key("body", Value.BLOCKS, "Lead blocks that come before the first section."),
        Key("sections", Value.SECTIONS, f"The sections; they nest at most {MAX_SECTION_DEPTH} levels deep."),
        Key("notes", Value.NOTES, "Endnotes: a word or number as key, the note's text as value; cited as [^key]."),
    ),
)

EDITORS = "The editors: a list of names, or one name."
BOOK = Shape(
    "book",
    "A book: metadata and the article files it collects, built into one PDF and one EPUB.",
    (
        # A book's authors are its editors.
        *(replace(key, description=EDITORS) if key.name == "authors" else key for key in METADATA),
        Key("articles", Value.ARTICLE_FILES, "The article files, in order, relative to this file.", required=True),
    ),
)

FIGURE = Shape(
    "figure",
    "An image with its caption; without an image file it is drawn as a placeholder.",
    (
        Key("image", Value.IMAGE, "The image file, relative to this file; none or missing: a placeholder."),
        Key("caption", Value.INLINE, "The caption (inline markup); a caption or an alt text is required."),
        Key("alt", Value.TEXT, "What the image shows, for readers who cannot see it."),
        Key("credit", Value.INLINE, "Who made the image (inline markup)."),
        Key("aspect", Value.ASPECT, "The placeholder's shape, width:height such as 4:3 (default 3:2)."),
    ),
    needs_one_of=("caption", "alt"),
)

QUOTE = Shape(
    "quote",
    "A quotation with its attribution.",
    (
        Key("text", Value.INLINE, "The quoted words (required; inline markup).", required=True),
        Key("attribution", Value.INLINE, "Who said or wrote them (inline markup)."),
    ),
)

TABLE = Shape(
    "table",
    "A table: rows of cells, an optional header row and caption.",
    (
        Key("caption", Value.INLINE, "The caption (inline markup)."),
        Key("header", Value.CELLS, "The header row: a list of cells."),
        Key("rows", Value.ROWS, "The rows (required): each a list of cells, as many as the header's.", required=True),
    ),
)

PARAGRAPH = "A paragraph of text (inline markup and note references allowed)."

# The order is the order of the loader's messages ("expected figure, quote, list, ...").
BLOCKS = (
    BlockKind("figure", "An image or a placeholder with its caption, numbered Figure 1, 2, …", (FIGURE,)),
    BlockKind("quote", "A quotation: its text, or a mapping with text and attribution.", (Value.INLINE, QUOTE)),
    BlockKind("list", "A bulleted list: a list of texts.", (Value.ITEMS,)),
    BlockKind("numbered", "A numbered list: a list of texts.", (Value.ITEMS,)),
    BlockKind("verse", "A poem or song: one text, its line breaks kept; a blank line starts a stanza.", (Value.VERSE,)),
    BlockKind("table", "A table of rows with an optional header and caption, numbered Table 1, 2, …", (TABLE,)),
)

SHAPES = (ARTICLE, BOOK, SECTION, FIGURE, QUOTE, TABLE)
