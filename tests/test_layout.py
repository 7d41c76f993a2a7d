"""The printed page measured: line length, empty pages, captions, note references, running heads, handouts."""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Book, NoteRef, Publication, articles_of, iter_blocks, iter_sections
from octavo.core.pagesizes import names, parse
from octavo.source.load import load_document
from octavo.theme.theme import Theme

from .conftest import PAGE_SIZES, PRINT_INPUTS, PROJECT, as_read, body_text, shared_build, squash
from .layout import Mark, Page, characters_per_line, emptiness, expected_heads, full_lines, read_pages

CASES = [(name, size) for size in PAGE_SIZES for name in PRINT_INPUTS]
EMPTY_AT_MOST = 0.30  # of a page's text block left white, on any page but those the rules below allow


@cache
def publication(name: str) -> Publication:
    loaded = load_document(PRINT_INPUTS[name], PROJECT, Report())
    assert loaded is not None, name
    return loaded


@cache
def pages_of(path: Path) -> list[Page]:
    return read_pages(path)


@pytest.fixture(params=CASES, ids=[f"{name}-{size}" for name, size in CASES])
def case(request, print_builds) -> tuple[Publication, Path, list[Page]]:
    name, size = request.param
    path = print_builds[size] / f"{name}.pdf"
    return publication(name), path, pages_of(path)


def labels(publication: Publication) -> dict[str, str]:
    return Theme(None).labels(publication.language)


def head_marks(publication: Publication) -> list[Mark]:
    """Where print.css sets the running heads' strings, in reading order."""
    marks = []
    articles = articles_of(publication)
    for article in articles:
        title = article.title.plain
        marks.append(Mark(article.anchor, article=title, section=title, opens=True))
        marks += [Mark(section.id, section=section.title.plain) for section in article.sections]
    words = labels(publication)
    for key in ("references", "notes"):  # the back matter, in this order
        if any(getattr(a, key, ()) for a in articles):  # in a book, it opens like a chapter
            marks.append(Mark(key, section=words[key], opens=isinstance(publication, Book)))
            if isinstance(publication, Book):  # each article's group sets the left-hand head
                marks += [Mark(f"{a.id_prefix}{key}", article=a.title.plain) for a in articles if getattr(a, key, ())]
    if publication.index:  # the index comes last, on a page of its own
        book = isinstance(publication, Book)  # a book's index opens like a chapter, headed "Index" on both sides
        marks.append(Mark("index", article=words["index"] if book else None, section=words["index"], opens=book))
    return marks


def forced_breaks(publication: Publication) -> set[str]:
    """The anchors that start a new page however much room the page before has left."""
    anchors = {a.anchor for a in publication.articles} if isinstance(publication, Book) else set()
    return anchors | {"notes", "references", "index"}


def allowed_empty(publication: Publication, path: Path, pages: list[Page]) -> set[int]:
    """The pages (0-based) that may be emptier: the last, a blank page, a book's title page, a page
    followed (past blank pages) by one that a chapter, the notes or the references open (an article's
    last page of text), and one followed by a float that comes right after another float (no text
    lies between them to fill the page)."""
    reader = PdfReader(path)
    blank = {i for i, page in enumerate(pages) if not page.body}
    allowed = {len(pages) - 1} | blank
    if isinstance(publication, Book):
        allowed.add(0)

    def opens_page(anchor: str) -> int | None:
        if anchor not in reader.named_destinations:
            return None
        destination = reader.named_destinations[anchor]
        index = reader.get_destination_page_number(destination)
        opens = pages[index].body and float(destination.top or 0) >= pages[index].body[0].baseline
        return index if opens else None

    for anchor in forced_breaks(publication) | floats_after_floats(publication):
        index = opens_page(anchor)
        while index is not None and index > 0:
            allowed.add(index - 1)  # the page before ends where its text ran out
            index = index - 1 if index - 1 in blank else None
    return allowed


def floats_after_floats(publication: Publication) -> set[str]:
    """The ids of the figures and tables whose block comes right after another figure or table."""
    found = set()
    for article in articles_of(publication):
        for blocks in (article.body, *(s.blocks for s in iter_sections(article.sections))):
            for before, block in itertools.pairwise(blocks):
                if before.kind in ("figure", "table") and block.kind in ("figure", "table"):
                    found.add(block.id)
    return found


# -- the measure -----------------------------------------------------------------------------------


def test_lines_of_running_text_hold_55_to_75_characters(case):
    _, _, pages = case
    if len(full_lines(pages)) < 8:
        pytest.skip("too little running text to measure")
    assert 55 <= characters_per_line(pages) <= 75


