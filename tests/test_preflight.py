"""--preflight: what a print service would refuse, read back from the PDFs and said at the YAML line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, StreamObject

from octavo.cli.main import main
from octavo.pdf.preflight import box_problems, unembedded_fonts
from tests import pdfx
from tests.test_booklet import qpdf_check
from tests.test_prepress import BLEED, cmyk_profile

ARTICLE = """\
title: Two photographs
body:
  - figure:
      image: coarse.png
      caption: Scanned at too low a resolution
      alt: A grey rectangle
      width: 50%
  - figure:
      image: fine.png
      caption: Scanned well
      alt: A grey rectangle
      width: 50%
"""


@pytest.fixture(scope="module")
def preflight(tmp_path_factory) -> dict:
    """A project with a 72-ppi and an 800-ppi figure, built with a booklet and a CMYK print-ready PDF, preflighted."""
    project = tmp_path_factory.mktemp("preflight")
    # Half of A4's 124 mm measure is 62 mm (2.44 in): 176 pixels across make 72 ppi, 1950 make 800.
    Image.new("RGB", (176, 117), "grey").save(project / "coarse.png")
    Image.new("RGB", (1950, 1300), "grey").save(project / "fine.png")
    (project / "photos.yaml").write_text(ARTICLE, encoding="utf-8")
    cmyk_profile(project / "press.icc")
    (project / "octavo.toml").write_text('[build]\noutput-intent = "press.icc"\n', encoding="utf-8")
    report = project / "report.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        status = main(["build", "photos.yaml", "--format", "pdf", "--booklet", "--print-ready", "--preflight",
                       "--out", str(project / "dist"), "--report", str(report)])  # fmt: skip
    assert status == 0
    return {"problems": json.loads(report.read_text())["problems"], "dist": project / "dist"}


def test_a_72_ppi_figure_is_flagged_at_its_image_key_with_file_and_page(preflight):
    coarse = [p for p in preflight["problems"] if "ppi" in p]
    assert "photos.yaml:4:14: warning: photos.pdf: Figure 1 (coarse.png) on page 1 is 72 ppi at its printed size " \
           "(at least 200 is needed for print)" in coarse  # fmt: skip
    assert all("coarse.png" in p for p in coarse)  # the 800-ppi figure is not flagged
    assert {p.split(": ")[2] for p in coarse} == {"photos.pdf", "photos.booklet.pdf", "photos.print.pdf"}


def test_rgb_images_are_flagged_in_a_cmyk_job_only(preflight):
    rgb = [p for p in preflight["problems"] if "RGB in a CMYK job" in p]
    assert any(p.startswith("photos.yaml:4:14: warning: photos.print.pdf: Figure 1 (coarse.png)") for p in rgb)
    assert any(p.startswith("photos.yaml:9:14: warning: photos.print.pdf: Figure 2 (fine.png)") for p in rgb)
    assert all("photos.print.pdf" in p for p in rgb)  # the screen PDF and the booklet declare no CMYK intent


def test_a_booklet_whose_pages_are_not_a_multiple_of_4_is_told_about_its_blank_pages(preflight):
    pages = len(PdfReader(preflight["dist"] / "photos.booklet.pdf").pages) * 2
    (said,) = [p for p in preflight["problems"] if "multiple of 4" in p]
    assert said.startswith("photos.yaml:1:1: warning: photos.booklet.pdf: ")
    assert "blank page" in said and pages % 4 == 0


def test_octavos_own_pdfs_embed_every_font_and_nest_their_boxes(preflight):
    for name in ("photos.pdf", "photos.booklet.pdf", "photos.print.pdf"):
        reader = PdfReader(preflight["dist"] / name)
        assert unembedded_fonts(reader) == set()
        assert box_problems(reader) == []
    assert not [p for p in preflight["problems"] if "embedded" in p or "Box" in p]
    for name in ("photos.booklet.pdf", "photos.print.pdf"):  # the CMYK output intent and a one-sheet booklet
        qpdf_check(preflight["dist"] / name)


def test_the_cmyk_print_ready_pdf_passes_a_pdf_x_4_preflight(preflight):
    """Read as a print service reads it (tests/pdfx.py), not by octavo's own preflight: boxes, bleed, fonts, the
    CMYK output intent's profile, trapping."""
    assert pdfx.problems(preflight["dist"] / "photos.print.pdf", "pdf/x-4", bleed=BLEED) == []


def test_a_font_without_its_file_is_found_on_a_page_and_in_a_form():
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)

    def font(name: str) -> DictionaryObject:
        return DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject(f"/{name}")})  # fmt: skip

    def fonts(key: str, name: str) -> DictionaryObject:
        one = DictionaryObject({NameObject(key): writer._add_object(font(name))})
        return DictionaryObject({NameObject("/Font"): one})

    form = StreamObject()
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/Resources"): fonts("/F2", "Courier")})  # fmt: skip
    page[NameObject("/Resources")] = fonts("/F1", "Helvetica")
    page["/Resources"][NameObject("/XObject")] = DictionaryObject({NameObject("/X1"): writer._add_object(form)})
    assert unembedded_fonts(read_back(writer)) == {"Helvetica", "Courier"}


def test_boxes_that_do_not_nest_are_found():
    writer = PdfWriter()
    page: PageObject = writer.add_blank_page(200, 200)
    page[NameObject("/TrimBox")] = ArrayObject(FloatObject(v) for v in (-5, 0, 200, 200))
    page[NameObject("/BleedBox")] = ArrayObject(FloatObject(v) for v in (0, 0, 200, 200))
    assert box_problems(read_back(writer)) == [(1, "the TrimBox reaches outside the BleedBox")]


def read_back(writer: PdfWriter) -> PdfReader:
    out = io.BytesIO()
    writer.write(out)
    return PdfReader(io.BytesIO(out.getvalue()))


def one_coarse_figure(folder: Path) -> Path:
    Image.new("RGB", (176, 117), "grey").save(folder / "coarse.png")
    (folder / "photos.yaml").write_text(ARTICLE.split("  - figure:\n      image: fine.png")[0], encoding="utf-8")
    return folder / "photos.yaml"


def test_without_preflight_nothing_is_said(tmp_path: Path, cli):
    run = cli("build", "--root", str(tmp_path), str(one_coarse_figure(tmp_path)), "--format", "pdf",
              "--out", str(tmp_path / "dist"))  # fmt: skip
    assert run.status == 0 and "ppi" not in run.err


def test_check_preflight_typesets_and_checks_but_writes_nothing(tmp_path: Path, cli):
    article = one_coarse_figure(tmp_path)
    run = cli("check", "--root", str(tmp_path), str(article), "--preflight")
    assert run.status == 0
    assert "photos.yaml:4:14: warning: photos.pdf: Figure 1 (coarse.png) on page 1 is 72 ppi" in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coarse.png", "photos.yaml"]
    assert cli("check", "--root", str(tmp_path), str(article), "--preflight", "--strict").status == 1


def test_strict_makes_preflight_warnings_errors_and_writes_nothing(tmp_path: Path, cli):
    run = cli("build", "--root", str(tmp_path), str(one_coarse_figure(tmp_path)), "--format", "pdf", "--preflight",
              "--strict", "--out", str(tmp_path / "dist"))  # fmt: skip
    assert run.status == 1
    assert "photos.yaml:4:14: error: photos.pdf: Figure 1 (coarse.png) on page 1 is 72 ppi" in run.err
    assert not (tmp_path / "dist" / "photos.pdf").exists()
