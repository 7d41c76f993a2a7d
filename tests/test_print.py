"""Every test article typesets cleanly at every page size; nested sections become a nested outline."""

from __future__ import annotations

import logging

import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.options import BuildOptions
from octavo.pdf.writer import print_html, render_pdf
from octavo.source.load import load_article

from .conftest import FIXTURES, PROJECT

ARTICLES = ["all_blocks.yaml", "russian.yaml", "images.yaml", "raw_html.yaml", "norwegian.yaml", "code.yaml",
            "box.yaml", "keep_together.yaml"]  # fmt: skip


def typeset(name: str, page_size: str, tmp_path) -> bytes:
    article = load_article(FIXTURES / name, PROJECT, Report())
    options = BuildOptions(out=tmp_path, root=PROJECT, formats=("pdf",), page_size=page_size)
    return render_pdf(print_html(article, options), options)[0]


@pytest.mark.parametrize("page_size", ["A4", "Letter", "A5"])
@pytest.mark.parametrize("name", ARTICLES)
def test_typesets_without_any_message_from_weasyprint(name, page_size, tmp_path, caplog):
    # WeasyPrint logs what it ignores (an unknown CSS property, an image it cannot read):
    # any such message means the stylesheet or the document is wrong somewhere.
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = typeset(name, page_size, tmp_path)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    # This one speaks of the machine (a missing system library), not of the document.
    assert [m for m in messages if "HarfBuzz-Subset" not in m] == []
    assert pdf.startswith(b"%PDF-")


def titles(outline) -> list:
    """The outline as nested lists of titles."""
    tree: list = []
    for item in outline:
        if isinstance(item, list):
            tree.append(titles(item))
        else:
            tree.append(item["/Title"])
    return tree


def test_the_outline_nests_like_the_sections(tmp_path):
    (tmp_path / "a.pdf").write_bytes(typeset("all_blocks.yaml", "A4", tmp_path))
    assert titles(PdfReader(tmp_path / "a.pdf").outline) == ["Blocks", ["Nested"], "Blocks", "Notes"]


@pytest.mark.parametrize(("variant", "marker"), [("pdf/ua-1", b"pdfuaid:part"), ("pdf/a-3b", b"pdfaid:part")])
def test_pdf_variant_is_passed_to_weasyprint(variant, marker, tmp_path):
    article = load_article(FIXTURES / "all_blocks.yaml", PROJECT, Report())
    options = BuildOptions(out=tmp_path, root=PROJECT, formats=("pdf",), pdf_variant=variant)
    plain = BuildOptions(out=tmp_path, root=PROJECT, formats=("pdf",))
    metadata = xmp_metadata(render_pdf(print_html(article, options), options)[0])
    assert marker in metadata
    assert marker not in xmp_metadata(render_pdf(print_html(article, plain), plain)[0])


def xmp_metadata(pdf: bytes) -> bytes:
    """The XMP metadata stream of a PDF, where PDF/A and PDF/UA declare themselves."""
    import io

    stream = PdfReader(io.BytesIO(pdf)).trailer["/Root"].get("/Metadata")
    return stream.get_object().get_data() if stream is not None else b""
