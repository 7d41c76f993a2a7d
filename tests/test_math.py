"""Mathematics read back: MathML with alttext in the EPUB, a drawing with its LaTeX as /Alt in the PDF."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Formula, Inline, iter_blocks
from octavo.source.blocks.math import Equation
from octavo.source.load import load_article
from octavo.text import markup
from octavo.text.formulas import FormulaError, typeset

from .conftest import FIXTURES, PROJECT, build_into, epub_files, epubcheck_messages, node_tool

MATH = FIXTURES / "math.yaml"
MATHML = "{http://www.w3.org/1998/Math/MathML}math"
XHTML = "{http://www.w3.org/1999/xhtml}"
NS = {"opf": "http://www.idpf.org/2007/opf"}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The math fixture, built once in every format."""
    return build_into(tmp_path_factory.mktemp("math"), str(MATH), "--format", "pdf,epub,html")


@pytest.fixture(scope="module")
def article():
    report = Report()
    loaded = load_article(MATH, PROJECT, report)
    assert loaded is not None and report.items == []
    return loaded


def formulas_in(thing: object) -> list[Formula]:
    """Every formula of a part of the model in reading order: notes last, as the EPUB and the PDF place them."""
    if isinstance(thing, Formula):
        return [thing]
    if isinstance(thing, Inline):
        return [p for p in thing.parts if isinstance(p, Formula)]
    if isinstance(thing, tuple):
        return [f for item in thing for f in formulas_in(item)]
    if hasattr(thing, "__dataclass_fields__"):
        return [f for name in thing.__dataclass_fields__ for f in formulas_in(getattr(thing, name))]
    return []


def all_formulas(article) -> list[Formula]:
    return [f for block in iter_blocks(article) if not hasattr(block, "blocks") for f in formulas_in(block)] + \
        formulas_in(article.notes)  # fmt: skip


def displayed(article) -> list[bool]:
    """For each formula of all_formulas, whether it is written as a block (an equation) rather than in a text."""
    return [isinstance(block, Equation) for block in iter_blocks(article) if not hasattr(block, "blocks")
            for _ in formulas_in(block)] + [False] * len(formulas_in(article.notes))  # fmt: skip


def drawn(formula: Formula) -> tuple[Formula, ...]:
    """The drawings of a formula in print: its pieces, or the formula whole."""
    return formula.pieces or (formula,)


def spine(files: dict[str, bytes]) -> list[str]:
    opf = ET.fromstring(files["EPUB/content.opf"])
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    return [hrefs[ref.get("idref")] for ref in opf.iterfind(".//opf:spine/opf:itemref", NS)]


# -- the EPUB --------------------------------------------------------------------------------


def test_every_formula_is_mathml_with_its_latex_as_alttext_in_reading_order(built, article):
    files = epub_files(built / "math.epub")
    found = []
    for name in spine(files):
        if name.endswith(".xhtml") and name != "nav.xhtml":
            found += list(ET.fromstring(files[f"EPUB/{name}"]).iter(MATHML))
    expected = all_formulas(article)
    assert len(expected) == 17
    assert [m.get("alttext") for m in found] == [f.tex for f in expected]
    assert [m.get("display") for m in found] == ["block" if block else "inline" for block in displayed(article)]
    assert displayed(article).count(True) == 3


def test_inline_formulas_sit_in_their_text_and_equations_in_their_own_block(built):
    files = epub_files(built / "math.epub")
    title = ET.fromstring(files["EPUB/title.xhtml"])
    parents = {child: parent for parent in title.iter() for child in parent}
    inline = [m for m in title.iter(MATHML) if m.get("display") == "inline"]
    # In a box of its own that scrolls when the formula is wider than the screen, inside its paragraph.
    boxes = [parents[m] for m in inline]
    assert inline and all(box.tag == f"{XHTML}span" and box.get("class") == "math-inline" for box in boxes)
    assert all(parents[box].tag == f"{XHTML}p" for box in boxes)
    section = ET.fromstring(files["EPUB/section-1.xhtml"])
    equations = [e for e in section.iter(f"{XHTML}div") if "equation" in e.get("class", "").split()]
    assert [(e.get("id"), "".join(e.itertext()).strip()[-3:]) for e in equations] == [
        ("eq-kinetic", "(1)"), ("equation-2", "(2)")]  # fmt: skip
    assert all(e.find(f"{XHTML}div/{MATHML}") is not None for e in equations)


