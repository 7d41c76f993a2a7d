"""The article model: frozen dataclasses, resolved once by the loader, read by every output."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from markupsafe import Markup

from octavo.core.printspec import PrintSettings


@dataclass(frozen=True)
class NoteRef:
    """One reference to a note, placed in running text."""

    number: int
    ref_id: str  # the anchor of this reference (the back-link target)
    note_id: str  # the anchor of the note itself
    first: bool = True  # the note's first reference: a footnote is placed here, later references point to it


@dataclass(frozen=True)
class Formula:
    """A LaTeX formula, checked and converted once: MathML for readers that show it, an SVG drawing for print.

    Both forms are standard, format-neutral data; each output picks the one it can show.
    """

    tex: str  # as written, without its delimiters; the alternative text of both forms
    display: bool  # a block formula (an equation) rather than one inside a line of text
    mathml: str  # a <math> element with the LaTeX as its alttext
    svg: str  # the drawing, in the bundled math font
    width: float  # the drawing's size in ems of the surrounding text
    height: float
    depth: float  # how far the drawing reaches below the baseline, in ems
    # An inline formula cut after its top-level relation and operator signs, each drawn on its own, so that
    # a printed line may break between them; empty when the formula is one piece.
    pieces: tuple[Formula, ...] = ()


@dataclass(frozen=True)
class SvgImage:
    """An SVG image as octavo publishes it: reduced to what is safe to show, the same bytes in every output.

    The outputs use these bytes, never the file, so the PDF and the EPUB cannot get different drawings.
    """

    data: bytes
    embeds: tuple[Path, ...] = ()  # project images it now holds as data: URLs (the build cache watches them)


@dataclass(frozen=True)
class Citation:
    """A citation as the article's citation style writes it, each cited item's part linked to its entry."""

    keys: tuple[str, ...]  # the cited items, as written
    parts: tuple[tuple[Markup, str | None], ...]  # (formatted text, the anchor of its reference entry or None)

    @property
    def text(self) -> Markup:
        return Markup("").join(text for text, _anchor in self.parts)


@dataclass(frozen=True)
class XRef:
    """A cross-reference `[#id]`: a link to a numbered block, a quotation or a section, by its label."""

    target: str  # the anchor it links to
    kind: str  # figure, table, listing, equation, box (numbered), quote or section
    number: int | None  # a numbered block's number
    text: Inline  # what it shows: "Figure 3", a section's title in quotation marks, "the quotation"
    page: bool = False  # `[#id page]`: the page follows in print ("on page 5")


@dataclass(frozen=True)
class IndexMark:
    """A place marked for the index (`[[text|Heading!Sub-heading]]`): its anchor and where it is filed."""

    id: str  # the anchor of the marked text in the running text
    heading: str
    sub: str = ""  # the sub-heading, or "" for the heading itself


@dataclass(frozen=True)
class Reference:
    """One entry of an article's References: a cited item, formatted by the citation style."""

    key: str
    id: str
    text: Markup


@dataclass(frozen=True)
class Inline:
    """Inline text: safe HTML fragments interleaved with note references, formulas and citations."""

    parts: tuple[Markup | NoteRef | Formula | Citation | XRef, ...]
    plain: str  # the same text without markup, for metadata, outlines and alt text

    @property
    def refs(self) -> tuple[NoteRef, ...]:
        return tuple(p for p in self.parts if isinstance(p, NoteRef))


@dataclass(frozen=True)
class Paragraph:
    text: Inline
    kind: str = "paragraph"


# A block's model is a frozen dataclass whose `kind` names its block type; each kind's class lives in
# its module of octavo/blocks/, beside the code that reads it. The model only needs the kind.
Block = Any


@dataclass(frozen=True)
class Section:
    id: str
    title: Inline
    level: int  # 1 for top-level sections
    blocks: tuple[Block, ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Note:
    key: str
    number: int
    id: str
    text: Inline
    refs: tuple[NoteRef, ...]
    at: tuple[int, int] = (1, 1)  # line and column of its text in the article's YAML, for messages


@dataclass(frozen=True)
class TocEntry:
    id: str
    title: Inline
    level: int
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class Accessibility:
    """The `accessibility:` key: who vouches for the EPUB's conformance claim, and whether it is made."""

    certified_by: str | None = None  # None: the publisher, else the authors, certify their own EPUB
    certifier_credential: str | None = None
    conforms: bool = True  # false: no conformance claim, only the metadata that describes the EPUB


@dataclass(frozen=True)
class Metadata:
    """What an article and a book both have: the title and the facts about the publication."""

    slug: str
    source: Path
    title: Inline
    subtitle: Inline | None
    authors: tuple[str, ...]  # the editors, for a book
    publisher: str | None
    date: str | None
    language: str
    identifier: str
    description: str | None
    rights: str | None
    keywords: tuple[str, ...]
    cover: Path | None
    # The sanitised drawing when the cover is an SVG; keyword-only, so that subclasses may add plain fields.
    cover_svg: SvgImage | None = field(default=None, kw_only=True)
    # `index-see`: index headings and the headings they refer to ("see", or "see also" when marked themselves).
    index_see: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), kw_only=True)
    accessibility: Accessibility = field(default_factory=Accessibility, kw_only=True)  # the EPUB's claim


