"""Lists inside list items, three levels deep: read, checked, typeset in the PDF and nested in the EPUB."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.source.blocks.lists import BulletList, ListItem, NumberedList
from octavo.source.load import load_document

from .conftest import FIXTURES, PROJECT, build_into, epub_files, epubcheck_messages

NESTED = FIXTURES / "nested_lists.yaml"
XHTML = "{http://www.w3.org/1999/xhtml}"


def load(path: Path, root: Path = PROJECT):
    report = Report()
    return load_document(path, root, report), report


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_into(tmp_path_factory.mktemp("nested"), str(NESTED), "--format", "pdf,epub")


def test_an_item_holds_a_list_and_each_list_knows_its_level():
    article, report = load(NESTED)
    assert article is not None, [d.message for d in report.errors]
    steps = article.body[1]
    assert isinstance(steps, NumberedList) and steps.level == 1
    second = steps.items[1]
    assert isinstance(second, ListItem) and second.text.plain == "Second step, in parts"
    assert isinstance(second.nested, NumberedList) and second.nested.level == 2
    pieces = second.nested.items[1]
    assert isinstance(pieces, ListItem) and pieces.nested.level == 3
    assert [item.plain for item in pieces.nested.items] == ["Piece one", "Piece two"]
    things = steps.items[2]
    assert isinstance(things.nested, BulletList) and things.nested.level == 1  # the first bulleted list in
    assert isinstance(things.nested.items[1].nested, BulletList) and things.nested.items[1].nested.level == 2
    assert steps.items[0].plain == "First step"  # an item without a list stays a text


def write(folder: Path, body: str) -> Path:
    path = folder / "article.yaml"
    path.write_text("title: Lists\nbody:\n" + body, encoding="utf-8")
    return path


def messages(folder: Path, body: str) -> list[tuple[int, int, str]]:
    article, report = load(write(folder, body), folder)
    assert article is None
    return [(d.line, d.column, d.message) for d in report.errors]


def test_a_fourth_level_is_an_error_where_it_is_written():
    article, report = load(FIXTURES / "schema" / "list_four_levels.yaml")
    assert article is None
    assert [(d.line, d.column, d.message) for d in report.errors] == [
        (9, 27, "body[0].numbered[0].numbered[0].list[0].numbered: lists nest at most 3 levels deep "
                "(a list in an item of a list in an item of a list)"),
    ]  # fmt: skip


def test_a_text_that_a_colon_made_a_mapping_is_still_told_to_quote_it(tmp_path):
    found = messages(tmp_path, "  - list:\n      - Tip: tape the bag\n      - list: what to pack\n")
    assert [(line, column) for line, column, _ in found] == [(4, 9), (5, 9)]
    assert "the ': ' after 'Tip' makes YAML read a key and a value; quote the text: 'Tip: tape the bag'" in found[0][2]
    assert "quote the text: 'list: what to pack'" in found[1][2]


def test_an_item_mapping_is_checked_key_by_key(tmp_path):
    assert messages(tmp_path, "  - list:\n      - text: Fruit\n        lsit: [Apples]\n") == [
        (5, 9, "body[0].list[0].lsit: unknown key 'lsit' (did you mean 'list'?)")]
    both = "  - list:\n      - text: Fruit\n        list: [Apples]\n        numbered: [Pears]\n"
    assert messages(tmp_path, both) == [
        (6, 19, "body[0].list[0]: an item holds one list, `list` or `numbered`, not both")]
    assert messages(tmp_path, "  - list:\n      - [Apples, Pears]\n")[0][2].startswith(
        "body[0].list[0]: expected text, found a list; a list inside an item is written under the item's text")


def placed_text(page) -> list[tuple[float, str]]:
    """(x, text) of each run of text on a page, in the order it is drawn."""
    found: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((cm[4] + tm[4] * cm[0], text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def test_the_pdf_sets_each_level_further_in_and_numbers_it_1_a_i(built):
    runs = placed_text(PdfReader(built / "nested_lists.pdf").pages[0])
    x = {text: left for left, text in runs}
    texts = [text for _, text in runs if text in x]
    order = ["First step", "Second step, in parts", "Part one", "Part two, in pieces", "Piece one", "Piece two",
             "Part three", "Third step, with things to take", "A bag", "Food", "Bread", "Cheese", "Fourth step"]
    assert [text for text in texts if text in order] == order  # the reading order of the source
    assert x["Before the lists."] < x["First step"] < x["Part one"] < x["Piece one"]
    assert x["First step"] == x["Fourth step"] and x["Part one"] == x["Part three"] == x["A bag"]
    assert x["Piece one"] == x["Bread"]
    markers = [text for _, text in runs if text.endswith(".") and len(text) <= 4]
    assert markers[:9] == ["1.", "2.", "a.", "b.", "i.", "ii.", "c.", "3.", "4."]


def test_the_epub_nests_each_list_in_its_item_and_passes_epubcheck(built):
    files = epub_files(built / "nested_lists.epub")
    document = next(data for name, data in files.items() if name.endswith(".xhtml") and b"Piece one" in data)
    root = ET.fromstring(document)
    steps = next(ol for ol in root.iter(f"{XHTML}ol") if ol.get("class") is None)
    second = steps.findall(f"{XHTML}li")[1]
    parts = second.find(f"{XHTML}ol")
    assert parts is not None and parts.get("class") == "nested level-2"
    pieces = parts.findall(f"{XHTML}li")[1].find(f"{XHTML}ol")
    assert pieces is not None and pieces.get("class") == "nested level-3"
    things = steps.findall(f"{XHTML}li")[2].find(f"{XHTML}ul")  # ol > li > ul
    assert things is not None and [li.text.strip() for li in things.findall(f"{XHTML}li")] == ["A bag", "Food"]
    css = b"".join(data for name, data in files.items() if name.endswith("base.css"))
    assert b"ol.level-2 { list-style-type: lower-alpha; }" in css and b"lower-roman" in css
    assert epubcheck_messages(built / "nested_lists.epub") == ()
