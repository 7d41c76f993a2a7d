"""--print-ready: PDF/X-4 with 3 mm bleed, exact page boxes, an output intent, mirrored margins, reproducible bytes."""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
from importlib.resources import files
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from tests import pdfx
from tests.conftest import FIXTURES, body_text, build_into, need
from tests.test_booklet import qpdf_check

A4 = (595.276, 841.89)
BLEED = 3 * 72 / 25.4  # 8.504 pt
MARKS_AREA = 12 * 72 / 25.4


@pytest.fixture(scope="session")
def print_ready(tmp_path_factory) -> dict[str, Path]:
    """The handout built print-ready twice (same sources, same SOURCE_DATE_EPOCH), and once with crop marks."""
    args = (str(FIXTURES / "handout.yaml"), "--format", "pdf", "--print-ready")
    first = build_into(tmp_path_factory.mktemp("ready-1"), *args)
    again = build_into(tmp_path_factory.mktemp("ready-2"), *args)
    marked = build_into(tmp_path_factory.mktemp("ready-marks"), *args, "--marks", "crop")
    return {name: folder / "handout.print.pdf" for name, folder in
            (("first", first), ("again", again), ("marks", marked))} | {"pdf": first / "handout.pdf"}  # fmt: skip


def box(page, key: str) -> tuple[float, ...]:
    x1, y1, x2, y2 = (float(v) for v in page[key])
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def beyond(outer: tuple[float, ...], inner: tuple[float, ...]) -> list[float]:
    """How far a box reaches beyond another on each side: left, bottom, right, top."""
    return [inner[0] - outer[0], inner[1] - outer[1], outer[2] - inner[2], outer[3] - inner[3]]


def test_the_trimmed_page_is_a4_with_3_mm_of_bleed_around_it(print_ready):
    reader = PdfReader(print_ready["first"])
    assert len(reader.pages) >= 2
    for page in reader.pages:
        trim = box(page, "/TrimBox")
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(A4, abs=0.1)
        bleed = box(page, "/BleedBox")
        assert beyond(bleed, trim) == pytest.approx([BLEED] * 4, abs=0.01)
        assert box(page, "/MediaBox") == pytest.approx(bleed, abs=0.01)  # no marks: the media is the bleed


def test_crop_marks_have_room_outside_the_bleed_which_stays_3_mm(print_ready):
    for page in PdfReader(print_ready["marks"]).pages:
        trim, bleed, media = (box(page, key) for key in ("/TrimBox", "/BleedBox", "/MediaBox"))
        assert beyond(bleed, trim) == pytest.approx([BLEED] * 4, abs=0.01)
        assert beyond(media, trim) == pytest.approx([MARKS_AREA] * 4, abs=0.01)


def test_crop_marks_are_drawn_in_the_corners_and_nothing_else_outside_the_bleed(print_ready):
    need("pypdfium2", importlib.util.find_spec("pypdfium2"), "pip install -e '.[test]'")
    import pypdfium2 as pdfium
    page = pdfium.PdfDocument(print_ready["marks"])[0]
    image = page.render(scale=2).to_pil().convert("L")
    width, height = image.size
    media = box(PdfReader(print_ready["marks"]).pages[0], "/MediaBox")
    scale = width / (media[2] - media[0])
    margin = int((MARKS_AREA - BLEED) * scale) - 2  # the strip between the media's edge and the bleed

    def dark(left, top, right, bottom) -> int:
        return sum(image.crop((left, top, right, bottom)).histogram()[:128])

    corner = int(MARKS_AREA * scale)
    assert dark(0, 0, corner, corner) > 10  # a mark at the top left corner
    assert dark(width - corner, height - corner, width, height) > 10
    assert dark(corner + 2, 0, width - corner - 2, margin) == 0  # none along the top edge between the marks


@pytest.mark.parametrize("name", ["first", "marks"])
def test_print_ready_pdfs_pass_a_print_services_pdf_x_4_preflight(print_ready, name):
    """What the file holds, as tests/pdfx.py reads it: nested boxes with 3 mm of bleed, every font embedded, one
    output intent with a whole sRGB profile, the trapping state given."""
    assert pdfx.problems(print_ready[name], "pdf/x-4", bleed=BLEED) == []


