"""One piece of a book laid out, then drawn with its true page numbers: the work a layout process does.

Laying out is the expensive part and needs no page numbers: the folios are margin boxes, drawn by
WeasyPrint after the text is paginated. So a piece is laid out as soon as a process is free, and its
margin boxes are made again, with the page counter moved on by the pages before it, once those are
known (`draw`). Links to other pieces get stand-in anchors so that WeasyPrint keeps them; the join
points them at the real ones. Both rest on WeasyPrint's internals, through octavo/pdf/engine/: when its
margin boxes cannot be recorded (engine.Unrecorded), the book is laid out whole instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo.core.options import BuildOptions
from octavo.pdf.engine import hooks, html_root, load_weasyprint, recording, renumber, states_of, styled, use_tree
from octavo.pdf.footnotes import footnotes, misplaced
from octavo.pdf.pagestarts import page_starts
from octavo.pdf.pieces import PAGE_ATTRIBUTE, PIECE_ATTRIBUTE, with_link_pages


@dataclass(frozen=True)
class Laid:
    """What the parent learns from a piece's layout."""

    index: int
    pages: int
    anchors: dict[str, int]  # each anchor of the piece -> its page within the piece (0 for the first)
    shown: dict[str, str]  # link target -> the page number the piece shows for it (a TOC entry, a back-link)
    first_break: str  # the break-before of the piece's first element: "right", "left", "page", ...
    right_first: bool  # whether the piece was laid out starting on a right-hand page
    last_page_size: tuple[float, float]  # in points: a blank page after the piece has this size
    next_break: str = ""  # the break-before of its stub: the next piece's
    errors: list[str] = field(default_factory=list)
    starts: list = field(default_factory=list)  # where each page begins (pagestarts.py), when an EPUB is made too
    misplaced: tuple[str, ...] = ()  # its footnotes no layout kept on their reference's page (footnotes.py)


