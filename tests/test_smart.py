"""Smart punctuation read back: curly quotes by language, apostrophes, dashes, ellipses; code and URLs untouched."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Paragraph, iter_blocks
from octavo.source.load import load_document
from octavo.text import smart

from .conftest import FIXTURES, PROJECT, body_text, build_into, epub_files

XHTML = "{http://www.w3.org/1999/xhtml}"
STRAIGHT = re.compile(r"[\"']|--|\.\.\.")
# What smart.yaml keeps as typed, in the order it is typed: code, a URL, formulas' text, an escape.
KEPT = ["print(\"it's -- here...\")", "https://example.org/it's--here...", '"as typed"',
        "print(\"straight 'quotes' -- stay...\")"]  # fmt: skip


@pytest.fixture(scope="session")
def smart_build(tmp_path_factory) -> Path:
    return build_into(tmp_path_factory.mktemp("smart"), str(FIXTURES / "smart.yaml"), "--format", "pdf,epub")


def reader_text(root: ET.Element) -> str:
    """The text of an XHTML body without code, mathematics and autolinks (a link that shows its own URL)."""
    def visit(element: ET.Element) -> str:
        tag = element.tag.removeprefix(XHTML)
        if tag in ("code", "pre", "{http://www.w3.org/1998/Math/MathML}math", "head", "style"):
            return element.tail or ""
        if tag == "a" and (element.text or "") == element.get("href"):
            return element.tail or ""
        return (element.text or "") + "".join(visit(child) for child in element) + (element.tail or "")

    return visit(root)


def epub_reader_text(path: Path) -> str:
    files = epub_files(path)
    return "".join(reader_text(ET.fromstring(data)) for name, data in sorted(files.items())
                   if name.endswith(".xhtml") and not name.endswith("nav.xhtml"))  # fmt: skip


def test_no_straight_punctuation_is_left_in_the_pdf_or_the_epub(smart_build):
    text = "".join(body_text(page) for page in PdfReader(smart_build / "smart.pdf").pages)
    for kept in KEPT:
        assert kept in text, kept
        text = text.replace(kept, "", 1)
    assert STRAIGHT.findall(text) == []
    assert "“Four score and seven years ago…” began the address at the Soldiers’" in text
    epub = epub_reader_text(smart_build / "smart.epub")
    assert STRAIGHT.findall(epub.replace('"as typed"', "")) == []
    assert "the ’60s, rock ’n’ roll" in epub and "1861–1865" in epub and "shortest speech — and ‘the world" in epub


def test_code_urls_and_mathematics_keep_what_was_typed(smart_build):
    files = epub_files(smart_build / "smart.epub")
    lead = next(data.decode() for name, data in files.items() if name.endswith("title.xhtml"))
    assert "<code>print(&quot;it's -- here...&quot;)</code>" in lead
    assert "href=\"https://example.org/it's--here...\">https://example.org/it's--here...</a>" in lead
    assert 'href="https://example.org/a--b...c">a “link”</a>' in lead
    assert "alttext=\"f'(x) -- g''(x)\"" in lead
    assert "print(&#34;straight &#39;quotes&#39; -- stay...&#34;)" in lead


def test_titles_metadata_and_alt_texts_are_smart_too(smart_build):
    article = load("smart.yaml")
    assert article.title.plain == "“Smart” punctuation – it’s automatic"
    figure = next(b for b in iter_blocks(article) if b.kind == "figure")
    assert figure.alt == "The figure’s alt text, with “quotes”…"
    pdf = PdfReader(smart_build / "smart.pdf")
    assert pdf.metadata.title == article.title.plain
    assert [item.title for item in pdf.outline] == ["The “section” title"]


def test_the_sample_has_no_straight_quotes(sample_build):
    text = epub_reader_text(sample_build / "khrushchev.epub")
    assert STRAIGHT.findall(text) == []
    pdf = "".join(body_text(page) for page in PdfReader(sample_build / "khrushchev.pdf").pages)
    assert re.findall(r"[\"']|--", pdf) == []  # dots stay: the contents' leaders are rows of them


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")) + sorted((PROJECT / "content").glob("*.yaml")),
                         ids=lambda p: p.stem)  # fmt: skip
def test_no_paragraph_of_any_fixture_or_sample_keeps_a_straight_quote(path):
    report = Report()
    document = load_document(path, PROJECT, report)
    if document is None:
        pytest.skip("a fixture with errors")
    articles = getattr(document, "articles", (document,))
    for article in articles:
        for block in iter_blocks(article):
            if isinstance(block, Paragraph):
                html = "".join(str(p) for p in block.text.parts if isinstance(p, str))
                shown = re.sub(r"<code>.*?</code>|<a href=\"([^\"]*)\">\1</a>|<[^>]+>", "", html)
                shown = shown.replace("&quot;as typed&quot;", "")  # smart.yaml's escaped quotes
                assert not re.search(r"&#34;|&#39;|&quot;|[\"']|(?<!-)--(?!-)", shown), (path.name, shown)


# -- by language -------------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(name: str, root: Path = PROJECT):
    report = Report()
    document = load_document(root / name if root != PROJECT else FIXTURES / name, root, report)
    assert document is not None, [p.message for p in report.errors]
    return document


def first_paragraph(tmp_path: Path, language: str, text: str, extra: str = "") -> str:
    source = yaml.safe_dump({"title": "T", "language": language, "body": [text]}, allow_unicode=True) + extra
    write(tmp_path, "a.yaml", source)
    return load("a.yaml", tmp_path).body[0].text.plain


NBSP = "\u00a0"
NESTED = "\"outer 'inner' end\" -- it's... done"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "“outer ‘inner’ end” – it’s… done"),
    ("en-GB", "“outer ‘inner’ end” – it’s… done"),
    ("de", "„outer ‚inner‘ end“ – it’s… done"),
    ("de-CH", "«outer ‹inner› end» – it’s… done"),
    ("fr", f"«{NBSP}outer “inner” end{NBSP}» – it’s… done"),
    ("ru", "«outer „inner“ end» – it’s… done"),
    ("uk", "«outer „inner“ end» – it’s… done"),
    ("no", "«outer ‘inner’ end» – it’s… done"),
    ("pt-BR", "“outer ‘inner’ end” – it’s… done"),
    ("ja", "“outer ‘inner’ end” – it’s… done"),  # a language with no quotes of its own: English ones
])  # fmt: skip
def test_quotes_follow_the_language(tmp_path, language, expected):
    assert first_paragraph(tmp_path, language, NESTED) == expected


def test_every_language_of_the_labels_has_its_quotes():
    labels = yaml.safe_load((PROJECT / "templates" / "labels.yaml").read_text(encoding="utf-8"))
    languages = set(labels) - {"aliases"} | set(labels["aliases"])
    assert languages <= set(smart.QUOTES)


@pytest.mark.parametrize(("typed", "expected"), [
    ("Lincoln's rock 'n' roll of the '90s", "Lincoln’s rock ’n’ roll of the ’90s"),
    ("the soldiers' graves", "the soldiers’ graves"),
    ("\"a 'b' c\" and 'd \"e\" f'", "“a ‘b’ c” and ‘d “e” f’"),
    ("*\"emphasis\"* and \"**strong**\"", "“emphasis” and “strong”"),
    ("1914--1918 --- then...", "1914–1918 — then…"),
    ("(c) 2024 +- 3", "(c) 2024 +- 3"),  # markdown-it's other replacements are not made
])  # fmt: skip
def test_apostrophes_dashes_and_ellipses(tmp_path, typed, expected):
    assert first_paragraph(tmp_path, "en", typed) == expected


def test_smart_false_keeps_what_was_typed(tmp_path):
    assert first_paragraph(tmp_path, "en", NESTED, "smart: false\n") == NESTED
    assert first_paragraph(tmp_path, "en", NESTED, "smart: true\n") != NESTED


def test_a_book_setting_applies_to_its_articles_unless_they_set_their_own(tmp_path):
    write(tmp_path, "plain.yaml", "title: Plain\nbody:\n  - \"it's\"\n")
    write(tmp_path, "curly.yaml", "title: Curly\nsmart: true\nbody:\n  - \"it's\"\n")
    write(tmp_path, "book.yaml", "title: \"A 'book'\"\nsmart: false\narticles: [plain.yaml, curly.yaml]\n")
    book = load("book.yaml", tmp_path)
    assert book.title.plain == "A 'book'"
    assert [a.body[0].text.plain for a in book.articles] == ["it's", "it’s"]


def test_a_wrong_smart_value_is_a_located_error(tmp_path):
    write(tmp_path, "a.yaml", "title: T\nsmart: maybe\n")
    report = Report()
    assert load_document(tmp_path / "a.yaml", tmp_path, report) is None
    assert [(p.line, p.column) for p in report.errors] == [(2, 8)]
    assert "smart: 'maybe' is not one of auto, true, false" in report.errors[0].message
