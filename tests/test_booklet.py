"""Saddle-stitch booklets: exact sheets, the right pages on the right sides, links that still land right."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.pdf.booklet import booklet_order, impose
from octavo.pdf.pagestyle import layout
from tests.conftest import FIXTURES, PROJECT, build_into, need, squash

A4_SIDE = (841.89, 595.276)  # A4 across: the booklet's sides
LETTER_SIDE = (792.0, 612.0)


@pytest.mark.parametrize(
    ("pages", "sides"),
    [
        (1, [(None, 0), (None, None)]),
        (4, [(3, 0), (1, 2)]),
        (5, [(None, 0), (1, None), (None, 2), (3, 4)]),
        (8, [(7, 0), (1, 6), (5, 2), (3, 4)]),
    ],
)
def test_sides_hold_the_right_pages(pages, sides):
    assert booklet_order(pages) == sides


def numbered_pdf(count: int, size: str = "A5") -> bytes:
    """`count` pages reading Page1, Page2, …; the first holds a link to every page and one outside."""
    import weasyprint

    links = " ".join(f'<a href="#p{n + 1}">to{n + 1}</a>' for n in range(count))
    pages = "".join(f'<p id="p{n + 1}" style="break-after: page">Page{n + 1}</p>' for n in range(count))
    html = f'<p>{links} <a href="https://example.org/">outside</a></p>{pages}'
    css = weasyprint.CSS(string=f"@page {{ size: {size}; margin: 2cm }}")
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[css])


def pages_of(pdf: bytes | Path) -> list:
    """The pages as pdfium reads them: like a viewer, it places what a page draws through form XObjects."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))
    return [document[index] for index in range(len(document))]


def text_in(page, left: float, bottom: float, right: float, top: float) -> str:
    """The text inside a rectangle of a page, in PDF points."""
    return page.get_textpage().get_text_bounded(left, bottom, right, top)


def halves(page) -> tuple[str, str]:
    """The text on the left and on the right half of an imposed side."""
    width, height = page.get_size()
    return " ".join(text_in(page, 0, 0, width / 2, height).split()), " ".join(
        text_in(page, width / 2, 0, width, height).split())


def word_left(page, word: str) -> float:
    """Where a word's first letter starts, from the left of the page."""
    text = page.get_textpage()
    index = text.get_text_range().index(word)
    return text.get_charbox(index)[0]


@pytest.fixture(scope="module")
def numbered() -> dict[int, bytes]:
    return {count: numbered_pdf(count) for count in range(1, 13)}


