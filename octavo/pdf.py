"""print_html and render_pdf: the print HTML typeset by WeasyPrint, with a fetcher that reads only what we allow."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from octavo.images import MEDIA_TYPES
from octavo.labels import labels_for
from octavo.model import Book, Publication
from octavo.options import BuildOptions
from octavo.render import asset_dir, render

PRINT_STYLESHEETS = ("base.css", "print.css")


class PdfError(Exception):
    """WeasyPrint reported a problem that would make the PDF wrong (a missing resource, say)."""


def print_html(publication: Publication, options: BuildOptions) -> str:
    """The exact HTML document that is typeset into the PDF, with paths relative to the output folder."""
    styles = asset_dir("styles", options.root)
    out = options.out.resolve()

    def relative(path: Path) -> str:
        return Path(os.path.relpath(path, out)).as_posix()

    templates = asset_dir("templates", options.root)
    return render(
        templates,
        "book.html" if isinstance(publication, Book) else "print.html",
        publication=publication,
        article=publication,
        book=publication,
        epub=False,
        labels=labels_for(publication.language, templates),
        page_size=options.page_size,
        stylesheets=[relative(styles / name) for name in (*PRINT_STYLESHEETS, f"page-{options.page_size.lower()}.css")],
        href=lambda article, chunk, anchor: f"#{anchor}",
        notes_href="",
        image_src=lambda figure: relative(figure.image),
        placeholder_src=None,
    )


def allowed_files(publication: Publication, options: BuildOptions) -> set[Path]:
    """Every file the PDF may read: our stylesheets and fonts, and the images of its articles."""
    styles = asset_dir("styles", options.root)
    files = {p.resolve() for p in styles.rglob("*") if p.is_file()}
    files.update(f.image for f in publication.figures if f.image)
    return files


def render_pdf(html: str, publication: Publication, options: BuildOptions) -> tuple[bytes, int]:
    """Typeset the HTML into (PDF bytes, page count); any error WeasyPrint logs fails the build."""
    import weasyprint  # imported here: it is slow to import and only PDF builds need it

    fetcher = _restricted_fetcher(weasyprint, allowed_files(publication, options))
    problems = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(problems)
    try:
        base_url = options.out.resolve().as_uri() + "/"
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(cache=_IMAGE_CACHE)
        pdf = document.write_pdf(pdf_tags=True, pdf_variant=options.pdf_variant)
        pages = len(document.pages)
    finally:
        logger.removeHandler(problems)
    refused = fetcher.refused + problems.errors
    if refused:
        raise PdfError("; ".join(refused))
    return pdf, pages


# WeasyPrint's in-memory image cache, shared by the builds of one run: an article and the books
# that include it decode their images once. It is keyed by URL, so every run starts it afresh
# (watch mode runs many builds in one process), and WeasyPrint's on-disk cache is not used.
_IMAGE_CACHE: dict = {}


def clear_image_cache() -> None:
    _IMAGE_CACHE.clear()


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.errors.append(record.getMessage())


def _restricted_fetcher(weasyprint, allowed: set[Path]):
    class RestrictedFetcher(weasyprint.URLFetcher):
        """Serves the files this build resolved itself, and nothing else: no network, no other files."""

        def __init__(self) -> None:
            super().__init__(fail_on_errors=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None):
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or path not in allowed:
                self.refused.append(f"refused to read {url}")
                raise ValueError(f"octavo does not let the PDF read {url}")
            media_type = MEDIA_TYPES.get(path.suffix.lower()) or _STYLE_TYPES.get(path.suffix.lower(), "")
            return weasyprint.urls.URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": media_type} if media_type else {}
            )

    return RestrictedFetcher()


_STYLE_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
                ".woff2": "font/woff2"}  # fmt: skip
