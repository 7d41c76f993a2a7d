"""Footnotes stay on their reference's page under any theme: page sizes, base sizes and margins swept over the
footnote fixtures and a long book of notes. Every build is written, every note printed, none off its page.

The cases include those where WeasyPrint 70, left to itself, loses notes (A4 at 11 pt with margins of
22/30/25 mm: the build failed on "No anchor #note-3"), moves them a page late (A5, Letter at 10 pt: note 1 on
page 2), or moves them after a paragraph's first lines pushed them away (the book): octavo/pdf/footnotes.py.
"""

from __future__ import annotations

import contextlib
import io
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.cli.main import main
from octavo.core.diagnostics import Report
from octavo.core.model import Note, articles_of
from octavo.source.load import load_document

from .conftest import FIXTURES, as_read, squash

BOOK = "long_book"
# (input, page size, base size, margins[, "restyled"]): each case one build, at the theme's size and margins
# where None.
CASES = [
    ("footnotes", "A4", "11pt", "22mm 30mm 25mm"),
    ("footnotes", "A4", "11pt", None),
    ("footnotes", "A5", None, None),
    ("footnotes", "Letter", "13pt", None),
    ("footnotes", "6x9in", "9pt", "12mm"),
    ("stranded_figure_footnotes", "Letter", "10pt", None),
    ("stranded_figure_footnotes", "A4", "12pt", "12mm"),
    ("stranded_figure_footnotes", "B5", "13pt", "35mm"),
    (BOOK, "A4", None, None),
    (BOOK, "A4", "11pt", "22mm 30mm 25mm"),
    (BOOK, "A5", "12pt", "22mm 30mm 25mm"),
    ("footnotes", "A4", "11pt", "22mm 30mm 25mm", "restyled"),
]
# A project's stylesheet that takes away print.css's rules for footnotes (their area's padding, the policy):
# the layouts that mend put them back.
RESTYLED = "@page { @footnote { padding-bottom: 0; } }\n.footnote { footnote-policy: auto; }\n"
WORDS = ("river", "lock", "canal", "barge", "harbour", "tide", "silt", "delta", "meander", "levee", "willow", "ferry",
         "marsh", "estuary", "reed", "bank", "current", "flood", "plain", "channel")  # fmt: skip


@dataclass
class Built:
    """One case's build: its status, its messages, the PDF and the notes of its input."""

    status: int
    messages: str
    pdf: Path
    notes: list[Note]


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
                    for _ in range(sentences))  # fmt: skip


