"""Preflight: a PDF made for print read back, and what a print service would refuse said as located warnings."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

from octavo.core.diagnostics import Report
from octavo.core.model import Book, Publication, articles_of
from octavo.core.options import BuildOptions
from octavo.core.printspec import PROFILES

MIN_PPI = 200  # below this, photographs print visibly soft (print services ask for 300, accept 200; --for asks 300)
BOX_SLACK = 0.01  # points: rounding in the boxes' numbers is not a problem


@dataclass(frozen=True)
class Placed:
    """One use of an image on a page: its pixels, the size it is printed at, and its colour space."""

    page: int  # 1-based
    pixels: tuple[int, int]
    points: tuple[float, float]
    colour: str  # "RGB", "CMYK", "Gray" or what the PDF names

    @property
    def ppi(self) -> float:
        return min(self.pixels[0] * 72 / max(self.points[0], 1e-6), self.pixels[1] * 72 / max(self.points[1], 1e-6))


def check(data: bytes, publication: Publication, path: Path, kind: str, options: BuildOptions, *,
          interior_pages: int | None = None) -> Report:  # fmt: skip
    """Every problem a print service would find in this PDF, located in the YAML where it can be; with --for, the
    service's own rules for its interior and cover (`interior_pages`: the interior's count, which sizes the cover)."""
    report = Report()
    reader = PdfReader(io.BytesIO(data))
    name = path.name
    figures = _figures_by_size(publication)

    def warn(where: tuple[Path, int, int] | None, message: str) -> None:
        source, line, column = where or (publication.source, 1, 1)
        report.add(source, line, column, "warning", f"{name}: {message}")

    for font in sorted(unembedded_fonts(reader)):
        warn(None, f"font '{font}' is not embedded")
    profile = PROFILES[options.print_for] if options.print_for and kind in ("interior", "cover") else None
    least = profile.min_ppi if profile is not None else MIN_PPI
    at = getattr(getattr(publication, "print_settings", None), "at", None)  # the book's `print:`, where given
    for message in _profile_problems(data, publication, kind, profile, interior_pages):
        warn((publication.source, *at) if at else None, message)
    cmyk = options.output_intent is not None and kind == "print"
    for use in placed_images(reader):
        found = figures.get(use.pixels, [])
        where = found[0][0] if len(found) == 1 else None
        what = found[0][1] if len(found) == 1 else f"an image of {use.pixels[0]} x {use.pixels[1]} pixels"
        if kind == "cover" and not found:
            what = f"the cover image ({getattr(publication.cover, 'name', 'cover')})"
        if use.ppi < least - 0.5:
            needed = f"{profile.service} asks for at least {least}" if profile else f"at least {least} is needed " \
                "for print"
            warn(where, f"{what} on page {use.page} is {use.ppi:.0f} ppi at its printed size ({needed})")
        if cmyk and use.colour == "RGB":
            warn(where, f"{what} on page {use.page} is RGB in a CMYK job; the printer converts it")
    for number, problem in box_problems(reader):
        warn(None, f"page {number}: {problem}")
    if kind == "booklet" and len(reader.pages) % 4:
        blank = 4 - len(reader.pages) % 4
        warn(None, f"{len(reader.pages)} pages is not a multiple of 4: the booklet ends with "
                   f"{blank} blank page{'s' if blank > 1 else ''}")  # fmt: skip
    return report


def _profile_problems(data: bytes, publication: Publication, kind: str, profile, pages: int | None) -> list[str]:
    """The service's own rules (octavo/pdf/printrules.py) for its interior and its cover."""
    if profile is None or not isinstance(publication, Book):
        return []
    from octavo.pdf import printrules
    from octavo.pdf.coverwrap import Wrap

    settings = publication.print_settings
    if kind == "interior":
        return printrules.interior_problems(data, settings.trim, profile)
    if pages is None:
        return []
    return printrules.cover_problems(data, Wrap(profile, settings.trim, pages, settings.paper), publication.isbn)


def unembedded_fonts(reader: PdfReader) -> set[str]:
    """The names of the fonts used without their font file (Type 3 fonts are drawings, always embedded)."""
    missing: set[str] = set()
    seen: set[int] = set()

    def visit(resources, depth: int = 0) -> None:
        resources = resources.get_object() if resources is not None else {}
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type3":
                continue
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
        for ref in resources.get("/XObject", {}).values():  # forms (drawings, imposed pages) have fonts of their own
            xobject = ref.get_object()
            key = getattr(ref, "idnum", id(xobject))
            if xobject.get("/Subtype") == "/Form" and key not in seen and depth < 8:
                seen.add(key)
                visit(xobject.get("/Resources"), depth + 1)

    for page in reader.pages:
        visit(page.get("/Resources"))
    return missing