def test_the_manifest_marks_exactly_the_documents_that_hold_mathml(built):
    files = epub_files(built / "math.epub")
    opf = ET.fromstring(files["EPUB/content.opf"])
    for item in opf.iterfind(".//opf:manifest/opf:item", NS):
        if item.get("media-type") != "application/xhtml+xml":
            continue
        has_math = any(True for _ in ET.fromstring(files[f"EPUB/{item.get('href')}"]).iter(MATHML))
        assert ("mathml" in (item.get("properties") or "").split()) == has_math, item.get("href")
    items = opf.iterfind(".//opf:manifest/opf:item", NS)
    marked = [i.get("href") for i in items if "mathml" in (i.get("properties") or "")]
    assert marked == ["title.xhtml", "section-1.xhtml", "notes.xhtml"]
    features = [m.text for m in opf.iter("{http://www.idpf.org/2007/opf}meta")
                if m.get("property") == "schema:accessibilityFeature"]  # fmt: skip
    assert "MathML" in features


def test_epubcheck_reports_nothing(built):
    assert epubcheck_messages(built / "math.epub") == ()


def test_ace_finds_no_violation(built):
    (result,) = node_tool("ace.js", str(built / "math.epub"))
    assert result["violations"] == []


# -- the PDF ---------------------------------------------------------------------------------


def alternative_texts(pdf: PdfReader) -> list[tuple[str, str]]:
    """(structure type, /Alt) of every element of the structure tree that has an /Alt, in tree order."""
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/Alt" in node:
            found.append((str(node.get("/S")), str(node["/Alt"])))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(pdf.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_every_formula_is_tagged_with_its_latex_as_alternative_text(built, article):
    tagged = alternative_texts(PdfReader(built / "math.pdf"))
    # WeasyPrint tags an image (the formula's drawing) as a Figure whose /Alt is its alt text; octavo
    # makes it a Formula, the structure type PDF has for mathematics. An inline formula that may break
    # is drawn in pieces, each a Formula with its own LaTeX, read in order.
    assert tagged == [("/Formula", p.tex) for f in all_formulas(article) for p in drawn(f)]
    assert len(tagged) > len(all_formulas(article))


def test_the_pdf_ua_variant_passes_pdfua(tmp_path):
    from .test_accessibility import findings, pdfua_report

    out = build_into(tmp_path, str(MATH), "--format", "pdf", "--pdf-variant", "pdf/ua-1")
    assert findings(pdfua_report(out / "math.pdf")) == ([], [])
    assert {tag for tag, _ in alternative_texts(PdfReader(out / "math.pdf"))} == {"/Formula"}


def test_equation_numbers_stand_at_the_right_of_the_measure(built):
    page = PdfReader(built / "math.pdf").pages[0]
    width = float(page.mediabox.width)
    numbers: dict[str, float] = {}

    def visit(text, cm, tm, font, size) -> None:
        if re.fullmatch(r"\(\d\)", text.strip()):
            numbers[text.strip()] = cm[4] + tm[4] * cm[0]

    page.extract_text(visitor_text=visit)
    assert set(numbers) == {"(1)", "(2)"}
    assert all(x > 0.75 * width for x in numbers.values())


def test_a_formula_is_drawn_at_the_size_of_the_text_on_its_baseline(built, article):
    html = (built / "math.html").read_text(encoding="utf-8")
    styles = re.findall(r'<img class="math[^"]*" src="[^"]+" alt="([^"]*)" style="([^"]+)"', html)
    pieces = [p for f in all_formulas(article) for p in drawn(f)]
    assert [alt.replace("&amp;", "&") for alt, _ in styles] == [p.tex for p in pieces]
    t = typeset("t")
    assert 0.3 < t.width < 0.7 and 0.5 < t.height < 1.2 and -0.1 < t.depth < 0.3  # one letter: its size in the text
    fraction = typeset(r"\frac{a}{b}")
    assert fraction.depth > t.depth + 0.2 and fraction.height > t.height  # a fraction reaches below the line
    for (_alt, style), piece in zip(styles, pieces, strict=True):
        if piece.display:  # scaled down to the measure if it is wider, its height following
            assert style == f"width: {piece.width:.3f}em"
        else:
            assert style == (f"width: {piece.width:.3f}em; height: {piece.height:.3f}em; "
                             f"vertical-align: {-piece.depth:.3f}em")  # fmt: skip


# -- no LaTeX delimiters left anywhere -------------------------------------------------------


def text_outside_math(element: ET.Element) -> str:
    """The text of an XHTML element, leaving out what is inside <math> (where LaTeX is the alttext)."""
    if element.tag == MATHML:
        return element.tail or ""
    return (element.text or "") + "".join(text_outside_math(child) for child in element) + (element.tail or "")


def test_no_raw_delimiter_or_latex_is_left_in_any_output(built):
    files = epub_files(built / "math.epub")
    for name, data in files.items():
        if name.endswith((".xhtml", ".opf", ".ncx", ".css", ".svg")):
            assert b"\\(" not in data and b"\\)" not in data, name
        if name.endswith(".xhtml"):  # no LaTeX shown as text either (a formula not recognised at all)
            assert not re.search(r"\\[A-Za-z]+|\^", text_outside_math(ET.fromstring(data))), name
    assert "\\(" not in (built / "math.html").read_text(encoding="utf-8")
    for page in PdfReader(built / "math.pdf").pages:
        assert not re.search(r"\\[()A-Za-z]|\^", page.extract_text())
    assert all("\\(" not in tex for _, tex in alternative_texts(PdfReader(built / "math.pdf")))


# -- the loader ------------------------------------------------------------------------------


def test_the_model_keeps_equations_numbered_with_their_ids(article):
    equations = [b for b in iter_blocks(article) if isinstance(b, Equation)]
    assert [(e.number, e.id, e.formula.display) for e in equations] == [
        (None, None, True), (1, "eq-kinetic", True), (2, "equation-2", True)]  # fmt: skip


def test_inline_math_is_not_read_as_markdown():
    parsed = markup.parse(r"Sum \(a_1 * b_2 * c\) and `\(x\)` and \\(y")
    assert parsed.formulas == ["a_1 * b_2 * c"]  # no emphasis inside; a code span and an escaped \( stay text
    inline = markup.to_inline(parsed, lambda _key: None, typeset)
    assert [type(p).__name__ for p in inline.parts] == ["Markup", "Formula", "Markup"]
    assert "<code>\\(x\\)</code>" in inline.parts[2] and inline.parts[2].endswith("and \\(y")
    assert inline.plain == r"Sum a_1 * b_2 * c and \(x\) and \(y"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "article.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("body:\n  - Speed \\(v = \\frac{s}{t\\) is a ratio.\n", 3, 11,
         "body[0]: the formula '\\(v = \\frac{s}{t\\)' cannot be typeset: 1 '{' is never closed"),
        ("body:\n  - An \\(\\foo x\\) here.\n", 3, 8,
         "body[0]: the formula '\\(\\foo x\\)' cannot be typeset: unknown command '\\foo'"),
        ("body:\n  - Open \\(x + 1 and no end.\n", 3, 10,
         "body[0]: the formula '\\(x + 1 and no end.' is not closed with '\\)'"),
        ("body:\n  - math: x^\n", 3, 11,
         "body[0].math: the formula cannot be typeset: missing super script or subscript"),
        ("body:\n  - math:\n      tex: \\frac{1}\n", 4, 12,
         "body[0].math.tex: the formula cannot be typeset: an incomplete fraction (a part is missing)"),
        ("body:\n  - math:\n      id: eq\n", 4, 7, "body[0].math: missing required key 'tex'"),
        ("body:\n  - Empty \\(\\) here.\n", 3, 11,
         "body[0]: the formula '\\(\\)' cannot be typeset: the formula is empty"),
    ],
)  # fmt: skip
def test_a_formula_that_cannot_be_typeset_is_a_located_error(tmp_path, text, line, column, message):
    report = Report()
    assert load_article(write(tmp_path, "title: T\n" + text), tmp_path, report) is None
    assert [(d.line, d.column, d.message) for d in report.errors] == [(line, column, message)]


