"""Floats moved while a page is laid out: one layout, and the pages that laying the moved HTML out again gives."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import weasyprint.document

import octavo.pdf.engine.floatdefer
import octavo.pdf.floats
import octavo.pdf.typeset

from .conftest import FIXTURES, build_into
from .layout import emptiness, read_pages

FIXTURE = FIXTURES / "stranded_figure.yaml"
WITH_FOOTNOTES = FIXTURES / "stranded_figure_footnotes.yaml"  # the white above the notes is what a move fills

# Stylesheets under which the float's place changes a style or a number: only a second layout is exact.
ORDER_SEEN = {
    "a sibling selector": "figure.figure + p { letter-spacing: 0.2em; }",
    "a counter": "p { counter-increment: paragraphs; }\n"
    "figure.figure figcaption::after { content: ' (after paragraph ' counter(paragraphs) ')'; }",
}


class _AfterLayout:
    """What octavo did before floats moved during layout: nothing moves until the document is laid out."""

    def __enter__(self) -> _AfterLayout:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def put_back(self, element: object) -> None:
        return None


def build(folder: Path, stylesheet: str | None = None, during_layout: bool = True,
          fixture: Path = FIXTURE) -> tuple[list[str], list, int]:  # fmt: skip
    """Each page's lines, the pages, and how many times WeasyPrint laid the document out."""
    folder.mkdir(parents=True)
    shutil.copy(fixture, folder / fixture.name)
    if stylesheet is not None:
        (folder / "extra.css").write_text(stylesheet, encoding="utf-8")
        (folder / "octavo.toml").write_text('[theme]\nstylesheets = ["extra.css"]\n', encoding="utf-8")
    layouts = []
    original = weasyprint.document.layout_document
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(weasyprint.document, "layout_document", lambda *a, **k: layouts.append(1) or original(*a, **k))
        if not during_layout:
            patch.setattr(octavo.pdf.typeset, "placing_floats", lambda html: _AfterLayout())
        out = build_into(folder / "out", str(folder / fixture.name), "--format", "pdf", "--jobs", "1")
    pages = read_pages(out / f"{fixture.stem}.pdf")
    return ["\n".join(line.text for line in page.body) for page in pages], pages, len(layouts)


@pytest.fixture(scope="module", params=[FIXTURE, WITH_FOOTNOTES], ids=["plain", "footnotes"])
def plain(tmp_path_factory, request) -> dict[str, tuple[list[str], list, int]]:
    folder = tmp_path_factory.mktemp("floats")
    return {"during": build(folder / "during", fixture=request.param),
            "after": build(folder / "after", during_layout=False, fixture=request.param)}  # fmt: skip


def test_the_fixture_strands_a_figure_that_a_second_layout_would_move(plain):
    texts, _, layouts = plain["after"]
    assert layouts == 2
    opening = texts[1].split("\n")[:3]  # the placeholder's two lines, then the caption
    assert opening[-1].startswith("Figure 1.")  # it opens page 2


def test_a_stranded_figure_moves_within_one_layout(plain):
    texts, pages, layouts = plain["during"]
    assert layouts == 1
    assert emptiness(pages)[0] < 0.30  # the next paragraph filled the first page
    assert "Figure 1." in texts[1] and "Figure 1." not in texts[0]


def test_moving_during_layout_gives_the_pages_of_laying_out_again(plain):
    assert plain["during"][0] == plain["after"][0]


@pytest.mark.parametrize("rule", ORDER_SEEN, ids=list(ORDER_SEEN))
def test_a_style_that_sees_the_order_leaves_the_move_to_a_second_layout(tmp_path, rule):
    during, _, layouts = build(tmp_path / "during", ORDER_SEEN[rule])
    after, _, _ = build(tmp_path / "after", ORDER_SEEN[rule], during_layout=False)
    assert layouts == 2
    assert during == after


# -- a page made again keeps its running elements, notes and footnotes -------------------------------------

RUNNING_NOTES = FIXTURES / "running_notes.yaml"  # each key's marker (running), sidenote (note) and footnote call
RUNNING_SHEET = FIXTURES / "running_notes.css"  # follow its token: `*Marker A1* tokenA1 **Sidenote A1.** ...[^a1]`


