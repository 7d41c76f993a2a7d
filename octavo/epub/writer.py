"""epub_bytes(publication, ...): the XHTML documents, images and stylesheets, handed to package.py to zip."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ebooklib import epub

from octavo.core.diagnostics import Report
from octavo.core.model import Article, Book, Inline, Note, NoteRef, Publication, articles_of, footnote_lookup
from octavo.core.options import BuildOptions
from octavo.epub import images
from octavo.epub.a11y import add_accessibility
from octavo.epub.cover import cover_png
from octavo.epub.frontmatter import back_documents, document_values, front_documents
from octavo.epub.package import INDEX_FILE, REFERENCES_FILE, add_metadata, ncx_toc, write_package
from octavo.text.images import MEDIA_TYPES, media_type
from octavo.theme.theme import Theme, theme_css, theme_for

EPUB_STYLESHEETS = ("base.css", "epub.css", "code-epub.css")
SVG_NS = b"http://www.w3.org/2000/svg"
MATHML_NS = b"http://www.w3.org/1998/Math/MathML"
# The anchor of an index mark, inside the HTML of its text (the mark is a span, not a part of its own).
INDEX_MARK_ID = re.compile(r'<span class="index-mark" id="([^"]+)"')


@dataclass
class _Package:
    """What goes into the EPUB, collected before ebooklib writes it."""

    book: epub.EpubBook
    spine: list[epub.EpubItem]
    images: dict[str, str]  # figure id -> file name inside the EPUB


def chunk_file(article: Article, chunk: int) -> str:
    """The XHTML document that holds a top-level part: 0 is the title block and lead."""
    return f"{article.id_prefix}{'title' if chunk == 0 else f'section-{chunk}'}.xhtml"


def anchor_files(publication: Publication) -> dict[str, str]:
    """The document that holds each anchor, once the EPUB splits every article at its top-level sections.

    The model knows nothing of files: its ids are found here, wherever a block or a note
    reference put them, so a new block kind with an `id` needs nothing added.
    """
    files: dict[str, str] = {}
    for article in articles_of(publication):
        files[article.anchor] = chunk_file(article, 0)
        for chunk, part in enumerate((article.body, *article.sections)):
            files.update(dict.fromkeys(anchors_in(part), chunk_file(article, chunk)))
        # Every article's References are in one document, as its notes are; a book groups them by article.
        files.update(dict.fromkeys((ref.id for ref in article.references), REFERENCES_FILE))
        # A footnote's own anchor: the document of its first reference (every calling document has a copy).
        files.update({note.id: files[note.refs[0].ref_id] for note in article.footnotes})
    return files


def anchors_in(thing: object) -> Iterator[str]:
    """Every anchor in a part of the model: the ids of sections and blocks, and note references."""
    if isinstance(thing, NoteRef):
        yield thing.ref_id
    elif isinstance(thing, tuple):
        for item in thing:
            yield from anchors_in(item)
    elif isinstance(thing, Inline):
        yield from (part.ref_id for part in thing.parts if isinstance(part, NoteRef))
        yield from (m for part in thing.parts if isinstance(part, str) for m in INDEX_MARK_ID.findall(part))
    elif dataclasses.is_dataclass(thing):
        if isinstance(getattr(thing, "id", None), str):
            yield thing.id  # type: ignore[attr-defined]
        for field in dataclasses.fields(thing):
            if field.name != "id":
                yield from anchors_in(getattr(thing, field.name))


def epub_bytes(publication: Publication, options: BuildOptions, report: Report | None = None,
               page_starts: list | None = None) -> bytes:  # fmt: skip
    """The recipe: metadata, images, documents, navigation, then the package; size warnings go to `report`.
    `page_starts`: where the print edition's pages begin (octavo/pdf/pagestarts.py), for its page numbers."""
    theme = theme_for(options)
    package = _Package(epub.EpubBook(), [], {})
    add_metadata(package.book, publication)
    stylesheets = _add_stylesheets(package.book, theme)
    stored = _add_images(package, publication, options)
    cover_name = _add_cover(package.book, publication, theme, options)
    images.check_cover(publication, report)
    files = anchor_files(publication)
    values = _template_values(publication, package, theme, stylesheets, _add_logo(package.book, theme), files)
    _add_document(package, "cover", "cover.xhtml", theme, "epub/cover.xhtml", {**values, "cover_src": cover_name})
    nav = _item("nav", "nav.xhtml", "application/xhtml+xml", _render(theme, "epub/nav.xhtml", values))
    nav.properties = ["nav"]
    package.book.add_item(nav)
    if isinstance(publication, Book):
        _add_document(package, "title", "title.xhtml", theme, "epub/booktitle.xhtml", values)
    for uid, name, template in front_documents(publication):  # copyright page, dedication, epigraph (frontmatter.py)
        _add_document(package, uid, name, theme, template, document_values(values, theme))
    # The contents come before the text, never between an article's opening and its first section.
    package.spine.append(nav)
    for article in articles_of(publication):
        # A chapter speaks its own language: "Рисунок 1", not "Figure 1", in a Russian chapter.
        chapter = {**values, "article": article, "labels": theme.labels(article.language)}
        here = {"footnotes_here": _footnotes_in(article, files, 0)}
        _add_document(package, f"{article.id_prefix}title", chunk_file(article, 0), theme, "epub/title.xhtml",
                      {**chapter, **here})  # fmt: skip
        for number, section in enumerate(article.sections, start=1):
            here = {"footnotes_here": _footnotes_in(article, files, number)}
            _add_document(package, f"{article.id_prefix}section-{number}", chunk_file(article, number), theme,
                          "epub/section.xhtml", {**chapter, **here, "section": section})  # fmt: skip
    if publication.references:
        _add_document(package, "references", REFERENCES_FILE, theme, "epub/references.xhtml", values)
    if publication.notes:
        _add_document(package, "notes", "notes.xhtml", theme, "epub/notes.xhtml", values)
    if values["index"]:
        _add_document(package, "index", INDEX_FILE, theme, "epub/index.xhtml", values)
    for uid, name, template in back_documents(publication):  # about the author, colophon
        _add_document(package, uid, name, theme, template, document_values(values, theme))
    package.book.add_item(epub.EpubNcx())
    package.book.toc = ncx_toc(publication, values["labels"]["notes"], files, values["labels"]["references"],
                                values["labels"]["index"])  # fmt: skip
    package.book.spine = package.spine
    if page_starts:  # built with the PDF: the print edition's pages, marked where they begin
        from octavo.epub.pagelist import add_page_list, page_source

        texts = [item for item in package.spine if item not in (nav, package.spine[0])]  # not the cover, nor the nav
        add_page_list(package.book, texts, nav, page_starts, page_source(publication))
    mathml = any("mathml" in item.properties for item in package.spine)
    add_accessibility(package.book, publication, mathml, b"page-list" in nav.content)
    data = write_package(package.book, options)
    images.check_sizes(publication, stored, len(data), options.epub_size_budget, report)
    return data


