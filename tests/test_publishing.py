"""--for kdp-paperback | ingramspark-paperback: the interior and the cover wrap as the services' guides ask them."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from octavo.cli.main import main
from octavo.core.diagnostics import Report
from octavo.core.printspec import PROFILES, SPINE_PER_PAGE, parse_trim
from octavo.pdf import printrules
from octavo.pdf.coverwrap import Wrap
from octavo.source.load import load_document
from tests import pdfx
from tests.conftest import FIXTURES, need

TRIM = (5.5 * 72, 8.5 * 72)  # the fixtures' trim in points
KDP, INGRAM = PROFILES["kdp-paperback"], PROFILES["ingramspark-paperback"]
ISBN = "9780306406157"
WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "printers", "count", "pages",
         "and", "binders", "fold", "signatures", "into", "books", "that", "readers", "open", "at", "the", "middle"]


def build(project: Path, out: str, *args: str) -> dict:
    """Build in `project` (its own root) with a fixed SOURCE_DATE_EPOCH; the JSON report's problems."""
    report = project / f"{out}.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        status = main(["build", *args, "--format", "pdf", "--preflight", "--out", str(project / out),
                       "--report", str(report)])  # fmt: skip
    assert status == 0
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def short(tmp_path_factory) -> dict:
    """The three-chapter fixture (cream paper) and the same book on white and on colour paper, built for KDP, and
    the white one for IngramSpark: each a book of a few pages."""
    project = tmp_path_factory.mktemp("paperback")
    shutil.copytree(FIXTURES / "paperback", project / "paperback")
    text = (FIXTURES / "paperback.yaml").read_text(encoding="utf-8")
    for paper in ("cream", "white", "color"):
        (project / f"{paper}.yaml").write_text(text.replace("paper: cream", f"paper: {paper}"), encoding="utf-8")
    kdp = build(project, "kdp", "cream.yaml", "white.yaml", "color.yaml", "--for", "kdp-paperback", "--cover-guides")
    ingram = build(project, "ingram", "white.yaml", "--for", "ingramspark-paperback")
    kdp["problems"] = [p for p in kdp["problems"] if "white.interior.pdf" in p]  # the three books say the same
    build(project, "again", "cream.yaml", "--for", "kdp-paperback", "--force")  # laid out again, nothing kept
    return {"project": project, "kdp": project / "kdp", "ingram": project / "ingram", "again": project / "again",
            "problems": {"kdp": kdp["problems"], "ingram": ingram["problems"]}}  # fmt: skip


@pytest.fixture(scope="session")
def long(tmp_path_factory) -> dict:
    """A book of 80 one-paragraph chapters at 14 pt: each opens on a right-hand page, so it comes to more than 150
    pages (KDP's second gutter band) and more than 79 (spine text), built for KDP."""
    project = tmp_path_factory.mktemp("long-paperback")
    names = []
    for number in range(80):
        words = " ".join(WORDS[(number * 7 + i * 3) % len(WORDS)] for i in range(70))
        (project / f"ch{number:02d}.yaml").write_text(f"title: Chapter {number + 1}\nbody:\n  - {words}.\n")
        names.append(f"ch{number:02d}.yaml")
    (project / "long.yaml").write_text(
        "title: A Long Paperback\nauthors: [Ada Editor]\npublisher: Test Press\nisbn: 978-0-306-40615-7\n"
        "print:\n  trim: 5.5x8.5in\n  paper: white\narticles:\n" + "".join(f"  - {n}\n" for n in names)
    )
    (project / "octavo.toml").write_text('[theme]\nbase-size = "14pt"\n', encoding="utf-8")
    report = build(project, "kdp", "long.yaml", "--for", "kdp-paperback")
    return {"kdp": project / "kdp", "problems": report["problems"]}


def pages_of(path: Path) -> int:
    return len(PdfReader(path).pages)


def inches(box) -> tuple[float, ...]:
    return tuple(float(v) / 72 for v in box)


def text_edges(path: Path) -> list[tuple[int, float, float] | None]:
    """(page, the nearest mark's distance from the left edge, from the right edge) in inches, per page; None when
    blank. PDFium's bounds of every text, image and drawing, as the preflight reads them."""
    document = pdfium.PdfDocument(path)
    edges = []
    for index in range(len(document)):
        page = document[index]
        width = page.get_width()
        bounds = [obj.get_bounds() for obj in page.get_objects(max_depth=1)]
        edges.append((index + 1, min(b[0] for b in bounds) / 72, (width - max(b[2] for b in bounds)) / 72)
                     if bounds else None)  # fmt: skip
    document.close()
    return edges


