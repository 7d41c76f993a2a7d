"""Cross-references read back: their words, their links in the PDF and across EPUB files, and their pages."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Paragraph, XRef, iter_blocks
from octavo.source.load import load_document

from .conftest import FIXTURES, PROJECT, build_into, epub_files, epubcheck_messages

XHTML = "{http://www.w3.org/1999/xhtml}"
NBSP = "\u00a0"
# What each reference of xref.yaml shows, by its target.
WORDS = {"fig-map": f"Figure{NBSP}1", "tbl-prices": f"Table{NBSP}1", "lst-hello": f"Listing{NBSP}1",
         "eq-energy": f"Equation{NBSP}1", "box-terms": f"Box{NBSP}1", "q-bury": "the quotation",
         "sec-later": "“Some ‘later’ pages”", "sec-targets": "“The targets”"}  # fmt: skip


@pytest.fixture(scope="session")
def xref_build(tmp_path_factory) -> Path:
    return build_into(tmp_path_factory.mktemp("xref"), str(FIXTURES / "xref.yaml"), "--format", "pdf,epub")


def load(path: Path, root: Path = PROJECT):
    report = Report()
    document = load_document(path, root, report)
    assert document is not None, [p.message for p in report.errors]
    return document


def xrefs(article) -> list[XRef]:
    return [part for block in iter_blocks(article) if isinstance(block, Paragraph)
            for part in block.text.parts if isinstance(part, XRef)]  # fmt: skip


def test_references_before_and_after_their_targets_resolve_in_the_model():
    article = load(FIXTURES / "xref.yaml")
    found = [(x.target, x.text.plain, x.page) for x in xrefs(article)]
    forward = ["fig-map", "tbl-prices", "lst-hello", "eq-energy", "box-terms", "q-bury", "sec-later"]
    backward = ["fig-map", "tbl-prices", "lst-hello", "eq-energy", "box-terms", "q-bury", "sec-targets"]
    assert found == ([(t, WORDS[t], False) for t in forward] + [(t, WORDS[t], True) for t in ["fig-map", "sec-later"]]
                     + [(t, WORDS[t], True) for t in backward])  # fmt: skip
    assert article.body[0].text.plain.startswith(f"Forward: Figure{NBSP}1, Table{NBSP}1, Listing{NBSP}1,")


def test_every_page_reference_names_the_page_its_target_lands_on(xref_build):
    pdf = PdfReader(xref_build / "xref.pdf")
    text = " ".join(page.extract_text() for page in pdf.pages)
    pages = {name: pdf.get_destination_page_number(dest) + 1 for name, dest in pdf.named_destinations.items()}
    assert pages["sec-later"] > pages["fig-map"]  # the fixture spreads its targets over pages
    checked = 0
    for target, words in WORDS.items():
        pattern = r"\s+".join(re.escape(word) for word in words.split()) + r"\s+on\s+page\s+(\d+)"
        for match in re.finditer(pattern, text):
            assert int(match[1]) == pages[target], target
            checked += 1
    assert checked == 8  # the ninth, to Figure 1 from its own page, names no page
    assert pages["fig-map"] == 1 and re.search(r"with\s+pages:\s+Figure\s+1\s+and", text)


def test_a_reference_to_its_own_page_names_no_page(tmp_path):
    out = build_into(tmp_path, str(FIXTURES / "xref_same_page.yaml"), "--format", "pdf")
    pdf = PdfReader(out / "xref_same_page.pdf")
    pages = {name: pdf.get_destination_page_number(dest) + 1 for name, dest in pdf.named_destinations.items()}
    assert (pages["fig-near"], pages["fig-far"]) == (1, 2)
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages)).replace(NBSP, " ")
    assert "The map is Figure 1; the chart is Figure 2 on page 2." in text  # the map is on page 1 too
    assert "Back to Figure 2, on this very page, and to Figure 1 on page 1." in text
    assert text.count("on page") == 2


def laid_out(body: str):
    """A real WeasyPrint layout of a small document with print.css's rule for the words before a page."""
    import weasyprint

    css = "a.xref[data-on-page]::after { content: attr(data-on-page) target-counter(attr(href), page); }"
    html = weasyprint.HTML(string=f"<html lang='en'><head><style>{css}</style></head><body>{body}</body></html>")
    return html, html.render()


def test_nothing_is_laid_out_again_when_no_reference_is_on_its_targets_page():
    from octavo.pdf.samepage import drop_same_page_words

    link = '<p><a class="xref" href="#x" data-on-page=" on page ">Figure 1</a></p>'
    html, document = laid_out(link + '<p style="break-before: page" id="x">X</p>')
    assert drop_same_page_words(html, lambda: pytest.fail("laid out again"), document) is document
    html, document = laid_out(link + '<p id="x">X</p>')
    assert "Figure 1 on page 1" in PdfReader(io.BytesIO(document.write_pdf())).pages[0].extract_text()
    again = drop_same_page_words(html, html.render, document)
    assert again is not document
    assert PdfReader(io.BytesIO(again.write_pdf())).pages[0].extract_text().split() == ["Figure", "1", "X"]
    link = next(html.etree_element.iter("a"))
    assert link.get("data-on-page") is None and link.get("data-octavo-on-page") == " on page "