def _footnotes_in(article: Article, files: dict[str, str], chunk: int) -> list[Note]:
    """The footnotes called from one of the article's documents, each with only its calls there as `refs`.

    Every document that calls a note carries its own copy at its end (same number, same id: ids are unique per
    document), because reading systems pop up only notes of the same document; a link to another file leaves
    the page. The copy's back-links go to the calls in the same document.
    """
    here = chunk_file(article, chunk)
    found = [dataclasses.replace(note, refs=tuple(ref for ref in note.refs if files[ref.ref_id] == here))
             for note in article.footnotes]  # fmt: skip
    return [note for note in found if note.refs]


def _template_values(publication: Publication, package: _Package, theme: Theme, stylesheets: list[str],
                     logo_src: str | None, files: dict[str, str]) -> dict[str, object]:  # fmt: skip
    return {
        "publication": publication,
        "article": publication,
        "book": publication,
        "articles": articles_of(publication),
        "is_book": isinstance(publication, Book),
        "epub": True,
        "labels": theme.labels(publication.language),
        "labels_for": theme.labels,  # a chapter's own words, by its language
        "theme": {"logo_src": logo_src, "date_format": theme.settings.date_format},
        "stylesheets": stylesheets,
        "href": lambda anchor: f"{files[anchor]}#{anchor}",
        "notes_href": "notes.xhtml",
        "footnote_for": footnote_lookup(publication),
        "same_document": lambda a, b: files[a] == files[b],  # octavo's templates no longer need it; themes may
        "footnotes_here": [],
        "index": _index(publication),
        "image_src": lambda figure: package.images[figure.id],
        # Placeholders are HTML, as in print: their text takes the reader's font, size and colours.
        "placeholder_src": None,
    }