def build_running_notes(folder: Path, monkeypatch: pytest.MonkeyPatch, hooks: str) -> tuple[list, int]:
    """The fixture's pages, built with its stylesheet and OCTAVO_ENGINE_HOOKS as given, and how many times a page
    was made again after a float traded places."""
    folder.mkdir(parents=True)
    shutil.copy(RUNNING_NOTES, folder / RUNNING_NOTES.name)
    shutil.copy(RUNNING_SHEET, folder / RUNNING_SHEET.name)
    (folder / "octavo.toml").write_text(f'[theme]\nstylesheets = ["{RUNNING_SHEET.name}"]\n', encoding="utf-8")
    retries = []
    restore = octavo.pdf.engine.floatdefer.restore
    monkeypatch.setattr(octavo.pdf.engine.floatdefer, "restore", lambda *a: retries.append(1) or restore(*a))
    monkeypatch.setenv("OCTAVO_ENGINE_HOOKS", hooks)
    out = build_into(folder / "out", str(folder / RUNNING_NOTES.name), "--format", "pdf", "--jobs", "1")
    return read_pages(out / f"{RUNNING_NOTES.stem}.pdf"), len(retries)


def misplaced(pages: list) -> list[str]:
    """Each running element, note and footnote not found where it belongs: its marker in the top margin of its
    token's page (WeasyPrint also counts it on the page before when its line was first tried there), its note
    once, on that page, and its footnote once, on that page or the next (a footnote with no room is reported)."""
    texts = [re.sub(r"[\u00ad\u2010-]\s*", "", " ".join(line.text for line in page.lines)) for page in pages]
    heads = [page.head for page in pages]
    keys = sorted(set(re.findall(r"token([A-C]\d)\b", " ".join(texts))))
    assert len(keys) == 12, keys
    wrong = []
    for key in keys:
        (token,) = [n for n, text in enumerate(texts) if re.search(rf"token{key}\b", text)]
        markers = [n for n, head in enumerate(heads) if re.search(rf"Marker {key}(?!\d)", head)]
        notes = [n for n, text in enumerate(texts) for _ in re.finditer(rf"Sidenote {key}\.", text)]
        footnotes = [n for n, text in enumerate(texts) for _ in re.finditer(rf"Footnote {key}\.", text)]
        if token not in markers or not set(markers) <= {token - 1, token}:
            wrong.append(f"marker {key} on pages {markers}, its token on {token}")
        if notes != [token]:
            wrong.append(f"note {key} on pages {notes}, its token on {token}")
        if len(footnotes) != 1 or footnotes[0] not in (token, token + 1):
            wrong.append(f"footnote {key} on pages {footnotes}, its call on {token}")
    return wrong


@pytest.mark.parametrize("hooks", ["on", "off"])
def test_a_page_made_again_keeps_its_running_elements_notes_and_footnotes(tmp_path, monkeypatch, hooks):
    pages, retries = build_running_notes(tmp_path / hooks, monkeypatch, hooks)
    assert misplaced(pages) == []
    # With the hooks on, figures traded places during layout and their pages were made again.
    assert (retries > 0) == (hooks == "on")


# -- a float that opens a section ---------------------------------------------------------------------------

OPENING = FIXTURES / "figure_opens_subsection.yaml"  # a large figure right under a subsection's heading


def build_opening(folder: Path, monkeypatch: pytest.MonkeyPatch, rule: str, during_layout: bool = True):
    """The fixture's pages, with floats placed by the rule for a float that opens a section ("own") or by the
    rule for any float ("general": the heading goes with the figure unless the page is left EMPTY_LIMIT empty)."""
    if rule == "general":
        for module in (octavo.pdf.floats, octavo.pdf.engine.floatdefer):
            monkeypatch.setattr(module, "OPENING_LIMIT", octavo.pdf.floats.EMPTY_LIMIT)
    return build(folder, during_layout=during_layout, fixture=OPENING)


def test_a_figure_that_opens_a_subsection_lets_the_heading_and_its_first_lines_fill_the_page(tmp_path, monkeypatch):
    texts, pages, layouts = build_opening(tmp_path / "own", monkeypatch, "own")
    first, second = texts[0].split("\n"), texts[1].split("\n")
    assert emptiness(pages)[0] < 0.10 and layouts == 1  # moved during the one layout
    heading = first.index("Deltas from above")
    assert len(first) - heading > 3  # the heading stands with its first lines
    assert second[0] == "A river delta"  # the figure opens page 2
    assert "Figure 1. A delta seen from above." in second[:4]


def test_under_the_general_rule_the_figure_takes_its_heading_and_leaves_the_page_underfull(tmp_path, monkeypatch):
    texts, pages, _ = build_opening(tmp_path / "general", monkeypatch, "general")
    assert emptiness(pages)[0] > 0.25
    assert texts[1].split("\n")[:2] == ["Deltas from above", "A river delta"]


def test_a_figure_that_opens_a_subsection_moves_as_laying_out_again_moves_it(tmp_path, monkeypatch):
    during, _, _ = build_opening(tmp_path / "during", monkeypatch, "own")
    after, _, layouts = build_opening(tmp_path / "after", monkeypatch, "own", during_layout=False)
    assert layouts == 2 and after == during
