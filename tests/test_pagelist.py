"""The print edition's page numbers in the EPUB: a marker where each printed page begins, and the nav's page list."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from .conftest import FIXTURES, SAMPLE, body_text, build_into, epubcheck_messages, node_tool, shared_build, squash

XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
# The sample (an article with an index: laid out in pieces), a book (in pieces, with blank pages and a contents
# list), and articles laid out whole: one with footnotes in runs of repeated sentences, one with inline formulas.
INPUTS = {"khrushchev": SAMPLE, **{name: FIXTURES / f"{name}.yaml" for name in ("book", "footnotes", "math_setting")}}
PAGE_WORDS = 30  # letters of the page's first words (about five), white space and hyphens left out
WITHIN = 80  # letters after the marker in which they must begin: a line at most


@pytest.fixture(scope="session")
def both(tmp_path_factory) -> Path:
    return shared_build(tmp_path_factory, "pagelist", *map(str, INPUTS.values()), "--format", "pdf,epub")


def page_list(epub: Path) -> list[tuple[str, str]]:
    """The nav's page list: (label, href) in order."""
    with zipfile.ZipFile(epub) as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
    (listing,) = [n for n in nav.iter(f"{XHTML}nav") if n.get(f"{OPS}type") == "page-list"]
    assert listing.get("hidden") is not None
    return [(a.text, a.get("href")) for a in listing.iter(f"{XHTML}a")]


def letters(text: str) -> str:
    """Text without white space, hyphens and digits: an index prints page numbers where the EPUB counts links."""
    return re.sub(r"\d", "", squash(text))


def text_after(root, marker_id: str) -> str:
    """The document's text from the marker on."""
    parts, found = [], False
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start" and element.get("id") == marker_id:
            found = True
        elif found and event == "start" and element.text:
            parts.append(element.text)
        if found and event == "end" and element.tail:
            parts.append(element.tail)
    return "".join(parts)


@pytest.mark.parametrize("name", INPUTS)
def test_one_entry_per_printed_page_each_on_its_marker(both, name):
    entries = page_list(both / f"{name}.epub")
    pages = len(PdfReader(both / f"{name}.pdf").pages)
    assert [label for label, _ in entries] == [str(n) for n in range(1, pages + 1)]
    with zipfile.ZipFile(both / f"{name}.epub") as archive:
        for label, href in entries:
            document, fragment = href.split("#")
            (marker,) = etree.fromstring(archive.read(f"EPUB/{document}")).xpath("//*[@id=$id]", id=fragment)
            assert marker.get(f"{OPS}type") == "pagebreak" and marker.get("role") == "doc-pagebreak"
            assert marker.get("aria-label") == label and not marker.text and len(marker) == 0


@pytest.mark.parametrize("name", INPUTS)
def test_each_marker_sits_where_its_printed_page_begins(both, name):
    """The page's first words (its running head and folio left out) begin within a line after its marker; a blank
    page's marker stands right before the next page's, and the print contents list's pages before the text."""
    pdf = PdfReader(both / f"{name}.pdf")
    checked, missed = 0, []
    with zipfile.ZipFile(both / f"{name}.epub") as archive:
        documents = {}
        for label, href in page_list(both / f"{name}.epub"):
            document, fragment = href.split("#")
            root = documents.setdefault(document, etree.fromstring(archive.read(f"EPUB/{document}")))
            page = letters(body_text(pdf.pages[int(label) - 1]))[:PAGE_WORDS]
            if not page or page.startswith("Contents"):
                continue
            checked += 1
            after = letters(text_after(root, fragment))
            if page not in after[: WITHIN + PAGE_WORDS]:
                missed.append((label, page, after[:WITHIN]))
    assert checked >= 1 and missed == []


def test_the_page_source_is_in_the_metadata(both):
    with zipfile.ZipFile(both / "book.epub") as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    sources = [m.text for m in opf.iter("{http://www.idpf.org/2007/opf}meta") if m.get("property") == "pageBreakSource"]
    assert sources == ["A Three-Article Book"]


@pytest.mark.parametrize("name", ["khrushchev", "book"])
def test_the_epub_with_pages_passes_epubcheck_and_ace(both, name):
    assert epubcheck_messages(both / f"{name}.epub") == ()
    (report,) = node_tool("ace.js", str(both / f"{name}.epub"))
    assert report["violations"] == []


def test_an_epub_built_alone_has_no_print_pages(tmp_path):
    out = build_into(tmp_path, str(FIXTURES / "footnotes.yaml"), "--format", "epub")
    with zipfile.ZipFile(out / "footnotes.epub") as archive:
        assert not any(b"pagebreak" in archive.read(n) or b"page-list" in archive.read(n) for n in archive.namelist())