def test_the_pdf_says_it_is_pdf_x_4_with_an_srgb_output_intent(print_ready):
    """What the file claims, which a preflight reads to know which rules apply."""
    reader = PdfReader(print_ready["first"])
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-4"
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in reader.xmp_metadata.stream.get_data()
    (intent,) = (i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"])
    assert intent["/S"] == "/GTS_PDFX"
    assert "sRGB" in intent["/OutputConditionIdentifier"]
    assert intent["/DestOutputProfile"].get_object()["/N"] == 3
    assert reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == "D:20231114221320Z"  # 1700000000


def test_two_print_ready_builds_of_the_same_sources_are_byte_identical(print_ready):
    assert print_ready["first"].read_bytes() == print_ready["again"].read_bytes()


def test_print_ready_pages_have_mirrored_margins_and_the_screen_pdf_keeps_its_own(print_ready):
    def left_edges(path: Path) -> list[float]:
        edges = []
        for page in PdfReader(path).pages[:2]:
            xs: list[float] = []
            trim_left = box(page, "/TrimBox")[0] if "/TrimBox" in page else 0.0
            height = float(page.mediabox.height)

            def visit(text, cm, tm, font, size, xs=xs, height=height):
                y = cm[5] + tm[5] * cm[3]
                if text.strip() and 0.15 * height < y < 0.85 * height:
                    xs.append(cm[4] + tm[4] * cm[0])

            page.extract_text(visitor_text=visit)
            edges.append(min(xs) - trim_left)
        return edges

    right_page, left_page = left_edges(print_ready["first"])
    assert right_page < left_page - 20  # a right-hand page has its narrow margin at the fold, on its left
    screen = left_edges(print_ready["pdf"])
    assert screen[0] == pytest.approx(screen[1], abs=1)  # the PDF for reading keeps its equal margins
    assert body_text(PdfReader(print_ready["first"]).pages[0])


def test_qpdf_finds_no_problem_in_print_ready_pdfs(print_ready):
    for name in ("first", "marks"):
        qpdf_check(print_ready[name])


# -- book sizes: the bleed around any page ------------------------------------------------------------


@pytest.fixture(scope="session")
def print_ready_sizes(tmp_path_factory) -> dict[str, Path]:
    """The handout print-ready at 6 × 9 in and at B5, with crop marks."""
    return {size: build_into(tmp_path_factory.mktemp(f"ready-{size}"), str(FIXTURES / "handout.yaml"), "--format",
                             "pdf", "--print-ready", "--marks", "crop", "--page-size", size) / "handout.print.pdf"
            for size in ("6x9in", "B5")}  # fmt: skip


@pytest.mark.parametrize(("size", "trimmed"), [("6x9in", (432.0, 648.0)), ("B5", (176 * 72 / 25.4, 250 * 72 / 25.4))])
def test_a_book_size_is_trimmed_to_its_size_with_3_mm_of_bleed_and_marks_beyond(size, trimmed, print_ready_sizes):
    path = print_ready_sizes[size]
    reader = PdfReader(path)
    for page in reader.pages:
        trim, bleed, media = (box(page, key) for key in ("/TrimBox", "/BleedBox", "/MediaBox"))
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(trimmed, abs=0.1)
        assert beyond(bleed, trim) == pytest.approx([BLEED] * 4, abs=0.01)
        assert beyond(media, trim) == pytest.approx([MARKS_AREA] * 4, abs=0.01)
    assert pdfx.problems(path, "pdf/x-4", bleed=BLEED) == []
    assert body_text(reader.pages[0])
    qpdf_check(path)


# -- a project's CMYK profile -------------------------------------------------------------------------


def cmyk_profile(path: Path) -> Path:
    """A stand-in CMYK printer profile: WeasyPrint's sRGB profile with a printer's header.

    Only its header is read (octavo's check, WeasyPrint's embedding); nothing is converted with it.
    """
    data = bytearray((files("weasyprint.pdf") / "sRGB2014.icc").read_bytes())
    data[12:16], data[16:20], data[84:100] = b"prtr", b"CMYK", bytes(16)
    path.write_bytes(bytes(data))
    return path


def project_with(folder: Path, build_table: str) -> Path:
    """A project of one handout and an octavo.toml with this [build] table."""
    (folder / "content").mkdir(parents=True)
    shutil.copy(FIXTURES / "handout.yaml", folder / "content" / "handout.yaml")
    (folder / "octavo.toml").write_text(f"[build]\n{build_table}", encoding="utf-8")
    return folder


def test_a_projects_cmyk_profile_is_the_output_intent(tmp_path, cli):
    project = project_with(tmp_path / "p", 'print-ready = true\noutput-intent = "press.icc"\nformats = ["pdf"]\n')
    cmyk_profile(project / "press.icc")
    run = cli("build", "--root", str(project), "--out", str(tmp_path / "out"))
    assert run.status == 0, run.err
    reader = PdfReader(tmp_path / "out" / "handout.print.pdf")
    (intent,) = (i.get_object() for i in reader.trailer["/Root"]["/OutputIntents"])
    assert intent["/DestOutputProfile"].get_object()["/N"] == 4
    assert intent["/DestOutputProfile"].get_object().get_data()[16:20] == b"CMYK"
    assert pdfx.problems(tmp_path / "out" / "handout.print.pdf", "pdf/x-4", bleed=BLEED) == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('output-intent = "missing.icc"\n', "octavo.toml:3:1: error: build.output-intent: no such file 'missing.icc'"),
        ('output-intent = "octavo.toml"\n', "build.output-intent: 'octavo.toml' is not an ICC colour profile"),
        ('output-intent = "rgb.icc"\n', "build.output-intent: 'rgb.icc' is a profile for RGB, not CMYK"),
        ('sheet = "A7"\n', "build.sheet: unknown sheet 'A7' (choose A3, A4, A5, A6, B5, Letter, Legal, Tabloid,"),
        ('page-size = "6x9"\n', "build.page-size: the page size '6x9' needs a unit: 6x9in or 6x9mm, say"),
        ("creep = 40\n", "build.creep: expected millimetres from 0 to 10"),
        ('marks = "bleed"\n', "build.marks: unknown kind of printer's marks 'bleed' (choose crop)"),
    ],
)
def test_print_settings_in_octavo_toml_are_checked_at_their_line(tmp_path, cli, table, message):
    project = project_with(tmp_path / "p", "formats = [\"pdf\"]\n" + table)
    shutil.copy(files("weasyprint.pdf") / "sRGB2014.icc", project / "rgb.icc")
    run = cli("build", "--root", str(project), "--out", str(tmp_path / "out"))
    assert run.status == 1
    assert message in run.err
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists()