# Every size octavo knows by name, and one turned: the rule that sets their type and margins must keep the measure.
NAMED_SIZES = (*names(), "A4 landscape")
MEASURED = PROJECT / "content" / "berlin-wall.yaml"  # a short article of running text: one PDF at each size


@pytest.fixture(scope="session")
def at_size(tmp_path_factory):
    """The PDF of MEASURED at a page size, typeset once in the run when a test first asks for it."""
    made: dict[str, Path] = {}

    def pdf(size: str) -> Path:
        if size not in made:
            folder = f"measure-{size.replace(' ', '-')}"
            made[size] = shared_build(tmp_path_factory, folder, str(MEASURED), "--format", "pdf", "--page-size",
                                      size) / f"{MEASURED.stem}.pdf"  # fmt: skip
        return made[size]

    return pdf


@pytest.mark.parametrize("size", NAMED_SIZES)
def test_lines_hold_55_to_75_characters_at_every_named_size(size, at_size):
    path = at_size(size)
    width, height = (float(v) for v in PdfReader(path).pages[0].mediabox[2:])
    page = parse(size)
    assert (width, height) == pytest.approx((page.width, page.height), abs=0.01)
    pages = pages_of(path)
    assert len(full_lines(pages)) >= 8
    assert 55 <= characters_per_line(pages) <= 75


# -- page flow -------------------------------------------------------------------------------------


def test_no_page_is_more_than_30_percent_empty_but_the_last_of_its_text(case):
    publication, path, pages = case
    allowed = allowed_empty(publication, path, pages)
    too_empty = {page.number: round(white, 2) for page, white in zip(pages, emptiness(pages), strict=True)
                 if white > EMPTY_AT_MOST and page.number - 1 not in allowed}  # fmt: skip
    assert too_empty == {}


def test_a_tables_caption_shares_its_page_with_the_tables_first_row(case):
    publication, _, pages = case
    for article, table in ((a, b) for a in articles_of(publication) for b in iter_blocks(a) if b.kind == "table"):
        table_word = labels(article)["table"]  # a chapter prints its own language's words
        first_row = squash((table.header or table.rows[0])[0].plain)[:8]
        label = squash(f"{table_word} {table.number}.")
        found = False
        for page in pages:
            texts = [squash(line.text) for line in page.body]
            starts = [i for i, text in enumerate(texts) if text.startswith(label)]
            if starts and (not first_row or first_row in "".join(texts[starts[0]:])):
                found = True
        assert found, f"{table_word} {table.number} is apart from its first row"


# -- notes -----------------------------------------------------------------------------------------


def test_adjacent_note_references_print_apart(case):
    publication, path, _ = case
    text = squash("".join(body_text(page) for page in PdfReader(path).pages))
    for article in articles_of(publication):
        for block in iter_blocks(article):
            inline = getattr(block, "text", None)
            parts = getattr(inline, "parts", ())
            if any(isinstance(a, NoteRef) and isinstance(b, NoteRef) for a, b in itertools.pairwise(parts)):
                assert squash(as_read(inline)) in text  # "…Text.1,2", never "…Text.12"


# -- running heads ---------------------------------------------------------------------------------


def test_every_page_carries_the_right_running_head(case):
    publication, path, pages = case
    assert [page.head for page in pages] == expected_heads(path, pages, head_marks(publication))


@pytest.mark.parametrize("size", PAGE_SIZES)
@pytest.mark.parametrize("name", ["book", "reader"])
def test_a_book_title_page_has_no_folio_and_blank_pages_are_blank(name, size, print_builds):
    pages = pages_of(print_builds[size] / f"{name}.pdf")
    assert isinstance(publication(name), Book)
    assert pages[0].folio == "" and pages[0].head == ""
    assert all(page.folio and page.folio.isdigit() for page in pages[1:] if page.body)
    assert all(page.folio == page.head == "" for page in pages if not page.body)


# -- handouts --------------------------------------------------------------------------------------


def test_a_two_page_handout_prints_on_two_a4_pages(print_builds):
    pages = pages_of(print_builds["A4"] / "handout.pdf")
    assert len(pages) == 2
    text = " ".join(line.text for page in pages for line in page.body)
    assert "Contents" not in text  # three sections: `toc: auto` leaves the contents list out
    assert "Notes" in " ".join(line.text for line in pages[-1].body)  # the notes follow the text


def test_toc_true_keeps_the_contents_list_of_a_short_article(print_builds):
    pages = pages_of(print_builds["A4"] / "long_lead.pdf")
    assert "Contents" in [line.text for line in pages[0].body]
