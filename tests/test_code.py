"""Code listings: exact text and indentation in both outputs, numbering, highlighting, wrapping inside the page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import tinycss2
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import iter_blocks
from octavo.pdf.pagestyle import CODE_ADVANCE, CODE_SIZE, layout
from octavo.source.blocks.code import Code
from octavo.source.load import load_article

from .conftest import FIXTURES, PROJECT, block_errors, body_text, build_into, epub_files, epubcheck_messages

XHTML = "{http://www.w3.org/1999/xhtml}"
FIXTURE = FIXTURES / "code.yaml"
# The paragraph of code.yaml that fills the measure: where its rows end is where the text block ends.
MEASURE = ("The long lines below wrap", "on the right.")


@pytest.fixture(scope="session")
def article():
    report = Report()
    loaded = load_article(FIXTURE, PROJECT, report)
    assert report.errors == [] and report.warnings == []
    return loaded


@pytest.fixture(scope="session")
def listings(article) -> list[Code]:
    return [block for block in iter_blocks(article) if isinstance(block, Code)]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """code.yaml built once: PDF, EPUB and HTML at A4, and the PDF at A5."""
    a4 = build_into(tmp_path_factory.mktemp("code-a4"), str(FIXTURE), "--format", "pdf,epub,html")
    a5 = build_into(tmp_path_factory.mktemp("code-a5"), str(FIXTURE), "--format", "pdf", "--page-size", "A5")
    return {"A4": a4 / "code.pdf", "A5": a5 / "code.pdf", "epub": a4 / "code.epub", "html": a4 / "code.html"}


@pytest.fixture(scope="session")
def epub_listings(built) -> list[ET.Element]:
    """Every <pre> of the EPUB's documents, in reading order."""
    files = epub_files(built["epub"])
    found = []
    for name in ("EPUB/title.xhtml", "EPUB/section-1.xhtml", "EPUB/section-2.xhtml"):
        found.extend(ET.fromstring(files[name]).iter(f"{XHTML}pre"))
    return found