# -- the interior ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["kdp/cream", "kdp/white", "ingram/white", "long"])
def test_the_interior_is_the_trim_without_bleed_or_marks(short, long, which):
    path = long["kdp"] / "long.interior.pdf" if which == "long" else short[which.split("/")[0]] / \
        f"{which.split('/')[1]}.interior.pdf"  # fmt: skip
    for page in PdfReader(path).pages:
        for key in ("/MediaBox", "/TrimBox", "/BleedBox"):
            x1, y1, x2, y2 = (float(v) for v in page[key])
            assert (x2 - x1, y2 - y1) == pytest.approx(TRIM, abs=0.01), key  # nothing beyond the trim
    for found in filter(None, text_edges(path)):  # and nothing drawn beyond it: no crop marks
        assert min(found[1:]) >= KDP.min_margin


def test_the_page_count_is_even_and_ingramsparks_last_page_is_blank(short, long):
    for path in (short["kdp"] / "cream.interior.pdf", short["ingram"] / "white.interior.pdf",
                 long["kdp"] / "long.interior.pdf"):  # fmt: skip
        assert pages_of(path) % 2 == 0, path.name
    assert text_edges(short["ingram"] / "white.interior.pdf")[-1] is None


def test_the_gutter_widens_with_the_page_count(short, long):
    """A right-hand page's inside margin is its left one, a left-hand page's its right one: the short book gets
    octavo's own inner margin for its trim (0.5 in, more than KDP's 0.375 in up to 150 pages), the long one KDP's
    0.5 in for 151 to 300 pages and its 1/16 in allowance; the outside margin stays the page rule's 0.9 in."""
    for path, pages, inside in ((short["kdp"] / "cream.interior.pdf", range(4, 151), 0.5),
                                (long["kdp"] / "long.interior.pdf", range(151, 301), 0.5625)):  # fmt: skip
        edges = [found for found in text_edges(path) if found]
        assert len(text_edges(path)) in pages
        assert inside >= KDP.gutter(len(text_edges(path)))
        rectos = [left for number, left, _ in edges if number % 2 == 1 and number > 1]  # not the centred title page
        versos = [right for number, _, right in edges if number % 2 == 0]
        assert rectos and versos
        # A glyph such as j may overhang the line's start by a hair: the nearest mark is within 0.03 in of the margin.
        assert min(rectos) == pytest.approx(inside, abs=0.03), path.name
        assert min(versos) >= inside - 0.03, path.name  # nothing in a left-hand page's gutter either
        assert min(left for number, left, _ in edges if number % 2 == 0) >= 0.9 - 0.03


# -- the cover ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("folder", "paper"), [("kdp", "cream"), ("kdp", "white"), ("kdp", "color"),
                                               ("ingram", "white")])  # fmt: skip
def test_the_cover_is_the_formulas_size_for_its_page_count_and_paper(short, folder, paper):
    pages = pages_of(short[folder] / f"{paper}.interior.pdf")
    (page,) = PdfReader(short[folder] / f"{paper}.cover.pdf").pages
    x1, y1, x2, y2 = inches(page.mediabox)
    assert x2 - x1 == pytest.approx(0.125 + 5.5 + pages * SPINE_PER_PAGE[paper] + 5.5 + 0.125, abs=0.01)
    assert y2 - y1 == pytest.approx(8.5 + 0.25, abs=0.01)
    t1, u1, t2, u2 = inches(page.trimbox)
    assert (t2 - t1, u2 - u1) == pytest.approx((x2 - x1 - 0.25, 8.5), abs=0.01)  # the bleed: 0.125 in all round
    assert inches(page.bleedbox) == pytest.approx((x1, y1, x2, y2), abs=0.001)


def test_the_spine_figures_are_kdps(short):
    assert SPINE_PER_PAGE == {"white": 0.002252, "cream": 0.0025, "color": 0.002347}
    assert KDP.wrap(parse_trim("6x9in"), 200, "white") == pytest.approx((12 + 0.4504 + 0.25, 9.25))


def spine_text(cover: Path, wrap: Wrap) -> str:
    """The text PDFium finds between the spine's folds."""
    document = pdfium.PdfDocument(cover)
    page = document[0]
    left, _bottom, _right, top = page.get_mediabox()
    text = page.get_textpage().get_text_bounded(left=left + wrap.spine.left * 72, right=left + wrap.spine.right * 72,
                                                bottom=top - wrap.trimmed.bottom * 72, top=top - wrap.trimmed.top * 72)
    document.close()
    return text


def test_the_spine_carries_text_only_from_79_pages(short, long):
    trim = parse_trim("5.5x8.5in")
    few = pages_of(short["kdp"] / "white.interior.pdf")
    many = pages_of(long["kdp"] / "long.interior.pdf")
    assert few < 79 < many
    assert spine_text(short["kdp"] / "white.cover.pdf", Wrap(KDP, trim, few, "white")).strip() == ""
    words = spine_text(long["kdp"] / "long.cover.pdf", Wrap(KDP, trim, many, "white"))
    assert "A Long Paperback" in words and "Ada Editor" in words and "Test Press" in words


