"""A book's front and back matter: half-title, title page, copyright page, dedication, epigraph, contents on a
right-hand page, about the author and colophon, in the PDF and the EPUB; a book without them as before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from lxml import etree
from pypdf import PdfReader

from octavo import __version__
from octavo.core.diagnostics import Report
from octavo.core.model import Book, FrontMatter
from octavo.source.load import load_document
from octavo.source.schema import json_schema

from .conftest import FIXTURES, PROJECT, build_into, epub_files, epubcheck_messages, node_tool, shared_build, squash

FULL = FIXTURES / "front_matter_book.yaml"
PLAIN = FIXTURES / "front_matter_plain.yaml"
NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
      "epub": "http://www.idpf.org/2007/ops"}  # fmt: skip
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
RIGHTS = "© 2024 Ada Editor. Published under CC BY-SA 4.0."


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Both books, built once to a PDF and once to an EPUB (apart: the EPUB's own front matter is under test here,
    not the print edition's page list that a build of both formats adds to it), into one folder."""
    pdfs = shared_build(tmp_path_factory, "front-matter-pdf", str(FULL), str(PLAIN), "--format", "pdf")
    epubs = shared_build(tmp_path_factory, "front-matter-epub", str(FULL), str(PLAIN), "--format", "epub")
    folder = tmp_path_factory.mktemp("front-matter")
    for path in [*pdfs.glob("*.pdf"), *epubs.glob("*.epub")]:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="module")
def pages(built) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(built / "front_matter_book.pdf").pages]


@pytest.fixture(scope="module")
def plain_pages(built) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(built / "front_matter_plain.pdf").pages]


def toc_page(path: Path) -> int:
    """The index (from 0) of the page the contents begin on."""
    reader = PdfReader(path)
    return reader.get_destination_page_number(reader.named_destinations["toc"])


# -- the PDF ----------------------------------------------------------------------------------


def test_the_half_title_is_the_title_alone_on_the_first_page_and_the_title_page_a_recto(pages):
    assert pages[0] == "A Published Book"  # no subtitle, no editors, no folio
    assert pages[1] == ""  # its back is blank
    assert squash(pages[2]) == squash("A Published Book With the pages a publisher needs Edited by Ada Editor "
                                      "Test Press · 2024")  # fmt: skip


def test_the_copyright_page_on_the_back_of_the_title_page_says_everything_a_publisher_must(pages):
    copyright_page = pages[3]
    for words in ("Published by Test Press 12 Quire Lane Bindford BF1 2AB", RIGHTS, "Second edition, revised",
                  "ISBN 978-0-306-40615-7 (paperback) ISBN 978-3-16-148410-0 (EPUB)",
                  "Cover design: Cy Designer Copy editing: Di Editor"):  # fmt: skip
        assert squash(words) in squash(copyright_page), words
    assert copyright_page.endswith("10 9 8 7 6 5 4 3")  # the third printing; no folio after it
    assert sum("ISBN 978-0-306-40615-7" in page for page in pages) == 1


def test_the_dedication_and_the_epigraph_each_have_a_right_hand_page(pages):
    assert pages[4] == "For Mira, who asked for the book."
    assert squash(pages[6]) == squash("A book is a version of the world. If you do not like it, ignore it; or offer "
                                      "your own version in return. — Salman Rushdie")  # fmt: skip
    assert pages[5] == pages[7] == ""


@pytest.mark.parametrize("name", ["front_matter_book", "front_matter_plain"])
def test_the_contents_begin_on_a_right_hand_page(name, built):
    # Page index 8 (or 2) is the 9th (3rd) page: an odd page number, a right-hand page.
    assert toc_page(built / f"{name}.pdf") == {"front_matter_book": 8, "front_matter_plain": 2}[name]


def test_about_the_author_and_the_colophon_close_the_book(pages):
    about = next(i for i, page in enumerate(pages) if page.startswith("About the author"))
    assert about % 2 == 0 and about == len(pages) - 2  # a right-hand page, the last but one
    assert "She lives in Bindford." in pages[about]
    assert pages[-1] == f"Typeset with octavo {__version__}. The text is set in Gentium Book Plus."
    number = re.search(r"About the author[ .]*?(\d+)", pages[8])  # listed in the contents, with its page
    assert number and int(number[1]) == about + 1


