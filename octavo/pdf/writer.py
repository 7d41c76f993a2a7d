"""print_html and render_pdf: the print HTML typeset by WeasyPrint, with a fetcher that reads only what we allow."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo.core.diagnostics import PdfError
from octavo.core.model import Book, Formula, Publication, articles_of, footnote_lookup
from octavo.core.options import BuildOptions
from octavo.pdf.engine import hooks, load_weasyprint
from octavo.pdf.finish import build_time, file_identifier, finisher
from octavo.pdf.footnotes import (
    first_of_each,
    footnote_ids,
    misplaced_in,
    number_order,
    transplant,
    with_endnotes,
)
from octavo.pdf.pagestarts import page_starts
from octavo.pdf.pagestyle import page_css, stylesheet_name
from octavo.pdf.typeset import DOCUMENT_BASE_URL, LogCollector, fetcher_for_assets, typeset_html
from octavo.text.index import build_index, fill_pages, mark_pages
from octavo.theme.theme import Theme, theme_css, theme_for
from octavo.theme.typeface import typeface_name

ENDNOTE_ROUNDS = 4  # layouts of the whole document at most; footnotes moved to the endnotes before each but the first
PRINT_STYLESHEETS = ("base.css", "print.css", "code-print.css")


@dataclass(frozen=True)
class PrintDocument:
    """The print HTML and the files it refers to, by their URL relative to the output folder.

    The URLs all lie in one folder beside the HTML (`<slug>_files/`): the PDF reads them through a
    fetcher that knows only these files, and `--format html` copies them there, so the page stands alone.
    A stylesheet and the fonts it names sit in one virtual `styles/` folder even when some of them
    come from the project and the rest from the package.
    """

    html: str
    assets: dict[str, Path | bytes] = field(default_factory=dict)
    identifier: bytes = b""  # the first half of the PDF's /ID, the same in every build of the publication
    optional_toc: bool = False  # the contents list goes when the article is short (`toc: auto`)
    book: bool = False  # a book: its chapters are laid out in parallel (bookpdf.py)
    pieces: bool = True  # a book, or an article with an index, may be laid out in pieces (False: always whole)
    # The same document with some footnotes (by id; None: all) as endnotes, for notes no layout keeps on their page.
    as_endnotes: Callable[[frozenset[str] | None], PrintDocument] | None = field(default=None, compare=False,
                                                                                 repr=False)


def print_html(publication: Publication, options: BuildOptions) -> PrintDocument:
    """The exact HTML document that is typeset into the PDF, and the files it needs."""
    theme = theme_for(options)
    folder = f"{publication.slug}_files"
    assets: dict[str, Path | bytes] = {}
    for name, path in theme.files("styles").items():
        assets[f"{folder}/styles/{name}"] = path
    for sheet in PRINT_STYLESHEETS:
        theme.find("styles", sheet)  # a missing stylesheet is named as what it is, before WeasyPrint runs
    sheets = [*PRINT_STYLESHEETS, page_stylesheet(options.page_size, assets, f"{folder}/styles")]
    extra, extra_files = theme_css(theme.settings, "print")
    if extra:
        assets[f"{folder}/styles/octavo-theme.css"] = extra.encode("utf-8")
        sheets.append("octavo-theme.css")
        assets.update({f"{folder}/styles/{name}": path for name, path in extra_files.items()})
    for index, sheet in enumerate(theme.settings.stylesheets, start=1):
        name = f"project-{index}-{sheet.name}"
        assets[f"{folder}/styles/{name}"] = sheet
        sheets.append(name)

    def image_src(figure: object) -> str:
        url = f"{folder}/images/{figure.id}{figure.image.suffix.lower()}"  # type: ignore[attr-defined]
        svg = figure.svg  # type: ignore[attr-defined]
        # An SVG is typeset as sanitised when it was loaded, the same drawing the EPUB gets; never the file.
        assets[url] = svg.data if svg is not None else figure.image  # type: ignore[attr-defined]
        return url

    def math_src(formula: Formula) -> str:
        # WeasyPrint has no MathML: a formula is its SVG drawing, one file per drawing, named by its content.
        data = formula.svg.encode("utf-8")
        url = f"{folder}/math/{hashlib.sha256(data).hexdigest()[:20]}.svg"
        assets[url] = data
        return url

    footnote = footnote_lookup(publication)
    logo = theme.settings.logo
    if logo is not None:
        assets[f"{folder}/logo{logo.suffix.lower()}"] = logo
    html = theme.render(
        "book.html" if isinstance(publication, Book) else "print.html",
        publication=publication,
        article=publication,
        book=publication,
        epub=False,
        labels=theme.labels(publication.language),
        labels_for=theme.labels,  # a chapter's own words, by its language (a book's notes)
        theme=theme_context(theme, f"{folder}/logo{logo.suffix.lower()}" if logo else None),
        page_size=options.page_size,
        show_toc=contents_list(publication) != "none",
        stylesheets=[f"{folder}/styles/{name}" for name in sheets],
        href=lambda anchor: f"#{anchor}",
        notes_href="",
        footnote_for=footnote,
        index=build_index(publication),
        calls_footnote=lambda text: any(ref.first and footnote(ref.note_id) for ref in text.refs),
        image_src=image_src,
        math_src=math_src,
        placeholder_src=None,
    )
    optional = contents_list(publication) == "optional"
    footnotes = any(article.footnotes for article in articles_of(publication))
    remake = (lambda ids: print_html(with_endnotes(publication, ids), options)) if footnotes else None
    return PrintDocument(html, assets, file_identifier(publication), optional_toc=optional,
                         book=isinstance(publication, Book), as_endnotes=remake)


# The `toc: auto` rule: a contents list helps from four sections on, and not in a handout of a page or two.
TOC_MIN_SECTIONS = 4


def contents_list(publication: Publication) -> str:
    """Whether an article prints its contents list: "shown", "none", or "optional" (shown unless the
    article, typeset with it, comes to fewer than TOC_MIN_PAGES pages). A book always has one."""
    if isinstance(publication, Book):
        return "shown"
    if publication.toc_mode == "false" or not (publication.toc or publication.references or publication.notes):
        return "none"
    if publication.toc_mode == "true":
        return "shown"
    return "optional" if len(publication.toc) >= TOC_MIN_SECTIONS else "none"


def page_stylesheet(page_size: str, assets: dict[str, Path | bytes], folder: str) -> str:
    """The name of the page size's stylesheet among the assets: the project's own styles/page-<size>.css if it
    has one, else the one octavo's page rule writes (octavo/pdf/pagestyle.py)."""
    name = stylesheet_name(page_size)
    assets.setdefault(f"{folder}/{name}", page_css(page_size).encode("utf-8"))
    return name