def test_the_spine_may_carry_text_from_79_pages_when_it_is_wide_enough_to_read():
    trim = parse_trim("5.5x8.5in")
    bare = dataclasses.replace(KDP, spine_clearance=0.0)  # a spine wide enough for type from 40 pages of cream
    assert Wrap(bare, trim, 78, "cream").spine_type() is None  # KDP: "at least 79 pages"
    assert Wrap(bare, trim, 80, "cream").spine_type() == pytest.approx(80 * 0.0025 * 72 / 1.25, abs=0.01)
    assert Wrap(KDP, trim, 80, "cream").spine_type() is None  # 0.0625 in clear each side leaves 5 pt: too thin
    assert Wrap(KDP, trim, 120, "white").spine_type() == pytest.approx((120 * 0.002252 - 0.125) * 72 / 1.25,
                                                                       abs=0.01)  # fmt: skip


def render_area(cover: Path, wrap: Wrap, dpi: int):
    """The barcode's area of the cover, rendered in grey at `dpi`."""
    document = pdfium.PdfDocument(cover)
    image = document[0].render(scale=dpi / 72).to_pil().convert("L")
    document.close()
    box = wrap.barcode
    return image.crop(tuple(round(v * dpi) for v in (box.left, box.top, box.right, box.bottom)))


def test_kdps_barcode_area_is_left_empty(short):
    pages = pages_of(short["kdp"] / "white.interior.pdf")
    area = render_area(short["kdp"] / "white.cover.pdf", Wrap(KDP, parse_trim("5.5x8.5in"), pages, "white"), 150)
    low, high = area.getextrema()
    assert high - low <= 2  # one flat colour: the paper's


def test_ingramsparks_barcode_is_the_isbns_ean_13_and_scans(short):
    need("zxing-cpp", importlib_find("zxingcpp"), "pip install -e '.[test]'")
    import zxingcpp

    pages = pages_of(short["ingram"] / "white.interior.pdf")
    wrap = Wrap(INGRAM, parse_trim("5.5x8.5in"), pages, "white")
    found = zxingcpp.read_barcodes(render_area(short["ingram"] / "white.cover.pdf", wrap, 300))
    assert [(code.format.name, code.text) for code in found] == [("EAN13", ISBN)]


