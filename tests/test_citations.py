"""Citations and References read back, compared with what citeproc-py itself makes of the same items."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source import Locator
from citeproc.source.json import CiteProcJSON
from markupsafe import Markup
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Citation as CitationPart
from octavo.core.model import Inline, iter_blocks
from octavo.epub.writer import anchor_files
from octavo.source.load import load_article, load_document
from octavo.source.reader import NodeReader
from octavo.source.references import read_library
from octavo.source.yamlsrc import read
from octavo.text import markup
from octavo.text.bibtex import bibtex_items
from octavo.text.citations import STYLE_FOLDER, locator

from .conftest import FIXTURES, PROJECT, body_text, build_into, epub_files, epubcheck_messages, node_tool, squash

CITATIONS = FIXTURES / "citations.yaml"
XHTML = "{http://www.w3.org/1999/xhtml}"
# What each fixture cites, in reading order (the notes after the text), each item as (key, label, locator).
CITED = {
    "citations.yaml": [
        [("okafor2019", None, None)],
        [("lindqvist2021", "page", "118")],
        [("berg2018", "page", "50-52"), ("okafor2019", "chapter", "3")],
        [("berg2018", None, None)],
        [("who2020", "page", "12")],
    ],
    "citations_json.yaml": [
        [("hartmann2022", None, None)],
        [("ng2017", "page", "212"), ("hartmann2022", "chapter", "2")],
        [("rspb2023", None, None)],
    ],
    "citations_inline.yaml": [[("rowe1998", "page", "3")], [("diaz2015", None, None)]],
}
STYLES = {"citations.yaml": "chicago-author-date", "citations_json.yaml": "apa",
          "citations_inline.yaml": "modern-language-association"}  # fmt: skip


def items_of(fixture: str) -> list[dict]:
    """The fixture's items as CSL-JSON, read the way octavo reads them."""
    if fixture == "citations.yaml":
        return bibtex_items((FIXTURES / "refs" / "sources.bib").read_text(encoding="utf-8"))
    # The items after octavo's checks: dates as date-parts, text escaped.
    tree, _ = read((FIXTURES / fixture).read_text(encoding="utf-8"), set())
    fields = {k.value: v for k, v in tree.value}
    library = read_library(NodeReader(FIXTURES / fixture, PROJECT, Report()), fields)
    assert library is not None
    return list(library.items.values())


def citeproc_output(fixture: str) -> tuple[list[str], list[tuple[str, str]]]:
    """citeproc-py's own citations and bibliography for the fixture's citations: (texts, [(key, entry)])."""
    style = CitationStylesStyle(str(STYLE_FOLDER / f"{STYLES[fixture]}.csl"), locale="en-US", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items_of(fixture)), formatter.html)
    cited = CITED[fixture]
    keys = list(dict.fromkeys(key for items in cited for key, _, _ in items))
    # An entry takes no locator (citeproc-py would print a citation's page in it), as octavo registers them.
    bibliography.register(Citation([CitationItem(key) for key in keys]))
    citations = []
    for items in cited:
        citations.append(Citation([CitationItem(key, **({"locator": Locator(label, where)} if label else {}))
                                   for key, label, where in items]))  # fmt: skip
        bibliography.register(citations[-1])
    bibliography.sort()
    texts = [str(bibliography.cite(c, lambda item: None)) for c in citations]
    return texts, list(zip(bibliography.keys, map(str, bibliography.bibliography()), strict=True))


def citations_in(thing: object) -> list[CitationPart]:
    if isinstance(thing, Inline):
        return [p for p in thing.parts if isinstance(p, CitationPart)]
    if isinstance(thing, tuple):
        return [c for item in thing for c in citations_in(item)]
    if hasattr(thing, "__dataclass_fields__"):
        return [c for name in thing.__dataclass_fields__ for c in citations_in(getattr(thing, name))]
    return []


def model_citations(article) -> list[CitationPart]:
    return [c for block in iter_blocks(article) for c in citations_in(block)] + citations_in(article.notes)


