"""octavo knows what it wrote: a build warns about the outputs of an input that is gone, and `octavo clean`
removes what octavo wrote, and only that, with the build cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.cli.main import main

from .conftest import FIXTURES

STALE = ("octavo: warning: dist/b.epub, dist/b.html, dist/b_files/ ({} files) were made from content/b.yaml, which "
         "no longer exists")  # fmt: skip


def run(folder: Path, *args: str, capsys) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def built(tmp_path, capsys) -> Path:
    """A project of two articles built to EPUB and HTML (which has files of its own beside it), with a file of
    the user's in dist/ and another in a folder octavo made there."""
    (tmp_path / "content").mkdir()
    for name in ("a", "b"):
        (tmp_path / "content" / f"{name}.yaml").write_bytes((FIXTURES / "handout.yaml").read_bytes())
    status, _, err = run(tmp_path, "build", "--format", "epub,html", capsys=capsys)
    assert status == 0, err
    (tmp_path / "dist" / "notes.txt").write_text("the user's own\n", encoding="utf-8")
    (tmp_path / "dist" / "a_files" / "mine.css").write_text("/* the user's own */\n", encoding="utf-8")
    return tmp_path


def test_a_build_warns_about_the_outputs_of_an_input_that_is_gone(built, capsys):
    (built / "content" / "b.yaml").unlink()
    status, _, err = run(built, "build", "--format", "epub,html", capsys=capsys)
    assert status == 0
    assert len(files(built / "dist" / "b_files")) > 1
    assert STALE.format(len(files(built / "dist" / "b_files"))) in err
    assert "a.epub" not in err and "notes.txt" not in err
    assert (built / "dist" / "b.epub").is_file()  # said, not removed


def test_clean_removes_what_octavo_wrote_and_only_that(built, capsys):
    before = files(built)
    status, out, _ = run(built, "clean", "--dry-run", capsys=capsys)
    assert status == 0
    assert files(built) == before  # a dry run removes nothing
    said = out.splitlines()
    assert "would remove dist/a.epub" in said and "would remove dist/b.html" in said
    assert any(line.startswith("would remove dist/b_files/ (") for line in said)
    assert any(line.startswith("would remove .octavo-cache/ (") for line in said)
    assert not any("notes.txt" in line or "mine.css" in line for line in said)
    status, out, _ = run(built, "clean", capsys=capsys)
    assert status == 0
    assert out.replace("removed ", "would remove ").splitlines() == said
    assert files(built) == ["content/a.yaml", "content/b.yaml", "dist/a_files/mine.css", "dist/notes.txt"]
    assert not (built / "dist" / "b_files").exists() and not (built / ".octavo-cache").exists()
    status, _, err = run(built, "clean", capsys=capsys)
    assert status == 0 and "nothing to clean" in err


def test_clean_with_out_cleans_only_that_folder(built, capsys):
    status, _, err = run(built, "build", "--format", "epub", "--out", "letters", capsys=capsys)
    assert status == 0, err
    status, out, _ = run(built, "clean", "--out", "letters", capsys=capsys)
    assert status == 0
    assert "removed letters/a.epub" in out and "dist/" not in out
    assert not (built / "letters").exists()  # it held only octavo's files
    assert (built / ".octavo-cache").is_dir()  # which keeps the record of dist/'s
    assert (built / "dist" / "a.epub").is_file()
    status, out, _ = run(built, "clean", capsys=capsys)  # every folder octavo wrote into: dist/ is left
    assert "removed dist/a.epub" in out
    assert files(built / "dist") == ["a_files/mine.css", "notes.txt"]
