"""WeasyPrint given octavo's HTML: the layout with floats placed, and a fetcher that reads only the build's files."""

from __future__ import annotations

import base64
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from octavo.core.options import BuildOptions
from octavo.pdf.engine import hooks, load_weasyprint, placing_floats
from octavo.pdf.floats import place_floats
from octavo.pdf.footnotes import keep_on_their_pages
from octavo.pdf.samepage import drop_same_page_words
from octavo.text.images import MEDIA_TYPES

TOC_MIN_PAGES = 3

_NO_TOC = "nav.toc { display: none !important; }"  # a user sheet: !important beats the theme


# Where the print HTML sees itself, and its files beside it: a folder of no machine. WeasyPrint names each
# image of the PDF by a hash of its URL, so a real folder (the output's) made the PDF's bytes depend on
# where it was built; and a relative link would have carried that folder's path into the PDF.
DOCUMENT_ROOT = Path("/octavo")
DOCUMENT_BASE_URL = PurePosixPath(DOCUMENT_ROOT.as_posix()).as_uri() + "/"


def typeset_html(html, sheets: list, optional_toc: bool = False, cache: dict | None = None):
    """The layout of a weasyprint.HTML with extra stylesheets: the contents list kept or dropped, floats placed.

    `cache`: WeasyPrint's image cache for this layout; by default the one the builds of a run share.
    """
    weasyprint = load_weasyprint()
    cache = _IMAGE_CACHE if cache is None else cache
    # Floats may move later in the PDF than in the HTML, which is the document before pagination: as they
    # are met during layout where that is exact, else after it. octavo's hooks are in place for its layouts only.
    with hooks(), placing_floats(html) as placing:
        rendered = html.render(cache=cache, stylesheets=sheets)
        if optional_toc and len(rendered.pages) < TOC_MIN_PAGES:
            # A short article reads without a contents list; the HTML keeps it, the PDF leaves it out.
            sheets = [*sheets, weasyprint.CSS(string=_NO_TOC)]
            rendered = html.render(cache=cache, stylesheets=sheets)
        extra: list = []  # what footnotes.py adds to keep notes on their pages

        def render():
            return html.render(cache=cache, stylesheets=[*sheets, *extra])

        def placed(document):
            document = place_floats(html, render, document, placing.put_back)
            # "Figure 3 on page 5" only where Figure 3 is on another page: the references' pages are known now.
            return drop_same_page_words(html, render, document)

        def relayout(css: list[str]):
            extra[:] = [weasyprint.CSS(string=text) for text in css]
            return placed(render())

        # Every footnote on its reference's page, the floats and page references settled again after each mend.
        return keep_on_their_pages(html, placed(rendered), relayout)


def fetcher_for_assets(assets: dict[str, Path | bytes], options: BuildOptions,
                       css_filter: Callable[[str], str] | None = None):  # fmt: skip
    """A URL fetcher that serves these files (by URL relative to the output folder), each stylesheet passed
    through `css_filter` if one is given, and refuses everything else."""
    weasyprint = load_weasyprint()
    return _restricted_fetcher(weasyprint, {DOCUMENT_ROOT / url: source for url, source in assets.items()}, css_filter)


# WeasyPrint's in-memory image cache, shared by the builds of one run: an article and the books
# that include it decode their images once. It is keyed by URL, so every run starts it afresh
# (watch mode runs many builds in one process), and WeasyPrint's on-disk cache is not used.
_IMAGE_CACHE: dict = {}


def clear_image_cache() -> None:
    _IMAGE_CACHE.clear()


class LogCollector(logging.Handler):
    """The errors WeasyPrint logs while it works (a missing file, say): each fails the build."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.errors.append(record.getMessage())


def _restricted_fetcher(weasyprint, allowed: dict[Path, Path | bytes], css_filter: Callable[[str], str] | None = None):
    class RestrictedFetcher(weasyprint.URLFetcher):
        """Serves the files this build named itself, and nothing else: no network, no other files."""

        def __init__(self) -> None:
            super().__init__(fail_on_errors=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None):
            parts = urlsplit(url)
            data_image = _data_image(url) if parts.scheme == "data" else None
            if data_image is not None:  # an image inside a sanitised SVG: its bytes are in the URL, nothing is read
                return weasyprint.urls.URLFetcherResponse(url, data_image[1], headers={"Content-Type": data_image[0]})
            # The URL's path, normalised but not resolved: the names are virtual and symlinks do not matter.
            path = Path(os.path.normpath(unquote(parts.path))) if parts.scheme == "file" else None
            if path is None or path not in allowed:
                self.refused.append(f"refused to read {url}")
                raise ValueError(f"octavo does not let the PDF read {url}")
            source = allowed[path]
            data = source if isinstance(source, bytes) else source.read_bytes()
            if css_filter is not None and path.suffix.lower() == ".css":
                data = css_filter(data.decode("utf-8")).encode("utf-8")
            media_type = MEDIA_TYPES.get(path.suffix.lower()) or _STYLE_TYPES.get(path.suffix.lower(), "")
            return weasyprint.urls.URLFetcherResponse(
                url, data, headers={"Content-Type": media_type} if media_type else {}
            )

    return RestrictedFetcher()


def _data_image(url: str) -> tuple[str, bytes] | None:
    """The media type and bytes of a data: URL holding a raster image (all the SVG sanitiser leaves), else None."""
    match = re.fullmatch(r"data:(image/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=]*)", url, re.IGNORECASE)
    return (match[1].lower(), base64.b64decode(match[2])) if match else None


_STYLE_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
                ".woff2": "font/woff2"}  # fmt: skip
