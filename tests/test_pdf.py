"""The print PDF read back with pypdf: text in order, TOC numbers, outline, notes linked both ways."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from pypdf import PdfReader

from octavo.cli.main import main
from octavo.core.diagnostics import Report
from octavo.core.model import Paragraph, iter_blocks, iter_sections
from octavo.source.load import load_article

from .conftest import PROJECT, SAMPLE, as_read, body_text, squash
from .layout import Mark, expected_heads, read_pages


@pytest.fixture(scope="module")
def article():
    return load_article(SAMPLE, PROJECT, Report())


PAGE_SIZES_PT = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0), "A5": (419.53, 595.28)}


@pytest.fixture(scope="module", params=list(PAGE_SIZES_PT))
def pdf(request, tmp_path_factory) -> PdfReader:
    """The sample at each page size; every test that reads the PDF runs for all three."""
    out = tmp_path_factory.mktemp(request.param)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(PROJECT)
        assert main([str(SAMPLE), "--out", str(out), "--format", "pdf", "--page-size", request.param]) == 0
    reader = PdfReader(out / "khrushchev.pdf")
    reader.page_size_name = request.param
    reader.path = out / "khrushchev.pdf"
    return reader


def test_every_page_has_the_requested_size(pdf):
    width, height = PAGE_SIZES_PT[pdf.page_size_name]
    for page in pdf.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == (width, height)


def test_running_heads_name_the_article_and_the_section_in_force_and_none_on_page_one(article, pdf):
    pages = read_pages(pdf.path)
    marks = [Mark(article.anchor, article.title.plain, article.title.plain, opens=True)]
    marks += [Mark(s.id, section=s.title.plain) for s in article.sections] + [Mark("notes", section="Notes"),
                                                                         Mark("index", section="Index")]
    expected = expected_heads(pdf.path, pages, marks)
    assert [p.head for p in pages] == expected
    assert expected[0] == "" and all(expected[1:])  # page 1 has none; every other page has one
    assert "Contents" not in {p.head for p in pages}


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    return [page.extract_text() for page in pdf.pages]


def links(pdf: PdfReader) -> list[tuple[int, str]]:
    """(page index, destination name) of every internal link."""
    found = []
    for index, page in enumerate(pdf.pages):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                found.append((index, str(annot["/Dest"])))
    return found


def dest_page(pdf: PdfReader, name: str) -> int:
    return pdf.get_destination_page_number(pdf.named_destinations[name])


def test_the_sample_has_every_paragraph_in_order(article, pdf):
    paragraphs = [as_read(b.text) for b in iter_blocks(article) if isinstance(b, Paragraph)]
    assert len(paragraphs) == 25  # the seed article's paragraphs, all carried over
    text = squash("".join(body_text(page) for page in pdf.pages))
    position = 0
    for paragraph in paragraphs:
        found = text.find(squash(paragraph), position)
        assert found >= 0, paragraph[:60]
        position = found


def test_every_toc_number_is_the_page_of_its_heading(article, pdf, pages):
    toc_text = re.sub(r"\s+", " ", pages[0])
    entries = [(s.id, s.title.plain) for s in iter_sections(article.sections)] + [("notes", "Notes")]
    assert len(entries) == 8
    for anchor, title in entries:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)", toc_text)
        assert match, title
        page = dest_page(pdf, anchor)
        assert int(match[1]) == page + 1, title
        assert squash(title) in squash(pages[page])


def test_the_outline_is_the_section_tree(article, pdf):
    titles = [item["/Title"] for item in pdf.outline if not isinstance(item, list)]
    assert titles == [s.title.plain for s in article.sections] + ["Notes", "Index"]


def test_every_note_reference_links_to_its_note_and_back(article, pdf, pages):
    by_dest = defaultdict(list)
    for page, dest in links(pdf):
        by_dest[dest].append(page)
    for note in article.notes:
        note_page = dest_page(pdf, note.id)
        assert squash(note.text.plain)[:40] in squash(pages[note_page])
        # A link may be drawn as several boxes, so compare the pages, not the count of boxes.
        assert set(by_dest[note.id]) == {dest_page(pdf, r.ref_id) for r in note.refs}
        for ref in note.refs:
            assert set(by_dest[ref.ref_id]) == {note_page}  # the back-link sits on the note's page
            assert f"p.\u00a0{dest_page(pdf, ref.ref_id) + 1}" in pages[note_page]


def test_placeholders_show_description_and_file_name(article, pages):
    text = squash("".join(pages))
    for figure in article.figures:
        assert figure.is_placeholder
        assert squash(figure.description) in text
        assert squash(figure.image_name) in text
        assert squash(f"Figure {figure.number}. {figure.caption.plain}") in text


def test_metadata(pdf):
    info = pdf.metadata
    assert info.title == "Why was Nikita Khrushchev deposed as the leader of the USSR"
    assert info["/Creator"].startswith("octavo ")
    assert "Cold War" in info["/Keywords"]


def test_fonts_are_the_bundled_ones_and_embedded(pdf):
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    assert {"Gentium-Book-Plus", "Gentium-Book-Plus-Bold", "Gentium-Book-Plus-Italic"} <= fonts


def test_body_text_is_hyphenated_but_urls_and_headings_are_not(article, pdf, pages):
    text = "\n".join(pages)
    assert "\u2010\n" in text  # hyphenation is on (English, from the article's language)
    joined = text.replace("\n", "")
    for note in article.notes:
        for url in re.findall(r"https?://\S+", note.text.plain):
            assert url in joined, url  # wrapped, never hyphenated
    for section in iter_sections(article.sections):
        assert squash(section.title.plain) in squash(text)
    titles = [s.title.plain for s in iter_sections(article.sections)]
    for line in text.splitlines():
        start = line.strip().rstrip("\u2010")
        if start and any(title.startswith(start) for title in titles):
            assert not line.endswith("\u2010"), line  # a heading's line never ends in a hyphen


def test_the_title_block_is_on_page_one(article, pages):
    first = re.sub(r"\s+", " ", pages[0])
    assert squash(article.title.plain) in squash(first)
    assert "DailyHistory.org · 2020-11-20" in first