def write_long_book(folder: Path, chapters: int = 4, notes_per_chapter: int = 10, seed: int = 7) -> Path:
    """A book of `chapters` chapters in three sections each, with a footnote in most paragraphs (some of the
    notes several sentences long); the same book for the same seed."""
    rng = random.Random(seed)
    names = []
    for chapter in range(1, chapters + 1):
        lines = [f"title: Chapter {chapter}", "language: en", "sections:"]
        notes: list[tuple[str, str]] = []
        for section in range(1, 4):
            lines += [f"  - title: Section {chapter}.{section}", "    body:"]
            for _ in range(rng.randint(4, 7)):
                text = _paragraph(rng, rng.randint(2, 9))
                if len(notes) < notes_per_chapter and rng.random() < 0.9:
                    key = f"n{len(notes) + 1}"
                    words = text.split(" ")
                    at = rng.randint(len(words) // 2, len(words) - 1)
                    words[at] += f"[^{key}]"
                    text = " ".join(words)
                    notes.append((key, _paragraph(rng, rng.randint(4, 7) if rng.random() < 0.3 else 1)))
                lines.append(f"      - {text}")
        lines += ["notes:", *(f"  {key}: {note}" for key, note in notes)]
        names.append(f"chapter{chapter}.yaml")
        (folder / names[-1]).write_text("\n".join(lines) + "\n", encoding="utf-8")
    book = ["title: A Book of Notes", "authors: [Test Editor]", "date: 2024", "language: en", "footnotes: true",
            "articles:", *(f"  - {name}" for name in names)]  # fmt: skip
    (folder / "book.yaml").write_text("\n".join(book) + "\n", encoding="utf-8")
    return folder / "book.yaml"


def build_case(folder: Path, source: str, size: str, base: str | None, margins: str | None,
               restyled: str = "") -> Built:  # fmt: skip
    """Build one case in a project folder of its own (its octavo.toml sets the theme), as the command line does."""
    folder.mkdir(parents=True)
    if source == BOOK:
        path = write_long_book(folder)
    else:
        path = folder / f"{source}.yaml"
        shutil.copy(FIXTURES / path.name, path)
    theme = [f'{key} = "{value}"' for key, value in (("base-size", base), ("margins", margins)) if value]
    if restyled:
        (folder / "restyled.css").write_text(RESTYLED, encoding="utf-8")
        theme.append('stylesheets = ["restyled.css"]')
    if theme:
        (folder / "octavo.toml").write_text("[theme]\n" + "\n".join(theme) + "\n", encoding="utf-8")
    messages = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(messages):
        patch.chdir(folder)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        status = main(["build", path.name, "--format", "pdf", "--page-size", size, "--jobs", "1", "--out", "out"])
    publication = load_document(path, folder, Report())
    notes = [note for article in articles_of(publication) for note in (*article.footnotes, *article.notes)]
    return Built(status, messages.getvalue(), folder / "out" / f"{path.stem}.pdf", notes)


@pytest.fixture(scope="session")
def sweep(tmp_path_factory) -> dict[tuple, Built]:
    """Every case built once."""
    root = tmp_path_factory.mktemp("footnote-sweep")
    return {case: build_case(root / f"case-{number}", *case) for number, case in enumerate(CASES)}


def places(reader: PdfReader) -> dict[str, int]:
    """The page (from 0) of every named destination: WeasyPrint names one for each id."""
    return {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}


def test_every_case_builds(sweep):
    failed = {case: built.messages for case, built in sweep.items() if built.status != 0 or not built.pdf.exists()}
    assert failed == {}


def test_no_note_is_lost(sweep):
    lost = {}
    for case, built in sweep.items():
        text = squash("".join(page.extract_text() for page in PdfReader(built.pdf).pages))
        missing = [note.id for note in built.notes if squash(as_read(note.text)) not in text]
        if missing:
            lost[case] = missing
    assert lost == {}


def test_every_note_is_on_the_page_of_its_reference(sweep):
    off, endnotes = {}, {}
    for case, built in sweep.items():
        pages = places(PdfReader(built.pdf))
        wrong = [(note.id, pages.get(note.refs[0].ref_id), pages.get(note.id)) for note in built.notes
                 if pages.get(note.id) != pages.get(note.refs[0].ref_id)]  # fmt: skip
        if wrong:
            off[case] = wrong
        if "printed as an endnote" in built.messages:
            endnotes[case] = built.messages
    assert off == {}
    assert endnotes == {}  # none had to be printed as an endnote


def note_number_runs(reader: PdfReader, places_: dict[str, int], note: Note) -> tuple[tuple, tuple]:
    """(size, baseline) of the run that prints a footnote's number and of the run of text right after it."""
    page = reader.pages[places_[note.id]]
    runs: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text, size * tm[0] * cm[0], cm[5] + tm[5] * cm[3]))

    page.extract_text(visitor_text=visit)
    first = as_read(note.text).split()[0]
    for index, (text, size, y) in enumerate(runs):
        if text.split()[:2] == [str(note.number), first]:  # the number in the text's own run: not set apart
            return (size, y), (size, y)
        after = runs[index + 1] if index + 1 < len(runs) else ("", 0.0, 0.0)
        if text.strip() == str(note.number) and after[0].strip().startswith(first):
            return (size, y), (after[1], after[2])
    raise AssertionError(f"note {note.number} was not found as its number and then its text")


@pytest.mark.parametrize("size", ["A4", "A5", "Letter"])
def test_a_footnote_number_is_set_apart_from_its_text(sweep, size):
    # "1 52 are stored" read as one number: the note's number is raised and smaller, as its reference is.
    case = next(case for case in CASES if case[1] == size)
    built = sweep[case]
    reader = PdfReader(built.pdf)
    found = places(reader)
    for note in built.notes:
        (number_size, number_y), (text_size, text_y) = note_number_runs(reader, found, note)
        assert number_size < 0.85 * text_size, note.id
        assert number_y > text_y + 0.2 * text_size, note.id
