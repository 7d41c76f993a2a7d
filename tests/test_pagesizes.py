"""Page sizes: names and measures in any case, landscape, the messages of a mistake, the rule's type and margins."""

from __future__ import annotations

import pytest

from octavo.core.optionspec import OptionValueError, Place, Size
from octavo.core.pagesizes import MM, SizeError, booklet, names, parse
from octavo.pdf.pagestyle import layout, page_css

INCH = 72.0


@pytest.mark.parametrize(
    ("written", "name", "size"),
    [
        ("A4", "A4", (210 * MM, 297 * MM)),
        ("a4", "A4", (210 * MM, 297 * MM)),
        ("letter", "Letter", (612, 792)),
        ("LEGAL", "Legal", (612, 1008)),
        ("b5", "B5", (176 * MM, 250 * MM)),
        ("Royal", "royal", (156 * MM, 234 * MM)),
        ("demy", "demy", (138 * MM, 216 * MM)),
        ("6x9in", "6x9in", (6 * INCH, 9 * INCH)),
        ("6 x 9 in", "6x9in", (6 * INCH, 9 * INCH)),
        ("6×9in", "6x9in", (6 * INCH, 9 * INCH)),
        ("5.25X8IN", "5.25x8in", (5.25 * INCH, 8 * INCH)),
        ("6inx9in", "6x9in", (6 * INCH, 9 * INCH)),
        ("170x240mm", "170x240mm", (170 * MM, 240 * MM)),
        ("15x23cm", "15x23cm", (150 * MM, 230 * MM)),
        ("432x648pt", "432x648pt", (432, 648)),
        ("A4 landscape", "A4 landscape", (297 * MM, 210 * MM)),
        ("a4-Landscape", "A4 landscape", (297 * MM, 210 * MM)),
        ("A4_LANDSCAPE", "A4 landscape", (297 * MM, 210 * MM)),
        ("6x9in landscape", "6x9in landscape", (9 * INCH, 6 * INCH)),
        ("A4 portrait", "A4", (210 * MM, 297 * MM)),
        ("297x210mm portrait", "210x297mm", (210 * MM, 297 * MM)),
        ("297x210mm landscape", "297x210mm", (297 * MM, 210 * MM)),  # turned already
    ],
)
def test_a_size_is_read_in_any_case_and_named_as_octavo_writes_it(written, name, size):
    page = parse(written)
    assert (page.name, (page.width, page.height)) == (name, pytest.approx(size, abs=0.01))
    assert parse(page.name) == page  # the name reads back as the same size


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("Leter", "unknown page size 'Leter' (did you mean 'Letter'?) (choose A3, A4, A5, A6, B5, Letter, Legal,"),
        ("ryoal", "unknown page size 'ryoal' (did you mean 'royal'?)"),
        ("B7", "unknown page size 'B7' (choose"),
        ("6x9", "the page size '6x9' needs a unit: 6x9in or 6x9mm, say"),
        ("6x9ft", "the page size '6x9ft' has no unit octavo knows: write mm, cm, in or pt after the numbers"),
        ("6inx9mm", "the page size '6inx9mm' has two units: write one after both numbers"),
        ("50x80mm", "the page size '50x80mm' is 50 × 80 mm: each side must be 100 to 1200 mm"),
        ("A4 sideways", "unknown page size 'A4 sideways'"),
    ],
)
def test_a_size_octavo_cannot_read_is_told_what_would_do(written, message):
    with pytest.raises(SizeError) as raised:
        parse(written)
    assert str(raised.value).startswith(message)


def test_the_option_kind_reads_sizes_from_the_command_line_and_octavo_toml(tmp_path):
    kind = Size("page size")
    assert kind.from_text("a5-landscape") == "A5 landscape"
    assert kind.from_toml("6x9in", Place(tmp_path, tmp_path)) == "6x9in"
    with pytest.raises(OptionValueError, match=r"unknown sheet 'Tabliod' \(did you mean 'Tabloid'\?\)"):
        Size("sheet").from_text("Tabliod")
    with pytest.raises(OptionValueError, match="expected a page size such as \"A4\" or \"6x9in\", found number 4"):
        kind.from_toml(4, Place(tmp_path, tmp_path))


def test_the_rule_gives_a4_and_letter_the_pages_octavo_always_had():
    a4 = page_css("A4")
    assert "@page { size: 210mm 297mm; margin: var(--octavo-margins, 25mm 43mm 30mm); }" in a4
    assert "@page book:left, chapter:left, duplex:left { margin: var(--octavo-margins, 25mm 31mm 30mm 55mm); }" in a4
    assert "font-size: var(--octavo-base-size, 12pt)" in a4
    letter = page_css("Letter")
    assert "@page { size: 8.5in 11in; margin: var(--octavo-margins, 1in 1.8in 1.2in); }" in letter
    assert "duplex:right { margin: var(--octavo-margins, 1in 2.3in 1.2in 1.3in); }" in letter