def test_the_print_ready_pdf_is_reported_beside_the_others(tmp_path, cli):
    report = tmp_path / "report.json"
    run = cli("build", str(FIXTURES / "handout.yaml"), "--format", "pdf", "--print-ready", "--out",
              str(tmp_path / "out"), "--report", str(report))  # fmt: skip
    assert run.status == 0, run.err
    formats = {o["format"]: o["pages"] for o in json.loads(report.read_text())["outputs"]}
    assert set(formats) == {"pdf", "print"} and formats["print"] >= 2
    assert pdfx.problems(tmp_path / "out" / "handout.print.pdf", "pdf/x-4", bleed=BLEED) == []


# -- the preflight of tests/pdfx.py finds what it looks for -------------------------------------------------


def _no_font_files(pdf: pikepdf.Pdf) -> None:
    for font in pdf.pages[0].Resources.Font.values():
        for face in font.get("/DescendantFonts", [font]):
            for key in pdfx.EMBEDDED:
                if key in face.FontDescriptor:
                    del face.FontDescriptor[key]


def _trim_as_bleed(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].BleedBox = pdf.pages[0].TrimBox


def _bleed_inside_trim(pdf: pikepdf.Pdf) -> None:
    x1, y1, x2, y2 = (float(v) for v in pdf.pages[0].TrimBox)
    pdf.pages[0].BleedBox = pikepdf.Array([x1 + 5, y1, x2, y2])


def _profile_says_gray(pdf: pikepdf.Pdf) -> None:
    profile = pdf.Root.OutputIntents[0].DestOutputProfile
    data = bytearray(profile.read_bytes())
    data[16:20] = b"GRAY"
    profile.write(bytes(data))


BREAKAGES = {
    "no output intent": (lambda pdf: delattr(pdf.Root, "OutputIntents"), "0 output intents"),
    "no embedded profile": (lambda pdf: delattr(pdf.Root.OutputIntents[0], "DestOutputProfile"),
                            "embeds no ICC profile"),
    "/N not the profile's": (_profile_says_gray, "the output profile is GRAY but its /N is 3"),
    "a font without its file": (_no_font_files, "is not embedded"),
    "no bleed": (_trim_as_bleed, "page 1: the bleed is 0.00 pt on one side"),
    "a trim beyond the bleed": (_bleed_inside_trim, "page 1: the TrimBox reaches outside the BleedBox"),
    "trapping unknown": (lambda pdf: setattr(pdf.docinfo, "Trapped", pikepdf.Name.Unknown), "/Trapped is /Unknown"),
}  # fmt: skip


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_the_pdf_x_preflight_finds_a_broken_print_ready_pdf(print_ready, breakage):
    """Each rule of tests/pdfx.py, broken in a copy of a print-ready PDF that passes it: the check says so."""
    change, said = BREAKAGES[breakage]
    with pikepdf.open(print_ready["marks"]) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out, static_id=True)
    assert any(said in problem for problem in pdfx.problems(out.getvalue(), "pdf/x-4", bleed=BLEED))


def test_the_pdf_x_preflight_refuses_transparency_only_where_the_variant_does(print_ready):
    """PDF/X-4 keeps transparency, which WeasyPrint draws with (groups, a transparent fill); X-3 and X-1a do not."""
    assert pdfx.problems(print_ready["marks"], "pdf/x-4", bleed=BLEED) == []
    for variant in ("pdf/x-3", "pdf/x-1a"):
        found = pdfx.problems(print_ready["marks"], variant, bleed=BLEED)
        assert "a form with a transparency group" in found and "a graphics state with /ca 0.0" in found
