"""Books: one model for many articles, one PDF and one EPUB, ids that never collide."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Book, Paragraph, iter_blocks
from octavo.source.load import load_document

from .conftest import FIXTURES, PROJECT, as_read, body_text, build_into, epub_files, epubcheck_messages, squash

NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
BOOK = FIXTURES / "book.yaml"


@pytest.fixture(scope="module")
def book() -> Book:
    loaded = load_document(BOOK, PROJECT, Report())
    assert isinstance(loaded, Book)
    return loaded


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_into(tmp_path_factory.mktemp("book"), str(BOOK), "--format", "pdf,epub")


def test_ids_never_collide_and_notes_restart_per_article(book):
    ids = [n.id for n in book.notes] + [f.id for f in book.figures]
    ids += [r.ref_id for n in book.notes for r in n.refs] + [a.anchor for a in book.articles]
    assert len(ids) == len(set(ids))
    assert [[n.number for n in a.notes] for a in book.articles] == [[1, 2], [1], []]
    assert [a.id_prefix for a in book.articles] == ["all-blocks--", "russian--", "images--"]


# -- the PDF --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(built) -> PdfReader:
    return PdfReader(built / "book.pdf")


def dest_page(pdf: PdfReader, name: str) -> int:
    return pdf.get_destination_page_number(pdf.named_destinations[name])


def test_every_article_opens_on_an_odd_page_with_toc_numbers_that_match(book, pdf):
    # The contents begin on a right-hand page: the third, after the title page and its blank back.
    toc = re.sub(r"\s+", " ", pdf.pages[dest_page(pdf, "toc")].extract_text())
    assert dest_page(pdf, "toc") == 2
    position = 0

    def printed_number(title: str) -> int:
        nonlocal position  # entries are read in order, so repeated titles find their own line
        match = re.compile(re.escape(title) + r"[ .]*?(\d+)").search(toc, position)
        assert match, title
        position = match.end()
        return int(match[1])

    for article in book.articles:
        page = dest_page(pdf, article.anchor)
        assert (page + 1) % 2 == 1, article.title.plain
        assert printed_number(article.title.plain) == page + 1
        for entry in article.toc:
            assert printed_number(entry.title.plain) == dest_page(pdf, entry.id) + 1


def test_all_text_is_present_in_order(book, pdf):
    text = squash("".join(body_text(page) for page in pdf.pages))
    position = 0
    for article in book.articles:
        for block in iter_blocks(article):
            if isinstance(block, Paragraph):
                found = text.find(squash(as_read(block.text)), position)
                assert found >= 0, block.text.plain
                position = found


def test_notes_are_grouped_per_article_and_linked_both_ways(book, pdf):
    links = defaultdict(set)
    for index, page in enumerate(pdf.pages):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if "/Dest" in annot:
                links[str(annot["/Dest"])].add(index)
    notes_page = dest_page(pdf, "notes")
    notes_text = squash(pdf.pages[notes_page].extract_text())
    for article in book.articles:
        if article.notes:
            assert squash(article.title.plain) in notes_text
        for note in article.notes:
            assert links[note.id] == {dest_page(pdf, r.ref_id) for r in note.refs}
            for ref in note.refs:
                assert links[ref.ref_id] == {dest_page(pdf, note.id)}


def test_the_outline_nests_articles_then_sections(pdf):
    def tree(outline) -> list:
        return [tree(i) if isinstance(i, list) else i["/Title"] for i in outline]

    assert tree(pdf.outline) == [
        "Every block kind", ["Blocks", ["Nested"], "Blocks"],
        "Зимний вечер", ["Текст"],
        "Pictures of every kind",
        "Notes", ["Every block kind", "Зимний вечер"],
    ]  # fmt: skip


# -- the EPUB -------------------------------------------------------------------------------


def test_the_book_epub_passes_epubcheck(built):
    assert epubcheck_messages(built / "book.epub") == ()  # usage messages too: a deprecated epub:type fails


def test_nav_nests_articles_then_sections(built, book):
    files = epub_files(built / "book.epub")
    nav = ET.fromstring(files["EPUB/nav.xhtml"]).find(".//x:nav[@id='toc']/x:ol", NS)
    top = [li.find("x:a", NS).text for li in nav.findall("x:li", NS)]
    assert top == ["A Three-Article Book", *[a.title.plain for a in book.articles], "Notes"]
    russian = nav.findall("x:li", NS)[2]
    hrefs = [a.get("href") for a in russian.iterfind(".//x:ol//x:a", NS)]
    assert hrefs == ["russian--section-1.xhtml#russian--tekst"]  # "Текст": anchors are ASCII, transliterated


def test_every_noteref_and_backlink_lands_in_the_right_chapter(built):
    files = epub_files(built / "book.epub")
    ids = {name.removeprefix("EPUB/"): {e.get("id") for e in ET.fromstring(data).iter() if e.get("id")}
           for name, data in files.items() if name.endswith(".xhtml")}  # fmt: skip
    checked = 0
    for name, data in files.items():
        if not name.endswith(".xhtml"):
            continue
        for a in ET.fromstring(data).iter("{http://www.w3.org/1999/xhtml}a"):
            if a.get(EPUB_TYPE) == "noteref" or a.get("role") == "doc-backlink":
                target, anchor = a.get("href").split("#")
                assert anchor in ids[target], a.get("href")
                checked += 1
    assert checked == 2 * 4  # four references in the book, each linked both ways


def test_editors_are_creators_with_the_role_edt(built):
    opf = ET.fromstring(epub_files(built / "book.epub")["EPUB/content.opf"])
    roles = [m.text for m in opf.iterfind(".//opf:meta[@property='role']", NS)]
    assert roles == ["edt", "edt"]


def test_the_same_article_builds_identically_in_two_books(tmp_path, cli):
    for name, articles in (("one", ["all_blocks.yaml", "russian.yaml"]), ("two", ["russian.yaml", "images.yaml"])):
        (FIXTURES / f"{name}.tmp.yaml").write_text(
            "title: Book " + name + "\narticles: [" + ", ".join(articles) + "]\n", encoding="utf-8")  # fmt: skip
    try:
        for name in ("one", "two"):
            assert cli("build", FIXTURES / f"{name}.tmp.yaml", "--out", tmp_path, "--format", "epub").status == 0
    finally:
        for name in ("one", "two"):
            (FIXTURES / f"{name}.tmp.yaml").unlink()
    one, two = epub_files(tmp_path / "one.tmp.epub"), epub_files(tmp_path / "two.tmp.epub")
    for name in ("EPUB/russian--title.xhtml", "EPUB/russian--section-1.xhtml"):
        assert one[name] == two[name]


# -- bad books ------------------------------------------------------------------------------

BAD_BOOKS = {
    "missing article": ("articles: [nowhere.yaml]", "no such article file 'nowhere.yaml'"),
    "itself": ("articles: [book.yaml]", "a book cannot include itself"),
    "outside": ("articles: [../../outside.yaml]", "is outside the project folder"),
    "twice": ("articles: [a.yaml, a.yaml]", "'a.yaml' is already listed (line 2)"),
    "a book in a book": ("articles: [inner.yaml]", "is a book; a book cannot be a chapter of a book"),
}


@pytest.mark.parametrize("case", list(BAD_BOOKS))
def test_a_bad_book_is_a_located_error(case, tmp_path, cli):
    project = tmp_path / "project"
    (project / "books").mkdir(parents=True)
    (tmp_path / "outside.yaml").write_text("title: Outside\n", encoding="utf-8")
    (project / "books" / "a.yaml").write_text("title: A\n", encoding="utf-8")
    (project / "books" / "inner.yaml").write_text("title: Inner\narticles: [a.yaml]\n", encoding="utf-8")
    line, message = BAD_BOOKS[case]
    (project / "books" / "book.yaml").write_text(f"title: B\n{line}\n", encoding="utf-8")
    run = cli("check", project / "books" / "book.yaml", "--root", project)
    assert run.status == 1
    assert message in run.err
    assert re.search(r"(book|inner)\.yaml:\d+:\d+: error: ", run.err)


def test_an_articles_own_errors_carry_the_articles_path(tmp_path, cli):
    (tmp_path / "broken.yaml").write_text("title: A\nbody:\n  - figrue: {caption: x}\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text("title: B\narticles: [broken.yaml]\n", encoding="utf-8")
    run = cli("check", tmp_path / "book.yaml", "--root", tmp_path)
    assert run.status == 1
    assert "broken.yaml:3:5: error: body[0]: unknown block 'figrue'" in run.err


def test_a_chapter_in_another_language_speaks_it_in_the_nav_and_notes(reader_epubs):
    files = epub_files(reader_epubs["book"])
    nav = ET.fromstring(files["EPUB/nav.xhtml"]).find(".//x:nav[@id='toc']/x:ol", NS)
    languages = [li.get("lang") for li in nav.findall("x:li", NS)]
    assert languages == [None, None, "ru", None, None]  # the book's own language goes without saying
    group = ET.fromstring(files["EPUB/notes.xhtml"]).find(".//x:section[@id='russian--notes']", NS)
    labels = [a.get("aria-label") for a in group.iterfind(".//x:a[@role='doc-backlink']", NS)]
    assert labels == ["Вернуться к ссылке 1"]