def pdf_text(path: Path) -> str:
    """The PDF's text, line by line (the listings of code.yaml are short: no page breaks inside one)."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def as_typeset(text: str) -> re.Pattern[str]:
    """What a listing's text reads as in the PDF, where a long line may be wrapped at any point.

    A wrap is a line break between two characters, or one that takes the place of a space; the
    indentation that starts a line is never wrapped, so it must come back space for space. A tab
    is typeset as a gap, which the PDF's text gives back as one space; a blank line, with nothing to
    draw, gives back no line at all.
    """
    lines = []
    for line in (line for line in text.split("\n") if line.strip()):
        body = line.lstrip(" ")
        parts = [re.escape(line[: len(line) - len(body)])]
        for char in body:
            if char == " ":
                parts.append(r"(?: \n?|\n)")
            elif char == "\t":
                parts.append(r"[\t ]\n?")
            else:
                parts.append(re.escape(char) + r"\n?")
        lines.append("".join(parts))
    return re.compile(r"(?:^|\n)" + r" ?\n".join(lines) + r" ?(?:\n|$)")


# -- the model ----------------------------------------------------------------------------


def test_listings_are_numbered_when_they_have_a_caption_or_an_id(listings):
    assert [(c.number, c.id) for c in listings] == [
        (None, None), (1, "lst-read"), (2, "listing-2"), (3, "lst-yaml"), (4, "listing-4")
    ]  # fmt: skip
    assert [c.language for c in listings] == [None, "python", "python", "yaml", "console"]
    assert [c.caption.plain if c.caption else None for c in listings] == [
        None, "Reading a file", "A long line and a longer word", None, "A session"
    ]  # fmt: skip


def test_the_text_is_kept_exactly_and_split_into_tokens(listings):
    plain, read = listings[0], listings[1]
    assert plain.text == 'plain text, kept as written:\n  two spaces,\ta tab,  and "straight quotes" -- no dashes...'
    assert read.text == "with open(path) as f:\n    print(f.read())"
    assert ("k", "with") in read.lines[0] and ("nb", "    print") in read.lines[1]
    # Spaces ride with a token, never alone: WeasyPrint would draw no glyphs for them (see octavo.source.blocks.code).
    assert all(text.strip() for c in listings for line in c.lines for _, text in line)


# -- errors -------------------------------------------------------------------------------


def test_an_unknown_language_is_a_located_error_with_a_suggestion():
    report = Report()
    assert load_article(FIXTURES / "code_unknown_language.yaml", PROJECT, report) is None
    (error,) = report.errors
    assert (error.line, error.column) == (4, 17)
    assert error.message.startswith("body[0].code.language: unknown language 'pyhton' (did you mean 'python'?)")


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("code:\n      language: python\n      caption: C", "body[0].code: missing required key 'text'"),
        ("code: '  '", "body[0].code: a listing needs at least one line that is not blank"),
        ("code:\n      id: listing-1\n      text: x", "body[0].code.id: 'listing-1' is not a usable id"),
        ("code:\n      langauge: c\n      text: x", "body[0].code.langauge: unknown key 'langauge' (did you mean"),
    ],
)
def test_listing_mistakes_are_reported(yaml, message, tmp_path):
    assert [m[: len(message)] for m in block_errors(tmp_path, yaml)] == [message]


def test_a_language_may_be_named_by_any_alias_or_name_in_any_case(tmp_path):
    path = tmp_path / "article.yaml"
    texts = "".join(f"  - code:\n      language: {name}\n      text: x = 1\n" for name in ("Python", "py3", "JSON"))
    path.write_text(f"title: T\nbody:\n{texts}", encoding="utf-8")
    report = Report()
    article = load_article(path, tmp_path, report)
    assert report.errors == []
    assert [b.language for b in article.body] == ["python", "python", "json"]


# -- the EPUB -----------------------------------------------------------------------------


def test_the_epub_keeps_every_listing_exactly(listings, epub_listings):
    # Each line is a span that ends in its line break, so the text of a <pre> is the code, line for line.
    assert ["".join(pre.itertext()) for pre in epub_listings] == [c.text + "\n" for c in listings]
    for pre in epub_listings:
        assert all(span.get("class").split()[0] == "line" for span in pre.find(f"{XHTML}code"))
    # Each line is classed by its indentation: the rows that continue it, on a narrow screen, start further in.
    assert [span.get("class") for span in epub_listings[1].find(f"{XHTML}code")] == ["line", "line indent-4"]


def test_the_epub_highlights_with_classes_and_no_inline_style(epub_listings):
    spans = [(s.get("class"), s.text) for pre in epub_listings for s in pre.iter(f"{XHTML}span") if s.text]
    assert ("nb", "    print") in spans  # an indentation goes with the token after it
    words = {(name, text.strip()) for name, text in spans}
    assert {("k", "with"), ("nb", "open"), ("k", "def"), ("nf", "greet"), ("mi", "1"), ("nt", "title"),
            ("c1", "# A listing with an id only is numbered too."), ("gp", "$")} <= words  # fmt: skip
    assert not [e for pre in epub_listings for e in pre.iter() if e.get("style")]
    assert [pre.find(f"{XHTML}code").get("class") for pre in epub_listings] == [
        None, "language-python", "language-python", "language-yaml", "language-console"
    ]  # fmt: skip


def test_numbered_listings_are_captioned_figures_in_the_epub(built):
    files = epub_files(built["epub"])
    figures = [f for name in ("EPUB/title.xhtml", "EPUB/section-1.xhtml", "EPUB/section-2.xhtml")
               for f in ET.fromstring(files[name]).iter(f"{XHTML}figure")]  # fmt: skip
    captions = [(f.get("id"), " ".join("".join(f.find(f"{XHTML}figcaption").itertext()).split())) for f in figures]
    assert captions == [
        ("lst-read", "Listing 1. Reading a file"),
        ("listing-2", "Listing 2. A long line and a longer word"),
        ("lst-yaml", "Listing 3."),
        ("listing-4", "Listing 4. A session"),
    ]


def test_the_epub_passes_epubcheck_with_no_message(built):
    assert epubcheck_messages(built["epub"]) == ()


# -- the PDF ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_pdf_gives_back_every_listing_with_its_indentation(size, listings, built):
    text = pdf_text(built[size])
    position = 0
    for listing in listings:
        found = as_typeset(listing.text).search(text, position)
        assert found, listing.text[:60]
        position = found.end() - 1


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_pdf_captions_listings_in_order(size, built):
    text = " ".join(pdf_text(built[size]).split())
    captions = ["Listing 1. Reading a file", "Listing 2. A long line and a longer word", "Listing 3.",
                "Listing 4. A session"]  # fmt: skip
    assert [text.find(c) for c in captions] == sorted(text.find(c) for c in captions)
    assert -1 not in [text.find(c) for c in captions]


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_no_glyph_lies_outside_the_text_block_but_a_listings_in_its_hang(size, built):
    pdf = pdfium.PdfDocument(built[size])
    left, right = text_block(pdf)
    hang = layout(size).hang  # how far the page's stylesheet lets a listing reach into each margin
    outside = []
    for number in range(len(pdf)):
        page, (width, height) = pdf[number].get_textpage(), pdf[number].get_size()
        for index in range(page.count_chars()):
            x0, y0, x1, y1 = page.get_charbox(index)
            if x1 <= x0:
                continue  # a space or line break pdfium adds between words
            # The running heads and the folio stand in the page's margins; the text, in the text block.
            in_margin = y0 > 0.93 * height or y1 < 0.07 * height
            if x0 < 0 or x1 > width or (not in_margin and (x0 < left - hang - 0.5 or x1 > right + hang + 0.5)):
                outside.append((number + 1, page.get_text_range(index, 1), round(x1 - right, 1)))
    assert outside == []
    _, rows = listing_rows(pdf, "def greet", "opportunity/at/")
    ink = [char for row in rows for char in row]
    assert min(c[1] for c in ink) < left - hang / 2 and max(c[2] for c in ink) > right + 1  # in the hang
    assert max(c[2] for c in ink) - min(c[1] for c in ink) > (right - left + 2 * hang) * 0.85  # wrapped at its edge


def text_block(pdf: pdfium.PdfDocument) -> tuple[float, float]:
    """The left and right edges of the text block: those of the justified paragraph's rows."""
    for number in range(len(pdf)):
        page = pdf[number].get_textpage()
        found = page.search(MEASURE[0]).get_next()
        if found:
            end = page.search(MEASURE[1]).get_next()
            boxes = [page.get_charbox(i) for i in range(found[0], end[0] + end[1])]
            return min(b[0] for b in boxes if b[2] > b[0]), max(b[2] for b in boxes)
    raise AssertionError("the justified paragraph is missing")