def placed_images(reader: PdfReader) -> list[Placed]:
    """Every image drawn on every page, with the size the content stream's matrix gives it.

    Walked by hand because pypdf lists a page's images but not where or how large they are drawn;
    the current transformation matrix, followed through q, Q, cm and form XObjects, says both.
    """
    found: list[Placed] = []
    for number, page in enumerate(reader.pages, start=1):
        _walk(reader, page.get_contents(), page.get("/Resources", {}), (1, 0, 0, 1, 0, 0), number, found, 0)
    return found


def _walk(reader, contents, resources, matrix, page: int, found: list[Placed], depth: int) -> None:
    if contents is None or depth > 8:
        return
    xobjects = resources.get_object().get("/XObject", {}) if resources else {}
    stack = []
    for operands, operator in ContentStream(contents, reader).operations:
        if operator == b"q":
            stack.append(matrix)
        elif operator == b"Q" and stack:
            matrix = stack.pop()
        elif operator == b"cm":
            matrix = _multiply(tuple(float(v) for v in operands), matrix)
        elif operator == b"Do" and operands[0] in xobjects:
            xobject = xobjects[operands[0]].get_object()
            if xobject.get("/Subtype") == "/Image":
                a, b, c, d, _, _ = matrix
                size = (math.hypot(a, b), math.hypot(c, d))
                pixels = (int(xobject["/Width"]), int(xobject["/Height"]))
                found.append(Placed(page, pixels, size, _colour(xobject.get("/ColorSpace"))))
            elif xobject.get("/Subtype") == "/Form":
                inner = tuple(float(v) for v in xobject.get("/Matrix", (1, 0, 0, 1, 0, 0)))
                _walk(reader, xobject, xobject.get("/Resources", resources), _multiply(inner, matrix), page, found,
                      depth + 1)  # fmt: skip


def _multiply(m, n) -> tuple[float, ...]:
    """m × n for PDF matrices [a b c d e f] (PDF 8.3.4)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _colour(space) -> str:
    space = space.get_object() if space is not None else None
    if isinstance(space, list) and space and space[0] == "/ICCBased":
        return {1: "Gray", 3: "RGB", 4: "CMYK"}.get(int(space[1].get_object().get("/N", 0)), "ICC")
    if isinstance(space, list) and space and space[0] == "/Indexed":
        return _colour(space[1])
    return {"/DeviceRGB": "RGB", "/DeviceCMYK": "CMYK", "/DeviceGray": "Gray"}.get(str(space), str(space))


def box_problems(reader: PdfReader) -> list[tuple[int, str]]:
    """Pages whose boxes do not nest: the TrimBox inside the BleedBox inside the MediaBox (PDF 14.11.2)."""
    problems = []
    for number, page in enumerate(reader.pages, start=1):
        media, bleed, trim = (_box(page, key) for key in ("/MediaBox", "/BleedBox", "/TrimBox"))
        for inner, outer, words in ((trim, bleed, "the TrimBox reaches outside the BleedBox"),
                                    (bleed, media, "the BleedBox reaches outside the MediaBox")):  # fmt: skip
            if inner and outer and not _inside(inner, outer):
                problems.append((number, words))
    return problems


def _box(page, key: str) -> tuple[float, float, float, float] | None:
    if key not in page:
        return None
    x1, y1, x2, y2 = (float(v) for v in page[key])
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _inside(inner, outer) -> bool:
    return (inner[0] >= outer[0] - BOX_SLACK and inner[1] >= outer[1] - BOX_SLACK
            and inner[2] <= outer[2] + BOX_SLACK and inner[3] <= outer[3] + BOX_SLACK)  # fmt: skip


def _figures_by_size(publication: Publication) -> dict[tuple[int, int], list[tuple[tuple[Path, int, int], str]]]:
    """The raster figures by pixel size: (where their `image` is written, "Figure 3 (images/x.png)").

    An image in the PDF carries no file name, but keeps its pixels: the size finds its figure, and
    when two figures share a size the warning stays at the article.
    """
    from PIL import Image

    found: dict[tuple[int, int], list] = {}
    for article in articles_of(publication):
        for figure in article.figures:
            if figure.image is None or figure.svg is not None:
                continue
            try:
                with Image.open(figure.image) as image:
                    size = image.size
            except OSError:
                continue
            where = (article.source, *figure.at)
            found.setdefault(size, []).append((where, f"Figure {figure.number} ({figure.image_name})"))
    return found
