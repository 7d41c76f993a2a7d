"""Footnotes (`footnotes: true`, `--notes`): at the foot of the page in the PDF, pop-up asides in the EPUB."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Article, Note
from octavo.source.load import load_document

from .conftest import FIXTURES, PROJECT, as_read, body_text, build_into, epub_files, need, pandoc, squash

FIXTURE = FIXTURES / "footnotes.yaml"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="session")
def footnotes_build(tmp_path_factory) -> Path:
    """The footnotes fixture built once, as a PDF and an EPUB."""
    return build_into(tmp_path_factory.mktemp("footnotes"), str(FIXTURE), "--format", "pdf,epub")


@pytest.fixture(scope="session")
def notes() -> tuple[Note, ...]:
    article = load_document(FIXTURE, PROJECT, Report())
    assert isinstance(article, Article) and article.notes == ()
    return article.footnotes


def page_runs(page) -> list[tuple[float, str]]:
    """(height on the page, text) of every run of text between the running head and the folio."""
    height = float(page.mediabox.height)
    runs: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        y = cm[5] + tm[5] * cm[3]
        if 0.07 * height < y < 0.93 * height and text.strip():
            runs.append((y, text))

    page.extract_text(visitor_text=visit)
    return runs


def test_each_footnote_is_on_the_page_of_its_reference_below_the_text(footnotes_build, notes):
    reader = PdfReader(footnotes_build / "footnotes.pdf")
    places = {name: (reader.get_destination_page_number(dest), float(dest.top))
              for name, dest in reader.named_destinations.items()}  # fmt: skip
    assert len(notes) == 7
    by_page: dict[int, list[Note]] = {}
    for note in notes:
        ref_page, ref_top = places[note.refs[0].ref_id]
        note_page, note_top = places[note.id]
        assert note_page == ref_page, note.key
        assert note_top < ref_top, note.key
        by_page.setdefault(note_page, []).append(note)
    for number, page_notes in by_page.items():
        runs = page_runs(reader.pages[number])
        # The footnote area starts at the highest note of the page; everything above it is the text.
        area_top = max(places[note.id][1] for note in page_notes) + 1
        text = squash("".join(t for y, t in runs if y > area_top))
        area = squash("".join(t for y, t in runs if y <= area_top))
        for note in page_notes:
            assert squash(f"{note.number}{as_read(note.text)}") in area, note.key
            assert squash(as_read(note.text)) not in text, note.key
        assert text, "the page has text above its notes"


def test_a_note_referenced_twice_appears_once_and_the_second_reference_points_to_it(footnotes_build, notes):
    reader = PdfReader(footnotes_build / "footnotes.pdf")
    whole = squash("".join(page.extract_text() for page in reader.pages))
    for note in notes:
        assert whole.count(squash(as_read(note.text))) == 1, note.key
    twice = next(note for note in notes if len(note.refs) == 2)
    second = twice.refs[1]
    page = reader.pages[reader.get_destination_page_number(reader.named_destinations[second.ref_id])]
    targets = [annot.get_object()["/Dest"] for annot in page.get("/Annots", [])
               if "/Dest" in annot.get_object()]  # fmt: skip
    assert twice.id in targets
    assert twice.refs[0].ref_id != second.ref_id and second.first is False


def documents(epub: Path) -> dict[str, ET.Element]:
    return {Path(name).name: ET.fromstring(data) for name, data in epub_files(epub).items()
            if name.endswith(".xhtml")}  # fmt: skip


def test_each_epub_noteref_points_to_an_aside_in_its_own_document(footnotes_build, notes):
    docs = documents(footnotes_build / "footnotes.epub")
    assert "notes.xhtml" not in docs  # no endnotes: every note is a footnote
    asides = {}
    for name, root in docs.items():
        ids = {e.get("id") for e in root.iter() if e.get("id")}
        for link in root.iter(f"{XHTML}a"):
            if link.get(EPUB_TYPE) == "noteref":
                target = link.get("href")
                assert target.startswith("#"), f"{name}: {target}"
                aside = next(e for e in root.iter(f"{XHTML}aside") if e.get("id") == target[1:])
                assert aside.get(EPUB_TYPE) == "footnote" and aside.get("role") == "doc-footnote"
        for aside in root.iter(f"{XHTML}aside"):
            asides[aside.get("id")] = name
            back = [a.get("href") for a in aside.iter(f"{XHTML}a") if a.get("role") == "doc-backlink"]
            assert back and back[0][1:] in ids, f"{name}: the note links back to its reference"
    assert sorted(asides) == sorted(note.id for note in notes)


def test_pandoc_reads_every_footnote_as_a_note(footnotes_build, notes):
    need("pandoc", pandoc(), "pip install pypandoc-binary")
    run = subprocess.run([str(pandoc()), str(footnotes_build / "footnotes.epub"), "-t", "plain", "--wrap=none"],
                         capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
    # pandoc's plain text ends with the notes it found, "[1] text" each.
    definitions = re.findall(r"^\[(\d+)\] (.*)$", run.stdout, re.MULTILINE)
    # Every document that calls a note has its copy: "ibid", called from two parts, is read twice.
    assert len(definitions) == len(notes) + 1
    for note, text in zip(notes, dict.fromkeys(squash(text) for _, text in definitions), strict=True):
        assert squash(as_read(note.text)) in text


def test_the_command_line_wins_over_the_article(cli, tmp_path):
    assert cli("build", FIXTURE, "--format", "epub", "--notes", "endnotes", "--out", tmp_path).status == 0
    docs = documents(tmp_path / "footnotes.epub")
    assert "notes.xhtml" in docs
    assert [aside for root in docs.values() for aside in root.iter(f"{XHTML}aside")] == []
    handout = FIXTURES / "handout.yaml"
    assert cli("build", handout, "--format", "epub", "--notes", "footnotes", "--out", tmp_path).status == 0
    docs = documents(tmp_path / "handout.epub")
    assert "notes.xhtml" not in docs
    assert any(a.get(EPUB_TYPE) == "footnote" for root in docs.values() for a in root.iter(f"{XHTML}aside"))


def test_octavo_toml_sets_the_notes_and_a_wrong_value_is_an_error(cli, tmp_path):
    from octavo.cli.main import read_config

    (tmp_path / "octavo.toml").write_text('[build]\nnotes = "footnotes"\n', encoding="utf-8")
    config = read_config(tmp_path, lambda diagnostic: None, "text")
    assert config is not None and config.build["notes"] == "footnotes"
    (tmp_path / "octavo.toml").write_text('[build]\nnotes = "sidenotes"\n', encoding="utf-8")
    problems = []
    assert read_config(tmp_path, problems.append, "text") is None
    assert "footnotes" in str(problems[0])


def test_footnotes_must_be_true_or_false(tmp_path):
    source = tmp_path / "a.yaml"
    source.write_text("title: A\nfootnotes: sometimes\nbody: [Text.]\n", encoding="utf-8")
    report = Report()
    assert load_document(source, tmp_path, report) is None
    assert any("footnotes: 'sometimes' is not true or false" in d.message for d in report.errors)


def test_a_book_sets_footnotes_for_every_article_each_numbered_from_one(tmp_path):
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text(
            f"title: {name}\nbody: ['Text.[^a] More.[^b]']\nnotes:\n  a: First of {name}.\n  b: Second.\n",
            encoding="utf-8",
        )
    (tmp_path / "book.yaml").write_text("title: B\nfootnotes: true\narticles: [one.yaml, two.yaml]\n",
                                        encoding="utf-8")  # fmt: skip
    book = load_document(tmp_path / "book.yaml", tmp_path, Report())
    assert book is not None and book.notes == ()
    assert [[n.number for n in a.footnotes] for a in book.articles] == [[1, 2], [1, 2]]


# -- a note that no page can hold ---------------------------------------------------------------------------

SENTENCE = "The long note goes on about the river and its banks, the reeds, the locks and the barges."
GIANT = " ".join([SENTENCE] * 130)


def write_giant(folder: Path, name: str, footnotes: bool = True) -> tuple[Path, tuple[int, int]]:
    """An article whose second note is taller than any page, between two short ones; where that note's text is."""
    lines = [f"title: {name.title()}", "language: en", *(["footnotes: true"] if footnotes else []), "body:",
             "  - A first paragraph calls a short note.[^a] The text goes on for a while after it.",
             "  - The second paragraph calls a note longer than any page.[^big] The text goes on after it.",
             "  - The third paragraph calls another short note.[^c]",
             "notes:", "  a: The short first note.", f"  big: {GIANT}", "  c: The short last note."]  # fmt: skip
    (folder / f"{name}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / f"{name}.yaml", (lines.index(f"  big: {GIANT}") + 1, len("  big: ") + 1)


def endnote_checks(pdf: Path, prefix: str) -> None:
    """Notes 1 and 3 at the foot of their reference's page; note 2 in the notes after the text, with its words."""
    reader = PdfReader(pdf)
    pages = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    for number in (1, 3):
        assert pages[f"{prefix}note-{number}"] == pages[f"{prefix}noteref-{number}"]
    assert pages[f"{prefix}note-2"] > pages[f"{prefix}noteref-3"]
    assert pages["notes"] <= pages[f"{prefix}note-2"]
    # Numbered with its own number (the list's first item, but note 2), which pypdf reads as a line of its own
    # after the page's last line: taken out of the sentences' way.
    lines = [line.strip() for line in reader.pages[pages[f"{prefix}note-2"]].extract_text().split("\n")]
    assert "2." in lines and "1." not in lines
    text = squash("".join(body_text(page) for page in reader.pages))
    assert text.replace("2.", "").count(squash(SENTENCE)) == 130


def test_a_note_taller_than_the_page_is_printed_as_an_endnote_with_a_warning_at_the_note(cli, tmp_path):
    source, (line, column) = write_giant(tmp_path, "giant")
    run = cli("build", source, "--format", "pdf,epub", "--out", tmp_path / "out")
    assert run.status == 0, run.err
    warning = (f"{source}:{line}:{column}: warning: note 2 could not be kept on the page of its reference; "
               "it is printed as an endnote")  # fmt: skip
    assert warning in run.err
    assert run.err.count("printed as an endnote") == 1  # the notes after it stay at the foot of their page
    endnote_checks(tmp_path / "out" / "giant.pdf", "")
    assert (tmp_path / "out" / "giant.epub").exists()  # the EPUB is made too


def test_in_a_book_laid_out_in_pieces_the_note_goes_to_the_books_notes(cli, tmp_path):
    write_giant(tmp_path, "plain", footnotes=False)
    source, (line, column) = write_giant(tmp_path, "giant", footnotes=False)
    (tmp_path / "book.yaml").write_text("title: Notes\nlanguage: en\nfootnotes: true\narticles: [plain.yaml, "
                                        "giant.yaml]\n", encoding="utf-8")  # fmt: skip
    (tmp_path / "plain.yaml").write_text((tmp_path / "plain.yaml").read_text().replace(GIANT, "A short note."))
    run = cli("build", tmp_path / "book.yaml", "--format", "pdf", "--jobs", "1", "--out", tmp_path / "out", "--verbose")
    assert run.status == 0, run.err
    assert "laid out in 4 pieces" in run.err  # the front matter, two chapters and the notes
    assert f"{source}:{line}:{column}: warning: note 2 could not be kept" in run.err
    assert run.err.count("printed as an endnote") == 1
    endnote_checks(tmp_path / "out" / "book.pdf", "giant--")
