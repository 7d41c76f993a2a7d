"""Hostile and broken input: every case ends in a located error or a correct document, nothing else."""

from __future__ import annotations

import json
import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from octavo.build.pipeline import build_publication

from .conftest import epub_files, epubcheck_messages

CLEAN = "title: A title\nbody:\n  - Text.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder with an images/ folder and a file outside the project."""
    root = tmp_path / "project"
    (root / "images").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return root


def write(project: Path, text: str, name: str = "article.yaml") -> Path:
    path = project / name
    path.write_text(text, encoding="utf-8")
    return path


def figure(image: str) -> str:
    return f"title: A title\nbody:\n  - figure:\n      image: {image}\n      alt: A picture\n"


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims the given size, with no pixel data behind it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


CASES = {
    "alias bomb": ("a: &a [x, x]\ntitle: *a\n", 1, 4, "anchor '&a' is not allowed"),
    "python tag": ("title: !!python/object/apply:os.system ['touch ran']\n", 1, 8, "explicit tag"),
    "binary tag": ("title: !!binary aGk=\n", 1, 8, "explicit tag"),
    "control character": ('title: "bell\\a"\n', 1, 13, "U+0007 is not allowed"),  # at the escape
    "lone surrogate": ('title: "half \\ud800"\n', 1, 16, "invalid Unicode character escape"),
    "NUL in the file": ("title: a\x00b\n", 1, 9, "unacceptable character"),
    "wrong type: body": ("title: A\nbody: just text\n", 2, 7, "body: expected a list"),
    "wrong type: authors": ("title: A\nauthors: {a: b}\n", 2, 10, "authors: expected a list of text"),
    "wrong type: title": ("title: [a, b]\n", 1, 8, "title: expected text, found a list"),
    "deep nesting": ("title: A\nx: " + "[" * 3000 + "]" * 3000 + "\n", 2, 1003, "nested too deeply"),
    "deep emphasis": ("title: A\nbody:\n  - '" + "*" * 3000 + "a" + "*" * 3000 + "'\n", 3, 5,
                      "body[0]: markup nested more than 12 levels"),
    "deep links and emphasis": ("title: A\nbody:\n  - '" + "[*a" * 1000 + "*](https://example.org)" * 1000 + "'\n",
                                3, 5, "body[0]: markup nested more than 12 levels"),
    "deep note": ("title: A\nbody:\n  - 'Text.[^1]'\nnotes:\n  1: '" + "_" * 40 + "a" + "_" * 40 + "'\n", 5, 6,
                  "notes.1: markup nested more than 12 levels"),
    "boxes in boxes": ("title: A\nbody: [" + "{box: {body: [" * 7 + "x" + "]}}" * 7 + "]\n", 2,
                       len("body: [" + "{box: {body: [" * 5 + "{box: {body: ") + 1, "blocks nested more than 6 levels"),
    "invalid date": ("title: A\ndate: 2021-13-01\n", 2, 7, "is not a date"),
    "invalid language": ("title: A\nlanguage: xx-notalanguage\n", 2, 11, "not a valid BCP 47"),
    "javascript link": (
        "title: A\nbody:\n  - '[x](javascript:alert(1))'\n",
        3,
        6,  # at the link, inside the quotes
        "'javascript:alert(1)' is not allowed",
    ),
    "data link": ("title: A\nbody:\n  - <data:text/html,hi>\n", 3, 5, "is not allowed"),
    "relative path image escape": (figure("../../etc/passwd"), 4, 14, "is outside the project folder"),
    "absolute image path": (figure("/etc/passwd"), 4, 14, "is outside the project folder"),
    "file URL": (figure("file:///etc/passwd"), 4, 14, "is a URL"),
    "http URL": (figure("https://example.org/a.png"), 4, 14, "is a URL"),
    "folder as image": (figure("images"), 4, 14, "is not a regular file"),
    "unsupported type": (figure("notes.txt"), 4, 14, "is not a supported image type"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_input_is_a_located_error(case, project, cli, tmp_path):
    text, line, column, message = CASES[case]
    (project / "notes.txt").write_text("not an image", encoding="utf-8")
    article = write(project, text)
    out = tmp_path / "out"
    run = cli("build", article, "--root", project, "--out", out)
    assert run.status == 1
    assert f"article.yaml:{line}:{column}: error: " in run.err
    assert message in run.err
    assert "Traceback" not in run.err
    assert not out.exists() or list(out.iterdir()) == []
    assert not (project / "ran").exists()  # the python tag was never executed


def test_the_deepest_nesting_allowed_is_typeset_and_nested_brackets_stay_text(project, cli, tmp_path):
    # Inline markup 12 levels deep, in boxes five deep, in sections three deep: the PDF (where WeasyPrint
    # recursed until it died) and the EPUB are made.
    inline = "[" + "**_" * 3 + "`a`" + "_**" * 3 + "](https://example.org) and " + "*" * 24 + "b" + "*" * 24
    body = f"['{inline}']"
    for _ in range(5):
        body = f"[{{box: {{title: '{inline}', body: {body}}}}}]"
    brackets = "[" * 3000 + "a" + "]" * 3000
    text = (f"title: '{inline}'\nbody: {body}\nsections:\n  - title: One\n    sections:\n      - title: Two\n"
            f"        sections:\n          - title: Three\n            body: {body}\n"
            f"          - title: Brackets\n            body: ['{brackets}']\n")  # fmt: skip
    out = tmp_path / "out"
    run = cli("build", write(project, text), "--root", project, "--out", out)
    assert run.status == 0, run.err
    assert (out / "article.pdf").is_file() and zipfile.is_zipfile(out / "article.epub")


def test_symlink_out_of_the_project_is_refused(project, cli, tmp_path):
    (project / "images" / "link.png").symlink_to(tmp_path / "secret.txt")
    run = cli("check", write(project, figure("images/link.png")), "--root", project)
    assert run.status == 1
    assert "article.yaml:4:14: error: body[0].figure.image: 'images/link.png' is outside the project folder" in run.err


def test_decompression_bomb_header_is_refused(project, cli):
    (project / "images" / "huge.png").write_bytes(png_header(100_000, 100_000))
    run = cli("check", write(project, figure("images/huge.png")), "--root", project)
    assert run.status == 1
    assert "article.yaml:4:14: error: " in run.err and "too many pixels" in run.err


def test_an_image_whose_name_lies_about_its_type_is_refused(project, cli):
    (project / "images" / "photo.png").write_bytes((Path(__file__).parent / "fixtures/images/photo.jpg").read_bytes())
    run = cli("check", write(project, figure("images/photo.png")), "--root", project)
    assert run.status == 1 and "holds JPEG data" in run.err


def test_language_no_is_norwegian(project, cli, tmp_path):
    run = cli("build", write(project, "title: Hei\nlanguage: no\nbody: [Tekst.]\n"), "--root", project,
              "--out", tmp_path / "out", "--format", "epub")  # fmt: skip
    assert run.status == 0
    assert b"<dc:language>no</dc:language>" in epub_files(tmp_path / "out" / "article.epub")["EPUB/content.opf"]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        (figure("images/later.png"), 4, 14),
        (CLEAN + "notes:\n  1: Never used.\n", 5, 6),
    ],
)
def test_warnings_build_and_strict_makes_them_errors(text, line, column, project, cli, tmp_path):
    article = write(project, text)
    relaxed = cli("build", article, "--root", project, "--out", tmp_path / "a", "--format", "epub")
    assert relaxed.status == 0 and f"article.yaml:{line}:{column}: warning: " in relaxed.err
    strict = cli("build", article, "--root", project, "--out", tmp_path / "b", "--format", "epub", "--strict")
    assert strict.status == 1 and f"article.yaml:{line}:{column}: error: " in strict.err
    assert not (tmp_path / "b").exists()


