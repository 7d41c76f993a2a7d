"""The article model: frozen dataclasses, resolved once by the loader, read by every output."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup


@dataclass(frozen=True)
class NoteRef:
    """One reference to a note, placed in running text."""

    number: int
    ref_id: str  # the anchor of this reference (the back-link target)
    note_id: str  # the anchor of the note itself
    chunk: int  # which top-level part holds the reference (0 = lead, 1.. = sections)


@dataclass(frozen=True)
class Inline:
    """Inline text: safe HTML fragments interleaved with note references."""

    parts: tuple[Markup | NoteRef, ...]
    plain: str  # the same text without markup, for metadata, outlines and alt text

    @property
    def refs(self) -> tuple[NoteRef, ...]:
        return tuple(p for p in self.parts if isinstance(p, NoteRef))


@dataclass(frozen=True)
class Paragraph:
    text: Inline
    kind: str = "paragraph"


@dataclass(frozen=True)
class Figure:
    number: int
    id: str
    caption: Inline | None
    alt: str | None
    credit: Inline | None
    aspect: tuple[int, int]
    image_name: str | None  # the path as the author wrote it
    image: Path | None  # the resolved file, or None when a placeholder stands in
    kind: str = "figure"

    @property
    def is_placeholder(self) -> bool:
        return self.image is None

    @property
    def description(self) -> str:
        """What the image shows, for alt text and placeholders."""
        return self.alt or (self.caption.plain if self.caption else "")


@dataclass(frozen=True)
class Quote:
    text: Inline
    attribution: Inline | None
    kind: str = "quote"


@dataclass(frozen=True)
class BulletList:
    items: tuple[Inline, ...]
    kind: str = "list"


@dataclass(frozen=True)
class NumberedList:
    items: tuple[Inline, ...]
    kind: str = "numbered"


@dataclass(frozen=True)
class Verse:
    stanzas: tuple[tuple[Inline, ...], ...]
    kind: str = "verse"


@dataclass(frozen=True)
class Table:
    number: int
    id: str
    caption: Inline | None
    header: tuple[Inline, ...] | None
    rows: tuple[tuple[Inline, ...], ...]
    kind: str = "table"


Block = Paragraph | Figure | Quote | BulletList | NumberedList | Verse | Table


@dataclass(frozen=True)
class Section:
    id: str
    title: Inline
    level: int  # 1 for top-level sections
    blocks: tuple[Block, ...]
    sections: tuple[Section, ...]
    chunk: int  # the top-level part this section belongs to


@dataclass(frozen=True)
class Note:
    key: str
    number: int
    id: str
    text: Inline
    refs: tuple[NoteRef, ...]


@dataclass(frozen=True)
class TocEntry:
    id: str
    title: Inline
    level: int
    chunk: int
    children: tuple[TocEntry, ...] = ()


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


@dataclass(frozen=True)
class Article(Metadata):
    body: tuple[Block, ...]
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]
    toc: tuple[TocEntry, ...]
    id_prefix: str = ""  # starts every id of the article when it is a chapter of a book

    @property
    def anchor(self) -> str:
        """The id of the article's title block."""
        return f"{self.id_prefix}title"

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(b for b in iter_blocks(self) if isinstance(b, Figure))


def iter_sections(sections: tuple[Section, ...]):
    """Every section, depth first, in reading order."""
    for section in sections:
        yield section
        yield from iter_sections(section.sections)


def iter_blocks(article: Article):
    """Every block of the article in reading order."""
    yield from article.body
    for section in iter_sections(article.sections):
        yield from section.blocks


@dataclass(frozen=True)
class Book(Metadata):
    """A collection of articles published as one PDF and one EPUB; its authors are the editors."""

    articles: tuple[Article, ...]

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(f for a in self.articles for f in a.figures)

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(n for a in self.articles for n in a.notes)


Publication = Article | Book


def articles_of(publication: Publication) -> tuple[Article, ...]:
    """The articles a publication is made of: itself, or a book's chapters."""
    return publication.articles if isinstance(publication, Book) else (publication,)