def importlib_find(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def test_the_cover_guides_are_the_cover_at_100_dpi(short):
    from PIL import Image

    pages = pages_of(short["kdp"] / "white.interior.pdf")
    width, height = KDP.wrap(parse_trim("5.5x8.5in"), pages, "white")
    with Image.open(short["kdp"] / "white.cover-guides.png") as image:
        assert image.size == pytest.approx((width * 100, height * 100), abs=1.5)
        assert image.getpixel((round(0.125 * 100), 400)) == (220, 0, 0)  # the trim's line at the left


@pytest.mark.parametrize("name", ["white.interior.pdf", "white.cover.pdf"])
@pytest.mark.parametrize("folder", ["kdp", "ingram"])
def test_the_interior_and_cover_pass_a_pdf_x_4_preflight(short, folder, name):
    """Nested boxes (the cover's bleed 0.125 in all round, the interior's none), fonts embedded, one output intent."""
    bleed = 0.125 * 72 if name.endswith("cover.pdf") else 0.0
    assert pdfx.problems(short[folder] / name, "pdf/x-4", bleed=bleed) == []
    assert PdfReader(short[folder] / name).metadata["/GTS_PDFXVersion"] == "PDF/X-4"


def test_two_builds_of_the_same_book_are_byte_identical(short):
    for name in ("cream.interior.pdf", "cream.cover.pdf"):
        assert (short["kdp"] / name).read_bytes() == (short["again"] / name).read_bytes()


# -- preflight ---------------------------------------------------------------------------------------------


def test_preflight_finds_only_the_scan_below_300_ppi(short, long):
    """The builds follow every rule but one the fixture breaks on purpose: a scan of about 250 ppi (200 is enough
    for the ordinary PDF, whose preflight says nothing of it)."""
    assert long["problems"] == []
    for folder, service in (("kdp", "KDP"), ("ingram", "IngramSpark")):
        problems = short["problems"][folder]
        assert len(problems) == 1, problems
        assert re.fullmatch(rf"paperback/two\.yaml:4:14: warning: white\.interior\.pdf: Figure 1 \(scan\.png\) on page "
                            rf"\d+ is 2[45]\d ppi at its printed size \({service} asks for at least 300\)", problems[0])


def edited(data: bytes, change) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as document:
        change(document)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def test_preflight_says_what_breaks_the_interiors_rules(short):
    data = (short["kdp"] / "cream.interior.pdf").read_bytes()
    trim = parse_trim("5.5x8.5in")
    assert printrules.interior_problems(data, trim, KDP) == []
    wider = dataclasses.replace(KDP, min_margin=0.95)  # a service asking 0.95 in all round: too much for these pages
    problems = " | ".join(printrules.interior_problems(data, trim, wider))
    assert "the inside margin is 0.5" in problems and "at least 0.95 in for" in problems
    assert "the outside margin is" in problems and "the bottom margin is" in problems
    odd = edited(data, lambda document: document.pages.remove(document.pages[-1]))
    assert any("odd count" in p for p in printrules.interior_problems(odd, trim, KDP))
    marks = edited(data, lambda document: [setattr(page.obj, "MediaBox", pikepdf.Array([-20, -20, 416, 632]))
                                           for page in document.pages])  # fmt: skip
    assert any("beyond the trim" in p and "crop or trim marks" in p for p in printrules.interior_problems(marks, trim,
                                                                                                          KDP))
    assert any("not the trim 6 x 9 in" in p for p in printrules.interior_problems(data, parse_trim("6x9in"), KDP))
    titled = edited(data, lambda document: document.pages.append(document.pages[0]))  # the title page again, last
    assert any("last page is not blank" in p for p in printrules.interior_problems(titled, trim, INGRAM))


def test_preflight_says_what_breaks_the_covers_rules(short, long):
    trim = parse_trim("5.5x8.5in")
    pages = pages_of(short["ingram"] / "white.interior.pdf")
    ingram = (short["ingram"] / "white.cover.pdf").read_bytes()
    assert printrules.cover_problems(ingram, Wrap(INGRAM, trim, pages, "white"), ISBN) == []
    (size,) = printrules.cover_problems(ingram, Wrap(INGRAM, trim, pages + 40, "white"), ISBN)
    assert f"for {pages + 40} pages of white paper it is" in size
    clear = dataclasses.replace(INGRAM, barcode="clear")
    assert any("barcode's area" in p and "is not empty" in p
               for p in printrules.cover_problems(ingram, Wrap(clear, trim, pages, "white"), ISBN))  # fmt: skip
    many = pages_of(long["kdp"] / "long.interior.pdf")
    spine = (long["kdp"] / "long.cover.pdf").read_bytes()
    assert printrules.cover_problems(spine, Wrap(KDP, trim, many, "white"), ISBN) == []
    fewer = dataclasses.replace(KDP, spine_text_pages=1000)
    assert any("the spine carries text on a book of" in p
               for p in printrules.cover_problems(spine, Wrap(fewer, trim, many, "white"), ISBN))  # fmt: skip


# -- the book's keys ---------------------------------------------------------------------------------------


def load_errors(folder: Path, text: str) -> list[str]:
    (folder / "one.yaml").write_text("title: One\nbody:\n  - A line.\n", encoding="utf-8")
    (folder / "book.yaml").write_text(text, encoding="utf-8")
    report = Report()
    load_document(folder / "book.yaml", folder, report)
    return [f"{d.line}:{d.column}: {d.message}" for d in report.errors]


def test_a_wrong_isbn_check_digit_trim_or_paper_is_an_error_where_it_is_written(tmp_path):
    errors = load_errors(tmp_path, "title: B\nisbn: 978-0-306-40615-8\nprint:\n  trim: 6 by 9\n  paper: creme\n"
                                   "articles: [one.yaml]\n")  # fmt: skip
    assert sorted(errors) == [
        "2:7: isbn: '978-0-306-40615-8' has the check digit 8; an ISBN-13 starting 978030640615 ends in 7",
        "4:9: print.trim: '6 by 9' is not a trim size: write WIDTHxHEIGHT and a unit, such as 6x9in or 148x210mm",
        "5:10: print.paper: unknown paper 'creme' (did you mean 'cream'?) (expected white, cream, color)",
    ]


def test_the_book_keys_are_read(tmp_path):
    assert load_errors(tmp_path, "title: B\nisbn: '9780306406157'\nprint: {trim: 148x210mm}\n"
                                 "back-cover: One.\narticles: [one.yaml]\n") == []  # fmt: skip
    report = Report()
    book = load_document(FIXTURES / "paperback.yaml", FIXTURES.parent.parent, report)
    assert book.isbn == ISBN and book.print_settings.paper == "cream" and book.print_settings.trim.width == 5.5
    assert [p.plain[:20] for p in book.back_cover] == ["A book of three shor", "This second paragrap"]
