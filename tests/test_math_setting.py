"""Mathematics set as mathematicians expect: display style, accents on their letter, inline formulas that may
break after a sign, equation numbers on the measure and the screen, a paragraph kept with its formula."""

from __future__ import annotations

import ctypes
import re
import xml.etree.ElementTree as ET
import zipfile
from itertools import pairwise
from pathlib import Path

import pytest

from octavo.text.formulas import typeset
from octavo.text.mathbreaks import pieces

from .conftest import FIXTURES, build_into, epub_files, epubcheck_messages, node_tool

SETTING = FIXTURES / "math_setting.yaml"
M = "{http://www.w3.org/1998/Math/MathML}"
SVG = "{http://www.w3.org/2000/svg}"


def math(tex: str, display: bool) -> ET.Element:
    return ET.fromstring(typeset(tex, display).mathml)


def glyph_boxes(svg: str, size: float = 20.0) -> list[tuple[float, float, float, float]]:
    """The ink box (left, top, right, bottom) of every glyph of a ziamath drawing, in ems; y grows downwards
    and the baseline is at 0. Each glyph is a <symbol> of one path, placed by a <use> that scales it."""
    root = ET.fromstring(svg)
    symbols = {}
    for symbol in root.iter(f"{SVG}symbol"):
        view = [float(v) for v in symbol.get("viewBox", "").split()]
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", " ".join(p.get("d", "") for p in symbol))]
        symbols[symbol.get("id")] = (view, numbers[0::2], numbers[1::2])
    boxes = []
    for use in root.iter(f"{SVG}use"):
        view, xs, ys = symbols[use.get("href", "").lstrip("#")]
        scale, x, y = float(use.get("height", 0)) / view[3], float(use.get("x", 0)), float(use.get("y", 0))
        left, right = x + (min(xs) - view[0]) * scale, x + (max(xs) - view[0]) * scale
        top, bottom = y + (min(ys) - view[1]) * scale, y + (max(ys) - view[1]) * scale
        boxes.append((left / size, top / size, right / size, bottom / size))
    return boxes


# -- display style ----------------------------------------------------------------------------------------


def test_display_mathml_states_display_style_and_limits_that_move():
    display, inline = math(r"\lim_{x \to 0} f(x)", True), math(r"\lim_{x \to 0} f(x)", False)
    assert display.get("display") == "block" and display.get("displaystyle") == "true"
    assert inline.get("displaystyle") is None
    # Under the operator in a display (and beside it where a fraction sets it in text style); a script inline.
    (under,) = display.iter(f"{M}munder")
    assert under[0].text == "lim" and under[0].get("movablelimits") == "true"
    assert next(inline.iter(f"{M}msub"))[0].text == "lim"
    for tex in (r"\sum_{i=1}^{n} i", r"\max_{a \in A} f(a)", r"\bigcup_{k} A_k", r"\bigoplus_{k=1}^{m} V_k"):
        operator = next(e for e in math(tex, True).iter() if e.tag in (f"{M}munder", f"{M}munderover"))[0]
        assert operator.tag == f"{M}mo" and operator.get("movablelimits") == "true", tex
    # What the author asked for stays: \nolimits keeps scripts in a display.
    assert list(math(r"\sum\nolimits_{i} a_i", True).iter(f"{M}msub"))


def under(tex: str, display: bool, letters: int) -> list[tuple[float, float, float, float]]:
    """The glyphs of a drawing wholly below the baseline that start before its operator (`letters` glyphs) ends."""
    boxes = glyph_boxes(typeset(tex, display).svg)
    end = max(box[2] for box in boxes[:letters])
    return [box for box in boxes[letters:] if box[1] > 0.05 and box[0] < end - 0.05]


@pytest.mark.parametrize(("tex", "letters"), [(r"\sum_{i=1}^{n} i", 1), (r"\lim_{x \to 0} x", 3),
                                              (r"\max_{a \in A} f(a)", 3)])  # fmt: skip
def test_a_display_drawing_sets_limits_under_and_over_its_operator(tex, letters):
    display, inline = typeset(tex, True), typeset(tex, False)
    assert under(tex, True, letters) and not under(tex, False, letters)  # under it, not after it as a script
    assert display.depth > inline.depth + 0.2 and display.width < inline.width


def test_a_sum_in_a_display_fraction_takes_its_limits_beside_it():
    # TeX sets a fraction's parts in text style, even in a display; ziamath keeps display style there.
    movable = typeset(r"\frac{\sum_{i=1}^{n} x_i}{n}", True)
    beside = typeset(r"\frac{\textstyle \sum_{i=1}^{n} x_i}{n}", True)
    assert (movable.width, movable.height) == pytest.approx((beside.width, beside.height), abs=0.02)


# -- accents ----------------------------------------------------------------------------------------------