def theme_context(theme: Theme, logo_src: str | None) -> dict[str, object]:
    """What templates see of the theme settings (documented in docs/templates.md)."""
    return {"logo_src": logo_src, "date_format": theme.settings.date_format,
            "typeface": typeface_name(theme.settings)}  # a book's colophon names it


def render_pdf(document: PrintDocument, options: BuildOptions, starts: list | None = None,
               endnotes: list[str] | None = None) -> tuple[bytes, int]:  # fmt: skip
    """Typeset the HTML into (PDF bytes, page count); any error WeasyPrint logs fails the build. `starts`
    receives where each page begins, for the EPUB's page list (pagestarts.py).

    A footnote that no layout keeps on its reference's page (footnotes.py) is printed as an endnote, and the
    document laid out again; should that move others off their pages, they follow, and at the last round every
    footnote does: a note is never lost, nor the build failed, for where the layout put it. `endnotes` receives
    the ids of the notes so moved.
    """
    from octavo.pdf.piececache import together

    with together():  # a book's pieces kept from every round, for the next build
        pdf, pages, errors, moved = _render_rounds(document, options, starts)
    if endnotes is not None:
        endnotes[:] = sorted(moved, key=number_order)
    if errors:
        raise PdfError("; ".join(errors))
    return pdf, pages