def test_a_book_without_the_keys_opens_with_its_title_page_and_has_no_back_matter(plain_pages):
    assert squash(plain_pages[0]) == squash("A Plain Book Edited by Ada Editor Test Press · 2024")
    assert plain_pages[1] == "" and plain_pages[2].startswith("Contents")
    assert len(plain_pages) == 7 and plain_pages[-1].startswith("The Second Chapter")
    assert not any(word in " ".join(plain_pages) for word in ("ISBN", "About the author", "Typeset with"))


# -- the EPUB ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(built) -> dict[str, bytes]:
    return epub_files(built / "front_matter_book.epub")


def spine(files: dict[str, bytes]) -> list[str]:
    opf = etree.fromstring(files["EPUB/content.opf"])
    hrefs = {item.get("id"): item.get("href") for item in opf.iterfind(".//opf:manifest/opf:item", NS)}
    return [hrefs[ref.get("idref")] for ref in opf.iterfind(".//opf:spine/opf:itemref", NS)]


def test_the_epub_reads_in_the_order_stores_expect(files, built):
    assert spine(files) == ["cover.xhtml", "title.xhtml", "copyright.xhtml", "dedication.xhtml", "epigraph.xhtml",
                            "nav.xhtml", "one--title.xhtml", "one--section-1.xhtml", "two--title.xhtml",
                            "about-the-author.xhtml", "colophon.xhtml"]  # fmt: skip
    plain = epub_files(built / "front_matter_plain.epub")
    assert spine(plain) == ["cover.xhtml", "title.xhtml", "nav.xhtml", "one--title.xhtml", "one--section-1.xhtml",
                            "two--title.xhtml"]  # fmt: skip


def test_the_copyright_page_is_a_document_of_its_own_with_its_epub_type(files):
    document = etree.fromstring(files["EPUB/copyright.xhtml"])
    (section,) = document.iterfind(".//x:section", NS)
    assert section.get(EPUB_TYPE) == "copyright-page"
    assert not document.xpath("//*[contains(@epub:type, 'titlepage')]", namespaces=NS)  # pandoc would drop it
    text = " ".join("".join(section.itertext()).split())
    assert RIGHTS in text and "ISBN 978-3-16-148410-0 (EPUB)" in text and "ISBN 978-0-306-40615-7" in text
    landmarks = etree.fromstring(files["EPUB/nav.xhtml"]).find(".//x:nav[@id='landmarks']", NS)
    assert [a.get("href") for a in landmarks.iterfind(".//x:a", NS) if a.get(EPUB_TYPE) == "copyright-page"] == [
        "copyright.xhtml"]  # fmt: skip


def test_dedication_epigraph_about_and_colophon_carry_their_semantics(files):
    def only(name: str, path: str) -> etree._Element:
        (found,) = etree.fromstring(files[f"EPUB/{name}"]).xpath(path, namespaces=NS)
        return found

    dedication = only("dedication.xhtml", "//x:section[@epub:type]")
    assert (dedication.get(EPUB_TYPE), dedication.get("role")) == ("dedication", "doc-dedication")
    epigraph = only("epigraph.xhtml", "//x:section//*[@epub:type]")
    assert (epigraph.get(EPUB_TYPE), epigraph.get("role")) == ("epigraph", "doc-epigraph")
    assert "— Salman Rushdie" in "".join(epigraph.itertext())
    colophon = only("colophon.xhtml", "//x:section[@epub:type]")
    assert (colophon.get(EPUB_TYPE), colophon.get("role")) == ("colophon", "doc-colophon")
    about = only("about-the-author.xhtml", "//x:section")
    heading = about.find("x:h2", NS)
    assert about.get("aria-labelledby") == heading.get("id") and heading.text == "About the author"
    assert about.get(EPUB_TYPE) is None  # the vocabulary has no term for it


@pytest.mark.parametrize("name", ["front_matter_book", "front_matter_plain"])
def test_epubcheck_reports_nothing_not_even_a_usage_note(name, built):
    assert epubcheck_messages(built / f"{name}.epub") == ()


