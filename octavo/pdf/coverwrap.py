"""A paperback's cover wrap: back, spine and front on one page with bleed, sized from the interior's page count.

The cover is laid out in HTML and CSS by WeasyPrint, as the interior is: its text is the theme's type, in
vectors. templates/coverwrap.html holds its parts and styles/coverwrap.css their look; this module gives them
their places, which depend on the trim, the paper and the page count (`Wrap`), and makes the EAN-13 barcode.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

from octavo.core.model import Book, Formula
from octavo.core.options import BuildOptions
from octavo.core.printspec import POINTS, Profile, Trim
from octavo.pdf.prepress import PRINT_VARIANT, with_output_intent
from octavo.theme.theme import theme_css, theme_for

SPINE_MARGIN = 0.5  # inches kept clear at each end of the spine's text (head and foot of the book)
SPINE_TYPE = (6.0, 14.0)  # the spine's type in points: no smaller (else no spine text), no larger
EAN_MODULE = 0.013  # inches: one bar module of the EAN-13 at 100 % (0.33 mm)
EAN_HEIGHT = 0.7  # inches: the bars' height


@dataclass(frozen=True)
class Box:
    """A rectangle in inches from the cover PDF's top left corner (the bleed's corner)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def inset(self, by: float) -> Box:
        return Box(self.left + by, self.top + by, self.right - by, self.bottom - by)


@dataclass(frozen=True)
class Wrap:
    """The cover's geometry for a trim, a page count and a paper, as the service's formula gives it."""

    profile: Profile
    trim: Trim
    pages: int
    paper: str

    @property
    def bleed(self) -> float:
        return self.profile.cover_bleed

    @property
    def spine_width(self) -> float:
        return self.profile.spine(self.pages, self.paper)

    @property
    def size(self) -> tuple[float, float]:
        return self.profile.wrap(self.trim, self.pages, self.paper)

    @property
    def trimmed(self) -> Box:
        width, height = self.size
        return Box(self.bleed, self.bleed, width - self.bleed, height - self.bleed)

    @property
    def back(self) -> Box:
        t = self.trimmed
        return Box(t.left, t.top, t.left + self.trim.width, t.bottom)

    @property
    def spine(self) -> Box:
        return Box(self.back.right, self.trimmed.top, self.back.right + self.spine_width, self.trimmed.bottom)

    @property
    def front(self) -> Box:
        return Box(self.spine.right, self.trimmed.top, self.trimmed.right, self.trimmed.bottom)

    @property
    def barcode(self) -> Box:
        """The barcode's area at the back cover's bottom right, inset from the trim and from the spine."""
        width, height = self.profile.barcode_size
        right, bottom = self.back.right - self.profile.barcode_inset, self.back.bottom - self.profile.barcode_inset
        return Box(right - width, bottom - height, right, bottom)

    @property
    def spine_text_area(self) -> Box:
        """Where the spine's text may go: clear of the folds by the service's clearance, and of the book's ends."""
        clear = self.profile.spine_clearance
        s = self.spine
        return Box(s.left + clear, s.top + SPINE_MARGIN, s.right - clear, s.bottom - SPINE_MARGIN)

    def spine_type(self) -> float | None:
        """The spine text's size in points, or None when the spine may not carry text or is too thin to read."""
        if not self.profile.spine_text(self.pages):
            return None
        size = min(SPINE_TYPE[1], self.spine_text_area.width * POINTS / 1.25)
        return round(size, 2) if size >= SPINE_TYPE[0] else None


def spine_words(book: Book) -> list[str]:
    """What the spine says, in order: title, authors (the editors), publisher."""
    return [book.title.plain, ", ".join(book.authors), book.publisher or ""]


def cover_pdf(book: Book, options: BuildOptions, wrap: Wrap) -> bytes:
    """The cover wrap as PDF/X-4: one page of the formula's size, its TrimBox the trimmed wrap, bleed around."""
    from octavo.pdf import writer as pdf

    layout = dataclasses.replace(options, pdf_variant=PRINT_VARIANT)
    document = cover_document(book, options, wrap)
    data, _pages = pdf.render_pdf(with_output_intent(document, options.output_intent), layout)
    return bleed_to_media(data)