def test_every_reference_links_to_its_target_in_the_pdf(xref_build):
    pdf = PdfReader(xref_build / "xref.pdf")
    dests = [str(annot.get_object()["/Dest"]) for page in pdf.pages for annot in page.get("/Annots", [])
             if annot.get_object().get("/Subtype") == "/Link" and "/Dest" in annot.get_object()]  # fmt: skip
    for target in WORDS:
        assert target in pdf.named_destinations
    # WeasyPrint gives a link one annotation per line it spans, so each target counts once.
    assert {d for d in dests if d in WORDS} == set(WORDS)


def test_every_reference_links_across_the_epub_files_and_shows_no_page(xref_build):
    files = epub_files(xref_build / "xref.epub")
    ids = {}
    for name, data in files.items():
        if name.endswith(".xhtml"):
            for element in ET.fromstring(data).iter():
                if element.get("id"):
                    ids[element.get("id")] = name.removeprefix("EPUB/")
    links = []
    for name, data in files.items():
        if name.endswith(".xhtml"):
            for a in ET.fromstring(data).iter(f"{XHTML}a"):
                if "xref" in (a.get("class") or ""):
                    links.append((name, a.get("href"), "".join(a.itertext())))
    assert len(links) == 16
    for name, href, words in links:
        file, _, anchor = href.partition("#")
        assert ids[anchor] == (file or name.removeprefix("EPUB/")), href
        assert words == WORDS[anchor]
    assert not any("on page" in data.decode() for name, data in files.items() if name.endswith(".xhtml"))


@pytest.mark.parametrize("name", ["xref", "smart"])
def test_the_new_fixtures_pass_epubcheck(name, tmp_path):
    out = build_into(tmp_path, str(FIXTURES / f"{name}.yaml"), "--format", "epub")
    assert list(epubcheck_messages(out / f"{name}.epub")) == []


def test_an_unknown_id_is_a_located_error_with_a_suggestion():
    report = Report()
    assert load_document(FIXTURES / "xref_unknown.yaml", PROJECT, report) is None
    assert [(p.line, p.column, p.message) for p in report.errors] == [
        (7, 9, "body[1]: '[#fig-mpa]' refers to no id of this article (did you mean 'fig-map'?)")]


def test_a_malformed_reference_and_a_duplicate_id_are_errors(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("title: T\nbody:\n  - table:\n      id: t\n      rows: [[a]]\n  - figure:\n      id: t\n"
                    "      alt: x\n  - See [#t two].\n", encoding="utf-8")  # fmt: skip
    report = Report()
    assert load_document(path, tmp_path, report) is None
    assert [(p.line, p.message) for p in report.errors] == [
        (7, "body[1].figure.id: the id 't' is already used"),
        (9, "body[2]: '[#t two]' is not a cross-reference (write [#id] or [#id page])")]


def test_a_title_cannot_hold_a_reference(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("title: See [#s]\nsections:\n  - title: S\n    id: s\n", encoding="utf-8")
    report = Report()
    assert load_document(path, tmp_path, report) is None
    assert [(p.line, p.column, p.message) for p in report.errors] == [
        (1, 12, "title: cross-references are not allowed here")]


def test_in_a_book_a_reference_stays_within_its_article(tmp_path):
    for name, caption in (("one", "First"), ("two", "Second")):
        (tmp_path / f"{name}.yaml").write_text(
            f"title: {caption}\nbody:\n  - table:\n      id: t-data\n      caption: {caption}.\n"
            "      rows: [[a]]\n  - table:\n      caption: More.\n      rows: [[b]]\n"
            "  - See [#t-data] and [#t-more].\n  - table:\n      id: t-more\n      rows: [[c]]\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text("title: B\narticles: [one.yaml, two.yaml]\n", encoding="utf-8")
    book = load(tmp_path / "book.yaml", tmp_path)
    assert [[(x.target, x.text.plain) for x in xrefs(a)] for a in book.articles] == [
        [("one--t-data", f"Table{NBSP}1"), ("one--t-more", f"Table{NBSP}3")],
        [("two--t-data", f"Table{NBSP}1"), ("two--t-more", f"Table{NBSP}3")]]
    out = build_into(tmp_path / "out", str(tmp_path / "book.yaml"), "--format", "epub")
    files = epub_files(out / "book.epub")
    hrefs = re.findall(r'class="xref" href="([^"]+)"', "".join(d.decode() for n, d in sorted(files.items())
                                                               if n.endswith(".xhtml")))  # fmt: skip
    assert len(hrefs) == 4 and all(re.fullmatch(r"[\w.-]+\.xhtml#(one|two)--t-(data|more)", h) for h in hrefs)
    assert {h.split("#")[0] for h in hrefs if "one--" in h}.isdisjoint({h.split("#")[0] for h in hrefs if "two--" in h})