# One drawn character of a listing: itself, its left and right edges, and the bottom and top of its row.
Char = tuple[str, float, float, float, float]


def listing_rows(pdf: pdfium.PdfDocument, first: str, last: str) -> tuple[int, list[list[Char]]]:
    """The page of the listing that starts with `first` and ends with `last`, and its rows as typeset, top down:
    the characters drawn on each (an indentation's spaces are glyphs too), left to right."""
    for number in range(len(pdf)):
        page = pdf[number].get_textpage()
        start, end = page.search(first).get_next(), page.search(last).get_next()
        if start and end:
            rows: dict[int, list[Char]] = {}
            for index in range(start[0], end[0] + end[1]):
                x0, _, x1, _ = page.get_charbox(index)
                _, bottom, _, top = page.get_charbox(index, loose=True)
                char = page.get_text_range(index, 1)
                if x1 > x0 and char.strip():
                    rows.setdefault(round(bottom), []).append((char, x0, x1, bottom, top))
            return number, [sorted(row, key=lambda c: c[1]) for _, row in sorted(rows.items(), reverse=True)]
    raise AssertionError(f"the listing {first!r} … {last!r} is missing")


def starts_of_lines(source: str) -> list[bool]:
    """For each character of the source that is not white space, whether it starts its line's code."""
    return [index == len(line) - len(line.lstrip()) for line in source.split("\n")
            for index, char in enumerate(line) if not char.isspace()]  # fmt: skip


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_every_row_that_continues_a_line_is_marked_and_no_other(size, built, listings):
    pdf = pdfium.PdfDocument(built[size])
    number, rows = listing_rows(pdf, "def greet", "opportunity/at/")
    left = rows[0][0][1]  # "def" starts the listing's first row at its left edge
    column = (rows[0][4][1] - left) / 4  # "greet" starts at the fifth column: a character of the monospaced face
    starts = starts_of_lines(listings[2].text)
    scale, height = 4, pdf[number].get_size()[1]
    image = pdf[number].render(scale=scale).to_pil().convert("L")
    continued, marked, seen = [], [], 0
    for row in rows:
        continued.append(not starts[seen])
        seen += len(row)
        bottom, top = min(c[3] for c in row), max(c[4] for c in row)
        columns = round((row[0][1] - left) / column)  # where the row's first character stands
        if columns < 2:
            marked.append(False)  # a row that starts at the edge leaves no room for a mark, nor needs one
            continue
        # The mark stands in the two columns before a continued row: after its line's own indentation.
        gutter = (int((left + (columns - 2) * column) * scale), int((height - top) * scale),
                  int((left + (columns - 0.3) * column) * scale), int((height - bottom) * scale))  # fmt: skip
        marked.append(image.crop(gutter).getextrema()[0] < 160)
    assert sum(continued) >= 3
    assert marked == continued


