"""Chapters in their own languages: the words octavo writes into a chapter, and the /Lang of its tagged text."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Book, Paragraph, XRef, iter_blocks
from octavo.source.load import load_document

from .conftest import FIXTURES, PROJECT, build_into, epub_files

BOOK = FIXTURES / "book_languages.yaml"  # an English book with a German and a Russian chapter
NBSP = "\u00a0"
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    # Footnotes: a note is laid out at the foot of its page, away from its chapter in the structure tree.
    return build_into(tmp_path_factory.mktemp("languages"), str(BOOK), "--format", "pdf,epub", "--notes", "footnotes")


def test_a_chapter_resolves_its_cross_references_in_its_own_language():
    book = load_document(BOOK, PROJECT, Report())
    assert isinstance(book, Book) and [a.language for a in book.articles] == ["de", "ru"]
    words = [[part.text.plain for block in iter_blocks(article) if isinstance(block, Paragraph)
              for part in block.text.parts if isinstance(part, XRef)] for article in book.articles]  # fmt: skip
    assert words[0][:3] == [f"Gleichung{NBSP}1", f"Abbildung{NBSP}1", f"Tabelle{NBSP}1"]
    assert words[1][:2] == [f"Рисунок{NBSP}1", f"Таблица{NBSP}1"]


def test_a_german_chapter_says_equation_and_on_page_in_german_in_the_pdf(built):
    pdf = PdfReader(built / "book_languages.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    pages = {name: pdf.get_destination_page_number(dest) + 1 for name, dest in pdf.named_destinations.items()}
    found = re.findall(r"Gleichung\s1 auf Seite (\d+)", text.replace(NBSP, " "))
    assert found and {int(page) for page in found} == {pages["chapter-german--eq-energie"]}
    assert re.search(r"Abbildung\s1 auf Seite \d+", text.replace(NBSP, " "))
    assert "Abbildung 1." in text and "Tabelle 1." in text  # the captions' labels too
    assert "Рисунок 1." in text and "Таблица 1." in text
    for english in ("Equation", "on page", "Figure", "Table 1"):
        assert english not in text, english


def test_a_german_chapter_says_equation_in_german_in_the_epub(built):
    files = epub_files(built / "book_languages.epub")
    german = " ".join(data.decode() for name, data in files.items() if "chapter-german" in name)
    assert f"Gleichung{NBSP}1" in german or "Gleichung 1" in german
    assert "Equation" not in german and "Figure" not in german


def marked_texts(reader: PdfReader) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence: (page index, MCID) -> text."""
    texts: dict[tuple[int, int], str] = {}
    for index, page in enumerate(reader.pages):
        open_ids: list[int | None] = []

        def before(operator, operands, cm, tm, open_ids=open_ids):
            if operator == b"BDC":
                properties = operands[1] if len(operands) > 1 else None
                open_ids.append(properties.get("/MCID") if hasattr(properties, "get") else None)
            elif operator == b"BMC":
                open_ids.append(None)
            elif operator == b"EMC" and open_ids:
                open_ids.pop()

        def text(found, cm, tm, font, size, index=index, open_ids=open_ids):
            mcid = next((m for m in reversed(open_ids) if m is not None), None)
            if mcid is not None:
                texts[index, mcid] = texts.get((index, mcid), "") + found

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def tagged_runs(path: Path) -> list[tuple[str, str, str]]:
    """(structure type, language in effect, text) of each structure element that holds text, walked from the root."""
    texts = marked_texts(PdfReader(path))
    runs = []
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        stack = [(pdf.Root.StructTreeRoot, str(pdf.Root.Lang), None)]
        while stack:
            element, language, page = stack.pop()
            language = str(element.get("/Lang", language))
            page = pages.get(element.Pg.objgen, page) if "/Pg" in element else page
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
            text = "".join(texts.get((page, int(kid)), "") for kid in kids if isinstance(kid, int))
            if text.strip():
                runs.append((str(element.get("/S")), language, text))
            stack += [(kid, language, page) for kid in reversed(kids)
                      if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]  # fmt: skip
    return runs


def test_every_tagged_run_of_russian_text_is_read_as_russian(built):
    runs = tagged_runs(built / "book_languages.pdf")
    russian = [(kind, language, text) for kind, language, text in runs if CYRILLIC.search(text)]
    assert len(russian) > 30  # the chapter, its entries in the contents and its footnote
    assert [run for run in russian if run[1] != "ru"] == []
    assert any("Примечание" in text for _, _, text in russian)  # the footnote, at the foot of its page
    german = [language for _, language, text in runs if "Kapitel" in text or "Absatz 1," in text]
    assert german and set(german) == {"de"}
