"""Print details: the contents list's rule, figure widths, credits, columns of numbers, hyphens in cells."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import iter_blocks
from octavo.core.options import BuildOptions
from octavo.pdf.writer import contents_list, fetcher_for, print_html, typeset
from octavo.source.load import load_article

from .conftest import FIXTURES, PROJECT, build_into
from .layout import read_pages


def article_from(tmp_path: Path, text: str, name: str = "article") -> tuple[object, Report]:
    (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    report = Report()
    return load_article(tmp_path / f"{name}.yaml", tmp_path, report), report


SECTIONS = "".join(f"  - title: Part {n}\n    body: [Text of part {n}.]\n" for n in range(1, 5))


@pytest.mark.parametrize(
    ("toc", "sections", "expected"),
    [
        ("", SECTIONS, "optional"),  # four sections: a contents list, unless the article is short
        ("", SECTIONS.split("  - title: Part 4")[0], "none"),  # three: none
        ("toc: true\n", SECTIONS.split("  - title: Part 2")[0], "shown"),
        ("toc: FALSE\n", SECTIONS, "none"),
    ],
)
def test_the_contents_list_rule(tmp_path, toc, sections, expected):
    article, report = article_from(tmp_path, f"title: A\n{toc}sections:\n{sections}")
    assert report.errors == []
    assert contents_list(article) == expected


def test_auto_leaves_out_the_contents_list_of_a_short_article(tmp_path, cli):
    (tmp_path / "short.yaml").write_text(f"title: Short\nsections:\n{SECTIONS}", encoding="utf-8")
    assert cli("build", tmp_path / "short.yaml", "--root", tmp_path, "--out", tmp_path / "out",
               "--format", "pdf,html").status == 0  # fmt: skip
    assert "Contents" in (tmp_path / "out" / "short.html").read_text(encoding="utf-8")  # the HTML keeps it
    assert "Contents" not in PdfReader(tmp_path / "out" / "short.pdf").pages[0].extract_text()  # one page: gone


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("toc: sometimes", "toc: 'sometimes' is not one of auto, true, false"),
        ("body:\n  - figure: {caption: A, width: 60}", "body[0].figure.width: '60' is not a width such as 60%"),
        ("body:\n  - figure: {caption: A, width: 150%}", "'150%' is not a width such as 60% (10% to 100%"),
    ],
)
def test_bad_toc_and_width_values_are_located_errors(tmp_path, line, message):
    _, report = article_from(tmp_path, f"title: A\n{line}\n")
    assert len(report.errors) == 1 and message in report.errors[0].message


def test_a_figure_takes_the_share_of_the_measure_its_width_gives(tmp_path):
    article = load_article(FIXTURES / "handout.yaml", PROJECT, Report())
    options = BuildOptions(out=tmp_path, root=PROJECT, formats=("pdf",))
    document = print_html(article, options)
    rendered = typeset(document, options, fetcher_for(document, options))
    frames = [box for page in rendered.pages for box in descendants(page._page_box)
              if "placeholder-frame" in (box.element.get("class") or "" if box.element is not None else "")]
    figure = next(b for b in iter_blocks(article) if b.kind == "figure")
    assert figure.width == 60 and frames
    measure = rendered.pages[0]._page_box.width
    assert frames[0].border_width() == pytest.approx(0.6 * measure, rel=0.01)


def descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from descendants(child)


# -- captions and tables --------------------------------------------------------------------------


def test_a_credit_is_a_line_of_its_own_after_a_label(print_builds):
    lines = [line.text for page in read_pages(print_builds["A4"] / "images.pdf") for line in page.body]
    caption = lines.index("Figure 1. A photograph (JPEG)")
    assert re.fullmatch(r"credit: test fixture", lines[caption + 1], flags=re.IGNORECASE)


def test_a_column_of_numbers_is_found_and_aligned_on_the_right(print_builds):
    table = next(b for b in iter_blocks(load_article(FIXTURES / "handout.yaml", PROJECT, Report()))
                 if b.kind == "table")  # fmt: skip
    assert table.numeric == (False, True, True, True)
    rows = [line for page in read_pages(print_builds["A4"] / "handout.pdf") for line in page.body
            if re.match(r"(Speech|Letter|Press) ", line.text)]  # fmt: skip
    assert len(rows) == 3
    for column in (1, 2, 3):  # Year, Pages, Hours: their last figures stand one under another
        rights = [row.words[-4 + column][2] for row in rows]
        assert max(rights) - min(rights) < 0.5, column


def test_short_words_in_narrow_table_cells_are_not_hyphenated(tmp_path):
    (tmp_path / "signers.yaml").write_text(SIGNERS, encoding="utf-8")
    out = build_into(tmp_path / "out", str(tmp_path / "signers.yaml"), "--root", str(tmp_path),
                     "--format", "pdf", "--page-size", "A5")  # fmt: skip
    lines = PdfReader(out / "signers.pdf").pages[0].extract_text().splitlines()
    broken = [(line.split()[-1] + following.split()[0]).replace("\u2010", "")
              for line, following in itertools.pairwise(lines) if line.endswith("\u2010")]  # fmt: skip
    assert broken and all(len(word) >= 10 for word in broken), broken  # Profession, Massachusetts; never Ben-jamin


SIGNERS = """\
title: Signers
sections:
  - title: A narrow table
    body:
      - table:
          caption: Signers of the Declaration
          header: [Signer, Colony, Profession, Signer, Colony, Profession]
          rows:
            - [Benjamin Franklin, Pennsylvania, Printer, Elbridge Gerry, Massachusetts, Merchant]
            - [Roger Sherman, Connecticut, Shoemaker, Caesar Rodney, Delaware, Planter]
            - [Richard Stockton, Jersey, Lawyer, Benjamin Harrison, Virginia, Planter]
"""


def test_a_table_longer_than_a_page_starts_where_it_stands_and_repeats_its_header(tmp_path):
    rows = "".join(f"            - [Item {n}, \"{n * 37 % 1000}\"]\n" for n in range(1, 90))
    (tmp_path / "long.yaml").write_text(
        "title: A long table\nsections:\n  - title: Numbers\n    body:\n      - Text before the table.\n"
        "      - table:\n          caption: Ninety rows\n          header: [Item, Count]\n          rows:\n"
        f"{rows}      - Text after the table.\n", encoding="utf-8")  # fmt: skip
    out = build_into(tmp_path / "out", str(tmp_path / "long.yaml"), "--root", str(tmp_path), "--format", "pdf")
    pages = [[line.text for line in page.body] for page in read_pages(out / "long.pdf")]
    assert pages[0][-1].startswith("Item ")  # no white below the text before it: it starts on page 1
    assert pages[0].index("Table 1. Ninety rows") + 2 == pages[0].index("Item 1 37")  # caption, header, row 1
    assert all(page[0] == "Item Count" for page in pages[1:])  # the header row again on every page
    assert pages[-1][-1] == "Text after the table." and all("Text after" not in " ".join(p) for p in pages[:-1])
