"""The command line's usage: mistyped flags and commands get the closest one, check takes what shapes its PDFs,
flags that would do nothing are said to be ignored, and an input's project is its own wherever octavo runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from octavo.cli.main import main

from .conftest import FIXTURES, SAMPLE


@pytest.mark.parametrize(("args", "said"), [
    (["build", "--booklett"], "octavo build: error: unrecognized argument --booklett; did you mean --booklet?"),
    (["--pagesize", "A5"], "octavo build: error: unrecognized argument --pagesize; did you mean --page-size?"),
    (["biuld"], "octavo: error: unknown command 'biuld'; did you mean 'build'?"),
    (["chekc", "x.yaml"], "octavo: error: unknown command 'chekc'; did you mean 'check'?"),
    (["check", "--force"], "octavo check: error: unrecognized argument --force; --force is an option of build and "
                           "watch"),
    (["check", "--notes", "endnote"], "invalid choice: 'endnote' (choose from 'footnotes', 'endnotes'); did you "
                                      "mean 'endnotes'?"),
    (["theme", "lsit"], "did you mean 'list'?"),
])  # fmt: skip
def test_a_mistyped_flag_or_command_is_told_the_closest_one(cli, args, said):
    run = cli(*args)
    assert run.status == 2
    assert said in run.err
    assert run.err.count("usage: octavo") == 1


def test_a_file_name_is_never_taken_for_a_mistyped_command(cli):
    run = cli("biuld.yaml")
    assert run.status == 2
    assert "no such file or folder: biuld.yaml" in run.err and "did you mean" not in run.err


def test_a_flag_that_would_do_nothing_is_said_to_be_ignored(cli, tmp_path):
    """A warning, not a usage error: a command line that built before still builds."""
    for args, said in ((["--marks", "crop"], "--marks applies only to the print-ready PDF: add --print-ready"),
                       (["--sheet", "A3"], "--sheet applies only to the booklet: add --booklet"),
                       (["--booklet", "--format", "epub"], "--booklet applies only to the PDF, which --format epub "
                                                           "does not make")):  # fmt: skip
        for command in ("build", "check"):
            if command == "check" and "--format" in args:
                continue  # check takes no --format
            run = cli(command, SAMPLE, "--out", tmp_path, *args) if command == "build" else cli(command, SAMPLE, *args)
            assert run.status == 0, (command, args)
            assert f"octavo: warning: {said}" in run.err and "it is ignored" in run.err


def coarse_project(folder: Path) -> Path:
    """A two-page article whose one figure is 72 ppi at its printed size."""
    Image.new("RGB", (176, 117), "grey").save(folder / "coarse.png")
    filler = "\n".join(f"  - Paragraph {n} of the filler, long enough to take a line or two of the page, and then "
                       "some more words to be sure." for n in range(40))  # fmt: skip
    article = (f"title: A photograph\nbody:\n  - figure:\n      image: coarse.png\n      alt: Grey\n      width: 50%\n"
               f"{filler}\n")  # fmt: skip
    (folder / "photos.yaml").write_text(article, encoding="utf-8")
    return folder / "photos.yaml"


def test_check_takes_the_print_options_and_checks_what_they_make(tmp_path, capsys, monkeypatch):
    """`check --print-ready --booklet --preflight` typesets and checks the print-ready PDF and the booklet, as
    the build would, with the page size, sheet, marks, notes and PDF variant given; it writes nothing."""
    coarse_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    status = main(["check", "photos.yaml", "--preflight", "--print-ready", "--marks", "crop", "--booklet",
                   "--sheet", "A3", "--page-size", "A4", "--notes", "endnotes", "--pdf-variant", "pdf/ua-1"])
    err = capsys.readouterr().err
    assert status == 0, err
    said = [line.split(": warning: ")[1] for line in err.splitlines() if ": warning: " in line]
    assert any(line.startswith("photos.print.pdf: Figure 1 (coarse.png) on page 1 is ") for line in said), err
    assert any(line.startswith("photos.pdf: Figure 1 (coarse.png)") for line in said), err
    assert any(line.startswith("photos.booklet.pdf: ") and "not a multiple of 4" in line for line in said), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coarse.png", "photos.yaml"]


def test_check_says_when_its_print_options_need_preflight(cli):
    run = cli("check", SAMPLE, "--print-ready", "--page-size", "letter")
    assert run.status == 0
    assert ("octavo: note: --page-size, --print-ready change only what --preflight typesets and checks; without "
            "it, check reads the sources alone") in run.err  # fmt: skip


def test_check_refuses_an_unknown_page_size(cli):
    run = cli("check", SAMPLE, "--page-size", "Leter")
    assert run.status == 2
    assert "argument --page-size: unknown page size 'Leter' (did you mean 'Letter'?) (choose A3, A4, A5," in run.err


# -- the project of an input ----------------------------------------------------------------------


def loose_handout(tmp_path: Path) -> Path:
    """tmp/x/loose/handout.yaml: an article in a folder of no project (no octavo.toml or content/ above it)."""
    loose = tmp_path / "x" / "loose"
    loose.mkdir(parents=True)
    (loose / "handout.yaml").write_bytes((FIXTURES / "handout.yaml").read_bytes())
    assert not any((folder / "content").is_dir() or (folder / "octavo.toml").exists() for folder in loose.parents)
    return loose / "handout.yaml"


@pytest.mark.parametrize("named", ["absolute", "relative"])
def test_an_input_outside_any_project_builds_in_its_own_folder_wherever_octavo_runs(tmp_path, monkeypatch, capsys,
                                                                                      named):  # fmt: skip
    handout = loose_handout(tmp_path)
    monkeypatch.chdir(tmp_path)
    path = str(handout) if named == "absolute" else "x/loose/handout.yaml"
    assert main(["build", path, "--format", "epub"]) == 0, capsys.readouterr().err
    assert (handout.parent / "dist" / "handout.epub").is_file()
    assert (handout.parent / ".octavo-cache").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]  # no dist/ or .octavo-cache/ where octavo ran
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["loose"]


def test_inputs_of_two_projects_in_one_command_are_refused(tmp_path, monkeypatch, capsys):
    first = loose_handout(tmp_path)
    second = tmp_path / "y" / "sheet.yaml"
    second.parent.mkdir()
    second.write_bytes(first.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(first), str(second), "--format", "epub"]) == 2
    err = capsys.readouterr().err
    assert "octavo: error: the inputs belong to different projects" in err
    assert f"{first} in {first.parent}" in err and f"{second} in {second.parent}" in err
    assert "--root" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["handout.yaml", "loose", "sheet.yaml", "x", "y"]
    assert main(["build", str(first), str(second), "--format", "epub", "--root", str(tmp_path)]) == 0
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["handout.epub", "sheet.epub"]  # --root's