def test_accents_are_marked_as_accents_in_characters_that_fonts_set_on_a_letter():
    def mark(tex: str) -> tuple[str | None, str | None, str | None]:
        (mover,) = math(tex, False).iter(f"{M}mover")
        return mover.get("accent"), mover[1].text, mover[1].get("stretchy")

    assert mark(r"\hat{s}") == ("true", "\u02c6", "false")  # not the ASCII caret, a tall spacing character
    assert mark(r"\tilde{n}") == ("true", "\u02dc", "false")
    assert mark(r"\bar{x}") == ("true", "\u00af", "false")
    assert mark(r"\dot{x}") == ("true", "\u02d9", "false")
    assert mark(r"\widehat{xy}") == ("true", "\u0302", None)  # wide ones stretch over their base
    assert mark(r"\widetilde{ab}") == ("true", "\u0303", None)
    assert mark(r"\overrightarrow{AB}")[0] is None  # an arrow over, not an accent


@pytest.mark.parametrize("tex", [r"\hat{s}", r"\hat{A}", r"\tilde{n}", r"\bar{x}", r"\dot{x}", r"\vec{v}", r"\hat{h}"])
def test_an_accent_sits_on_its_letter(tex):
    letter, accent = glyph_boxes(typeset(tex).svg)
    gap = letter[1] - accent[3]  # from the accent's foot to the letter's top, in ems
    assert 0.0 <= gap <= 0.12, gap  # about the font's own gap (ziamath alone leaves 0.175 em)
    assert accent[0] < letter[2] and accent[2] > letter[0]  # over the letter


# -- inline formulas that may break ----------------------------------------------------------------------


def test_an_inline_formula_is_cut_after_its_top_level_signs():
    assert pieces(r"f(x) = a_0 + a_1 x \le M") == ["f(x) =", "a_0 +", "a_1 x \\le", "M"]
    assert pieces(r"-x = -y + 3") == ["-x =", "-y +", "3"]  # a sign that opens an operand is no break
    assert pieces(r"\left( a + b \right) = \frac{c + d}{2}") == [r"\left( a + b \right) =", r"\frac{c + d}{2}"]
    assert pieces(r"\sum_{i=1}^n x_i = S") == [r"\sum_{i=1}^n x_i =", "S"]
    for whole in (r"a \over b + c", r"a = b \\ c = d", r"x^+ y", r"a =^{\mathrm{def}} b", r"v", r"a ="):
        assert len(pieces(whole)) == 1, whole
    formula = typeset(r"p(x) = a_0 + a_1 x + a_2 x^2")
    assert [p.tex for p in formula.pieces] == ["p(x) =", "a_0 +", "a_1 x +", "a_2 x^2"]
    assert sum(p.width for p in formula.pieces) == pytest.approx(formula.width, rel=0.04)
    assert all(p.depth <= formula.depth + 0.01 for p in formula.pieces)  # each on the same baseline
    assert typeset(r"a = b", True).pieces == ()  # a display formula is never cut


# -- built: PDF at A5, EPUB at phone width ---------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_into(tmp_path_factory.mktemp("setting"), str(SETTING), "--format", "pdf,epub", "--page-size", "A5")


def page_chars(pdf_path: Path, index: int = 0) -> tuple[str, list[tuple[float, float, float, float]]]:
    """A page's text and the box (left, bottom, right, top) of each of its characters, in points."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf_path)[index]
    text = page.get_textpage()
    count = text.count_chars()
    return text.get_text_range(0, count), [text.get_charbox(i, loose=True) for i in range(count)]


def drawing_boxes(pdf_path: Path, index: int = 0) -> list[tuple[float, float, float, float]]:
    """The box (left, bottom, right, top) of each path on a page: the glyphs of the formulas' drawings."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    boxes = []
    for item in pdfium.PdfDocument(pdf_path)[index].get_objects(max_depth=1):
        if item.type == raw.FPDF_PAGEOBJ_PATH:
            left, bottom, right, top = (ctypes.c_float() for _ in range(4))
            raw.FPDFPageObj_GetBounds(item.raw, left, bottom, right, top)
            boxes.append((left.value, bottom.value, right.value, top.value))
    return boxes


def lines_of(text: str, boxes: list) -> list[list[tuple[str, tuple]]]:
    """The page's characters grouped into lines (by baseline), top to bottom, each left to right."""
    lines: dict[int, list] = {}
    for char, box in zip(text, boxes, strict=True):
        if not char.isspace() and box[2] > box[0]:
            lines.setdefault(round(box[1]), []).append((char, box))
    return [sorted(chars, key=lambda c: c[1][0]) for _, chars in sorted(lines.items(), reverse=True)]