# -- listings of 80 columns ---------------------------------------------------------------


COLUMNS = FIXTURES / "code_columns.yaml"
FITS = {"A4": 80, "Letter": 80, "A5": 72, "6x9in": 72}  # the columns a listing holds without wrapping a line


@pytest.fixture(scope="session")
def columns_built(tmp_path_factory) -> dict[str, Path]:
    """code_columns.yaml typeset at each size of FITS."""
    return {size: build_into(tmp_path_factory.mktemp(f"columns-{size}"), str(COLUMNS), "--format", "pdf",
                             "--page-size", size) / "code_columns.pdf" for size in FITS}  # fmt: skip


def rows_by_line(pdf: pdfium.PdfDocument, listing: Code, first: str, last: str) -> list[tuple[str, list[list[Char]]]]:
    """Each line of a listing that is not blank, with the rows it was typeset on."""
    _, rows = listing_rows(pdf, first, last)
    found, rows = [], list(rows)
    for line in (line for line in listing.text.split("\n") if line.strip()):
        wanted, taken = len("".join(line.split())), []
        while sum(len(row) for row in taken) < wanted:
            taken.append(rows.pop(0))
        assert sum(len(row) for row in taken) == wanted, (line, taken)  # no row holds the end of one line and more
        found.append((line, taken))
    return found


@pytest.mark.parametrize("size", list(FITS))
def test_a_listing_holds_80_columns_on_a4_and_letter_and_72_on_smaller_pages(size, columns_built):
    listing = listings_of(COLUMNS)[0]
    assert sorted(len(line) for line in listing.text.split("\n")) == [12, 72, 79, 80]  # the fixture is as named
    assert layout(size).columns == FITS[size]
    lines = rows_by_line(pdfium.PdfDocument(columns_built[size]), listing, "total", "col 80")
    one_row = {len(line): len(rows) == 1 for line, rows in lines if len(line) <= FITS[size]}
    assert one_row == ({12: True, 72: True, 79: True, 80: True} if FITS[size] == 80 else {12: True, 72: True})


@pytest.mark.parametrize("size", list(FITS))
def test_a_wrapped_line_continues_right_of_its_own_indentation(size, columns_built):
    listing = listings_of(COLUMNS)[1]
    lines = dict(rows_by_line(pdfium.PdfDocument(columns_built[size]), listing, "class", "return message"))
    (long_line,) = [line for line in lines if len(line) == 100]
    assert long_line.startswith(" " * 8 + "message")
    first, *continued = lines[long_line]
    assert continued, "the line of 100 columns did not wrap"
    column = CODE_ADVANCE * CODE_SIZE * layout(size).base  # one column of the monospaced face, in points
    start = first[0][1]  # its code's first character, after the indentation
    for row in continued:
        # Two columns further in than the line's own code: right of it, not back at the listing's edge.
        assert row[0][1] - start == pytest.approx(2 * column, abs=0.3 * column)
    assert lines["        return message"][0][0][1] == pytest.approx(start, abs=0.3 * column)  # indentation kept