class PieceWorker:
    """Lays out and draws the pieces of one book; one per layout process (or the build's own process)."""

    def __init__(self, assets: dict, options: BuildOptions, folder: Path) -> None:
        from octavo.pdf.typeset import fetcher_for_assets

        self.options = options
        self.folder = folder  # where drawn pieces are written: the parent joins them from there
        self.fetcher = fetcher_for_assets(assets, options, css_filter=self._stylesheet)
        self.numbered_by_us = True  # the piece being laid out takes its link page numbers from data-octavo-page
        self.first_piece = True  # the piece being laid out is the first: its first page is the document's
        self.documents: dict[int, Any] = {}
        self.margins: dict[int, list[tuple[Any, Any]]] = {}  # each page's margin boxes' state, by piece
        self.last_anchors: set[str] = set()  # the anchors of the piece drawn last (not the stand-ins)

    def _stylesheet(self, css: str) -> str:
        from octavo.pdf.pieces import first_pages_css, link_pages_css

        css = link_pages_css(css) if self.numbered_by_us else css
        return css if self.first_piece else first_pages_css(css)

    def lay_out(self, index: int, tree: Any, right_first: bool, pages: dict[str, str], own_numbers: bool = False,
                stub: bool = False) -> Laid:  # fmt: skip
        """Lay the piece out, keep it for `draw`, and say what the parent needs to place it in the book.

        `own_numbers`: WeasyPrint numbers its links' targets itself (the first piece, all of whose links land
        in it). `stub`: its last page holds only a stand-in for the next piece, and is not part of it.
        """
        from octavo.pdf.typeset import DOCUMENT_BASE_URL, LogCollector, typeset_html

        weasyprint = load_weasyprint()
        self.numbered_by_us, self.first_piece = not own_numbers, index == 0
        errors = LogCollector()
        logging.getLogger("weasyprint").addHandler(errors)
        try:
            html = weasyprint.HTML(string="<html></html>", base_url=DOCUMENT_BASE_URL, url_fetcher=self.fetcher)
            use_tree(html, with_link_pages(tree, pages))
            side = weasyprint.CSS(string=f"html {{ break-before: {'right' if right_first else 'left'} }}")
            # Each piece has its own image cache, let go with the piece once it is drawn: a chapter's figures are
            # its own, and a cache shared by every piece would hold all the book's images to the end.
            with hooks(), recording() as recorded:  # engine.Unrecorded when it cannot be: the book is laid out whole
                document = typeset_html(html, [side], cache={})
            self.margins[index] = states_of(document, recorded)
        finally:
            logging.getLogger("weasyprint").removeHandler(errors)
        next_break = _stub_break(document) if stub else ""
        if stub:
            document.pages = document.pages[:-1]
        self.documents[index] = document
        anchors: dict[str, int] = {}
        for number, page in enumerate(document.pages):
            for name in page.anchors:
                anchors.setdefault(name, number)
        shown, first_break = _shown_pages_and_break(document)
        last = document.pages[-1] if document.pages else None
        size = (last.width * 0.75, last.height * 0.75) if last is not None else (595.0, 842.0)  # CSS px to pt
        starts = page_starts(document) if "epub" in self.options.formats else []
        off = tuple(misplaced(document, footnotes(html_root(html))))
        return Laid(index, len(document.pages), anchors, shown, first_break, right_first, size, next_break,
                    errors.errors, starts, off)

    def draw(self, index: int, first_page: int, identifier: bytes) -> tuple[Path, list[str]]:
        """The piece's PDF file, its pages numbered from `first_page`; the piece is forgotten afterwards."""
        from octavo.pdf.finish import build_time, finisher
        from octavo.pdf.typeset import LogCollector
        from octavo.theme.theme import theme_for

        document = self.documents.pop(index)
        renumber(document, self.margins.pop(index), first_page - 1)
        own = {name for page in document.pages for name in page.anchors}
        self.last_anchors = own
        if document.pages:  # links to other pieces keep their names; the join points them at the real places
            stand_ins = document.pages[-1].anchors
            for page in document.pages:
                for kind, target, _, _ in page.links:
                    if kind == "internal" and target not in own:
                        stand_ins.setdefault(target, (0, 0, 0, 0))
        document.metadata.created = document.metadata.modified = build_time(self.options)
        errors = LogCollector()
        logging.getLogger("weasyprint").addHandler(errors)
        try:
            path = self.folder / f"piece-{index}-page-{first_page}.pdf"
            with hooks():
                document.write_pdf(
                    path,
                    pdf_tags=True,
                    pdf_variant=self.options.pdf_variant,
                    pdf_identifier=identifier or True,
                    finisher=finisher(theme_for(self.options).labels, self.options.pdf_variant, pages_later=True),
                )
        finally:
            logging.getLogger("weasyprint").removeHandler(errors)
        return path, errors.errors

    def forget(self, index: int) -> None:
        self.documents.pop(index, None)
        self.margins.pop(index, None)


def _shown_pages_and_break(document: Any) -> tuple[dict[str, str], str]:
    """The link page numbers the piece shows, by target, and its first element's break-before."""
    shown: dict[str, str] = {}
    first_break = "auto"
    for number, page in enumerate(document.pages):
        for element, tag, style in styled(page):
            if number == 0 and first_break == "auto" and element.get(PIECE_ATTRIBUTE) is not None:
                first_break = style["break_before"]
            if "::" in tag and _reads_page_attribute(style["content"]):
                href = element.get("href") or ""
                if href.startswith("#"):
                    shown[href[1:]] = element.get(PAGE_ATTRIBUTE, "")
    return shown, first_break


def _stub_break(document: Any) -> str:
    """The break-before of the stub on the last page (that of the piece it stands for)."""
    from octavo.pdf.pieces import STUB_ATTRIBUTE

    for element, _tag, style in styled(document.pages[-1]):
        if element.get(STUB_ATTRIBUTE) is not None:
            return style["break_before"]
    return ""


def _reads_page_attribute(content: Any) -> bool:
    if not isinstance(content, (list, tuple)):
        return False
    return any(kind == "attr()" and value[0] == PAGE_ATTRIBUTE for kind, value in content
               if isinstance(value, tuple) and value)  # fmt: skip