@dataclass(frozen=True)
class Article(Metadata):
    body: tuple[Block, ...]
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    toc: tuple[TocEntry, ...]
    id_prefix: str = ""  # starts every id of the article when it is a chapter of a book
    references: tuple[Reference, ...] = ()  # the items its citations cite, in the citation style's order
    reference_files: tuple[Path, ...] = ()  # the references and citation style files it reads
    toc_mode: str = "auto"  # the article's `toc`: auto, true or false (a contents list in the PDF)
    # Its notes as footnotes (`footnotes: true` or `--notes footnotes`); `notes` then holds none, so
    # everything that lists endnotes leaves this article out.
    footnotes: tuple[Note, ...] = ()
    index: tuple[IndexMark, ...] = ()  # its index marks in reading order

    @property
    def anchor(self) -> str:
        """The id of the article's title block."""
        return f"{self.id_prefix}title"

    @property
    def figures(self) -> tuple[Block, ...]:
        return tuple(b for b in iter_blocks(self) if b.kind == "figure")


def with_notes(publication: Publication, mode: str) -> Publication:
    """The publication with every article's notes as footnotes or as endnotes (`--notes` wins over the file)."""
    changed = []
    for article in articles_of(publication):
        every = tuple(sorted((*article.notes, *article.footnotes), key=lambda note: note.number))
        footnotes = mode == "footnotes"
        changed.append(replace(article, notes=() if footnotes else every, footnotes=every if footnotes else ()))
    return replace(publication, articles=tuple(changed)) if isinstance(publication, Book) else changed[0]


def footnote_lookup(publication: Publication):
    """note id -> the note, for the notes set as footnotes; the outputs typeset them at their first reference."""
    notes = {note.id: note for article in articles_of(publication) for note in article.footnotes}
    return notes.get


def iter_sections(sections: tuple[Section, ...]):
    """Every section, depth first, in reading order."""
    for section in sections:
        yield section
        yield from iter_sections(section.sections)


def iter_blocks(article: Article):
    """Every block of the article in reading order, blocks inside blocks (a box's body) included."""
    yield from _with_children(article.body)
    for section in iter_sections(article.sections):
        yield from _with_children(section.blocks)


def _with_children(blocks: tuple[Block, ...]):
    for block in blocks:
        yield block
        yield from _with_children(getattr(block, "blocks", ()))


@dataclass(frozen=True)
class Epigraph:
    """A book's epigraph: its paragraphs and where they come from."""

    text: tuple[Inline, ...]
    source: Inline | None = None


@dataclass(frozen=True)
class FrontMatter:
    """What a published book prints about itself before and after its chapters (the copyright page and around it).

    A book with none of the copyright page's facts has no half-title and no copyright page: it opens with its title.
    """

    # (edition, 13 digits, as written: hyphens placed by the agency) in the order given; edition "" for a lone ISBN.
    isbns: tuple[tuple[str, str, str], ...] = ()
    edition: str | None = None
    publisher_address: str | None = None
    credits: tuple[str, ...] = ()
    printing: int | None = None  # the printing line's lowest number: 1 prints "10 9 8 7 6 5 4 3 2 1"
    dedication: tuple[Inline, ...] = ()
    epigraph: Epigraph | None = None
    about_the_author: tuple[Inline, ...] = ()
    colophon: tuple[Inline, ...] = ()
    default_colophon: bool = False  # `colophon: true`: octavo writes one, naming itself and the typefaces

    def copyright_page(self, rights: str | None) -> bool:
        """Whether the book has a copyright page (and with it a half-title): it has something to say there."""
        return bool(rights or self.isbns or self.edition or self.publisher_address or self.credits
                    or self.printing is not None)  # fmt: skip

    @property
    def printing_line(self) -> str:
        """The printing line, highest number first, down to this printing's (the lowest): at each new printing
        the lowest number is struck. It runs from the next multiple of ten: "10 9 8 7 6 5 4 3" for the third."""
        lowest = self.printing or 1
        return " ".join(str(n) for n in range((lowest + 9) // 10 * 10, lowest - 1, -1))


@dataclass(frozen=True)
class Book(Metadata):
    """A collection of articles published as one PDF and one EPUB; its authors are the editors."""

    articles: tuple[Article, ...]
    # The paperback (`--for`): its `print:` settings, its ISBN-13 (digits only) and its back cover's paragraphs.
    print_settings: PrintSettings = field(default_factory=PrintSettings, kw_only=True)
    isbn: str | None = field(default=None, kw_only=True)
    back_cover: tuple[Inline, ...] = field(default=(), kw_only=True)
    # The half-title, copyright page, dedication and epigraph before the contents; about the author and colophon last.
    front: FrontMatter = field(default_factory=FrontMatter, kw_only=True)

    @property
    def copyright_page(self) -> bool:
        """Whether the book prints a half-title and a copyright page (docs/content-format.md)."""
        return self.front.copyright_page(self.rights)

    @property
    def figures(self) -> tuple[Block, ...]:
        return tuple(f for a in self.articles for f in a.figures)

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(n for a in self.articles for n in a.notes)

    @property
    def references(self) -> tuple[Reference, ...]:
        return tuple(r for a in self.articles for r in a.references)

    @property
    def index(self) -> tuple[IndexMark, ...]:
        """Every article's index marks: a book has one index."""
        return tuple(m for a in self.articles for m in a.index)


Publication = Article | Book


def articles_of(publication: Publication) -> tuple[Article, ...]:
    """The articles a publication is made of: itself, or a book's chapters."""
    return publication.articles if isinstance(publication, Book) else (publication,)
