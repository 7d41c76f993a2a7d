"""Page and sheet sizes: named (A4, Letter, royal) or measured (6x9in, 170x240mm), maybe landscape; booklet sheets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

MM = 72 / 25.4
UNITS = {"mm": MM, "cm": 10 * MM, "in": 72.0, "inch": 72.0, "inches": 72.0, "pt": 1.0}


@dataclass(frozen=True)
class PageSize:
    """One size, portrait or landscape, with the name octavo writes it by."""

    name: str  # "A4", "A4 landscape", "6x9in", "170x240mm": parse(name) gives this size again
    width: float  # in points
    height: float
    unit: str  # what it is measured in: "mm" or "in" (margins are rounded to it), "cm" or "pt"
    paper: bool = False  # an office paper (A series, Letter, Legal, Tabloid), which a booklet may fold in half

    @property
    def slug(self) -> str:
        """The name in a file name: "a4-landscape", "6x9in"."""
        return self.name.lower().replace(" ", "-")

    @property
    def css(self) -> str:
        """The size as CSS's @page size writes it, in its own unit: "210mm 297mm", "6in 9in"."""
        unit = "mm" if self.unit == "cm" else self.unit
        return f"{_number(self.width / UNITS[unit])}{unit} {_number(self.height / UNITS[unit])}{unit}"

    @property
    def inches(self) -> bool:
        """Measured in inches (or points): American sheets come first for its booklet."""
        return self.unit in ("in", "pt")

    def described(self) -> str:
        """The size in words for a message: "6 × 9 in", "176 × 250 mm"."""
        unit = "in" if self.inches else "mm"
        return f"{_number(self.width / UNITS[unit])} × {_number(self.height / UNITS[unit])} {unit}"


# Named sizes, portrait, in their own unit. The A series and B5 are ISO 216; royal and demy octavo are the
# British book sizes (156 × 234 and 138 × 216 mm) as printers trim them today.
NAMED = {
    "A3": (297, 420, "mm", True), "A4": (210, 297, "mm", True), "A5": (148, 210, "mm", True),
    "A6": (105, 148, "mm", True), "B5": (176, 250, "mm", False), "Letter": (8.5, 11, "in", True),
    "Legal": (8.5, 14, "in", True), "Tabloid": (11, 17, "in", True), "royal": (156, 234, "mm", False),
    "demy": (138, 216, "mm", False),
}  # fmt: skip
# The trade book sizes of American printers, written as measured sizes are.
TRADE = ("5x8in", "5.25x8in", "5.5x8.5in", "6x9in", "7x10in")
# The sheets a booklet is printed on unless --sheet names one: office and copy-shop papers, smallest first.
SHEETS = ("A4", "Letter", "Legal", "A3", "Tabloid")
LIMITS = (100 * MM, 1200 * MM)  # each side of a page: pocket-sized to a poster
MEASURED = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*([a-z]+)")
TURNED = re.compile(r"(.*?)[\s_-]+(landscape|portrait)", re.IGNORECASE)


class SizeError(ValueError):
    """A size octavo cannot read or use; the message says what would do."""


def names() -> tuple[str, ...]:
    """Every size known by name, the trade sizes with them: for messages and the docs."""
    return (*NAMED, *TRADE)


def choices_text() -> str:
    """The sizes in words: what a message and the docs offer."""
    return (f"{', '.join(NAMED)}, a trade size ({', '.join(TRADE)}) or WIDTHxHEIGHT with a unit "
            "(170x240mm, 15x23cm, 432x648pt); add landscape to turn it")  # fmt: skip


@cache
def parse(text: str, what: str = "page size") -> PageSize:
    """The size `text` names, in any case: "A4", "a4-landscape", "6 x 9 in", "170x240mm"; raises SizeError."""
    written = " ".join(text.split())
    turned = TURNED.fullmatch(written)
    base, turn = (turned[1], turned[2].lower()) if turned else (written, None)
    size = _named(base) or _measured(base, written, what)
    if size is None:
        hint = _suggestion(base)
        raise SizeError(f"unknown {what} '{text}'{hint} (choose {choices_text()})")
    landscape = size.width > size.height
    if turn is None or (turn == "landscape") == landscape:
        return size
    name = f"{size.name} landscape" if turn == "landscape" else _measured_name(size.height, size.width, size.unit)
    return PageSize(name, size.height, size.width, size.unit, size.paper and turn == "landscape")


def _named(base: str) -> PageSize | None:
    for name, (width, height, unit, paper) in NAMED.items():
        if base.lower() == name.lower():
            return PageSize(name, width * UNITS[unit], height * UNITS[unit], unit, paper)
    return None


