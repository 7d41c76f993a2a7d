"""Boxes and definitions: asides with their kind and number, glossaries in order, in the PDF and the EPUB."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import iter_blocks
from octavo.source.blocks.box import KINDS, Box
from octavo.source.blocks.definitions import Definitions
from octavo.source.blocks.figure import Figure
from octavo.source.load import load_article

from .conftest import FIXTURES, PROJECT, block_errors, body_text, build_into, epub_files, epubcheck_messages

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_OPS = "{http://www.idpf.org/2007/ops}"
FIXTURE = FIXTURES / "box.yaml"
DOCUMENTS = ("EPUB/title.xhtml", "EPUB/section-1.xhtml", "EPUB/section-2.xhtml")


@pytest.fixture(scope="session")
def article():
    report = Report()
    loaded = load_article(FIXTURE, PROJECT, report)
    assert report.errors == [] and report.warnings == []
    return loaded


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """box.yaml built once, the PDF at A4 and at A5 and the EPUB."""
    a4 = build_into(tmp_path_factory.mktemp("box-a4"), str(FIXTURE), "--format", "pdf,epub")
    a5 = build_into(tmp_path_factory.mktemp("box-a5"), str(FIXTURE), "--format", "pdf", "--page-size", "A5")
    return {"A4": a4 / "box.pdf", "A5": a5 / "box.pdf", "epub": a4 / "box.epub"}


@pytest.fixture(scope="session")
def documents(built) -> list[ET.Element]:
    files = epub_files(built["epub"])
    return [ET.fromstring(files[name]) for name in DOCUMENTS]


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


# -- the model ----------------------------------------------------------------------------


def test_boxes_hold_blocks_and_only_those_with_an_id_are_numbered(article):
    boxes = [b for b in iter_blocks(article) if isinstance(b, Box)]
    assert [(b.box_kind, b.number, b.id) for b in boxes] == [
        ("note", 1, "box-terms"), (None, None, None), ("tip", None, None), ("warning", None, None),
        ("important", 2, "box-important"), ("exercise", None, None),
    ]  # fmt: skip
    assert [b.title.plain if b.title else None for b in boxes] == [
        "Key terms", None, "Reading a listing", None, "A numbered box", "Try it"
    ]  # fmt: skip
    assert [b.kind for b in boxes[-1].blocks] == ["numbered", "figure"]


def test_a_figure_in_a_box_is_numbered_in_reading_order(article):
    (figure,) = [b for b in iter_blocks(article) if isinstance(b, Figure)]
    assert (figure.number, figure.id) == (1, "figure-1")
    assert article.figures == (figure,)


def test_definitions_keep_the_order_written(article):
    glossaries = [b for b in iter_blocks(article) if isinstance(b, Definitions)]
    assert [[(t.plain, d.plain) for t, d in g.items] for g in glossaries] == [
        [("Détente", "The easing of tension between the superpowers after 1969."),
         ("Glasnost", "Openness; Gorbachev’s policy of public discussion."),
         ("Perestroika", "Restructuring of the Soviet economy and government.")],
        [("Iron Curtain", "The border between the Soviet bloc and the West, in Churchill’s phrase of 1946."),
         ("Thaw", "The easing of repression after Stalin’s death.")],
    ]  # fmt: skip


def test_a_note_referenced_in_a_box_is_numbered_where_the_box_stands(article):
    (note,) = article.notes
    assert [ref.ref_id for ref in note.refs] == ["noteref-1", "noteref-1-2"]


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "column", "message"),
    [
        ("schema/box_of_unknown_kind.yaml", 4, 13,
         "body[0].box.kind: unknown kind of box 'warn' (did you mean 'warning'?) "
         "(expected note, tip, warning, important, exercise)"),
        ("schema/box_without_body.yaml", 4, 7, "body[0].box: missing required key 'body'"),
        ("duplicate_term.yaml", 6, 7, "body[0].definitions.glasnost: the term is given twice (first on line 5)"),
        ("schema/definitions_as_list.yaml", 3, 18,
         "body[0].definitions: expected a mapping of terms to their definitions, found a list"),
    ],
)  # fmt: skip
def test_each_mistake_is_one_located_error(name, line, column, message):
    report = Report()
    assert load_article(FIXTURES / name, PROJECT, report) is None
    assert [(e.line, e.column, e.message) for e in report.errors] == [(line, column, message)]


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("box:\n      body: []", "body[0].box.body: a box needs at least one block"),
        ("box:\n      id: box-1\n      body: [Text.]", "body[0].box.id: 'box-1' is not a usable id"),
        ("box:\n      body:\n        - sections: []", "body[0].box.body[0]: unknown block 'sections'"),
        ("definitions: {}", "body[0].definitions: a list of definitions needs at least one term"),
        ("definitions:\n      Term: ''", "body[0].definitions.Term: the definition is empty"),
    ],
)
def test_box_and_glossary_mistakes_are_reported(yaml_text, message, tmp_path):
    assert [m[: len(message)] for m in block_errors(tmp_path, yaml_text)] == [message]


def test_an_id_that_only_looks_like_a_box_number_is_the_authors_own(tmp_path):
    # The format's own example names its box `box-terms`: only box-<number> is octavo's.
    path = tmp_path / "article.yaml"
    path.write_text("title: T\nbody:\n  - box:\n      id: box-terms\n      body: [Text.]\n", encoding="utf-8")
    article = load_article(path, tmp_path, Report())
    assert article is not None and article.body[0].id == "box-terms"


# -- the EPUB -----------------------------------------------------------------------------


def test_boxes_are_asides_with_a_matching_role_and_no_epub_type(documents):
    asides = [a for d in documents for a in d.iter(f"{XHTML}aside")]
    assert [(a.get("class"), a.get("role"), a.get("id")) for a in asides] == [
        ("box box-note", "note", "box-terms"), ("box", "note", None), ("box box-tip", "doc-tip", None),
        ("box box-warning", "note", None), ("box box-important", "note", "box-important"),
        ("box box-exercise", "note", None),
    ]  # fmt: skip
    # Some reading systems hide an aside typed as a footnote or note: boxes carry no epub:type.
    assert not [a for a in asides if any(key.startswith(EPUB_OPS) for key in a.attrib)]
    headings = [[text(p) for p in a if (p.get("class") or "").startswith("box-")] for a in asides]
    assert headings == [
        ["Note", "Box 1. Key terms"], [], ["Tip", "Reading a listing"], ["Warning"],
        ["Important", "Box 2. A numbered box"], ["Exercise", "Try it"],
    ]  # fmt: skip
    # The blocks inside a box are its children in the document, the figure among them.
    assert asides[-1].find(f"{XHTML}figure").get("id") == "figure-1"


def test_definitions_are_a_dl_of_terms_and_definitions_in_order(documents, article):
    lists = [dl for d in documents for dl in d.iter(f"{XHTML}dl")]
    assert [dl.get("class") for dl in lists] == ["definitions", "definitions"]
    glossaries = [b for b in iter_blocks(article) if isinstance(b, Definitions)]
    for dl, glossary in zip(lists, glossaries, strict=True):
        assert [child.tag for child in dl] == [f"{XHTML}dt", f"{XHTML}dd"] * len(glossary.items)
        pairs = [(text(dl[i]), text(dl[i + 1])) for i in range(0, len(dl), 2)]
        assert [(term, definition.rstrip("1")) for term, definition in pairs] == [
            (t.plain, d.plain) for t, d in glossary.items
        ]  # fmt: skip


def test_a_note_in_a_box_links_to_the_notes_and_back(built, documents):
    files = epub_files(built["epub"])
    ref = next(a for a in documents[0].iter(f"{XHTML}a") if a.get("id") == "noteref-1-2")
    assert ref.get("href") == "notes.xhtml#note-1"
    notes = ET.fromstring(files["EPUB/notes.xhtml"])
    assert "title.xhtml#noteref-1-2" in [a.get("href") for a in notes.iter(f"{XHTML}a")]


def test_the_epub_passes_epubcheck_with_no_message(built):
    assert epubcheck_messages(built["epub"]) == ()


def test_every_language_names_the_listings_boxes_and_kinds():
    labels = yaml.safe_load((PROJECT / "templates" / "labels.yaml").read_text(encoding="utf-8"))
    names = {"listing", "box", *(f"box_{kind}" for kind in KINDS)}
    missing = {language: names - set(words) for language, words in labels.items() if language != "aliases"}
    assert {language: absent for language, absent in missing.items() if absent} == {}


def test_a_russian_box_speaks_russian(tmp_path):
    path = tmp_path / "article.yaml"
    path.write_text("title: Т\nlanguage: ru\nbody:\n  - box:\n      kind: warning\n      id: vnimanie\n"
                    "      body: [Текст.]\n", encoding="utf-8")  # fmt: skip
    out = build_into(tmp_path / "out", str(path), "--root", str(tmp_path), "--format", "epub")
    title = ET.fromstring(epub_files(out / "article.epub")["EPUB/title.xhtml"])
    aside = next(title.iter(f"{XHTML}aside"))
    assert [text(p) for p in aside][:2] == ["Предупреждение", "Врезка 1."]


# -- the PDF ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_pdf_shows_each_box_with_its_kind_and_number_in_order(size, built):
    words = " ".join(" ".join(body_text(page) for page in PdfReader(built[size]).pages).split())
    # The kinds are set in capitals (text-transform), and the PDF's text is what is set.
    expected = ["NOTE", "Box 1. Key terms", "Détente", "The easing of tension", "Glasnost", "Perestroika",
                "A plain box", "TIP", "Reading a listing", "WARNING", "A warning with no title", "IMPORTANT",
                "Box 2. A numbered box", "EXERCISE", "Try it", "Figure 1.", "Iron Curtain", "Thaw"]  # fmt: skip
    found = [words.find(piece) for piece in expected]
    assert -1 not in found, [p for p, at in zip(expected, found, strict=True) if at < 0]
    assert found == sorted(found)


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_short_boxes_keep_to_one_page(size, keep_together):
    pages = [" ".join(body_text(page).split()) for page in PdfReader(keep_together[size]).pages]
    starts, ends = [], []
    for n in range(1, 9):
        first, last = f"Short box {n}", f"Step three of box {n}"
        starts.append(next(i for i, page in enumerate(pages) if first in page))
        ends.append(next(i for i, page in enumerate(pages) if last in page))
    assert starts == ends
    assert len(set(starts)) > 1  # the run crosses a page: keeping together was needed
