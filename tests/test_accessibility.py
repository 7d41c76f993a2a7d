"""The PDF as checkers read it: pdfua on the PDF/UA-1 variant, tags and metadata of the default output,
PDF/A images, qpdf."""

from __future__ import annotations

import datetime
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from octavo.core.diagnostics import Report
from octavo.core.options import BuildOptions
from octavo.pdf.writer import print_html, render_pdf
from octavo.source.load import load_document

from .conftest import FIXTURES, PRINT_INPUTS, PROJECT, build_into, need

BUILT_AT = "D:20231114221320Z"  # SOURCE_DATE_EPOCH=1700000000, as build_into sets it


@pytest.fixture(scope="session")
def ua_builds(tmp_path_factory) -> Path:
    """Every sample and fixture built once as PDF/UA-1."""
    return build_into(tmp_path_factory.mktemp("pdfua"), *map(str, PRINT_INPUTS.values()),
                      "--format", "pdf", "--pdf-variant", "pdf/ua-1")  # fmt: skip


def pdfua_report(path: Path):
    """pdfua's report on a PDF, with every one of its rules evaluated.

    pdfua 0.1.3's rule UA-14-001 (no empty headings) raises on WeasyPrint's output, so the checker skips
    it: its `as_integer` asks an object for `is_integer`, and pikepdf answers a heading's /K array with
    ValueError rather than AttributeError. The rule runs here with an `as_integer` that answers None for
    anything that is not a number, as the rule means it to.
    """
    from pdfua import document, validate
    from pdfua.rules import structure

    def as_integer(value: object) -> int | None:
        try:
            return document.as_integer(value)
        except ValueError:
            return None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(structure, "as_integer", as_integer)
        return validate(str(path))


def findings(report) -> tuple[list[str], list[str]]:
    """(every finding, every rule that was not evaluated), as readable lines."""
    found = [f"{outcome.rule_id} page {f.location.page}: {f.message}" for outcome in report.outcomes
             for f in outcome.findings]  # fmt: skip
    skipped = [f"{o.rule_id}: {o.skipped_reason}" for o in report.outcomes if o.skipped_reason]
    return found, skipped


@pytest.mark.parametrize("name", list(PRINT_INPUTS))
def test_pdfua_finds_nothing_in_the_pdf_ua_1_variant(name, ua_builds):
    assert findings(pdfua_report(ua_builds / f"{name}.pdf")) == ([], [])