def _measured(base: str, written: str, what: str) -> PageSize | None:
    """A size written WIDTHxHEIGHT with a unit; None when it is not written so (then it is an unknown name)."""
    match = MEASURED.fullmatch(base.lower())
    if match is None:
        if re.fullmatch(r"\d+(?:\.\d+)?\s*[x×*]\s*\d+(?:\.\d+)?", base):
            raise SizeError(f"the {what} '{written}' needs a unit: {base.replace(' ', '')}in or "
                            f"{base.replace(' ', '')}mm, say")  # fmt: skip
        return None
    first_unit, unit = match[2], match[4]
    if first_unit in UNITS and unit in UNITS and UNITS[first_unit] != UNITS[unit]:
        raise SizeError(f"the {what} '{written}' has two units: write one after both numbers, as in 6x9in or "
                        "170x240mm")  # fmt: skip
    if unit not in UNITS or (first_unit and first_unit not in UNITS):
        raise SizeError(f"the {what} '{written}' has no unit octavo knows: write mm, cm, in or pt after the "
                        "numbers, as in 6x9in or 170x240mm")  # fmt: skip
    unit = "in" if UNITS[unit] == 72.0 else unit
    width, height = float(match[1]) * UNITS[unit], float(match[3]) * UNITS[unit]
    low, high = LIMITS
    if not (low <= width <= high and low <= height <= high):
        raise SizeError(f"the {what} '{written}' is {_number(width / MM)} × {_number(height / MM)} mm: each side "
                        f"must be {_number(low / MM)} to {_number(high / MM)} mm")  # fmt: skip
    return PageSize(_measured_name(width, height, unit), width, height, unit)


def _measured_name(width: float, height: float, unit: str) -> str:
    return f"{_number(width / UNITS[unit])}x{_number(height / UNITS[unit])}{unit}"


def _number(value: float) -> str:
    """A measure as written: 6, 5.25, 176, 152.4; never 6.0 or 152.39999."""
    return f"{round(value, 3):g}"


def _suggestion(base: str) -> str:
    import difflib  # here: only a mistake needs it

    known = {name.lower(): name for name in names()}
    close = difflib.get_close_matches(base.lower().replace(" ", ""), tuple(known), n=1, cutoff=0.6)
    return f" (did you mean '{known[close[0]]}'?)" if close else ""


# -- booklets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booklet:
    """How a booklet is made: the sheet it is printed on (portrait; its sides lie across it) and its pages."""

    sheet: PageSize
    page: PageSize  # the publication's own page, or half the sheet when an office page is folded
    folded: bool  # the page is half the sheet: the publication is laid out again at that size


def two_fit(page: PageSize, sheet: PageSize) -> bool:
    """Whether two pages side by side fit on the sheet laid across (within a hundredth of a millimetre)."""
    across, high = max(sheet.width, sheet.height), min(sheet.width, sheet.height)
    return 2 * page.width <= across + 0.03 and page.height <= high + 0.03


def half_of(sheet: PageSize) -> PageSize:
    """Half the sheet, portrait: A4 of A3, A5 of A4, 5.5 × 8.5 in of Letter; named when it has a name."""
    width, height = max(sheet.width, sheet.height) / 2, min(sheet.width, sheet.height)
    for name in NAMED:
        named = parse(name)
        if abs(named.width - width) < MM and abs(named.height - height) < MM:  # A4's half is A5, 148 mm wide
            return named
    return PageSize(_measured_name(width, height, sheet.unit), width, height, sheet.unit, sheet.paper)


def booklet(page_size: str, sheet: str | None) -> Booklet:
    """The sheet and the pages of a booklet of `page_size` pages (--sheet `sheet`, or the one that fits).

    Pages keep their size wherever two of them fit across the sheet (A5 on A4, 6 × 9 in on Tabloid). An
    office page (A4, Letter, …) that does not fit is folded: the booklet is laid out again at half the
    sheet, A5 pages on A4 paper, as an office booklet is made. A book size (B5, 6x9in) is never changed: a
    sheet too small for two of its pages is refused, and so is a page no standard sheet holds two of.
    """
    page = parse(page_size)
    if sheet is not None:
        given = parse(sheet, "sheet")
        if two_fit(page, given):
            return Booklet(given, page, False)
        half = half_of(given)
        low, high = LIMITS
        if page.paper and page.height > page.width and low <= half.width and half.height <= high:
            return Booklet(given, half, True)  # an office page, upright: laid out again at half the sheet
        raise SizeError(f"two {page.name} pages ({page.described()}) do not fit side by side on the sheet, "
                        f"{given.name} ({given.described()}); {_wanted(page)}")  # fmt: skip
    if page.paper and page.name in SHEETS:  # the office page: fold its own paper (A4 → A5 pages on A4)
        return Booklet(page, half_of(page), True)
    order = sorted(SHEETS, key=lambda name: parse(name).inches != page.inches)  # the page's own family first
    for name in order:
        if two_fit(page, parse(name)):
            return Booklet(parse(name), page, False)
    raise SizeError(f"no standard sheet ({', '.join(SHEETS)}) holds two {page.name} pages side by side; "
                    f"{_wanted(page)}")  # fmt: skip


def _wanted(page: PageSize) -> str:
    unit = "in" if page.inches else "mm"
    width, height = _number(2 * page.width / UNITS[unit]), _number(page.height / UNITS[unit])
    return f"give --sheet a sheet of at least {width}x{height}{unit}"


def booklet_problem(page_size: str, sheet: str | None) -> str | None:
    """Why no booklet can be made of these pages on this sheet, or None when one can."""
    try:
        booklet(page_size, sheet)
    except SizeError as exc:
        return str(exc)
    return None