@pytest.mark.parametrize("count", range(1, 13))
def test_every_side_of_an_a4_booklet_holds_the_pages_that_read_in_order_when_folded(numbered, count):
    imposed = impose(numbered[count], "A4")
    for page in PdfReader(io.BytesIO(imposed)).pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4_SIDE, abs=0.1)
    expected = [tuple(f"Page{index + 1}" if index is not None else "" for index in side)
                for side in booklet_order(count)]  # fmt: skip
    # The first page's links line the top of Page1: only its last word is the page's own.
    found = [tuple(text.split()[-1] if text else "" for text in halves(side)) for side in pages_of(imposed)]
    assert found == expected
    assert len(found) == 2 * -(-count // 4)


@pytest.mark.parametrize(
    ("sheet", "page", "side"),
    [("A4", "A5", A4_SIDE), ("Letter", "5.5in 8.5in", LETTER_SIDE), ("A3", "A4", (1190.551, 841.89)),
     ("Tabloid", "Letter", (1224.0, 792.0))],
)  # fmt: skip
def test_every_sheet_is_exactly_its_paper_size_across(sheet, page, side):
    imposed = impose(numbered_pdf(3, page), sheet)
    for booklet_side in PdfReader(io.BytesIO(imposed)).pages:
        box = booklet_side.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(side, abs=0.1)
    assert halves(pages_of(imposed)[0])[1].split()[-1] == "Page1"


def test_pages_are_centred_in_their_half_of_the_sheet():
    # 5 x 8 in pages on Letter: half the sheet across is 5.5 x 8.5 in, so each page has 0.25 in all round.
    pages = numbered_pdf(4, "5in 8in")
    side = pages_of(impose(pages, "Letter"))[0]  # Page4 on the left, Page1 on the right
    for word, page, x in (("Page4", 3, 18), ("Page1", 0, 396 + 18)):
        left, bottom, *_ = word_box(pages_of(pages)[page], word)
        assert word_box(side, word)[:2] == pytest.approx((left + x, bottom + 18), abs=0.01)


def word_box(page, word: str) -> tuple[float, float, float, float]:
    text = page.get_textpage()
    return text.get_charbox(text.get_text_range().index(word))


def test_creep_moves_the_inner_sheets_pages_toward_the_fold():
    plain = pages_of(impose(numbered_pdf(8), "A4"))
    crept = pages_of(impose(numbered_pdf(8), "A4", creep=2.0))
    assert word_left(crept[0], "Page8") == pytest.approx(word_left(plain[0], "Page8"), abs=0.01)  # the outer sheet
    assert word_left(crept[2], "Page6") - word_left(plain[2], "Page6") == pytest.approx(2.0, abs=0.01)
    assert word_left(crept[2], "Page3") - word_left(plain[2], "Page3") == pytest.approx(-2.0, abs=0.01)


def link_targets(reader: PdfReader) -> list[tuple[int, float, float, str | None]]:
    """Every link annotation: (side, x, y of its rectangle's centre, the address or None); the target apart."""
    found = []
    for number, page in enumerate(reader.pages):
        for ref in page.get("/Annots", []):
            annotation = ref.get_object()
            x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
            uri = annotation["/A"]["/URI"] if "/A" in annotation else None
            found.append((number, (x1 + x2) / 2, (y1 + y2) / 2, uri))
    return found


def text_below(page, top: float, left: float, right: float) -> str:
    """The text of the line just below a destination's point, between `left` and `right`."""
    return squash(text_in(page, left, top - 16, right, top + 1))


def destination(reader: PdfReader, annotation) -> tuple[int, float, float]:
    dest = annotation["/Dest"]
    if isinstance(dest, str):
        named = reader.named_destinations[dest]
        return reader.get_page_number(named.page.get_object()), float(named.left), float(named.top)
    return reader.get_page_number(dest[0].get_object()), float(dest[2]), float(dest[3])


def test_each_link_of_a_small_booklet_lands_on_its_page():
    imposed = impose(numbered_pdf(6), "A4")
    booklet, sides = PdfReader(io.BytesIO(imposed)), pages_of(imposed)
    width = float(booklet.pages[0].mediabox.width)
    targets = {}
    for ref in booklet.pages[0]["/Annots"]:  # Page1 is on the first side (right half)
        annotation = ref.get_object()
        if "/Dest" in annotation:
            side, x, top = destination(booklet, annotation)
            half = (0.0, width / 2) if x < width / 2 else (width / 2, width)
            targets[len(targets) + 1] = text_below(sides[side], top, *half)
    assert targets == {n: f"Page{n}" for n in range(1, 7)}
    assert [t[3] for t in link_targets(booklet) if t[3]] == ["https://example.org/"]


# -- a whole book, laid out again at A5 and imposed on A4 -------------------------------------------------


@pytest.fixture(scope="session")
def book_booklet(tmp_path_factory) -> dict[str, object]:
    """tests/fixtures/book.yaml as a booklet: the built file, and the A5 pages it was imposed from."""
    from octavo.core.diagnostics import Report
    from octavo.core.options import BuildOptions
    from octavo.pdf.prepress import booklet_pdf
    from octavo.source.load import load_document

    out = build_into(tmp_path_factory.mktemp("booklet"), str(FIXTURES / "book.yaml"), "--format", "pdf", "--booklet")
    publication = load_document(FIXTURES / "book.yaml", PROJECT, Report())
    _, _, pages = booklet_pdf(publication, BuildOptions(out=out, root=PROJECT, formats=("pdf",), booklet=True))
    return {"booklet": out / "book.booklet.pdf", "pages": pages, "pdf": out / "book.pdf"}


def test_the_booklet_is_laid_out_at_a5_and_printed_on_exact_a4(book_booklet):
    pages = PdfReader(io.BytesIO(book_booklet["pages"]))
    assert (float(pages.pages[0].mediabox.width), float(pages.pages[0].mediabox.height)) == pytest.approx(
        (148 * 72 / 25.4, 210 * 72 / 25.4), abs=0.1)  # fmt: skip
    booklet = PdfReader(book_booklet["booklet"])
    for page in booklet.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_SIDE, abs=0.1)
    assert len(booklet.pages) == 2 * -(-len(pages.pages) // 4)


def test_every_link_of_the_booklet_lies_over_its_own_page_and_lands_where_it_did(book_booklet):
    original = PdfReader(io.BytesIO(book_booklet["pages"]))
    booklet = PdfReader(book_booklet["booklet"])
    width, height = (float(v) for v in booklet.pages[0].mediabox[2:])
    page_width, page_height = (float(v) for v in original.pages[0].mediabox[2:])
    tx, ty = (width / 2 - page_width) / 2, (height - page_height) / 2  # a page centred in its half
    order = booklet_order(len(original.pages))
    original_pages, booklet_pages = pages_of(book_booklet["pages"]), pages_of(book_booklet["booklet"])
    # The original's links, by page and rectangle: what text each one's target holds.
    before: dict[tuple[int, int, int], str] = {}
    internal = 0
    for number, page in enumerate(original.pages):
        for ref in page.get("/Annots", []):
            annotation = ref.get_object()
            if "/Dest" in annotation:
                x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
                target, x, top = destination(original, annotation)
                key = (number, round(min(x1, x2)), round(min(y1, y2)))
                before[key] = text_below(original_pages[target], top, 0, page_width)
                internal += 1
    checked = 0
    for side, page in enumerate(booklet.pages):
        for ref in page.get("/Annots", []):
            annotation = ref.get_object()
            x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
            half = 0 if x2 <= width / 2 else 1
            assert x1 >= half * width / 2, "a link rectangle straddles the fold"
            index = order[side][half]
            assert index is not None, "a link lies over a blank half"
            if "/Dest" not in annotation:
                continue
            key = (index, round(x1 - half * width / 2 - tx), round(y1 - ty))
            assert key in before, f"link on side {side} is not where any link of page {index + 1} was"
            target, x, top = destination(booklet, annotation)
            target_half = (0.0, width / 2) if x < width / 2 else (width / 2, width)
            assert text_below(booklet_pages[target], top, *target_half) == before[key]
            checked += 1
    assert checked == internal > 20  # every link was moved: none needed removing
    assert all(before.values()), "a target with no text below it proves nothing"


def test_the_booklet_keeps_title_authors_language_and_xmp_but_no_broken_tags(book_booklet):
    booklet = PdfReader(book_booklet["booklet"])
    original = PdfReader(book_booklet["pdf"])
    assert booklet.metadata.title == original.metadata.title == "A Three-Article Book"
    assert booklet.metadata.author == original.metadata.author
    root = booklet.trailer["/Root"]
    assert root["/Lang"] == original.trailer["/Root"]["/Lang"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 - a pypdf BooleanObject
    assert b"A Three-Article Book" in booklet.xmp_metadata.stream.get_data()
    assert "/StructTreeRoot" not in root
    assert not any("/StructParents" in page for page in booklet.pages)


def test_qpdf_finds_no_problem_in_the_booklet(book_booklet):
    qpdf_check(book_booklet["booklet"])


def qpdf_check(path: Path) -> None:
    need("qpdf", shutil.which("qpdf"), "apt-get install qpdf")
    run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0 and "No syntax or stream encoding errors" in run.stdout, (path.name, run.stdout)


def test_a_letter_publication_makes_a_letter_booklet_of_half_letter_pages(tmp_path):
    out = build_into(tmp_path, str(FIXTURES / "handout.yaml"), "--format", "pdf", "--booklet", "--page-size", "Letter")
    booklet = PdfReader(out / "handout.booklet.pdf")
    for page in booklet.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(LETTER_SIDE, abs=0.1)
    qpdf_check(out / "handout.booklet.pdf")


def left_edge(page) -> float:
    """Where the page's running text starts, from its left edge (the heads and folio apart)."""
    xs: list[float] = []
    height = float(page.mediabox.height)

    def visit(text, cm, tm, font, size):
        if text.strip() and 0.15 * height < cm[5] + tm[5] * cm[3] < 0.85 * height:
            xs.append(cm[4] + tm[4] * cm[0])

    page.extract_text(visitor_text=visit)
    return min(xs)


def test_an_articles_booklet_pages_are_half_letter_with_mirrored_margins(tmp_path):
    from octavo.core.diagnostics import Report
    from octavo.core.options import BuildOptions
    from octavo.pdf.prepress import booklet_pdf
    from octavo.source.load import load_document

    publication = load_document(FIXTURES / "handout.yaml", PROJECT, Report())
    options = BuildOptions(out=tmp_path, root=PROJECT, formats=("pdf",), booklet=True, page_size="Letter")
    _, sides, pages = booklet_pdf(publication, options)
    reader = PdfReader(io.BytesIO(pages))
    assert (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)) == pytest.approx(
        (5.5 * 72, 8.5 * 72), abs=0.1)  # fmt: skip
    assert sides == 2 * -(-len(reader.pages) // 4)

    # Page 1 is a right-hand page: its narrow margin (0.5 in) is at the fold, on its left; page 2's is on its right.
    rule = layout("5.5x8.5in")
    assert (rule.inner, rule.outer) == pytest.approx((0.5 * 72, 0.9 * 72))
    assert left_edge(reader.pages[0]) == pytest.approx(rule.inner, abs=1)
    assert left_edge(reader.pages[1]) == pytest.approx(rule.outer, abs=1)


@pytest.mark.parametrize(
    ("option", "message"),
    [(("--sheet", "B7"), "unknown sheet 'B7' (choose A3, A4, A5, A6, B5, Letter, Legal, Tabloid, royal, demy,"),
     (("--sheet", "A6"), "--booklet: two A4 pages (210 × 297 mm) do not fit side by side on the sheet, A6"),
     (("--page-size", "6x9in", "--sheet", "A4"), "--booklet: two 6x9in pages (6 × 9 in) do not fit side by side "
                                                  "on the sheet, A4 (210 × 297 mm); give --sheet a sheet of at "
                                                  "least 12x9in"),
     (("--page-size", "A4-landscape"), "no standard sheet (A4, Letter, Legal, A3, Tabloid) holds two A4 landscape "
                                       "pages side by side; give --sheet a sheet of at least 594x210mm"),
     (("--creep", "a little"), "'a little' is not a length in millimetres from 0 to 10"),
     (("--creep", "25"), "'25' is not a length in millimetres from 0 to 10")],
)  # fmt: skip
def test_a_bad_sheet_or_creep_is_a_usage_error_in_one_line(cli, option, message):
    run = cli("build", str(FIXTURES / "handout.yaml"), "--booklet", *option)
    assert run.status == 2
    assert message in run.err
    assert "Traceback" not in run.err
    assert "wrote" not in run.out  # refused before anything was built


# -- booklets of book sizes: the pages keep their size, on the sheet that holds two ---------------------


@pytest.fixture(scope="session")
def book_size_booklets(tmp_path_factory) -> dict[str, dict[str, object]]:
    """The handout as a booklet of 6 × 9 in and of B5 pages: the built booklet and the pages it was imposed from."""
    from octavo.core.diagnostics import Report
    from octavo.core.options import BuildOptions
    from octavo.pdf.prepress import booklet_pdf
    from octavo.source.load import load_document

    made = {}
    for size in ("6x9in", "B5"):
        out = build_into(tmp_path_factory.mktemp(f"booklet-{size}"), str(FIXTURES / "handout.yaml"), "--format",
                         "pdf", "--booklet", "--page-size", size)  # fmt: skip
        publication = load_document(FIXTURES / "handout.yaml", PROJECT, Report())
        options = BuildOptions(out=out, root=PROJECT, formats=("pdf",), booklet=True, page_size=size)
        made[size] = {"booklet": out / "handout.booklet.pdf", "pages": booklet_pdf(publication, options)[2]}
    return made


@pytest.mark.parametrize(
    ("size", "page", "side"),
    [("6x9in", (432.0, 648.0), (1224.0, 792.0)),  # Tabloid across
     ("B5", (176 * 72 / 25.4, 250 * 72 / 25.4), (1190.551, 841.89))],  # A3 across
)  # fmt: skip
def test_a_book_size_booklet_keeps_its_pages_on_the_sheet_that_holds_two(size, page, side, book_size_booklets):
    made = book_size_booklets[size]
    pages = PdfReader(io.BytesIO(made["pages"]))
    for each in pages.pages:
        assert (float(each.mediabox.width), float(each.mediabox.height)) == pytest.approx(page, abs=0.1)
    booklet = PdfReader(made["booklet"])
    for each in booklet.pages:
        assert (float(each.mediabox.width), float(each.mediabox.height)) == pytest.approx(side, abs=0.1)
    assert len(booklet.pages) == 2 * -(-len(pages.pages) // 4)
    # Page 1 on the right half of the first side, centred there; its text starts at the fold's margin.
    first = pages_of(made["booklet"])[0]
    assert halves(first)[1] and squash(halves(first)[1])[:20] in squash(" ".join(
        text_in(pages_of(made["pages"])[0], 0, 0, *page).split()))  # fmt: skip
    rule = layout(size)
    assert left_edge(pages.pages[0]) == pytest.approx(rule.inner, abs=1)  # a right-hand page: the fold on its left
    assert left_edge(pages.pages[1]) == pytest.approx(rule.outer, abs=1)
    qpdf_check(made["booklet"])


def test_a_sheet_given_in_any_size_holds_the_pages_exactly(tmp_path):
    out = build_into(tmp_path, str(FIXTURES / "handout.yaml"), "--format", "pdf", "--booklet", "--page-size",
                     "6x9in", "--sheet", "12x9in")  # fmt: skip
    for side in PdfReader(out / "handout.booklet.pdf").pages:
        assert (float(side.mediabox.width), float(side.mediabox.height)) == pytest.approx((864.0, 648.0), abs=0.1)
    left, right = halves(pages_of(out / "handout.booklet.pdf")[0])
    assert right and not left.strip()  # the first side: the blank last page beside page 1
