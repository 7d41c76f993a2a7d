"""A book built again after an edit lays out only the pieces the edit changed, and gives the bytes of a full build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from octavo.cli.main import main
from tests.test_parallel_book import FILLER, chapter, layouts

CHAPTERS = 3


def counted():
    """Each pieced layout's numbers, as octavo.pdf.bookpdf logs them: pieces, layouts made, pieces reused."""
    return layouts(lambda record: {"pieces": record.pieces, "layouts": getattr(record, "layouts", None),
                                   "reused": getattr(record, "reused", 0)})  # fmt: skip


def build(project: Path, *args: str) -> tuple[bytes, dict]:
    """Build the project's book into its dist/ (the piece cache in its .octavo-cache/): its PDF and the layout's
    numbers."""
    with pytest.MonkeyPatch.context() as patch, counted() as found:
        patch.chdir(project)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main(["build", "--root", str(project), "--format", "pdf", *args, "book.yaml"]) == 0
    assert len(found) == 1, found
    return (project / "dist" / "book.pdf").read_bytes(), found[0]


def full_build(project: Path, into: Path) -> bytes:
    """The same project built afresh elsewhere: no cache at all."""
    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(project, into, ignore=shutil.ignore_patterns(".octavo-cache", "dist"))
    pdf, numbers = build(into)
    assert numbers["reused"] == 0
    return pdf


def edit(project: Path, number: int, change) -> None:
    path = project / f"c{number}.yaml"
    content = yaml.safe_load(path.read_text())
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A book of three chapters with notes, figures, tables and an index, built once (the cache filled)."""
    folder = tmp_path_factory.mktemp("incremental")
    for number in range(1, CHAPTERS + 1):
        (folder / f"c{number}.yaml").write_text(yaml.safe_dump(chapter(number), allow_unicode=True))
    book = {"title": "A Book Edited", "language": "en", "authors": ["Ada Editor"],
            "articles": [f"c{number}.yaml" for number in range(1, CHAPTERS + 1)]}  # fmt: skip
    (folder / "book.yaml").write_text(yaml.safe_dump(book))
    (folder / "extra.css").write_text("p { word-spacing: 0 }\n")
    (folder / "octavo.toml").write_text('[theme]\nstylesheets = ["extra.css"]\n')
    _, numbers = build(folder)
    assert numbers["reused"] == 0 and numbers["pieces"] == CHAPTERS + 3  # front, chapters, notes, index
    return folder


def test_a_word_changed_in_one_chapter_lays_out_that_chapter_only(project, tmp_path):
    """A word of chapter 2 changed: one layout, every other piece drawn by the last build; the full build's bytes."""
    def one_word(content: dict) -> None:
        content["sections"][1]["body"][0] = content["sections"][1]["body"][0].replace("council", "counsel", 1)

    edit(project, 2, one_word)
    pdf, numbers = build(project)
    assert numbers["layouts"] == 1 and numbers["reused"] == numbers["pieces"] - 1
    assert pdf == full_build(project, tmp_path / "full")


def test_pages_added_to_a_chapter_move_the_pieces_after_it(project, tmp_path):
    """Two pages more in chapter 1: the pieces after it show other page numbers and are made again; the bytes are
    still the full build's."""
    def longer(content: dict) -> None:
        content["sections"][0]["body"] += [FILLER * 8, FILLER * 8, FILLER * 8]

    before = (project / "dist" / "book.pdf").read_bytes()
    edit(project, 1, longer)
    pdf, numbers = build(project)
    assert pdf != before
    assert numbers["layouts"] > 1
    assert pdf == full_build(project, tmp_path / "full")


def test_a_changed_stylesheet_lays_everything_out_again(project, tmp_path):
    (project / "extra.css").write_text("p { word-spacing: 0.05em }\n")
    pdf, numbers = build(project)
    assert numbers["reused"] == 0
    assert pdf == full_build(project, tmp_path / "full")


def test_force_lays_everything_out_and_a_damaged_cache_is_only_slower(project, tmp_path):
    """--force uses nothing kept, and keeps what it lays out; a kept PDF or record that was damaged is made again,
    never used."""
    shutil.rmtree(project / ".octavo-cache" / "pieces")
    _, numbers = build(project, "--force")
    assert numbers["reused"] == 0
    (project / "c2.yaml").write_text((project / "c2.yaml").read_text() + "\n")  # stale for the build cache only
    _, numbers = build(project)
    assert numbers["reused"] == numbers["pieces"] and numbers["layouts"] == 0  # all kept by the --force build
    kept = sorted((project / ".octavo-cache" / "pieces").rglob("*"))
    assert {path.suffix for path in kept if path.is_file()} == {".json", ".pdf"}  # never a pickle
    for path in kept:
        if path.suffix == ".pdf":
            path.write_bytes(path.read_bytes()[:-200])
    (project / "c3.yaml").write_text((project / "c3.yaml").read_text() + "\n")  # stale for the build cache only
    pdf, numbers = build(project)
    assert numbers["reused"] == 0
    assert pdf == full_build(project, tmp_path / "full")


def test_the_rounds_of_one_pdf_keep_what_any_of_them_used(tmp_path):
    """A PDF laid out again to print footnotes as endnotes keeps the pieces of each round for the next build; a
    cache used alone removes what it did not use."""
    from octavo.pdf.piececache import PieceCache, together

    folder = tmp_path / "pieces"

    def round_(name: str) -> None:
        cache = PieceCache(folder, "context")
        cache._write(name, b"{}")
        cache.prune()

    with together():
        round_("first.laid.json")
        round_("second.laid.json")
        assert sorted(p.name for p in folder.iterdir()) == ["first.laid.json", "second.laid.json"]
    assert sorted(p.name for p in folder.iterdir()) == ["first.laid.json", "second.laid.json"]
    round_("third.laid.json")
    assert sorted(p.name for p in folder.iterdir()) == ["third.laid.json"]
