"""octavo.toml, the project root, --error-format github, and what a second (cached) build says."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdf
import pytest

from octavo.cli.main import main
from octavo.core.diagnostics import Report
from octavo.source.config import load_config

from .conftest import FIXTURES

ARTICLE = "title: A Small Article\nbody:\n  - Some text.\n"


def project(folder: Path, config: str | None = None, article: str = ARTICLE) -> Path:
    (folder / "content").mkdir(parents=True, exist_ok=True)
    (folder / "content" / "article.yaml").write_text(article, encoding="utf-8")
    if config is not None:
        (folder / "octavo.toml").write_text(config, encoding="utf-8")
    return folder


def run(cwd: Path, *args: str, capsys) -> tuple[int, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        status = main([str(a) for a in args])
    return status, capsys.readouterr().err


def page_width_mm(pdf: Path) -> int:
    return round(float(pypdf.PdfReader(pdf).pages[0].mediabox.width) / 72 * 25.4)


@pytest.mark.parametrize(
    ("config", "line", "column", "message"),
    [
        ("[build]\npage-sise = 'A5'\n", 2, 1, "build.page-sise: unknown key 'page-sise' (did you mean 'page-size'?)"),
        ("[build]\nformats = ['pdf']\n\n[theem]\n", 4, 1, "theem: unknown table '[theem]' (did you mean 'theme'?)"),
        ("[build]\n  jobs = 0\n", 2, 3, "build.jobs: expected a whole number of at least 1, found number 0"),
        ("[build]\npage-size = 'A7'\n", 2, 1, "build.page-size: unknown page size 'A7' (choose A3, A4, A5, A6, B5,"),
        ("[build]\npage-size = 'Leter'\n", 2, 1, "build.page-size: unknown page size 'Leter' (did you mean 'Letter'?)"),
        ("[build]\nformats = ['pdf', 'epbu']\n", 2, 1, "build.formats: unknown format 'epbu' (did you mean 'epub'?)"),
        ("[theme]\naccent = 'red; } body { display: none'\n", 2, 1, "theme.accent: 'red; } body { display: none' is"),
        ("[theme]\nbase-size = '11'\n", 2, 1, "theme.base-size: '11' is not a size such as 10.5pt"),
        ("[theme]\nlogo = '../outside.png'\n", 2, 1, "theme.logo: '../outside.png' is outside the project folder"),
        ("[theme]\nfont = 'fonts/none.ttf'\n", 2, 1, "theme.font: no such file 'fonts/none.ttf'"),
        ("[theme]\ndate-format = 'longg'\n", 2, 1, "theme.date-format: 'longg' is neither iso, short"),
        ("[build]\nstrict = 'yes'\n", 2, 1, "build.strict: expected true or false, found text 'yes'"),
        ("[build]\nout =\n", 2, 6, "invalid TOML: Invalid value"),
        ("[build]\nout = 'dist\n", 2, 12, "invalid TOML: Expected \"'\""),
    ],
)
def test_every_problem_in_octavo_toml_is_located(tmp_path, config, line, column, message):
    path = tmp_path / "octavo.toml"
    path.write_text(config, encoding="utf-8")
    report = Report()
    load_config(path, tmp_path, report)
    assert [(d.line, d.column) for d in report.errors] == [(line, column)], [str(d) for d in report.items]
    assert report.errors[0].message.startswith(message), report.errors[0].message


def test_all_problems_of_octavo_toml_are_reported_and_nothing_is_built(tmp_path, capsys):
    folder = project(tmp_path, "[build]\npage-sise = 'A5'\njobs = -1\n")
    status, err = run(folder, "build", capsys=capsys)
    assert status == 1
    assert "octavo.toml:2:1: error: build.page-sise: unknown key" in err
    assert "octavo.toml:3:1: error: build.jobs: expected a whole number" in err
    assert "octavo: 2 errors in 1 file" in err
    assert not (folder / "dist").exists()


def test_octavo_toml_gives_the_defaults_and_the_command_line_wins(tmp_path, capsys):
    folder = project(tmp_path, "[build]\nformats = ['pdf']\npage-size = 'A5'\nout = 'public'\n")
    status, _ = run(folder, "build", capsys=capsys)
    assert status == 0
    assert sorted(p.name for p in (folder / "public").iterdir()) == ["article.pdf"]
    assert page_width_mm(folder / "public" / "article.pdf") == 148
    status, _ = run(folder, "build", "--page-size", "Letter", "--out", "letter", capsys=capsys)
    assert status == 0
    assert page_width_mm(folder / "letter" / "article.pdf") == 216


def test_octavo_toml_is_found_above_the_current_folder(tmp_path, capsys):
    folder = project(tmp_path, "[build]\nformats = ['epub']\n")
    status, _ = run(folder / "content", "build", capsys=capsys)  # run from inside content/
    assert status == 0
    assert sorted(p.name for p in (folder / "dist").iterdir()) == ["article.epub"]


def test_an_article_outside_the_current_folder_builds_with_its_project_root(tmp_path, capsys):
    folder = project(tmp_path / "elsewhere")
    (folder / "content" / "images").mkdir()
    shutil.copy(FIXTURES / "images" / "drawing.png", folder / "content" / "images" / "drawing.png")
    article = "title: With an Image\nbody:\n  - figure:\n      image: images/drawing.png\n      alt: A drawing\n"
    (folder / "content" / "article.yaml").write_text(article, encoding="utf-8")
    (tmp_path / "here").mkdir()
    status, err = run(tmp_path / "here", "build", str(folder / "content" / "article.yaml"), "--format", "pdf",
                      capsys=capsys)  # fmt: skip
    assert status == 0, err
    assert (folder / "dist" / "article.pdf").is_file()  # the project's dist/, not the current folder's
    assert "outside the project folder" not in err


def test_github_error_format_prints_workflow_annotations(tmp_path, capsys):
    inputs = [str(FIXTURES / "misspelled_key.yaml"), str(FIXTURES / "missing_image.yaml")]
    status, err = run(FIXTURES.parent.parent, "check", "--error-format", "github", *inputs, capsys=capsys)
    assert status == 1
    lines = err.splitlines()
    assert ("::error file=tests/fixtures/misspelled_key.yaml,line=3,col=5::sections[0].titel: unknown key 'titel' "
            "(did you mean 'title'?)") in lines  # fmt: skip
    assert any(line.startswith("::warning file=tests/fixtures/missing_image.yaml,line=4,col=14::") for line in lines)
    assert not any(line.startswith("tests/") or line.startswith("octavo:") for line in lines)


def test_a_cached_build_repeats_its_warnings_and_reports_its_pages(tmp_path, capsys):
    article = "title: Missing\nbody:\n  - figure:\n      image: nowhere.png\n      alt: Not yet drawn\n"
    folder = project(tmp_path, article=article)
    first_status, first = run(folder, "build", "--format", "pdf", capsys=capsys)
    report = folder / "report.json"
    status, second = run(folder, "build", "--format", "pdf", "--report", report, capsys=capsys)
    assert first_status == status == 0
    warning = "content/article.yaml:4:14: warning: body[0].figure.image: image file 'nowhere.png' does not exist"
    assert warning in first and warning in second
    assert "octavo: 1 warning in 1 file" in second
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert summary["warnings"] == 1 and len(summary["problems"]) == 1
    [output] = summary["outputs"]
    assert (output["status"], output["pages"], output["warnings"]) == ("cached", 1, 1)


def test_one_article_in_an_empty_folder_builds_with_no_arguments(tmp_path, capsys):
    (tmp_path / "handout.yaml").write_text(ARTICLE, encoding="utf-8")
    status, err = run(tmp_path, capsys=capsys)
    assert status == 0, err
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["handout.epub", "handout.pdf"]