@pytest.mark.parametrize("size", [*names(), "A4 landscape", "170x240mm", "100x100mm", "1200x1200mm"])
def test_the_rule_keeps_every_measure_and_margin_in_bounds(size):
    rule = layout(size)
    characters = rule.measure / rule.base * 2.28  # Gentium Book Plus, as set (pagestyle.MEASURE_EM)
    assert 58 <= characters <= 74
    assert 0.5 <= rule.measure / rule.size.width <= 0.78
    assert rule.inner < rule.outer and rule.inner + rule.outer == pytest.approx(2 * rule.side)
    assert rule.top < rule.bottom
    assert rule.hang <= 0.6 * rule.inner + 0.01  # a listing never reaches the fold's last 40 %


@pytest.mark.parametrize(
    ("page", "sheet", "pages"),
    [
        ("A4", "A4", "A5"), ("Letter", "Letter", "5.5x8.5in"), ("A5", "A4", "A5"), ("A6", "A4", "A6"),
        ("A3", "A3", "A4"), ("B5", "A3", "B5"), ("royal", "A3", "royal"), ("demy", "A3", "demy"),
        ("5x8in", "Letter", "5x8in"), ("5.5x8.5in", "Letter", "5.5x8.5in"), ("6x9in", "Tabloid", "6x9in"),
        ("7x10in", "Tabloid", "7x10in"), ("Legal", "Legal", "7x8.5in"), ("A5 landscape", "A3", "A5 landscape"),
    ],
)  # fmt: skip
def test_a_booklet_is_printed_on_the_sheet_that_goes_with_its_pages(page, sheet, pages):
    made = booklet(page, None)
    assert (made.sheet.name, made.page.name) == (sheet, pages)


@pytest.mark.parametrize(
    ("page", "sheet", "pages"),
    [("A4", "A3", "A4"), ("A4", "Tabloid", "Letter"), ("Letter", "A4", "A5"), ("A5", "Letter", "5.5x8.5in"),
     ("6x9in", "12x9in", "6x9in"), ("B5", "320x450mm", "B5")],
)  # fmt: skip
def test_a_given_sheet_keeps_pages_that_fit_and_folds_an_office_page(page, sheet, pages):
    assert booklet(page, sheet).page.name == pages


@pytest.mark.parametrize(
    ("page", "sheet", "message"),
    [
        ("6x9in", "A4", "two 6x9in pages (6 × 9 in) do not fit side by side on the sheet, A4 (210 × 297 mm); "
                        "give --sheet a sheet of at least 12x9in"),
        ("A4 landscape", None, "no standard sheet (A4, Letter, Legal, A3, Tabloid) holds two A4 landscape pages "
                               "side by side; give --sheet a sheet of at least 594x210mm"),
        ("A4", "A6", "two A4 pages (210 × 297 mm) do not fit side by side on the sheet, A6"),
    ],
)
def test_a_booklet_no_sheet_can_hold_is_refused_with_the_sheet_that_would(page, sheet, message):
    with pytest.raises(SizeError) as raised:
        booklet(page, sheet)
    assert str(raised.value).startswith(message)


def test_a_projects_own_page_stylesheet_replaces_the_one_the_rule_writes(tmp_path, cli):
    from pypdf import PdfReader

    from tests.conftest import FIXTURES

    project = tmp_path / "p"
    (project / "styles").mkdir(parents=True)
    (project / "content").mkdir()
    (project / "content" / "handout.yaml").write_text((FIXTURES / "handout.yaml").read_text(encoding="utf-8"),
                                                      encoding="utf-8")  # fmt: skip
    (project / "styles" / "page-6x9in.css").write_text("@page { size: 150mm 200mm; margin: 15mm; }\n")
    for size, expected in (("6x9in", (150 * MM, 200 * MM)), ("B5", (176 * MM, 250 * MM))):
        run = cli("build", "--root", str(project), "--format", "pdf,html", "--page-size", size, "--out",
                  str(tmp_path / size))  # fmt: skip
        assert run.status == 0, run.err
        page = PdfReader(tmp_path / size / "handout.pdf").pages[0]
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(expected, abs=0.01)
    written = (tmp_path / "B5" / "handout_files" / "styles" / "page-b5.css").read_text(encoding="utf-8")
    assert written == page_css("B5")  # the HTML's page carries the stylesheet the PDF was made with