def test_the_empty_heading_rule_runs_and_catches_an_empty_heading(tmp_path):
    import weasyprint

    html = '<html lang="en"><head><title>T</title></head><body><h2></h2><h2>Full</h2><p>Text.</p></body></html>'
    (tmp_path / "empty.pdf").write_bytes(weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    found, skipped = findings(pdfua_report(tmp_path / "empty.pdf"))
    assert skipped == []
    assert [line for line in found if line.startswith("UA-14-001")]


# -- the default output is tagged the same way ------------------------------------------------------


def structure(pdf: pikepdf.Pdf):
    """Every structure element, depth first."""
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for kid in reversed(kids):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
                stack.append(kid)
        if node is not pdf.Root.StructTreeRoot:
            yield node


def attributes(element) -> dict:
    found = element.get("/A")
    items = list(found) if isinstance(found, pikepdf.Array) else [found] if found is not None else []
    return {str(k): v for item in items if isinstance(item, pikepdf.Dictionary) for k, v in item.items()}


@pytest.fixture(scope="module")
def a4(print_builds) -> Path:
    return print_builds["A4"]


@pytest.mark.parametrize("name", list(PRINT_INPUTS))
def test_figures_have_alt_text_and_header_cells_a_scope(name, a4):
    with pikepdf.open(a4 / f"{name}.pdf") as pdf:
        elements = list(structure(pdf))
        assert all(str(e.get("/Alt", "")).strip() for e in elements if e.get("/S") == "/Figure")
        headers = [e for e in elements if e.get("/S") == "/TH"]
        assert all(str(attributes(e).get("/Scope")) in ("/Column", "/Row") for e in headers)


def test_a_chapter_in_another_language_says_so(a4):
    with pikepdf.open(a4 / "book.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en"
        chapters = [e for e in structure(pdf) if e.get("/S") == "/Art"]
        assert {str(e.get("/Lang")) for e in chapters} == {"en", "ru"}  # the Russian chapter is read as Russian


@pytest.mark.parametrize("name", ["khrushchev", "book", "long_words"])
def test_links_are_described_in_words(name, a4):
    with pikepdf.open(a4 / f"{name}.pdf") as pdf:
        anchors = {str(n) for n in pdf.Root.Names.Dests.Names[::2]}
        described = [str(a.get("/Contents", "")) for page in pdf.pages for a in page.get("/Annots", [])
                     if a.get("/Subtype") == "/Link"]  # fmt: skip
    assert described and all(words and words not in anchors for words in described)
    internal = [words for words in described if not re.search(r"https?:|mailto:", words)]
    assert all(re.search(r", (page|Seite|страница) \d+$", words) for words in internal)  # where it leads
    assert any(re.fullmatch(r"(Note|Anmerkung|Примечание) \d+, \w+ \d+", words) for words in described)
    assert not [words for words in described if re.match(r"\d", words)]  # never a bare number


def test_a_chapters_back_links_speak_its_language(a4):
    with pikepdf.open(a4 / "book.pdf") as pdf:
        described = {str(a.get("/Contents")) for page in pdf.pages for a in page.get("/Annots", [])}
    assert [w for w in described if re.fullmatch(r"Вернуться к ссылке 1, страница \d+", w)]  # the Russian note


# -- metadata -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["khrushchev", "russian", "book"])
def test_dates_are_the_builds_and_the_file_has_xmp_and_a_stable_id(name, a4):
    publication = load_document(PRINT_INPUTS[name], PROJECT, Report())
    with pikepdf.open(a4 / f"{name}.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == str(pdf.docinfo["/ModDate"]) == BUILT_AT  # never 1825
        with pdf.open_metadata() as xmp:
            assert xmp["xmp:CreateDate"] == xmp["xmp:ModifyDate"] == "2023-11-14T22:13:20Z"
            assert xmp["dc:title"] == publication.title.plain
        first, second = (bytes(part) for part in pdf.trailer.ID)
    assert first == hashlib.md5(publication.identifier.encode()).hexdigest().encode()  # the same every build
    assert second and second != first  # a hash of this file's bytes


def test_without_source_date_epoch_the_date_is_the_build_time(tmp_path):
    article = load_document(FIXTURES / "russian.yaml", PROJECT, Report())  # dated 1825
    options = BuildOptions(out=tmp_path, root=PROJECT, formats=("pdf",))
    (tmp_path / "r.pdf").write_bytes(render_pdf(print_html(article, options), options)[0])
    with pikepdf.open(tmp_path / "r.pdf") as pdf:
        created = str(pdf.docinfo["/CreationDate"])
    assert created.startswith(f"D:{datetime.datetime.now(datetime.UTC).year}")


# -- PDF/A and qpdf -------------------------------------------------------------------------------


def test_pdf_a_3b_images_are_not_interpolated(tmp_path):
    """ISO 19005-3, 6.2.8: an image's /Interpolate, if present, is false (WeasyPrint writes true)."""
    out = build_into(tmp_path, str(FIXTURES / "images.yaml"), "--format", "pdf", "--pdf-variant", "pdf/a-3b")
    with pikepdf.open(out / "images.pdf") as pdf:
        images = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
        assert len(images) >= 2  # the JPEG and the PNG (and its transparency mask)
        assert not [image for image in images if image.get("/Interpolate") is True]
        with pdf.open_metadata() as xmp:
            assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "B"


def test_qpdf_finds_no_problem_in_any_pdf(a4, ua_builds):
    need("qpdf", shutil.which("qpdf"), "apt-get install qpdf")
    for path in [*sorted(a4.glob("*.pdf")), *sorted(ua_builds.glob("*.pdf"))]:
        run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert run.returncode == 0 and "No syntax or stream encoding errors" in run.stdout, (path.name, run.stdout)