SCRIPT = "<script>alert(1)</script>"
EVERY_TEXT_FIELD = f"""\
title: "{SCRIPT} title"
subtitle: "{SCRIPT} subtitle"
authors: ["{SCRIPT} author"]
publisher: "{SCRIPT} publisher"
description: "{SCRIPT} description"
rights: "{SCRIPT} rights"
keywords: ["{SCRIPT} keyword"]
body:
  - "{SCRIPT} paragraph[^1]"
  - figure:
      caption: "{SCRIPT} caption"
      alt: "{SCRIPT} alt"
      credit: "{SCRIPT} credit"
  - quote:
      text: "{SCRIPT} quote"
      attribution: "{SCRIPT} attribution"
  - list: ["{SCRIPT} item"]
  - numbered: ["{SCRIPT} step"]
  - verse: "{SCRIPT} verse"
  - table:
      caption: "{SCRIPT} table"
      header: ["{SCRIPT} head"]
      rows: [["{SCRIPT} cell"]]
sections:
  - title: "{SCRIPT} section"
    body: ["{SCRIPT} text"]
notes:
  1: "{SCRIPT} note"
"""


def test_script_in_every_text_field_stays_visible_text(project, cli, tmp_path):
    out = tmp_path / "out"
    run = cli("build", write(project, EVERY_TEXT_FIELD), "--root", project, "--out", out,
              "--format", "pdf,epub,html")  # fmt: skip
    assert run.status == 0, run.err
    html = (out / "article.html").read_text(encoding="utf-8")
    assert "<script" not in html and html.count("&lt;script&gt;") >= 20
    files = epub_files(out / "article.epub")
    assert not any(b"<script" in data for name, data in files.items() if name.endswith((".xhtml", ".opf", ".ncx")))
    assert epubcheck_messages(out / "article.epub", usage=False) == ()
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(out / "article.pdf").pages)
    assert f"{SCRIPT} paragraph" in text


