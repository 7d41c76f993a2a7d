"""Figures at a share of the line and placeholders: widths on screens, aspect and file names on paper and screen."""

from __future__ import annotations

import ctypes
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import FIXTURES, build_into, epubcheck_messages, node_tool

FIXTURE = FIXTURES / "placeholders.yaml"
# The fixture's figures in order: the image's share of the line, then each placeholder's share and aspect.
IMAGE_WIDTH = 0.5
PLACEHOLDERS = [(0.35, 16 / 9), (0.5, 16 / 9), (None, 16 / 9), (0.2, 2.0)]
FILE_NAMES = [
    "images/water-cycle-diagram-of-the-northern-catchment.png",
    "images/precipitation_and_evaporation_by_month_1991_2020.png",
    "images/catchment-outline.png",
]
PLACEHOLDER_GROUND = (242, 242, 242)  # base.css's #f2f2f2
BORDER = 0.75  # the placeholder's 1px dashed border, in points: the ground is painted under it


@pytest.fixture(scope="module", params=["A4", "A5"])
def pdf(request, tmp_path_factory) -> Path:
    out = build_into(tmp_path_factory.mktemp(f"placeholders-{request.param}"), str(FIXTURE), "--format", "pdf",
                     "--page-size", request.param)  # fmt: skip
    return out / "placeholders.pdf"


def placeholder_boxes(path: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every placeholder, in reading order: the rectangles painted in its ground."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    boxes = []
    document = pdfium.PdfDocument(path)
    for page in document:
        for thing in page.get_objects(max_depth=8):
            if thing.type != pdfium_c.FPDF_PAGEOBJ_PATH:
                continue
            rgba = [ctypes.c_uint() for _ in range(4)]
            mode, stroke = ctypes.c_int(), ctypes.c_int()
            pdfium_c.FPDFPageObj_GetFillColor(thing.raw, *rgba)
            pdfium_c.FPDFPath_GetDrawMode(thing.raw, mode, stroke)
            if mode.value and tuple(c.value for c in rgba[:3]) == PLACEHOLDER_GROUND:
                left, bottom, right, top = thing.get_bounds()
                boxes.append((right - left - 2 * BORDER, top - bottom - 2 * BORDER))
    document.close()
    return boxes


def test_a_placeholder_keeps_its_aspect_in_a_narrow_column(pdf):
    boxes = placeholder_boxes(pdf)
    assert len(boxes) == len(PLACEHOLDERS)
    for (width, height), (_share, aspect) in zip(boxes, PLACEHOLDERS, strict=True):
        assert width / height == pytest.approx(aspect, rel=0.01), (width, height)


def test_a_file_name_in_a_placeholder_is_never_hyphenated(pdf):
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(pdf).pages))
    for name in FILE_NAMES:
        assert name in text  # line breaks only where the name has a "-" or "/", or none at all


@pytest.fixture(scope="module")
def epub(tmp_path_factory) -> Path:
    out = build_into(tmp_path_factory.mktemp("placeholders-epub"), str(FIXTURE), "--format", "epub")
    return out / "placeholders.epub"


def test_the_epub_of_sized_figures_passes_epubcheck_and_ace(epub):
    assert epubcheck_messages(epub) == ()
    (report,) = node_tool("ace.js", str(epub))
    assert report["violations"] == []


@pytest.fixture(scope="module")
def screens(epub) -> dict[int, dict]:
    """The opening document, which holds the figures, measured in Chromium at 360 and 1000 CSS pixels wide."""
    unpacked = epub.parent / "placeholders"
    with zipfile.ZipFile(epub) as archive:
        archive.extractall(unpacked)
    found = {}
    for width in (360, 1000):
        documents = node_tool("phone.js", "--width", str(width), "--height", "800", str(unpacked))
        (found[width],) = [d for d in documents if d["document"].endswith("title.xhtml")]
    return found


def test_a_figure_takes_the_whole_line_on_a_phone_and_its_share_on_a_wide_screen(screens):
    for width, shares in ((360, [1.0] * 5), (1000, [IMAGE_WIDTH, *(s or 1.0 for s, _a in PLACEHOLDERS)])):
        document = screens[width]
        line = document["body"]["width"]
        # A placeholder is never higher than 60 % of the screen (its width is held to that too).
        tallest = [float("inf"), *(0.6 * document["pageHeight"] * aspect for _s, aspect in PLACEHOLDERS)]
        (image,) = document["images"]
        boxes = [image, *document["placeholders"]]
        assert len(boxes) == len(shares)
        for box, share, most in zip(boxes, shares, tallest, strict=True):
            assert box["width"] == pytest.approx(min(share * line, most), abs=2), (width, share)


def test_a_placeholder_keeps_its_aspect_on_screen_unless_its_words_need_more(screens):
    for width, document in screens.items():
        for box, (share, aspect) in zip(document["placeholders"], PLACEHOLDERS, strict=True):
            inside = (box["width"] - 2) / (box["height"] - 2)  # without the 1px border
            if width == 1000 and share == 0.2:
                # A fifth of the line is too low for the words in the reader's type: the box grows, never hides them.
                assert inside < aspect
            else:
                assert inside == pytest.approx(aspect, rel=0.01), (width, share)