def cover_document(book: Book, options: BuildOptions, wrap: Wrap):
    """The cover's HTML and files, as a print document (laid out whole, never in pieces)."""
    from octavo.pdf.finish import file_identifier
    from octavo.pdf.writer import PrintDocument

    theme = theme_for(options)
    folder = f"{book.slug}_files"
    assets: dict[str, object] = {f"{folder}/styles/{name}": path for name, path in theme.files("styles").items()}
    sheets = ["coverwrap.css"]
    theme.find("styles", "coverwrap.css")
    extra, extra_files = theme_css(theme.settings, "print")
    if extra:
        assets[f"{folder}/styles/octavo-theme.css"] = extra.encode("utf-8")
        assets.update({f"{folder}/styles/{name}": path for name, path in extra_files.items()})
        sheets.append("octavo-theme.css")
    assets[f"{folder}/styles/coverwrap-geometry.css"] = geometry_css(wrap, book).encode("utf-8")
    sheets.append("coverwrap-geometry.css")
    cover_src = None
    if book.cover is not None:
        data = book.cover_svg.data if book.cover_svg is not None else book.cover.read_bytes()
        # Named by its bytes: WeasyPrint keeps decoded images by URL for the whole run (watch mode included).
        cover_src = f"{folder}/cover-{hashlib.sha256(data).hexdigest()[:16]}{book.cover.suffix.lower()}"
        assets[cover_src] = data
    barcode_src = None
    if wrap.profile.barcode == "ean13" and book.isbn:
        barcode_src = f"{folder}/barcode-{book.isbn}.svg"
        assets[barcode_src] = ean13_svg(book.isbn)

    def math_src(formula: Formula) -> str:
        data = formula.svg.encode("utf-8")
        url = f"{folder}/math/{hashlib.sha256(data).hexdigest()[:20]}.svg"
        assets[url] = data
        return url

    html = theme.render(
        "coverwrap.html",
        book=book,
        publication=book,
        labels=theme.labels(book.language),
        stylesheets=[f"{folder}/styles/{name}" for name in sheets],
        spine=spine_words(book) if wrap.spine_type() else None,
        cover_src=cover_src,
        barcode_src=barcode_src,
        math_src=math_src,
        epub=False,
    )
    return PrintDocument(html, assets, file_identifier(book), pieces=False)  # type: ignore[arg-type]


def geometry_css(wrap: Wrap, book: Book) -> str:
    """Where each part of the cover goes, in inches from the trimmed wrap's top left corner."""
    b, trim = wrap.bleed, wrap.trimmed
    back, front, code = wrap.back, wrap.front, wrap.barcode
    area, size = wrap.spine_text_area, wrap.spine_type() or SPINE_TYPE[0]

    def place(box: Box) -> str:
        return f"left: {box.left - b:.4f}in; top: {box.top - b:.4f}in; width: {box.width:.4f}in; " \
               f"height: {box.height:.4f}in;"  # fmt: skip

    # The spine's line is laid out across, then turned a quarter clockwise about its centre: it reads top to bottom.
    centre_x, centre_y = (area.left + area.right) / 2 - b, (area.top + area.bottom) / 2 - b
    return f"""/* The cover's geometry for {wrap.pages} pages of {wrap.paper} paper at {wrap.trim.name}
   (octavo/pdf/coverwrap.py); the wrap is {wrap.size[0]:.4f} x {wrap.size[1]:.4f} in with its bleed. */
@page {{ size: {trim.width:.4f}in {trim.height:.4f}in; margin: 0; bleed: {b}in; marks: none; }}
.cover-back {{ {place(back)} }}
.cover-front {{ {place(front)} }}
.cover-image {{ {place(Box(front.left, 0, front.right + b, trim.bottom + b))} }}
.cover-spine {{ left: {centre_x - area.height / 2:.4f}in; top: {centre_y - area.width / 2:.4f}in;
  width: {area.height:.4f}in; height: {area.width:.4f}in; font-size: {size}pt; }}
.barcode {{ {place(code)} }}
.back-text {{ max-height: {code.top - back.top - wrap.profile.cover_safe - 0.5:.4f}in; }}
"""


def ean13_svg(isbn: str) -> bytes:
    """The ISBN's EAN-13 bars as an SVG drawing (python-barcode encodes them), with the quiet zones around."""
    from barcode import ISBN13

    modules = ISBN13(isbn).build()[0]
    quiet = 9  # modules of white at each side, as GS1 asks (11 left and 7 right at the least; 9 both is simpler)
    rects = []
    start = None
    for index, bit in enumerate(modules + "0"):
        if bit == "1" and start is None:
            start = index
        elif bit == "0" and start is not None:
            guard = start < 3 or 45 <= start < 50 or start >= 92  # the guard bars reach lower, as printed
            height = 1.0 if guard else 0.93
            rects.append(f'<rect x="{start + quiet}" y="0" width="{index - start}" height="{height * 100:.0f}"/>')
            start = None
    width = len(modules) + 2 * quiet
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 100" preserveAspectRatio="none" '
            f'width="{width * EAN_MODULE:.4f}in" height="{EAN_HEIGHT}in">'
            f'<rect width="{width}" height="100" fill="#fff"/><g fill="#000">{"".join(rects)}</g></svg>').encode()


def bleed_to_media(data: bytes) -> bytes:
    """The cover with its BleedBox at the media's edges: a cover's bleed is 0.125 in, all of the media beyond the
    trim (the print-ready PDF's finisher keeps 3 mm, which a cover's 3.175 mm passes by a hair)."""
    import io

    import pikepdf

    from octavo.pdf.profiles import save_stable

    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            page.obj.BleedBox = pikepdf.Array([float(v) for v in page.obj.MediaBox])
        return save_stable(document)
