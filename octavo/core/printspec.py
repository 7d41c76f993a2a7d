"""Print-on-demand paperbacks as the services specify them: trim sizes, paper, gutters, spine and cover wrap."""

from __future__ import annotations

import re
from dataclasses import dataclass

POINTS = 72.0  # points per inch
MM = 25.4  # millimetres per inch
# `trim` in a book's `print:` mapping: WIDTHxHEIGHT and one unit for both, such as 6x9in, 5.5x8.5in or 148x210mm.
TRIM_TEXT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*[x×]\s*([0-9]+(?:\.[0-9]+)?)\s*(in|mm|cm)\s*$", re.IGNORECASE)
UNITS = {"in": 1.0, "mm": 1 / MM, "cm": 10 / MM}
PAPERS = ("white", "cream", "color")


@dataclass(frozen=True)
class Trim:
    """The size of the book's page once cut, in inches."""

    width: float
    height: float
    name: str  # as the book wrote it, for messages

    @property
    def points(self) -> tuple[float, float]:
        return self.width * POINTS, self.height * POINTS


def parse_trim(text: str) -> Trim:
    """A trim size from `6x9in`, `5.5 x 8.5 in`, `152x229mm`; raises ValueError with a message for the author."""
    found = TRIM_TEXT.match(text)
    if not found:
        raise ValueError(f"'{text}' is not a trim size: write WIDTHxHEIGHT and a unit, such as 6x9in or 148x210mm")
    scale = UNITS[found[3].lower()]
    width, height = float(found[1]) * scale, float(found[2]) * scale
    # KDP's paperbacks run from 4 x 6 in to 8.5 x 11.69 in (custom trims included); IngramSpark's lie inside too.
    if not (4 - 0.005 <= width <= 8.5 + 0.005 and 6 - 0.005 <= height <= 11.69 + 0.005):
        raise ValueError(f"a paperback's trim is 4 to 8.5 in wide and 6 to 11.69 in high; '{text}' is "
                         f"{width:.2f} x {height:.2f} in")  # fmt: skip
    return Trim(width, height, f"{found[1]}x{found[2]}{found[3].lower()}")


DEFAULT_TRIM = Trim(6.0, 9.0, "6x9in")  # the most common US trade paperback


@dataclass(frozen=True)
class PrintSettings:
    """A book's `print:` mapping: its trim size and paper, and where it is written (for located messages)."""

    trim: Trim = DEFAULT_TRIM
    paper: str = "white"
    at: tuple[int, int] | None = None  # line and column of `print:` in the book; None when the book has none


# KDP's inside margin (gutter) by page count ("Set Trim Size, Bleed, and Margins"): the last page count of each band.
GUTTERS = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (None, 0.875))
# Inches of paper per page, by paper (KDP's "Create a Paperback Cover"); IngramSpark's own are not published in
# its guides in this form, so the same figures stand for it (docs/publishing.md).
SPINE_PER_PAGE = {"white": 0.002252, "cream": 0.0025, "color": 0.002347}


@dataclass(frozen=True)
class Profile:
    """One service's paperback: its margins, spine, cover and barcode rules."""

    name: str  # kdp-paperback
    service: str  # KDP
    min_margin: float  # top, bottom and outside, in inches, page numbers included
    barcode: str  # "clear": the service prints its own there; "ean13": the publisher draws the ISBN's
    last_page_blank: bool = False  # the service prints on the last page (IngramSpark: its barcode and date)
    min_ppi: int = 300  # images at their printed size
    cover_bleed: float = 0.125  # on the wrap's four outer edges
    cover_safe: float = 0.25  # text on the cover stays this far inside the trim
    spine_text_pages: int = 79  # the fewest pages whose spine may carry text
    spine_clearance: float = 0.0625  # kept clear each side of the spine's text (the fold may move this much)
    barcode_size: tuple[float, float] = (2.0, 1.2)  # the barcode's area at the back cover's bottom right
    barcode_inset: float = 0.25  # from the back cover's trim edge and from the spine

    def gutter(self, pages: int) -> float:
        """The least inside margin for a book of this many pages: KDP's band, and never under the service's margin."""
        band = next(width for last, width in GUTTERS if last is None or pages <= last)
        return max(band, self.min_margin)

    def spine(self, pages: int, paper: str) -> float:
        """The spine's width in inches."""
        return pages * SPINE_PER_PAGE[paper]

    def wrap(self, trim: Trim, pages: int, paper: str) -> tuple[float, float]:
        """The cover PDF's page in inches: bleed, back, spine, front, bleed across; bleed, trim, bleed down."""
        width = self.cover_bleed + trim.width + self.spine(pages, paper) + trim.width + self.cover_bleed
        return width, trim.height + 2 * self.cover_bleed

    def spine_text(self, pages: int) -> bool:
        """Whether the spine may carry text."""
        return pages >= self.spine_text_pages


PROFILES = {
    # KDP: "Paperback Submission Guidelines", "Set Trim Size, Bleed, and Margins", "Create a Paperback Cover".
    "kdp-paperback": Profile("kdp-paperback", "KDP", min_margin=0.25, barcode="clear"),
    # IngramSpark: "File Creation Guide" and "File Requirements for Print Books" (0.5 in margins, last page blank).
    "ingramspark-paperback": Profile("ingramspark-paperback", "IngramSpark", min_margin=0.5, barcode="ean13",
                                     last_page_blank=True),
}


def isbn13(text: str) -> str:
    """The 13 digits of an ISBN-13 written with or without hyphens and spaces; raises ValueError when the
    text is not one or its check digit is wrong."""
    digits = re.sub(r"[ -]", "", text.strip())
    if not re.fullmatch(r"97[89]([ -]?[0-9]){10}", text.strip()):
        raise ValueError(f"'{text}' is not an ISBN-13: 13 digits starting 978 or 979, hyphens allowed")
    expected = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10
    if int(digits[12]) != expected:
        raise ValueError(f"'{text}' has the check digit {digits[12]}; an ISBN-13 starting {digits[:12]} ends in "
                         f"{expected}")  # fmt: skip
    return digits