def plain(html: str) -> str:
    return Markup(html).striptags()


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The citations fixture, built once in every format."""
    return build_into(tmp_path_factory.mktemp("citations"), str(CITATIONS), "--format", "pdf,epub,html")


# -- the model, for each bundled style -------------------------------------------------------


@pytest.mark.parametrize("fixture", list(CITED))
def test_every_citation_and_entry_is_what_citeproc_py_makes_of_the_same_items(fixture):
    report = Report()
    article = load_article(FIXTURES / fixture, PROJECT, report)
    assert article is not None and report.items == []
    texts, entries = citeproc_output(fixture)
    assert [str(c.text) for c in model_citations(article)] == texts
    assert [(r.key.lower(), str(r.text)) for r in article.references] == entries


def test_an_item_never_cited_is_left_out_and_each_entry_has_its_anchor():
    article = load_article(CITATIONS, PROJECT, Report())
    assert [r.key for r in article.references] == ["berg2018", "lindqvist2021", "okafor2019", "who2020"]
    assert "uncited2000" not in {r.key for r in article.references}
    assert [r.id for r in article.references] == [f"ref-{r.key}" for r in article.references]


def test_each_cited_items_part_of_a_citation_links_to_its_entry():
    article = load_article(CITATIONS, PROJECT, Report())
    two = model_citations(article)[2]
    assert [(str(text), anchor) for text, anchor in two.parts] == [
        ("(", None), ("van der Berg 2018, 50–52", "ref-berg2018"), ("; ", None),
        ("Okafor 2019, chap. 3", "ref-okafor2019"), (")", None)]  # fmt: skip


# -- the EPUB --------------------------------------------------------------------------------


def test_the_references_document_lists_exactly_the_cited_items_in_the_styles_order(built):
    files = epub_files(built / "citations.epub")
    document = ET.fromstring(files["EPUB/references.xhtml"])
    section = document.find(f".//{XHTML}section")
    assert (section.get("{http://www.idpf.org/2007/ops}type"), section.get("role")) == (
        "bibliography", "doc-bibliography")  # fmt: skip
    entries = section.findall(f".//{XHTML}li")
    _, expected = citeproc_output("citations.yaml")
    assert [li.get("id") for li in entries] == [f"ref-{key}" for key, _ in expected]
    assert ["".join(li.itertext()) for li in entries] == [plain(entry) for _, entry in expected]


def test_every_citation_in_the_epub_reads_as_citeproc_py_writes_it_and_links_to_its_entry(built):
    files = epub_files(built / "citations.epub")
    documents = {name.removeprefix("EPUB/"): ET.fromstring(data) for name, data in files.items()
                 if name.endswith(".xhtml")}  # fmt: skip
    ids = {name: {e.get("id") for e in root.iter() if e.get("id")} for name, root in documents.items()}
    texts, _ = citeproc_output("citations.yaml")
    found, linked = [], set()
    for name in ["title.xhtml", "section-1.xhtml", "notes.xhtml"]:  # the reading order of the spine
        for span in documents[name].iter(f"{XHTML}span"):
            if span.get("class") != "citation":
                continue
            found.append("".join(span.itertext()))
            for link in span.iter(f"{XHTML}a"):
                target, anchor = link.get("href").split("#")
                assert anchor in ids[target], link.get("href")  # every link resolves
                assert link.get("role") == "doc-biblioref"
                linked.add(anchor)
    assert found == [plain(t) for t in texts]
    assert linked == {li for li in ids["references.xhtml"] if li.startswith("ref-")}


def test_the_references_are_in_the_spine_the_nav_the_ncx_and_the_landmarks(built):
    files = epub_files(built / "citations.epub")
    opf = files["EPUB/content.opf"].decode()
    spine = re.findall(r'<itemref idref="([^"]+)"', opf)
    assert spine[-2:] == ["references", "notes"]  # after the text, before the notes, as in print
    nav = files["EPUB/nav.xhtml"].decode()
    assert '<a href="references.xhtml#references">References</a>' in nav
    assert '<a epub:type="bibliography" href="references.xhtml#references">References</a>' in nav
    assert 'src="references.xhtml#references"' in files["EPUB/toc.ncx"].decode()


def test_epubcheck_reports_nothing_for_any_citation_fixture(built, tmp_path):
    out = build_into(tmp_path, str(FIXTURES / "citations_json.yaml"), str(FIXTURES / "citations_inline.yaml"),
                     "--format", "epub")  # fmt: skip
    assert epubcheck_messages(built / "citations.epub") == ()
    assert epubcheck_messages(out / "citations_json.epub") == ()
    assert epubcheck_messages(out / "citations_inline.epub") == ()


def test_ace_finds_no_violation(built):
    (result,) = node_tool("ace.js", str(built / "citations.epub"))
    assert result["violations"] == []


# -- the PDF ---------------------------------------------------------------------------------


def test_the_pdf_has_the_references_after_the_text_and_before_the_notes(built):
    pdf = PdfReader(built / "citations.pdf")
    text = squash("".join(body_text(page) for page in pdf.pages))
    _, entries = citeproc_output("citations.yaml")
    start = text.find(squash("References" + plain(entries[0][1])))
    assert start > text.find(squash("Time outdoors is good"))
    positions = [text.find(squash(plain(entry)), start) for _, entry in entries]
    assert positions == sorted(positions) and -1 not in positions  # every entry, in the style's order
    assert text.find(squash("A Book Nobody Cites")) == -1
    assert text.rfind("Notes") > positions[-1]
    texts, _ = citeproc_output("citations.yaml")
    for cited in texts:
        assert squash(plain(cited)) in text


def test_every_citation_links_to_its_entry_in_the_pdf(built):
    pdf = PdfReader(built / "citations.pdf")
    destinations = pdf.named_destinations
    links = []
    for index, page in enumerate(pdf.pages):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and str(annotation.get("/Dest", "")).startswith("ref-"):
                links.append((index, str(annotation["/Dest"])))
    article = load_article(CITATIONS, PROJECT, Report())
    wanted = {anchor for c in model_citations(article) for _, anchor in c.parts if anchor}
    assert {name for _, name in links} == wanted == {r.id for r in article.references}
    references_page = pdf.get_destination_page_number(destinations["references"])
    assert all(pdf.get_destination_page_number(destinations[name]) == references_page for _, name in links)


# -- the loader's messages -------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "article.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


INLINE_ITEMS = "references:\n  - id: okafor2019\n    type: book\n    title: Field Notes\n"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (INLINE_ITEMS + "body:\n  - As shown [@okafr2019, p. 3].\n", 7, 14,
         "body[0]: unknown reference '@okafr2019' (did you mean 'okafor2019'?)"),
        ("body:\n  - As shown [@okafor2019].\n", 3, 14,
         "body[0]: '[@okafor2019]' cites a reference, but there are no `references` (give them at the top of the "
         "article or of its book)"),
        (INLINE_ITEMS + "body:\n  - As shown [@okafor2019 p. 3].\n", 7, 14,
         "body[0]: '[@okafor2019 p. 3]' is not a citation (write [@key], [@key, p. 33] or [@a; @b])"),
        ("references:\n  - id: a\n    type: bok\n", 3, 5,
         "references[0] (a): 'bok' is not a CSL type (did you mean 'book'?) (such as book, article-journal, "
         "chapter, webpage)"),
        ("references:\n  - id: a\n    type: book\n  - id: A\n    type: book\n", 5, 5,
         "references[1]: the id 'A' is already used by 'a' (ids that differ only in case are the same id)"),
        ("references: refs.txt\n", 2, 13, "references: 'refs.txt' is not a .json or .bib file"),
        ("references: ../outside.bib\n", 2, 13, "references: '../outside.bib' is outside the project folder"),
        ("references: missing.bib\n", 2, 13, "references: the file 'missing.bib' does not exist"),
        (INLINE_ITEMS + "citation-style: chicago-author-dat\n", 6, 17,
         "citation-style: 'chicago-author-dat' is not a citation style octavo has (did you mean "
         "'chicago-author-date'?) (it has chicago-author-date, apa, modern-language-association; or name a "
         ".csl file)"),
    ],
)  # fmt: skip
def test_each_citation_mistake_is_a_located_error(tmp_path, text, line, column, message):
    (tmp_path / "project").mkdir()
    path = write(tmp_path / "project", "title: T\n" + text)
    report = Report()
    assert load_article(path, tmp_path / "project", report) is None
    assert [(d.line, d.column, d.message) for d in report.errors] == [(line, column, message)]


def test_a_misspelt_field_of_an_item_is_a_warning_with_a_suggestion(tmp_path):
    path = write(tmp_path, "title: T\nreferences:\n  - id: a\n    type: book\n    titel: X\nbody:\n  - Yes [@a].\n")
    report = Report()
    assert load_article(path, tmp_path, report) is not None
    assert [(d.line, d.column, d.severity, d.message) for d in report.items] == [
        (5, 5, "warning", "references[0].titel: not a CSL variable that the citation style reads (it is ignored) "
         "(did you mean 'title'?)")]  # fmt: skip


def test_a_bibtex_syntax_error_is_located_in_the_bib_file(tmp_path):
    (tmp_path / "refs.bib").write_text("@book{a,\n  title = {A},\n\n@book{b, title = {B\n", encoding="utf-8")
    path = write(tmp_path, "title: T\nreferences: refs.bib\nbody:\n  - Yes [@a].\n")
    report = Report()
    assert load_article(path, tmp_path, report) is None
    (error,) = report.errors
    assert (error.path.name, error.line) == ("refs.bib", 4)  # where pybtex finds the entry unclosed
    assert error.message.startswith("not valid BibTeX: ")


def test_a_json_syntax_error_is_located_in_the_json_file(tmp_path):
    (tmp_path / "refs.json").write_text('[\n  {"id": "a", "type": "book",}\n]\n', encoding="utf-8")
    path = write(tmp_path, "title: T\nreferences: refs.json\nbody:\n  - Yes [@a].\n")
    report = Report()
    assert load_article(path, tmp_path, report) is None
    assert [(d.path.name, d.line, d.column) for d in report.errors] == [("refs.json", 2, 30)]


def test_a_note_style_is_refused(tmp_path):
    note_style = (STYLE_FOLDER / "apa.csl").read_text(encoding="utf-8").replace('class="in-text"', 'class="note"', 1)
    (tmp_path / "notes.csl").write_text(note_style, encoding="utf-8")
    path = write(tmp_path, "title: T\ncitation-style: notes.csl\n" + INLINE_ITEMS + "body:\n  - Yes [@okafor2019].\n")
    report = Report()
    assert load_article(path, tmp_path, report) is None
    assert [(d.line, d.column) for d in report.errors] == [(2, 17)]
    assert "'notes.csl' is a note style" in report.errors[0].message


def test_the_items_text_is_text_never_markup(tmp_path):
    # citeproc-py's HTML formatter writes an item's own text as it finds it: octavo escapes it first.
    path = write(tmp_path, "title: T\nreferences:\n  - id: x\n    type: book\n    title: <script>x</script> & "
                 "<span class=\"nocase\">iPhone</span>\n    author: [{family: <b>Co</b> & Sons}]\n"
                 "body:\n  - See [@x].\n")  # fmt: skip
    article = load_article(path, tmp_path, Report())
    (entry,) = article.references
    assert "&lt;script&gt;x&lt;/script&gt; &amp; iPhone" in entry.text and "<script>" not in entry.text
    assert str(model_citations(article)[0].text) == "(&lt;b&gt;Co&lt;/b&gt; &amp; Sons, n.d.)"
    ET.fromstring(f"<li>{entry.text}</li>")  # well-formed: it can stand in XHTML


def test_citations_are_not_allowed_in_titles(tmp_path):
    path = write(tmp_path, "title: About [@okafor2019]\n" + INLINE_ITEMS)
    report = Report()
    assert load_article(path, tmp_path, report) is None
    assert [(d.line, d.message) for d in report.errors] == [(1, "title: citations are not allowed here")]


# -- books -----------------------------------------------------------------------------------


def test_a_books_references_serve_its_articles_and_each_article_lists_its_own(tmp_path):
    (tmp_path / "refs.bib").write_bytes((FIXTURES / "refs" / "sources.bib").read_bytes())
    write(tmp_path, "title: One\nbody:\n  - First [@okafor2019].\n", "one.yaml")
    write(tmp_path, "title: Two\nbody:\n  - Second [@who2020; @okafor2019].\n", "two.yaml")
    write(tmp_path, "title: Three\nreferences:\n  - id: own\n    type: book\n    title: Own\nbody:\n  - Own [@own].\n",
          "three.yaml")  # fmt: skip
    book_path = write(tmp_path, "title: Book\nreferences: refs.bib\ncitation-style: apa\n"
                      "articles: [one.yaml, two.yaml, three.yaml]\n", "book.yaml")  # fmt: skip
    report = Report()
    book = load_document(book_path, tmp_path, report)
    assert book is not None and report.errors == []
    one, two, three = book.articles
    assert [r.id for r in one.references] == ["one--ref-okafor2019"]
    assert [r.id for r in two.references] == ["two--ref-okafor2019", "two--ref-who2020"]
    assert [r.id for r in three.references] == ["three--ref-own"]
    assert str(model_citations(one)[0].text) == "(Okafor, 2019)"  # the book's style (APA), not the default
    files = anchor_files(book)
    assert {files[r.id] for r in book.references} == {"references.xhtml"}
    out = build_into(tmp_path / "out", "--root", str(tmp_path), str(book_path), "--format", "epub")
    epub = epub_files(out / "book.epub")
    document = ET.fromstring(epub["EPUB/references.xhtml"])
    groups = [g for g in document.iter(f"{XHTML}section") if g.get("class") == "references-group"]
    assert [(g.get("id"), [li.get("id") for li in g.iter(f"{XHTML}li")]) for g in groups] == [
        (f"{a.id_prefix}references", [r.id for r in a.references]) for a in book.articles]  # fmt: skip
    assert epubcheck_messages(out / "book.epub") == ()


# -- the inline syntax -----------------------------------------------------------------------


def test_the_citation_syntax():
    parsed = markup.parse("See [@a], [@b, p. 33], [@c; @d, chap. 2], [@e](https://example.org) and [^n].")
    assert parsed.citations == [(("a", ""),), (("b", "p. 33"),), (("c", ""), ("d", "chap. 2"))]
    assert parsed.note_keys == ["n"] and parsed.problems == []
    assert [t.type for t in parsed.tokens].count("link_open") == 1  # [@e](url) is a link


@pytest.mark.parametrize(
    ("written", "expected"),
    [("p. 33", ("page", "33")), ("pp. 33-35", ("page", "33-35")), ("33", ("page", "33")),
     ("chap. 2", ("chapter", "2")), ("§ 4", ("section", "4")), ("", None), ("vol. 2, p. 3", ("volume", "2, p. 3"))],
)  # fmt: skip
def test_locators(written, expected):
    assert locator(written) == expected


# -- the JSON Schema -------------------------------------------------------------------------


def test_the_schema_knows_references_and_citation_styles():
    from jsonschema import Draft202012Validator

    from octavo.source.schema import json_schema

    schema = json_schema()
    article = Draft202012Validator({**schema, "oneOf": [{"$ref": "#/$defs/article"}]})
    book = Draft202012Validator({**schema, "oneOf": [{"$ref": "#/$defs/book"}]})
    good = {"title": "T", "references": [{"id": "a", "type": "book", "title": "X"}], "citation-style": "apa"}
    assert list(article.iter_errors(good)) == []
    assert list(book.iter_errors({"title": "B", "articles": ["a.yaml"], "references": "refs.bib"})) == []
    own_style = {"title": "T", "references": "refs/sources.json", "citation-style": "my.csl"}
    assert list(article.iter_errors(own_style)) == []
    wrong_type = {"references": [{"id": "a", "type": "bok"}]}
    for bad in ({"references": "refs.txt"}, {"references": [{"id": "a"}]}, wrong_type, {"citation-style": "chicago"}):
        assert list(article.iter_errors({"title": "T", **bad})), bad


# -- incremental builds ----------------------------------------------------------------------


def test_a_changed_references_file_or_style_rebuilds_the_article(cli, tmp_path):
    root = tmp_path / "project"
    (root / "refs").mkdir(parents=True)
    (root / "refs" / "sources.bib").write_bytes((FIXTURES / "refs" / "sources.bib").read_bytes())
    (root / "house.csl").write_bytes((STYLE_FOLDER / "apa.csl").read_bytes())
    (root / "one.yaml").write_text("title: One\nreferences: refs/sources.bib\nbody:\n  - See [@okafor2019].\n",
                                   encoding="utf-8")  # fmt: skip
    (root / "two.yaml").write_text("title: Two\nreferences: refs/sources.bib\ncitation-style: house.csl\n"
                                   "body:\n  - See [@who2020].\n", encoding="utf-8")  # fmt: skip

    def build() -> str:
        run = cli("build", "--root", root, "--out", root / "dist", "--format", "epub", root / "one.yaml",
                  root / "two.yaml")  # fmt: skip
        assert run.status == 0, run.err
        return run.out

    assert build().count("wrote ") == 2
    assert build().count("unchanged ") == 2
    bib = root / "refs" / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("Field Notes on", "Field Notes about"), encoding="utf-8")
    assert build().count("wrote ") == 2  # both read the .bib
    (root / "house.csl").write_text((root / "house.csl").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    out = build()
    assert "wrote" in out and out.count("unchanged ") == 1  # only the article that names the style
    assert "Field Notes About" in epub_files(root / "dist" / "one.epub")["EPUB/references.xhtml"].decode()  # title case