def test_ace_finds_no_violation(built):
    reports = node_tool("ace.js", str(built / "front_matter_book.epub"), str(built / "front_matter_plain.epub"))
    assert [(Path(r["epub"]).name, r["violations"]) for r in reports] == [
        ("front_matter_book.epub", []), ("front_matter_plain.epub", [])]  # fmt: skip


# -- the keys ---------------------------------------------------------------------------------


def load(path: Path) -> tuple[Book | None, list[str]]:
    report = Report()
    loaded = load_document(path, PROJECT, report)
    return loaded, [e.message for e in report.errors]


def test_the_keys_are_read_and_the_paperback_keeps_its_isbn():
    book, errors = load(FULL)
    assert errors == [] and isinstance(book, Book)
    assert book.isbn == "9780306406157"  # the cover's barcode: the paperback's ISBN
    assert [edition for edition, _digits, _written in book.front.isbns] == ["paperback", "epub"]
    assert book.front.printing_line == "10 9 8 7 6 5 4 3" and book.copyright_page
    assert FrontMatter().printing_line == "10 9 8 7 6 5 4 3 2 1" and FrontMatter(printing=12).printing_line == (
        "20 19 18 17 16 15 14 13 12")  # fmt: skip
    plain, _ = load(PLAIN)
    assert isinstance(plain, Book) and plain.front == FrontMatter() and not plain.copyright_page


def test_a_wrong_isbn_edition_or_printing_is_reported_where_it_is_written(tmp_path):
    wrong = "epub: 978-3-16-148410-1\n  audiobook: 978-0-306-40615-7"
    text = FULL.read_text(encoding="utf-8").replace("epub: 978-3-16-148410-0", wrong)
    text = text.replace("printing: 3", "printing: 0")
    (tmp_path / "front_matter").mkdir()
    for chapter in ("one", "two"):
        (tmp_path / "front_matter" / f"{chapter}.yaml").write_bytes((FIXTURES / "front_matter" / f"{chapter}.yaml")
                                                                    .read_bytes())  # fmt: skip
    (tmp_path / "book.yaml").write_text(text, encoding="utf-8")
    report = Report()
    assert load_document(tmp_path / "book.yaml", tmp_path, report) is None
    messages = [e.message for e in report.errors]
    assert any(m.startswith("isbn.epub: '978-3-16-148410-1' has the check digit 1") for m in messages), messages
    assert any(m.startswith("isbn.audiobook: unknown key 'audiobook'") for m in messages), messages
    assert any(m.startswith("printing: expected this printing's number") for m in messages), messages


def test_the_json_schema_takes_the_keys_and_one_isbn_as_before():
    validator = Draft202012Validator(json_schema())
    full = yaml.safe_load(FULL.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(full)) == []
    assert list(validator.iter_errors({**full, "isbn": "978-0-306-40615-7", "colophon": "Set by hand."})) == []
    assert list(validator.iter_errors({**full, "epigraph": "A line alone."})) == []
    assert list(validator.iter_errors({**full, "isbn": {"audiobook": "978-0-306-40615-7"}}))
    assert list(validator.iter_errors({**full, "printing": 0}))


# -- an article ---------------------------------------------------------------------------------


def test_an_article_built_alone_prints_its_rights_under_its_title(tmp_path):
    article = tmp_path / "article.yaml"
    article.write_text(f"title: A Handout\nrights: \"{RIGHTS}\"\nbody:\n  - One paragraph.\n", encoding="utf-8")
    out = build_into(tmp_path / "out", str(article), "--root", str(tmp_path), "--format", "pdf")
    build_into(out, str(article), "--root", str(tmp_path), "--format", "epub")
    first = " ".join(PdfReader(out / "article.pdf").pages[0].extract_text().split())
    assert squash(f"A Handout {RIGHTS} One paragraph.") in squash(first)
    opening = etree.fromstring(epub_files(out / "article.epub")["EPUB/title.xhtml"])
    assert [p.text for p in opening.iterfind(".//x:header/x:p[@class='rights']", NS)] == [RIGHTS]