def test_formula_errors_in_notes_are_located_at_the_note(tmp_path):
    report = Report()
    path = write(tmp_path, "title: T\nbody:\n  - Text.[^1]\nnotes:\n  1: See \\(x^\\).\n")
    assert load_article(path, tmp_path, report) is None
    assert [(d.line, d.column) for d in report.errors] == [(5, 10)]  # at the formula
    assert "notes.1: the formula '\\(x^\\)' cannot be typeset" in report.errors[0].message


def test_typeset_refuses_what_latex2mathml_would_turn_into_nonsense():
    for tex in [r"\frac{a", r"a}", r"\frac{1}", r"x^", r"\unknowncommand"]:
        with pytest.raises(FormulaError):
            typeset(tex)
    assert 'alttext="a &lt; b"' in typeset("a < b").mathml


def test_the_schema_knows_math_blocks():
    from jsonschema import Draft202012Validator

    from octavo.source.schema import json_schema

    validator = Draft202012Validator({**json_schema(), "oneOf": [{"$ref": "#/$defs/article"}]})
    good = {"title": "T", "body": [{"math": "x^2"}, {"math": {"tex": "E = mc^2", "id": "eq-e"}}]}
    assert list(validator.iter_errors(good)) == []
    for bad in ({"math": {"id": "eq"}}, {"math": {"tex": "x", "label": "y"}}, {"math": ""}):
        assert list(validator.iter_errors({"title": "T", "body": [bad]})), bad