def test_a_long_inline_formula_breaks_after_a_sign_and_its_line_does_not_gape(built):
    text, boxes = page_chars(built / "math_setting.pdf")
    lines = lines_of(text, boxes)
    (start,) = [i for i, line in enumerate(lines) if "polynomial" in "".join(c for c, _ in line)]
    words = lines[start]
    size = max(box[3] - box[1] for _, box in words)  # about the type size, in points
    gaps = [b[1][0] - a[1][2] for a, b in pairwise(words)]
    # Between words a justified line stretches its spaces a little; before a formula that could not break it
    # spread four words over the whole measure.
    assert max(gaps) < 0.9 * size, gaps
    # The formula's tail is on the next line, with the words after it.
    assert "isbounded" in "".join(c for c, _ in lines[start + 1])


def test_equation_numbers_and_formulas_stay_inside_the_text_block(built):
    text, boxes = page_chars(built / "math_setting.pdf")
    body = [box for char, box in zip(text, boxes, strict=True) if not char.isspace() and box[1] > 80]  # no folio
    left, right = min(b[0] for b in body), max(b[2] for b in body)
    numbers = [m.start() for m in re.finditer(r"\(\d\)", text)]
    assert len(numbers) == 2
    for start in numbers:
        assert boxes[start + 2][2] <= right + 0.5  # the number ends at the measure's right edge
        assert boxes[start + 2][2] >= right - 1.5
    drawings = drawing_boxes(built / "math_setting.pdf")
    assert len(drawings) > 50
    assert all(left - 0.5 <= box[0] and box[2] <= right + 0.5 for box in drawings)  # a wide one scaled to fit
    wide = [box for box in drawings if abs(box[1] - boxes[numbers[1]][1]) < 30]
    assert max(box[2] for box in wide) < boxes[numbers[1]][0]  # and it stops before its number


@pytest.fixture(scope="module")
def phone(built, tmp_path_factory) -> list[dict]:
    unpacked = tmp_path_factory.mktemp("unpacked") / "math_setting"
    with zipfile.ZipFile(built / "math_setting.epub") as archive:
        archive.extractall(unpacked)
    return node_tool("phone.js", "--width", "360", "--height", "640", str(unpacked))


def test_equation_numbers_stay_on_a_phone_screen(phone):
    numbers = [(d["pageWidth"], box) for d in phone for box in d["equationNumbers"]]
    assert len(numbers) == 2
    for width, box in numbers:
        assert box["left"] >= 0 and box["right"] <= width, box
        assert box["width"] > 10
    # A formula wider than the screen scrolls in its own box, rather than running under its number.
    wide = [e for d in phone for e in d["equations"] if e["scrollWidth"] > e["clientWidth"] + 1]
    assert wide and all(e["overflowX"] in ("auto", "scroll") for e in wide)


def test_the_epub_carries_display_style_and_passes_its_checks(built):
    files = epub_files(built / "math_setting.epub")
    document = ET.fromstring(files["EPUB/title.xhtml"])
    displays = [m for m in document.iter(f"{M}math") if m.get("display") == "block"]
    assert len(displays) == 3 and all(m.get("displaystyle") == "true" for m in displays)
    assert epubcheck_messages(built / "math_setting.epub") == ()
    (result,) = node_tool("ace.js", str(built / "math_setting.epub"))
    assert result["violations"] == []


# -- a paragraph kept with the display formula it introduces ----------------------------------------------


def keep_article(lines: int) -> str:
    spacer = "".join(f"  - Line {n} of the spacer.\n" for n in range(1, lines + 1))
    return ("title: Kept together\nlanguage: en\nbody:\n" + spacer +
            '  - "The energy of a body of mass m moving at speed v is as follows:"\n'
            "  - math:\n      tex: E = \\frac{1}{2} m v^2\n      id: eq-energy\n  - After the formula.\n")  # fmt: skip


def test_a_paragraph_is_never_parted_from_the_display_formula_it_introduces(tmp_path):
    from pypdf import PdfReader

    # How many one-line paragraphs fill the first page, then spacers that end the page around the paragraph.
    (tmp_path / "fill.yaml").write_text(keep_article(120), encoding="utf-8")
    build_into(tmp_path / "fill", str(tmp_path / "fill.yaml"), "--format", "pdf")
    first = PdfReader(tmp_path / "fill" / "fill.pdf").pages[0].extract_text()
    fit = max(int(n) for n in re.findall(r"Line (\d+) of", first))
    paths = []
    for lines in range(fit - 4, fit + 1):
        paths.append(tmp_path / f"keep{lines}.yaml")
        paths[-1].write_text(keep_article(lines), encoding="utf-8")
    build_into(tmp_path / "out", *map(str, paths), "--format", "pdf")
    moved = 0
    for path in paths:
        pages = [page.extract_text() for page in PdfReader(tmp_path / "out" / f"{path.stem}.pdf").pages]
        (intro,) = [i for i, page in enumerate(pages) if "as follows:" in page]
        (formula_page,) = [i for i, page in enumerate(pages) if "(1)" in page]  # the equation's number
        assert intro == formula_page, path.stem
        moved += intro == 1 and "Line" not in pages[1]  # the paragraph went over with the formula
    assert moved  # the sweep did reach a page end between the paragraph and its formula