def _render_rounds(document: PrintDocument, options: BuildOptions,
                   starts: list | None) -> tuple[bytes, int, list[str], set[str]]:  # fmt: skip
    """render_pdf's layouts, until every footnote is on its page or printed as an endnote: the last one's PDF,
    pages and errors, and the notes moved to the end."""
    moved: set[str] = set()
    for round_ in range(ENDNOTE_ROUNDS):
        last = round_ == ENDNOTE_ROUNDS - 1 or document.as_endnotes is None
        pdf, pages, errors, off = _render(document, options, starts, written=last)
        if not off or last:
            break
        # This layout's errors are those of the notes it lost (links to a missing note): it is laid out again.
        # First the first misplaced note of each part laid out (a book's chapter), then every one not on its
        # page, and in the round before the last every footnote, so that the last keeps them all.
        every = round_ == ENDNOTE_ROUNDS - 2
        moved |= set(footnote_ids(document.html)) if every else first_of_each(off) if round_ == 0 else set(off)
        remade = document.as_endnotes(None if every else frozenset(moved))
        document = dataclasses.replace(document, html=transplant(document.html, remade.html),
                                       assets={**remade.assets, **document.assets}, optional_toc=remade.optional_toc)
    return pdf, pages, errors, moved


def _render(document: PrintDocument, options: BuildOptions, starts: list | None,
            written: bool = True) -> tuple[bytes, int, list[str], dict[str, Any]]:  # fmt: skip
    """(PDF, page count, WeasyPrint's errors, the footnotes not on their reference's page) of one layout; each
    footnote with the part of the document it was laid out in (a book's piece). Unless `written`, a layout with
    such footnotes is not made into a PDF (b"" instead): it is laid out again."""
    if document.pieces and (document.book or 'class="index-pages"' in document.html):
        from octavo.pdf.bookpdf import render_in_pieces

        made = render_in_pieces(document, options, starts)
        if made is not None:
            return made
    fetcher = fetcher_for(document, options)
    problems = LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(problems)
    try:
        with hooks():  # octavo's hooks into WeasyPrint and pydyf: for octavo's own layout and PDF only
            rendered = typeset(document, options, fetcher)
            rendered = with_index_pages(document, options, fetcher, rendered)
            off = dict.fromkeys(misplaced_in(document.html, rendered), 0)  # one part: the whole document
            if off and not written:
                return b"", 0, [], off
            # The build's time, not the article's date (which may be 1863): CreationDate, ModDate and the XMP.
            rendered.metadata.created = rendered.metadata.modified = build_time(options)
            pdf = rendered.write_pdf(
                pdf_tags=True,
                pdf_variant=options.pdf_variant,
                pdf_identifier=document.identifier or True,
                finisher=finisher(theme_for(options).labels, options.pdf_variant),
            )
            pages = len(rendered.pages)
            if starts is not None:
                starts[:] = page_starts(rendered)
    finally:
        logger.removeHandler(problems)
    return pdf, pages, fetcher.refused + problems.errors, off


def with_index_pages(document: PrintDocument, options: BuildOptions, fetcher: object, rendered):
    """The document typeset again with the index's page numbers, read from where each mark landed.

    The index comes last and starts a page of its own, so filling it in moves nothing before it; should the
    pages change all the same (a contents list kept or dropped by the new length), it is filled in again.
    """
    if 'class="index-pages"' not in document.html:
        return rendered
    for _attempt in range(3):
        pages = mark_pages(rendered.pages)
        filled = dataclasses.replace(document, html=fill_pages(document.html, pages))
        rendered = typeset(filled, options, fetcher)
        if all(mark_pages(rendered.pages).get(anchor) == page for anchor, page in pages.items()):
            break
    return rendered

def typeset(document: PrintDocument, options: BuildOptions, fetcher: object):
    """The laid-out pages (a weasyprint.Document): the contents list kept or dropped, floats placed."""
    weasyprint = load_weasyprint()  # imported here: it is slow to import and only PDF builds need it
    html = weasyprint.HTML(string=document.html, base_url=DOCUMENT_BASE_URL, url_fetcher=fetcher)
    return typeset_html(html, [], optional_toc=document.optional_toc)


def fetcher_for(document: PrintDocument, options: BuildOptions):
    """A URL fetcher that serves this document's own files and refuses everything else."""
    return fetcher_for_assets(document.assets, options)
