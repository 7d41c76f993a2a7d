"""PDFs for printing: the booklet laid out for its sheet, and the print-ready PDF/X-4 with bleed."""

from __future__ import annotations

import dataclasses
import html
from importlib.resources import files
from pathlib import Path

from octavo.core.model import Publication
from octavo.core.options import BuildOptions
from octavo.core.pagesizes import MM, Booklet, booklet
from octavo.pdf.booklet import booklet_order, impose

PRINT_VARIANT = "pdf/x-4"  # the PDF/X that keeps transparency and RGB with an output intent


def booklet_sheet(options: BuildOptions) -> Booklet:
    """The paper a booklet is printed on and its pages: --sheet, else the sheet that goes with the page size
    (octavo.core.pagesizes.booklet); a page that no sheet holds two of is refused before the build begins."""
    return booklet(options.page_size, options.sheet)


def booklet_pdf(publication: Publication, options: BuildOptions) -> tuple[bytes, int, bytes]:
    """(The booklet, its number of printed sides, the pages it was imposed from).

    The publication is typeset again for the booklet, with mirrored margins, never the PDF shrunk: at its own
    page size where two pages fit across the sheet (A5 or 6 × 9 in pages), else at half the sheet (an A4
    article as A5 pages on A4), so that type stays at its size for the page and the sheet is exactly the
    paper the printer takes. The layout carries no PDF/A or PDF/UA claim, which imposition would break.
    """
    from octavo.pdf import writer as pdf

    made = booklet_sheet(options)
    layout = dataclasses.replace(options, page_size=made.page.name, pdf_variant=None)
    document = with_stylesheets(pdf.print_html(publication, layout), ["duplex.css"])
    pages, count = pdf.render_pdf(document, layout)
    return impose(pages, made.sheet.name, options.creep * MM), len(booklet_order(count)), pages


def print_ready_pdf(publication: Publication, options: BuildOptions) -> tuple[bytes, int]:
    """PDF/X-4 at the page size, with 3 mm bleed (TrimBox and BleedBox set), mirrored margins, an output
    intent (the project's CMYK profile, else sRGB) and, on request, crop marks."""
    from octavo.pdf import writer as pdf

    layout = dataclasses.replace(options, pdf_variant=PRINT_VARIANT)
    sheets = ["duplex.css", "print-ready.css", *(["crop-marks.css"] if options.marks == "crop" else [])]
    document = with_stylesheets(pdf.print_html(publication, layout), sheets)
    document = with_output_intent(document, options.output_intent)
    return pdf.render_pdf(document, layout)


def with_stylesheets(document, names: list[str]):
    """The print document with more of the theme's stylesheets, after its own (and the project's) sheets.

    The theme's stylesheets are among the document's files already; only the links are added, so a
    project's own duplex.css or print-ready.css replaces octavo's like any other theme file.
    """
    folder = _styles_folder(document)
    links = "".join(f'<link rel="stylesheet" href="{html.escape(f"{folder}/{name}")}">\n' for name in names)
    return dataclasses.replace(document, html=_before_head_end(document.html, links))


def with_output_intent(document, profile: Path | None):
    """The document with its output intent: WeasyPrint writes the one colour profile its CSS declares.

    A CMYK profile is declared as `device-cmyk`, so the PDF's OutputIntent names the printing condition;
    without one, WeasyPrint's own sRGB profile (shipped for PDF/A) is declared under a custom name.
    """
    folder = _styles_folder(document)
    if profile is not None:
        name, data, rule, components = "output-intent.icc", profile.read_bytes(), "device-cmyk", "c, m, y, k"
    else:
        sRGB = (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()
        name, data, rule, components = "sRGB2014.icc", sRGB, "--octavo-srgb", "r, g, b"
    css = f'@color-profile {rule} {{ src: url("{name}"); components: {components}; }}\n'.encode()
    assets = {**document.assets, f"{folder}/{name}": data, f"{folder}/output-intent.css": css}
    document = dataclasses.replace(document, assets=assets)
    return with_stylesheets(document, ["output-intent.css"])


def _styles_folder(document) -> str:
    """Where the document's stylesheets are, by URL: `<slug>_files/styles`."""
    return next(url.rsplit("/", 1)[0] for url in document.assets if url.endswith("/styles/print.css"))


def _before_head_end(text: str, insert: str) -> str:
    at = text.lower().rfind("</head>")
    if at < 0:  # a project's template without a head: the links still come before the body
        return insert + text
    return text[:at] + insert + text[at:]