def _index(publication: Publication) -> tuple:
    if not publication.index:
        return ()  # as build_index gives it, without importing the index's module
    from octavo.text.index import build_index

    return build_index(publication)


def _render(theme: Theme, template: str, values: dict[str, object]) -> bytes:
    return theme.render(template, **values).encode("utf-8")


def _item(uid: str, name: str, media: str, content: bytes) -> epub.EpubItem:
    return epub.EpubItem(uid=uid, file_name=name, media_type=media, content=content)


def _add_document(package: _Package, uid: str, name: str, theme: Theme, template: str,
                  values: dict[str, object]) -> epub.EpubItem:  # fmt: skip
    item = _item(uid, name, "application/xhtml+xml", _render(theme, template, values))
    # The manifest must say which documents hold inline SVG (a placeholder's mark) and MathML (formulas).
    item.properties = [name for name, ns in (("mathml", MATHML_NS), ("svg", SVG_NS)) if ns in item.content]
    package.book.add_item(item)
    package.spine.append(item)
    return item


def _add_stylesheets(book: epub.EpubBook, theme: Theme) -> list[str]:
    """The theme's EPUB stylesheets, then octavo.toml's settings and the project's own sheets; their names."""
    sheets = [(f"css-{Path(name).stem}", f"css/{name}", theme.find("styles", name).read_bytes())
              for name in EPUB_STYLESHEETS]  # fmt: skip
    settings, _fonts = theme_css(theme.settings, "epub")
    if settings:
        sheets.append(("css-octavo-theme", "css/octavo-theme.css", settings.encode("utf-8")))
    for index, path in enumerate(theme.settings.stylesheets, start=1):
        sheets.append((f"css-project-{index}", f"css/project-{index}-{path.name}", path.read_bytes()))
    for uid, name, data in sheets:
        book.add_item(_item(uid, name, "text/css", data))
    return [name for _uid, name, _data in sheets]


def _add_logo(book: epub.EpubBook, theme: Theme) -> str | None:
    """octavo.toml's logo, shown over the title block."""
    logo = theme.settings.logo
    if logo is None:
        return None
    name = f"images/logo{logo.suffix.lower()}"
    book.add_item(_item("image-logo", name, media_type(logo), logo.read_bytes()))
    return name


def _add_images(package: _Package, publication: Publication, options: BuildOptions) -> dict[str, bytes]:
    """Every figure's image within the size budget, each distinct file stored once however many figures show it.

    Returns what went in for each figure, for the size warnings.
    """
    stored: dict[str, str] = {}  # content hash -> file name inside the EPUB
    made: dict[str, bytes] = {}
    for figure in publication.figures:
        if figure.image is None:
            continue  # a placeholder is HTML in the document
        data = images.figure_image(figure, options.epub_image_max, options.epub_image_quality)
        digest = hashlib.sha256(data).hexdigest()
        if digest not in stored:
            suffix = images.suffix_of(data, figure.image.suffix)
            stored[digest] = f"images/{figure.id}{suffix}"
            package.book.add_item(_item(f"image-{figure.id}", stored[digest], MEDIA_TYPES[suffix], data))
        package.images[figure.id] = stored[digest]
        made[figure.id] = data
    return made


def _add_cover(book: epub.EpubBook, publication: Publication, theme: Theme, options: BuildOptions) -> str:
    """The cover image at the size stores ask (images.COVER_SIZE): the book's own scaled into it, or drawn so."""
    if publication.cover_svg is not None:
        name, media, data = "images/cover.svg", "image/svg+xml", publication.cover_svg.data
    elif publication.cover is not None:
        # Scaled to fit, never cropped: the title and names on a cover's art must stay whole.
        data = images.raster(publication.cover, *images.COVER_SIZE, options.epub_image_quality)
        suffix = images.suffix_of(data, publication.cover.suffix)
        name, media = f"images/cover{suffix}", MEDIA_TYPES[suffix]
    else:
        name, media, data = "images/cover.png", "image/png", cover_png(publication, theme)
    item = _item("cover-image", name, media, data)
    item.properties = ["cover-image"]
    book.add_item(item)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    return name
