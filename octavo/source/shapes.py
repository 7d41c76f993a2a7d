"""The content format as data: every mapping's keys, their value types and descriptions."""

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
WIDTH_PATTERN = r"^\s*([0-9]{1,3})\s*%\s*$"
# A book's print trim (octavo.core.printspec reads it): WIDTHxHEIGHT and a unit; an ISBN-13 with or without hyphens.
TRIM_PATTERN = r"^\s*[0-9]+(\.[0-9]+)?\s*[x×]\s*[0-9]+(\.[0-9]+)?\s*([Ii][Nn]|[Mm][Mm]|[Cc][Mm])\s*$"
ISBN_PATTERN = r"^\s*97[89]([ -]?[0-9]){10}\s*$"
PRINTING_PATTERN = r"^\s*[1-9][0-9]{0,2}\s*$"  # a printing's number: 1 to 999
SWITCHES = ("auto", "true", "false")  # in any case: YAML's True and FALSE are the same words
SWITCH_PATTERN = r"^([Aa][Uu][Tt][Oo]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$"
FLAG_PATTERN = r"^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$"

DEFAULT_ASPECT = (3, 2)
MAX_SECTION_DEPTH = 3
MAX_LIST_DEPTH = 3  # a list, a list in one of its items, and a list in one of those


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
    ITEMS = "items"  # a non-empty list of items: inline texts, or LIST_ITEM mappings (lists nest MAX_LIST_DEPTH deep)
    CELLS = "cells"  # a list of inline texts (one table row)
    ROWS = "rows"  # a non-empty list of rows
    BLOCKS = "blocks"  # a list of blocks
    SECTIONS = "sections"  # a list of sections, nested MAX_SECTION_DEPTH deep at most
    NOTES = "notes"  # a mapping of note keys (NOTE_KEY_PATTERN) to inline texts
    ARTICLE_FILES = "article files"  # a non-empty list of article paths relative to the book
    TEX = "tex"  # LaTeX mathematics, not empty or blank
    REFERENCES = "references"  # a .json (CSL-JSON) or .bib file relative to the file, or a list of CSL-JSON items
    CITATION_STYLE = "citation style"  # the name of a bundled CSL style, or a .csl file relative to the file
    LEXER = "lexer"  # the name or an alias of a Pygments lexer (a code listing's language)
    LISTING = "listing"  # text kept exactly as written, with at least one non-blank line
    CHOICE = "choice"  # one of the words the key lists as its `choices`
    DEFINITIONS = "definitions"  # a non-empty mapping of terms to definitions, both inline texts
    SWITCH = "switch"  # auto, true or false (SWITCHES), where auto leaves the choice to octavo
    FLAG = "flag"  # true or false, in any case
    WIDTH = "width"  # a share of the measure in percent, 10% to 100%
    ACCESSIBILITY = "accessibility"  # who vouches for the EPUB's accessibility: a mapping of the ACCESSIBILITY shape
    INDEX_SEE = "index see"  # a mapping of index headings to the heading, or list of headings, they refer to
    PRINT = "print"  # a book's print settings: a mapping of the PRINT shape
    TRIM = "trim"  # WIDTHxHEIGHT and a unit (TRIM_PATTERN), such as 6x9in
    ISBN = "isbn"  # an ISBN-13 (ISBN_PATTERN) whose check digit is right
    ISBNS = "isbns"  # an ISBN, or a mapping of ISBN_FORMATS to ISBNs (one per edition: paperback, EPUB, …)
    PRINTING = "printing"  # a whole number from 1 to 999 (PRINTING_PATTERN)
    PARAGRAPHS = "paragraphs"  # inline text, a blank line between two paragraphs; or a list of paragraphs
    EPIGRAPH = "epigraph"  # paragraphs, or a mapping of the EPIGRAPH shape (its text and source)
    COLOPHON = "colophon"  # true (octavo writes one), false, or paragraphs


@dataclass(frozen=True)
class Key:
    name: str
    value: Value
    description: str  # one line, shown by editors as hover help
    required: bool = False
    choices: tuple[str, ...] = ()  # the words a Value.CHOICE key accepts


@dataclass(frozen=True)
class Shape:
    """A mapping: its keys in the order messages list them, and which of them must be given."""

    name: str
    description: str
    keys: tuple[Key, ...]
    needs_one_of: tuple[str, ...] = ()  # at least one of these keys must be given
    only_one_of: bool = False  # and no more than one of them

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys if key.required)


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
    Key("accessibility", Value.ACCESSIBILITY, "Who vouches for the EPUB's accessibility (EPUB Accessibility 1.1, "
        "WCAG 2.1 AA): certified-by, certifier-credential, conforms."),
)

ACCESSIBILITY = Shape(
    "accessibility",
    "The EPUB's accessibility conformance claim: who vouches for it (docs/epub-stores.md).",
    (
        Key("certified-by", Value.TEXT, "Who checked the EPUB's accessibility and vouches for it; default: the "
            "publisher, else the authors (the publication certifies itself)."),
        Key("certifier-credential", Value.TEXT, "The certifier's credential, such as an accessibility "
            "certification they hold."),
        Key("conforms", Value.FLAG, "false: claim no conformance to EPUB Accessibility 1.1 (the EPUB still "
            "describes its accessibility); default true."),
    ),
)

SECTION = Shape(
    "section",
    "A section: a title, its blocks and its subsections.",
    (
        Key("title", Value.HEADING, "The section title (required; inline markup, no note references).", required=True),
        Key("id", Value.ID, "The section's anchor; default: a slug of the title, made unique."),
        Key("body", Value.BLOCKS, "The section's blocks: paragraphs, figures, tables, listings, boxes, …"),
        Key("sections", Value.SECTIONS, f"Subsections (sections nest at most {MAX_SECTION_DEPTH} levels deep)."),
    ),
)