def test_a_listing_keeps_within_margins_a_project_sets(tmp_path, cli):
    """[theme] margins replace the page's own, for which a listing's hang was measured: it hangs no more."""
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    (project / "content" / "code_columns.yaml").write_text(COLUMNS.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "octavo.toml").write_text('[theme]\nmargins = "20mm"\n', encoding="utf-8")
    run = cli("build", "--root", str(project), "--format", "pdf", "--out", str(tmp_path / "out"))
    assert run.status == 0, run.err
    pdf = pdfium.PdfDocument(tmp_path / "out" / "code_columns.pdf")
    _, rows = listing_rows(pdf, "total", "col 80")
    ink = [char for row in rows for char in row]
    width = pdf[0].get_size()[0]
    assert min(c[1] for c in ink) > 20 * 72 / 25.4 and max(c[2] for c in ink) < width - 20 * 72 / 25.4


def listings_of(path: Path) -> list[Code]:
    return [b for b in iter_blocks(load_article(path, PROJECT, Report())) if isinstance(b, Code)]


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_short_listings_keep_to_one_page_and_a_long_one_breaks_between_lines(size, keep_together):
    pages = [body_text(page) for page in PdfReader(keep_together[size]).pages]
    listings = listings_of(FIXTURES / "keep_together.yaml")
    short, long = listings[:-1], listings[-1]
    pages_of = [{n for n, text in enumerate(pages) for line in c.text.split("\n") if line.strip() in text}
                for c in short]  # fmt: skip
    assert all(len(found) == 1 for found in pages_of), pages_of
    assert len({min(found) for found in pages_of}) > 1  # the run crosses a page: keeping together was needed
    rows = [[line for line in long.text.split("\n") if line in text] for text in pages]
    parts = [len(found) for found in rows if found]
    assert len(parts) > 1 and sum(parts) == 60  # split, every line once


# -- the palettes -------------------------------------------------------------------------


def colours(sheet: str, media: str | None = None) -> dict[str, str]:
    """Class -> colour of the `pre.code .x` rules of a stylesheet (of one @media block, or outside any)."""
    rules = tinycss2.parse_stylesheet((PROJECT / "styles" / sheet).read_text(encoding="utf-8"), True, True)
    if media is not None:
        (block,) = [r for r in rules if r.type == "at-rule" and media in tinycss2.serialize(r.prelude)]
        rules = tinycss2.parse_rule_list(block.content, True, True)
    found = {}
    for rule in rules:
        if rule.type != "qualified-rule":
            continue
        body = tinycss2.serialize(rule.content)
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", body)
        for selector in tinycss2.serialize(rule.prelude).split(","):
            match = re.fullmatch(r"\s*pre\.code \.([a-z0-9]+)\s*", selector)
            if match and colour:
                found[match[1]] = colour[1]
    return found


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two colours: their luminance, which is also what a grayscale print keeps."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


USED = {"k", "kd", "nb", "nf", "s2", "si", "mi", "c1", "nt", "go"}  # classes the fixture's listings use


def test_the_print_palette_is_legible_in_grayscale():
    palette = colours("code-print.css")
    assert set(palette) >= USED
    ground = re.search(r"pre\.code \{[^}]*background: (#[0-9a-f]{6})", (PROJECT / "styles" / "code-print.css")
                       .read_text(encoding="utf-8"))[1]  # fmt: skip
    assert {name: round(contrast(c, ground), 1) for name, c in palette.items() if contrast(c, ground) < 5.5} == {}


def test_the_epub_palette_reads_on_light_and_dark_grounds():
    light, dark = colours("code-epub.css"), colours("code-epub.css", "prefers-color-scheme: dark")
    assert set(light) >= USED and set(dark) == set(light)
    # By default (readers' night modes rarely say so) both white and a dark ground; where a dark theme is
    # reported, the lighter tones read well on it.
    assert [n for n, c in light.items() if contrast(c, "#ffffff") < 4.5 or contrast(c, "#121212") < 3.8] == []
    assert [n for n, c in dark.items() if contrast(c, "#121212") < 7] == []