def test_a_full_disk_keeps_the_previous_outputs_and_leaves_no_temporary_files(project, cli, tmp_path, monkeypatch):
    import errno

    from octavo.build import output

    out = tmp_path / "out"
    out.mkdir()
    (out / "article.pdf").write_bytes(b"old pdf")
    article = write(project, CLEAN)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", disk_full)
    run = cli("build", article, "--root", project, "--out", out, "--format", "pdf")
    assert run.status == 1 and "could not write the PDF: [Errno 28] No space left on device" in run.err
    assert sorted(p.name for p in out.iterdir()) == ["article.pdf"]
    assert (out / "article.pdf").read_bytes() == b"old pdf"


def test_a_write_that_fails_midway_replaces_none_of_the_inputs_files(project, cli, tmp_path, monkeypatch):
    import errno

    from octavo.build import output

    out = tmp_path / "out"
    out.mkdir()
    (out / "article.pdf").write_bytes(b"old pdf")
    (out / "article.epub").write_bytes(b"old epub")
    synced = []
    real_fsync = output.os.fsync

    def second_fails(fd: int) -> None:  # the PDF is written in full, then the disk fills up under the EPUB
        synced.append(fd)
        if len(synced) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(output.os, "fsync", second_fails)
    run = cli("build", write(project, CLEAN), "--root", project, "--out", out, "--jobs", "1")
    assert run.status == 1 and "could not write the EPUB: [Errno 28] No space left on device" in run.err
    assert (out / "article.pdf").read_bytes() == b"old pdf" and (out / "article.epub").read_bytes() == b"old epub"
    assert sorted(p.name for p in out.iterdir()) == ["article.epub", "article.pdf"]


def test_an_interrupted_write_leaves_the_previous_file_and_no_temporary_file(tmp_path, monkeypatch):
    from octavo.build import output

    target = tmp_path / "article.pdf"
    target.write_bytes(b"old pdf")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(target, b"new pdf")
    assert target.read_bytes() == b"old pdf"
    assert [p.name for p in tmp_path.iterdir()] == ["article.pdf"]


def test_ctrl_c_exits_130(cli, monkeypatch, project):
    from octavo.cli import main as cli_module

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "run", interrupted)
    assert cli("check", write(project, CLEAN), "--root", project).status == 130


def test_source_date_epoch_before_1980_is_clamped_for_the_zip(project, cli, tmp_path, monkeypatch):
    import zipfile

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    run = cli("build", write(project, CLEAN), "--root", project, "--out", tmp_path, "--format", "epub")
    assert run.status == 0
    with zipfile.ZipFile(tmp_path / "article.epub") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"1970-01-01T00:00:00Z" in archive.read("EPUB/content.opf")


