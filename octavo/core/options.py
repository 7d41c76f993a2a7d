"""The settings of one build, shared by every output writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PAGE_SIZES = ("A4", "Letter", "A5")
FORMATS = ("pdf", "epub", "html")
# WeasyPrint's variants, listed here so that --help does not have to import WeasyPrint.
NOTES = ("footnotes", "endnotes")  # --notes: overrides every article's and book's `footnotes`
SHEETS = ("A4", "Letter", "A3", "Tabloid")  # --sheet: the paper a booklet is printed on
MARKS = ("crop",)  # --marks: printer's marks around a print-ready page
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2")


@dataclass(frozen=True)
class ThemeSettings:
    """The [theme] table of octavo.toml: values that reach the CSS as custom properties."""

    font: Path | None = None  # the body font's regular face; italic and bold faces are optional
    font_italic: Path | None = None
    font_bold: Path | None = None
    font_bold_italic: Path | None = None
    base_size: str | None = None  # the print body size, "11pt"
    accent: str | None = None  # a CSS colour for titles and headings
    margins: str | None = None  # the print page margins, one to four CSS lengths
    logo: Path | None = None  # an image over the title block
    date_format: str = "iso"  # iso (as written), short, medium, long, full, or a CLDR pattern
    stylesheets: tuple[Path, ...] = field(default_factory=tuple)  # added after the theme's own, in both outputs

    def files(self) -> list[Path]:
        """Every project file these settings name."""
        faces = (self.font, self.font_italic, self.font_bold, self.font_bold_italic, self.logo)
        return [p for p in (*faces, *self.stylesheets) if p is not None]


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    root: Path  # the project folder: inputs and images must lie inside it
    formats: tuple[str, ...] = ("pdf", "epub")
    page_size: str = "A4"
    strict: bool = False
    source_date_epoch: int | None = None  # fixes every timestamp, for byte-identical builds
    booklet: bool = False  # also write <slug>.booklet.pdf, imposed for saddle stitching
    pdf_variant: str | None = None  # passed to WeasyPrint (pdf/ua-1, pdf/a-3b, ...)
    notes: str | None = None  # footnotes or endnotes for every input; None: as each article or book says
    sheet: str | None = None  # the booklet's paper; None: Letter for Letter pages, else A4
    creep: float = 0.0  # millimetres the booklet's innermost pages move toward the fold
    print_ready: bool = False  # also write <slug>.print.pdf: PDF/X-4 with bleed, for print services
    marks: str | None = None  # printer's marks on the print-ready PDF ("crop")
    output_intent: Path | None = None  # a CMYK ICC profile for the print-ready PDF; None: sRGB
    preflight: bool = False  # check the PDFs made for print: fonts, image resolution, boxes
    theme: ThemeSettings = field(default_factory=ThemeSettings)  # octavo.toml's [theme]
    config: Path | None = None  # the octavo.toml these options were read with, if any
    layout_jobs: int = 1  # processes that lay out the pieces of a book's PDF at once (--jobs)
