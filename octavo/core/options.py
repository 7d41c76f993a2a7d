"""The settings of one build, shared by every output writer, and every option of build, check and watch."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo.core.optionspec import (
    ALL_COMMANDS,
    Choice,
    CmykProfile,
    Count,
    File,
    Folder,
    Formats,
    Millimetres,
    Option,
    Size,
    Switch,
    Text,
    Whole,
)
from octavo.core.printspec import PROFILES

FORMATS = ("pdf", "epub", "html")
# WeasyPrint's variants, listed here so that --help does not have to import WeasyPrint.
NOTES = ("footnotes", "endnotes")  # --notes: overrides every article's and book's `footnotes`
MARKS = ("crop",)  # --marks: printer's marks around a print-ready page
PRINT_PROFILES = tuple(PROFILES)  # --for: a print service's paperback (octavo.core.printspec)
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2")
ERROR_FORMATS = ("text", "github")


def _cpus() -> int:
    return os.cpu_count() or 1


# Every option, once: the command line of each command (cli/arguments.py), octavo.toml's [build] table
# (source/config.py), the defaults below and the table in docs/using-octavo.md are made from these. The order
# is the order of the flags in --help.
OPTIONS: tuple[Option, ...] = (
    Option("root", Folder(), None, "the project folder; inputs and images must lie inside it (default: {default})",
           flag="--root", commands=(*ALL_COMMANDS, "clean", "theme"), build_field=False,
           help_for=dict.fromkeys(("clean", "theme"), "the project folder (default: the nearest folder with "
                                  "octavo.toml or content/ at or above the current folder, else the current folder)"),
           shown_default="the nearest folder with octavo.toml or content/ above the inputs, else their own folder"),
    Option("strict", Switch(), False, "treat every warning as an error", flag="--strict", key="strict",
           commands=ALL_COMMANDS),
    Option("error_format", Choice(ERROR_FORMATS, "error format", listed=True, exact=True), "text",
           "text (file:line:col: ...) or github (annotations on a pull request)", flag="--error-format",
           commands=ALL_COMMANDS, build_field=False),
    Option("formats", Formats(FORMATS), ("pdf", "epub"), "comma-separated: {values} (default: {default})",
           flag="--format", key="formats", doc="the outputs to write; html is the document the PDF is typeset from"),
    Option("out", Folder(), Path("dist"), "output folder (default: {default})", flag="--out", key="out",
           commands=("build", "watch", "clean"), help_for={"clean": "remove only what octavo wrote in this folder, and "
                                                           "keep the build cache (default: every output folder's "
                                                           "files and the cache)"}),
    Option("page_size", Size("page size"), "A4", "A4, Letter, A5, B5, 6x9in, royal, 170x240mm, A4 landscape, … "
           "(default: {default})", flag="--page-size", key="page-size", commands=ALL_COMMANDS, metavar="SIZE",
           doc="the page size of the PDF and the HTML; the type size and margins follow from it (Page sizes, below)"),
    Option("booklet", Switch(), False, "also write <slug>.booklet.pdf: pages two-up in saddle-stitch order",
           flag="--booklet", key="booklet", commands=ALL_COMMANDS,
           help_for={"check": "with --preflight, also typeset the booklet and check it"}),
    Option("sheet", Size("sheet"), None,
           "the booklet's paper, a size as for --page-size (default: {default})", flag="--sheet", key="sheet",
           commands=ALL_COMMANDS, metavar="SIZE", shown_default="an office page's own paper, folded (A5 pages on "
           "A4); else the smallest of A4, Letter, Legal, A3, Tabloid that holds two pages side by side",
           doc="the booklet's paper, a size as for --page-size: pages keep their size where two fit side by side, "
           "and an office page (A4, Letter, …) that does not is laid out again at half the sheet"),
    Option("creep", Millimetres(), 0.0, "move the booklet's innermost pages this far toward the fold "
           "(default: {default})", flag="--creep", key="creep", commands=ALL_COMMANDS, metavar="MM"),
    Option("print_ready", Switch(), False, "also write <slug>.print.pdf: PDF/X-4 with 3 mm bleed, for print "
           "services", flag="--print-ready", key="print-ready", commands=ALL_COMMANDS,
           help_for={"check": "with --preflight, also typeset the print-ready PDF and check it"}),
    Option("marks", Choice(MARKS, "kind of printer's marks", listed=True), None,
           "printer's marks on the print-ready PDF", flag="--marks", key="marks", commands=ALL_COMMANDS),
    Option("output_intent", CmykProfile(), None, "the printer's CMYK ICC profile for the print-ready PDF",
           key="output-intent", commands=(), shown_default="sRGB"),
    Option("preflight", Switch(), False, "check the PDFs for print: fonts embedded, images at 200 ppi, page boxes",
           flag="--preflight", key="preflight", commands=ALL_COMMANDS,
           help_for={"check": "also typeset the PDFs as a build would, and check them for print; write nothing"},
           doc="check the PDFs for print: fonts embedded, images at 200 ppi, page boxes; check typesets the PDFs "
           "as a build would and writes nothing"),
    Option("print_for", Choice(PRINT_PROFILES, "print profile", listed=True), None,
           "also write a book's <slug>.interior.pdf and <slug>.cover.pdf as this service asks: {values}",
           flag="--for", key="for", commands=ALL_COMMANDS,
           help_for={"check": "with --preflight, also typeset the book's interior and cover for this service and "
                              "check them"},
           doc="also write a book's <slug>.interior.pdf and <slug>.cover.pdf as this service's guides ask: trim "
           "size, margins and gutter for the page count, cover wrap with spine and barcode (docs/publishing.md)"),
    Option("cover_guides", Switch(), False, "with --for, also write <slug>.cover-guides.png: the cover with its "
           "trim, spine and safe areas drawn", flag="--cover-guides", key="cover-guides", commands=("build", "watch")),
    Option("pdf_variant", Choice(PDF_VARIANTS, "PDF variant"), None, "a PDF standard to follow: {values}",
           flag="--pdf-variant", key="pdf-variant", commands=ALL_COMMANDS, doc="a PDF standard the PDF follows"),
    Option("epub_image_max", Whole(320, 2000, "px"), 1600, "the EPUB's images scaled down to this longest side",
           key="epub-image-max", commands=(), doc="the longest side, in pixels, of every image in the EPUB: a "
           "larger one is scaled down and re-encoded (never enlarged; the PDF keeps the original); at most 2000, "
           "so that no image passes Apple Books' 4 million pixels (docs/epub-stores.md)"),
    Option("epub_image_quality", Whole(40, 95, "JPEG quality"), 85, "the JPEG quality of the EPUB's scaled images",
           key="epub-image-quality", commands=(), doc="the JPEG quality of the EPUB's scaled photographs and cover"),
    Option("epub_size_budget", Whole(1, 650, "MB"), 50, "warn when the EPUB is larger than this",
           key="epub-size-budget", commands=(), doc="warn when an EPUB is larger than this many megabytes: stores "
           "charge delivery by the megabyte, and Kindle takes no file over 650 MB"),
    Option("notes", Choice(NOTES, "kind of notes", listed=True), None,
           "footnotes or endnotes everywhere (default: {default})", flag="--notes", key="notes",
           commands=ALL_COMMANDS, shown_default="as each article or book says"),
    Option("jobs", Count(), _cpus, "inputs built in parallel (default: {default})", flag="--jobs", key="jobs",
           build_field=False, shown_default="the number of CPUs"),
    Option("force", Switch(), False, "rebuild even what is up to date, a book's kept pieces too", flag="--force",
           build_field=False),
    Option("report", File(), None, "write a JSON summary of the build to this file", flag="--report",
           build_field=False),
    Option("verbose", Switch(), False, "say which octavo, WeasyPrint, Pango, fonts and engine hooks a PDF uses, "
           "and the time each stage of each input took", flag="--verbose", build_field=False),
    Option("shard", Text("K/N"), None, "build only the K-th of N stable parts of the inputs (CI)", flag="--shard",
           commands=("build",), build_field=False, metavar="K/N"),
    Option("dry_run", Switch(), False, "list what would be removed; remove nothing", flag="--dry-run",
           commands=("clean",), build_field=False),
)  # fmt: skip
OPTION = {option.name: option for option in OPTIONS}


# Each option's default, for BuildOptions' fields (Any: each is of its own field's type).
DEFAULTS: dict[str, Any] = {option.name: option.default for option in OPTIONS if option.build_field}


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
    """One build's settings; the defaults are the OPTIONS' (the output folder has none: the caller knows it)."""

    out: Path
    root: Path  # the project folder: inputs and images must lie inside it
    formats: tuple[str, ...] = DEFAULTS["formats"]
    page_size: str = DEFAULTS["page_size"]
    strict: bool = DEFAULTS["strict"]
    source_date_epoch: int | None = None  # fixes every timestamp, for byte-identical builds
    booklet: bool = DEFAULTS["booklet"]  # also write <slug>.booklet.pdf
    pdf_variant: str | None = DEFAULTS["pdf_variant"]  # pdf/ua-1, pdf/a-3b, ...
    notes: str | None = DEFAULTS["notes"]  # None: as each article or book says
    sheet: str | None = DEFAULTS["sheet"]  # None: Letter for Letter pages, else A4
    creep: float = DEFAULTS["creep"]  # mm the innermost pages move to the fold
    print_ready: bool = DEFAULTS["print_ready"]  # also write <slug>.print.pdf
    marks: str | None = DEFAULTS["marks"]  # printer's marks on the print-ready PDF
    output_intent: Path | None = DEFAULTS["output_intent"]  # CMYK ICC; None: sRGB
    preflight: bool = DEFAULTS["preflight"]  # check the PDFs made for print
    print_for: str | None = DEFAULTS["print_for"]  # a print service's paperback: interior and cover wrap
    cover_guides: bool = DEFAULTS["cover_guides"]  # also a PNG of the cover wrap with its guides drawn
    epub_image_max: int = DEFAULTS["epub_image_max"]  # px: the EPUB's images' longest side
    epub_image_quality: int = DEFAULTS["epub_image_quality"]  # JPEG quality of the EPUB's scaled images
    epub_size_budget: int = DEFAULTS["epub_size_budget"]  # MB: warn when an EPUB is larger
    theme: ThemeSettings = field(default_factory=ThemeSettings)  # octavo.toml's [theme]
    config: Path | None = None  # the octavo.toml these options were read with, if any
    layout_jobs: int = 1  # processes that lay out the pieces of a book's PDF at once (--jobs)
    keep_pieces: bool = False  # keep a book's laid-out pieces for the next build (.octavo-cache/pieces)
    reuse_pieces: bool = True  # with keep_pieces: take the pieces kept by earlier builds (not with --force)


def build_options(values: Mapping[str, object], root: Path, **others: object) -> BuildOptions:
    """BuildOptions from every option's merged value (optionspec.merge) and what no option gives (`others`)."""
    fields = {option.name: values[option.name] for option in OPTIONS if option.build_field}
    return BuildOptions(root=root, layout_jobs=values["jobs"], **fields, **others)  # type: ignore[arg-type]