# -- all or nothing per input; a bug in one input is that input's problem ------------------------


def two_articles(project: Path) -> tuple[Path, Path]:
    (project / "content").mkdir()
    return write(project, CLEAN, "content/a.yaml"), write(project, CLEAN, "content/b.yaml")


def test_when_one_output_of_an_input_fails_none_of_its_outputs_is_replaced(project, cli, tmp_path):
    a, b = two_articles(project)
    (project / "templates").mkdir()
    # The print HTML fails for one article only; the EPUB does not use print.html, and it is made.
    (project / "templates" / "print.html").write_text(
        "<html lang='en'><body>\n{% if article.slug == 'a' %}{{ article.no_such_field }}{% endif %}\n"
        "<p>{{ article.title.plain }}</p></body></html>\n", encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").write_bytes(b"old pdf")
    (out / "a.epub").write_bytes(b"old epub")
    run = cli("build", a, b, "--root", project, "--out", out, "--jobs", "2")
    assert run.status == 1
    assert re.search(r"templates/print\.html:2: error: .*no_such_field", run.err), run.err
    assert (out / "a.pdf").read_bytes() == b"old pdf" and (out / "a.epub").read_bytes() == b"old epub"
    assert re.search(r"^kept the previous \S*a\.epub \(another output of a failed\)$", run.out, re.MULTILINE)
    assert (out / "b.pdf").read_bytes().startswith(b"%PDF-") and zipfile.is_zipfile(out / "b.epub")
    assert sorted(p.name for p in out.iterdir()) == ["a.epub", "a.pdf", "b.epub", "b.pdf"]  # no temporary files
    # The failed input was not recorded as up to date: mended, it is built, both files at once.
    (project / "templates" / "print.html").unlink()
    again = cli("build", a, "--root", project, "--out", out)
    assert again.status == 0
    assert (out / "a.pdf").read_bytes().startswith(b"%PDF-") and zipfile.is_zipfile(out / "a.epub")


@pytest.mark.parametrize(
    ("module", "function", "message"),
    [
        ("octavo.epub.writer", "epub_bytes", "internal error while building the EPUB (this is a bug in octavo, please "
         "report it): RuntimeError: boom"),
        ("octavo.source.load", "load_document",
         "internal error while reading it (this is a bug in octavo, please report "
         "it): RuntimeError: boom"),
    ],
)  # fmt: skip
def test_an_internal_error_in_one_input_is_said_for_it_and_the_others_go_on(module, function, message, project,
                                                                              cli, tmp_path, monkeypatch):  # fmt: skip
    import importlib

    target = importlib.import_module(module)
    real = getattr(target, function)

    def failing(publication_or_path, *args, **keywords):
        name = getattr(publication_or_path, "slug", None) or Path(publication_or_path).stem
        if name == "a":
            raise RuntimeError("boom")
        return real(publication_or_path, *args, **keywords)

    monkeypatch.setattr(target, function, failing)
    a, b = two_articles(project)
    out = tmp_path / "out"
    run = cli("build", a, b, "--root", project, "--out", out, "--format", "epub", "--jobs", "1")
    assert run.status == 3
    assert f"a.yaml:1:1: error: {message}" in run.err
    assert zipfile.is_zipfile(out / "b.epub") and not (out / "a.epub").exists()


def _dies_for_a(publication, options):
    """A worker that dies outright on one input (module-level: the worker process looks it up by name)."""
    if publication.slug == "a":
        os._exit(70)
    return build_publication(publication, options)


def test_a_worker_that_dies_is_an_internal_error_of_its_input_not_a_crash(project, cli, tmp_path, monkeypatch):
    from octavo.build import pipeline

    monkeypatch.setattr(pipeline, "build_publication", _dies_for_a)
    a, b = two_articles(project)
    run = cli("build", a, b, "--root", project, "--out", tmp_path / "out", "--format", "epub", "--jobs", "2")
    assert run.status == 3
    assert "a.yaml:1:1: error: internal error while building the EPUB (this is a bug in octavo, please report " \
           "it): BrokenProcessPool" in run.err  # fmt: skip


# -- project templates run in a sandbox ----------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "article.source.read_text()",
        "article.source.parent.parent.joinpath('secret.txt').read_text()",
        "''.__class__.__mro__[1].__subclasses__()",
        "cycler.__init__.__globals__",
    ],
)
def test_a_project_template_cannot_reach_python_or_the_file_system(expression, project, cli, tmp_path):
    (project / "templates").mkdir()
    (project / "templates" / "print.html").write_text(f"<html><body>\n<p>{{{{ {expression} }}}}</p>\n</body></html>\n",
                                                      encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    run = cli("build", write(project, CLEAN), "--root", project, "--out", out, "--format", "html")
    assert run.status == 1
    assert re.search(r"templates/print\.html:2: error: .*unsafe", run.err), run.err
    assert not out.exists() and "secret" not in run.out + run.err


# -- limits on the second edition's inputs: LaTeX and references ----------------------------------


@pytest.mark.parametrize(
    ("body", "column", "message"),
    [
        ("'\\(" + "{" * 9 + "x" + "}" * 9 + "\\)'", 6, "the formula nests groups more than 8 levels deep"),
        ("'\\(" + "\\sqrt " * 30 + "x\\)'", 6, "the formula nests more than 8 levels deep"),
        ("'\\(" + "x+" * 1001 + "\\)'", 6, "the formula is longer than 2,000 characters"),
        ("{math: '\\def\\a{\\a}\\a'}", 12, "'\\def' defines a command, which octavo does not allow"),
        ("{math: '\\newcommand{\\a}{\\a}\\a'}", 12, "'\\newcommand' defines a command"),
    ],
)
def test_latex_has_limits_and_no_macros(body, column, message, project, cli):
    run = cli("check", write(project, f"title: A\nbody:\n  - {body}\n"), "--root", project)
    assert run.status == 1 and "Traceback" not in run.err
    assert re.search(rf"article\.yaml:3:{column}: error: .*{re.escape(message)}", run.err), run.err


def _nested(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


REFERENCE_CASES = {
    "deep JSON": ("refs.json", "[" * 100_000 + "]" * 100_000, "refs.json:1:1: error: not usable JSON: it is nested "
                  "too deeply"),
    "deep item": ("refs.json", json.dumps([{"id": "k1", "type": "book", "title": _nested(50)}]),
                  "article.yaml:2:13: error: references[0]: the reference is nested more than 8 levels deep"),
    "too many JSON items": ("refs.json", json.dumps([{"id": f"k{i}", "type": "book"} for i in range(10_001)]),
                            "article.yaml:2:13: error: references: 'refs.json' has more than 10,000 entries"),
    "too many BibTeX entries": ("refs.bib", "".join(f"@book{{k{i}, title={{T}}}}\n" for i in range(10_001)),
                                "article.yaml:2:13: error: references: 'refs.bib' has more than 10,000 entries"),
    "outside the project": ("../refs.json", "[]", "article.yaml:2:13: error: references: '../refs.json' is outside "
                            "the project folder"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(REFERENCE_CASES))
def test_references_are_contained_and_limited(case, project, cli):
    name, content, message = REFERENCE_CASES[case]
    (project / name).write_text(content, encoding="utf-8")
    run = cli("check", write(project, f"title: A\nreferences: {name}\nbody:\n  - Text [@k1].\n"), "--root", project)
    assert run.status == 1 and "Traceback" not in run.err
    assert message in run.err, run.err


def test_inline_references_nested_too_deeply_are_a_located_error(project, cli):
    deep = "[" * 900 + "]" * 900
    text = f"title: A\nreferences:\n  - id: k1\n    type: book\n    title: {deep}\nbody:\n  - Text [@k1].\n"
    run = cli("check", write(project, text), "--root", project)
    assert run.status == 1 and "Traceback" not in run.err
    assert "article.yaml:3:5: error: references[0]: the reference is nested more than 8 levels deep" in run.err