# An item of a list or numbered list that holds a list of its own; an item without one is a text.
LIST_ITEM = Shape(
    "list-item",
    "A list item with a list inside it: its text, then a bulleted or a numbered list.",
    (
        Key("text", Value.INLINE, "The item's text (inline markup and note references allowed).", required=True),
        Key("list", Value.ITEMS, f"A bulleted list inside the item (lists nest at most {MAX_LIST_DEPTH} levels deep)."),
        Key("numbered", Value.ITEMS, f"A numbered list inside the item (lists nest at most {MAX_LIST_DEPTH} "
            "levels deep)."),
    ),
    needs_one_of=("list", "numbered"),
    only_one_of=True,
)

REFERENCE_KEYS = (
    Key("references", Value.REFERENCES, "What citations [@key] cite: a .json (CSL-JSON) or .bib file, "
        "or a list of CSL-JSON items."),
    Key("citation-style", Value.CITATION_STYLE, "The CSL style of citations and references: "
        "chicago-author-date (default), apa, modern-language-association, or a .csl file."),
)

INDEX_SEE = Key("index-see", Value.INDEX_SEE, "Cross-references in the index: a heading, and the heading or list of "
                "headings it refers to (\"see\"; \"see also\" when the heading is marked itself).")
FOOTNOTES = ("true: the notes as footnotes (at the foot of the page in print, pop-up notes in the EPUB); "
             "false (the default): endnotes. `--notes` on the command line wins.")
SMART = Key("smart", Value.SWITCH, "Smart punctuation (curly quotes in the language's style, ’, –, —, …): "
            "true, false, or auto (the default: the book's setting, else true).")
ARTICLE = Shape(
    "article",
    "An article: metadata, lead blocks, sections and notes.",
    (
        *METADATA,
        Key("body", Value.BLOCKS, "Lead blocks that come before the first section."),
        Key("sections", Value.SECTIONS, f"The sections; they nest at most {MAX_SECTION_DEPTH} levels deep."),
        Key("notes", Value.NOTES, "Endnotes: a word or number as key, the note's text as value; cited as [^key]."),
        *REFERENCE_KEYS,
        Key("toc", Value.SWITCH, "A contents list in the PDF: true, false, or auto (the default: only for "
            "4 sections or more and an article of 3 pages or more)."),
        Key("footnotes", Value.FLAG, FOOTNOTES),
        SMART,
        INDEX_SEE,
    ),
)

PAPERS = ("white", "cream", "color")  # octavo.core.printspec.PAPERS
PRINT = Shape(
    "print",
    "How the paperback is printed (octavo build --for kdp-paperback or ingramspark-paperback).",
    (
        Key("trim", Value.TRIM, "The trim size, WIDTHxHEIGHT and a unit: 6x9in (the default), 5.5x8.5in, 5x8in, "
            "5.25x8in, 7x10in, 148x210mm, …"),
        Key("paper", Value.CHOICE, "The paper, which sets the spine's width: white (the default), cream or color.",
            choices=PAPERS),
    ),
)

ISBN_FORMATS = ("paperback", "hardcover", "epub", "pdf")  # the editions a book's `isbn` mapping may name
EPIGRAPH = Shape(
    "epigraph",
    "A book's epigraph: the quoted text and where it comes from.",
    (
        Key("text", Value.PARAGRAPHS, "The quoted text (inline markup; a blank line starts a new paragraph).",
            required=True),
        Key("source", Value.INLINE, "Who or what it quotes, printed under it after a dash."),
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
        # The book's references serve articles that have none of their own; its style is every article's.
        *REFERENCE_KEYS,
        Key("footnotes", Value.FLAG, FOOTNOTES.replace("the notes", "every article's notes")),
        SMART,
        INDEX_SEE,
        Key("isbn", Value.ISBNS, "The paperback's ISBN-13, hyphens allowed; its barcode goes on an IngramSpark cover. "
            f"Or one per edition: a mapping of {', '.join(ISBN_FORMATS)} to ISBNs. On the copyright page."),
        Key("print", Value.PRINT, "How the paperback is printed: its trim size and paper."),
        Key("back-cover", Value.INLINE, "The text on the paperback's back cover (inline markup; a blank line "
            "starts a new paragraph)."),
        # The front and back matter of a published book (octavo.source.frontmatter reads them).
        Key("edition", Value.TEXT, "The edition, on the copyright page: First edition, Second edition, revised, …"),
        Key("publisher-address", Value.TEXT, "The publisher's address, on the copyright page (one line per line)."),
        Key("credits", Value.NAMES, "Credits on the copyright page: a list of texts such as 'Cover design: …'."),
        Key("printing", Value.PRINTING, "This printing's number: the lowest of the copyright page's printing line "
            "(1, the default, prints 10 9 8 7 6 5 4 3 2 1)."),
        Key("dedication", Value.PARAGRAPHS, "A dedication, centred on a right-hand page of its own."),
        Key("epigraph", Value.EPIGRAPH, "An epigraph on a page of its own: a text, or its `text` and `source`."),
        Key("about-the-author", Value.PARAGRAPHS, "About the author (or editors), at the back of the book."),
        Key("colophon", Value.COLOPHON, "A colophon on the last page: a text, or true for octavo's own (naming "
            "octavo and the typefaces)."),
    ),
)

PARAGRAPH = "A paragraph of text (inline markup and note references allowed)."
# The block kinds and their shapes are declared in their own modules: octavo/blocks/.
