"""Themes file by file: a project's own templates, styles, labels and octavo.toml settings over the packaged theme."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest

from octavo.cli.main import main
from octavo.theme.theme import MissingAsset, Theme

from .conftest import FIXTURES, PROJECT, epub_files

ARTICLE = """\
title: A Themed Handout
subtitle: Restyled file by file
authors: [A. Teacher]
date: 2020-11-20
toc: true
body:
  - Opening words of the handout.[^1]
sections:
  - title: First part
    body: [Text of the first part.]
  - title: Second part
    body: [Text of the second part.]
notes:
  1: A note.
"""
CONFIG = """\
[build]
formats = ["pdf", "epub", "html"]

[theme]
accent = "#1f4e79"
base-size = "13pt"
margins = "15mm"
font = "fonts/body.ttf"
logo = "images/logo.png"
date-format = "long"
stylesheets = ["styles/handout.css"]
"""
IMPRINT = """\
{# A project's own imprint line. #}
  <p class="imprint">Printed for Room 12 · {{ publication.date|date(publication.language, theme.date_format) }}</p>
"""
ACCENT_FILL = b"0.121569 0.305882 0.47451 rg"  # #1f4e79 as WeasyPrint writes a fill colour
XHTML = "{http://www.w3.org/1999/xhtml}"


def make_project(folder: Path, themed: bool) -> Path:
    """One article; with `themed`, a stylesheet added, a template and a label overridden, and octavo.toml."""
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "handout.yaml").write_text(ARTICLE, encoding="utf-8")
    if themed:
        for sub in ("templates/partials", "styles", "images", "fonts"):
            (folder / sub).mkdir(parents=True)
        (folder / "octavo.toml").write_text(CONFIG, encoding="utf-8")
        (folder / "styles" / "handout.css").write_text(".titleblock .subtitle { text-transform: uppercase; }\n")
        (folder / "templates" / "partials" / "imprint.html").write_text(IMPRINT, encoding="utf-8")
        (folder / "templates" / "labels.yaml").write_text("en:\n  contents: In this handout\n", encoding="utf-8")
        shutil.copy(FIXTURES / "images" / "drawing.png", folder / "images" / "logo.png")
        # A face that is easy to tell apart from the default's regular text: the theme's italic.
        shutil.copy(PROJECT / "styles" / "fonts" / "GentiumBookPlus-Italic.ttf", folder / "fonts" / "body.ttf")
    return folder


def build(folder: Path, *args: str) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        return main(["build", "--format", "pdf,epub,html", *args])


@pytest.fixture(scope="session")
def projects(tmp_path_factory) -> dict[str, Path]:
    """The same article built with the packaged theme alone and with a project's theme."""
    built = {}
    for name in ("plain", "themed"):
        folder = make_project(tmp_path_factory.mktemp(name), themed=name == "themed")
        assert build(folder) == 0
        built[name] = folder / "dist"
    return built


def first_page(dist: Path) -> pypdf.PageObject:
    return pypdf.PdfReader(dist / "handout.pdf").pages[0]


def body_runs(page: pypdf.PageObject) -> list[tuple[str, str, float, float]]:
    """(text, font, size, x) of each run of the opening paragraph."""
    runs = []

    def visit(text, cm, tm, font, size):
        if "Opening" in text:
            runs.append((text, font["/BaseFont"], size * tm[0], cm[4] + tm[4]))

    page.extract_text(visitor_text=visit)
    return runs


def test_a_project_template_replaces_that_template_only(projects):
    text = first_page(projects["themed"]).extract_text()
    assert "Printed for Room 12" in text  # the project's imprint.html
    assert "First part" in text and "Notes" in text  # the packaged title block, contents and notes
    title = epub_files(projects["themed"] / "handout.epub")["EPUB/title.xhtml"].decode()
    assert "Printed for Room 12" in title
    assert "Printed for Room 12" not in first_page(projects["plain"]).extract_text()


def test_project_labels_merge_key_by_key(projects):
    text = first_page(projects["themed"]).extract_text()
    assert "In this handout" in text and "Contents" not in text
    notes = pypdf.PdfReader(projects["themed"] / "handout.pdf").pages[-1].extract_text()
    assert "Notes" in notes  # the labels the project did not give still come from the package


def test_an_added_stylesheet_applies_after_the_theme_in_both_outputs(projects):
    assert "RESTYLED FILE BY FILE" in first_page(projects["themed"]).extract_text()
    files = epub_files(projects["themed"] / "handout.epub")
    assert b"text-transform: uppercase" in files["EPUB/css/project-1-handout.css"]
    head = ElementTree.fromstring(files["EPUB/title.xhtml"]).find(f"{XHTML}head")
    links = [link.get("href") for link in head.iter(f"{XHTML}link")]
    assert links == ["css/base.css", "css/epub.css", "css/code-epub.css", "css/octavo-theme.css",
                     "css/project-1-handout.css"]  # fmt: skip


def test_theme_settings_reach_the_pdf(projects):
    plain, themed = body_runs(first_page(projects["plain"])), body_runs(first_page(projects["themed"]))
    assert plain and themed
    assert "Gentium-Book-Plus" in plain[0][1] and "octavo-body" in themed[0][1]  # font
    assert themed[0][2] / plain[0][2] == pytest.approx(13 / 12, rel=0.01)  # base-size (page-a4.css: 12pt)
    assert themed[0][3] - plain[0][3] == pytest.approx((15 - 43) / 25.4 * 96, abs=1)  # margins (43mm), in px
    assert ACCENT_FILL in first_page(projects["themed"]).get_contents().get_data()  # accent
    assert ACCENT_FILL not in first_page(projects["plain"]).get_contents().get_data()
    assert "November 20, 2020" in first_page(projects["themed"]).extract_text()  # date-format
    assert "2020-11-20" in first_page(projects["plain"]).extract_text()
    assert len(first_page(projects["themed"]).images) == 1 and not first_page(projects["plain"]).images  # logo


def test_theme_settings_reach_the_epub_without_fixing_the_readers_type(projects):
    files = epub_files(projects["themed"] / "handout.epub")
    css = files["EPUB/css/octavo-theme.css"].decode()
    assert ".titleblock .title, .book-title, h2, h3, h4 { color: #1f4e79; }" in css  # written out, no var()
    assert "font" not in css and "size" not in css and "margins" not in css
    title = ElementTree.fromstring(files["EPUB/title.xhtml"])
    logo = next(img for img in title.iter(f"{XHTML}img") if img.get("class") == "logo")
    assert logo.get("src") == "images/logo.png" and "EPUB/images/logo.png" in files
    assert "November 20, 2020" in "".join(title.itertext())
    assert "EPUB/css/octavo-theme.css" not in epub_files(projects["plain"] / "handout.epub")


def test_the_html_page_stands_alone_with_its_files_beside_it(projects):
    for dist in projects.values():
        html = (dist / "handout.html").read_text(encoding="utf-8")
        urls = re.findall(r'(?:href|src)="([^"#][^"]*)"', html)
        assert urls and all(not url.startswith(("/", "file:", "..")) for url in urls)
        missing = [url for url in urls if not (dist / url).is_file()]
        assert missing == []
        for sheet in (dist / u for u in urls if u.endswith(".css")):
            for font in re.findall(r"url\(([^)]+)\)", sheet.read_text(encoding="utf-8")):
                assert (sheet.parent / font.strip("\"'")).is_file(), font


def test_a_broken_project_template_is_a_located_error_and_no_output_of_the_input_is_written(tmp_path, capsys):
    folder = make_project(tmp_path, themed=False)
    (folder / "templates").mkdir()
    (folder / "templates" / "print.html").write_text("<html>\n<body>\n{% if %}\n</body>\n</html>\n")
    status = build(folder)
    err = capsys.readouterr().err
    assert status == 1
    assert re.search(r"^templates/print\.html:3: error: .*", err, re.MULTILINE), err
    assert "handout.yaml:1:1" not in err and "Traceback" not in err
    # All or nothing per input: the EPUB, which does not use print.html, waits for a PDF that matches it.
    assert not (folder / "dist" / "handout.epub").exists()
    assert not (folder / "dist" / "handout.pdf").exists()


def test_a_failing_expression_in_a_project_template_is_located_at_its_line(tmp_path, capsys):
    folder = make_project(tmp_path, themed=False)
    (folder / "templates" / "partials").mkdir(parents=True)
    (folder / "templates" / "partials" / "imprint.html").write_text("<p>\n{{ publication.no_such_field }}\n</p>\n")
    assert build(folder) == 1
    err = capsys.readouterr().err
    assert re.search(r"^templates/partials/imprint\.html:2: error: .*no_such_field", err, re.MULTILINE), err


def test_a_missing_theme_file_is_named_as_what_it_is(tmp_path, capsys, monkeypatch):
    with pytest.raises(MissingAsset, match=r"'styles/nowhere\.css' is in neither the project's styles/ folder"):
        Theme(tmp_path).find("styles", "nowhere.css")
    monkeypatch.setattr("octavo.pdf.writer.PRINT_STYLESHEETS", ("base.css", "nowhere.css"))
    folder = make_project(tmp_path / "p", themed=False)
    assert build(folder, "--format", "pdf") == 1
    err = capsys.readouterr().err
    assert "styles/nowhere.css: error: the theme file 'styles/nowhere.css' is in neither" in err
    assert "handout.yaml:1:1" not in err
