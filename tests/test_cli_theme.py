"""`octavo theme list` and `octavo theme copy NAME`: octavo's theme files, and a project's copy of one to edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.cli.main import main
from octavo.core.labels import packaged_dir


def run(folder: Path, *args: str, capsys) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "content").mkdir()
    return tmp_path


def test_list_names_every_packaged_file_and_marks_the_projects_own(project, capsys):
    (project / "styles").mkdir()
    (project / "styles" / "print.css").write_text("body { color: black; }\n", encoding="utf-8")
    (project / "styles" / "handout.css").write_text("h1 { color: red; }\n", encoding="utf-8")
    (project / "templates").mkdir()
    (project / "templates" / "labels.yaml").write_text("en:\n  contents: In this handout\n", encoding="utf-8")
    status, out, _ = run(project / "content", "theme", "list", capsys=capsys)  # the project above the folder
    assert status == 0
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in out.splitlines() if line.startswith("  ")}
    packaged = {f"{folder}/{p.relative_to(packaged_dir(folder)).as_posix()}" for folder in ("templates", "styles")
                for p in packaged_dir(folder).rglob("*") if p.is_file()}  # fmt: skip
    assert packaged <= set(rows)
    assert {"templates/print.html", "templates/blocks/figure.html", "styles/base.css",
            "styles/fonts/GentiumBookPlus-Regular.ttf"} <= packaged  # fmt: skip
    assert rows["styles/print.css"] == "replaced by the project's own"
    assert rows["templates/labels.yaml"] == "merged with the project's own"
    assert rows["templates/print.html"] == rows["styles/base.css"] == ""
    assert rows["styles/handout.css"] == ""  # the project's own addition, listed after octavo's
    assert out.index("styles/handout.css") > out.index("styles/print.css")


@pytest.mark.parametrize(("name", "copied"), [
    ("print.css", "styles/print.css"),
    ("styles/print.css", "styles/print.css"),
    ("blocks/figure.html", "templates/blocks/figure.html"),
    ("labels.yaml", "templates/labels.yaml"),
    ("templates/partials/imprint.html", "templates/partials/imprint.html"),
])  # fmt: skip
def test_copy_puts_octavos_file_in_the_projects_folder(project, capsys, name, copied):
    status, out, _ = run(project, "theme", "copy", name, capsys=capsys)
    assert status == 0
    assert f"copied octavo's {copied} to {copied}" in out
    folder, inner = copied.split("/", 1)
    assert (project / copied).read_bytes() == (packaged_dir(folder) / inner).read_bytes()
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()) == [copied]


def test_copy_never_overwrites_a_projects_file(project, capsys):
    (project / "styles").mkdir()
    (project / "styles" / "print.css").write_text("/* mine */\n", encoding="utf-8")
    status, _, err = run(project, "theme", "copy", "print.css", capsys=capsys)
    assert status == 1
    assert "octavo: error: the project already has styles/print.css; octavo theme copy never overwrites" in err
    assert (project / "styles" / "print.css").read_text(encoding="utf-8") == "/* mine */\n"


def test_copy_of_an_unknown_file_suggests_the_closest(project, capsys):
    status, _, err = run(project, "theme", "copy", "prnt.css", capsys=capsys)
    assert status == 2
    assert "octavo's theme has no file 'prnt.css' (did you mean 'styles/print.css'?)" in err
    status, _, err = run(project, "theme", "copy", "blocks/figur.html", capsys=capsys)
    assert status == 2 and "(did you mean 'templates/blocks/figure.html'?)" in err
    assert list(project.iterdir()) == [project / "content"]


def test_copy_into_the_project_named_by_root(project, tmp_path_factory, capsys):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    status, _, _ = run(elsewhere, "theme", "copy", "epub.css", "--root", str(project), capsys=capsys)
    assert status == 0
    assert (project / "styles" / "epub.css").is_file() and list(elsewhere.iterdir()) == []
