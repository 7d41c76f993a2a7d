"""Floats moved while a page is laid out: one layout, and the pages that laying the moved HTML out again gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import weasyprint.document

import octavo.pdf.writer

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
            patch.setattr(octavo.pdf.writer, "placing_floats", lambda html: _AfterLayout())
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
