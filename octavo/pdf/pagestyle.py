"""The page rule: a page size's type size, measure, margins and listing width, and the stylesheet written from them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from octavo.core.pagesizes import MM, PageSize, parse

# The measure comes first: a line of running text should hold 55 to 75 characters, 66 at best (Bringhurst, The
# Elements of Typographic Style, 2.1.2). Gentium Book Plus, justified and hyphenated as print.css sets it, holds
# 2.28 characters an em (measured on the samples: 67 characters on a 124 mm line of 12 pt type), so a measure of
# 29.3 em holds about 67 characters, and 26 to 32 em hold 59 to 73.
MEASURE_EM = 29.3
MEASURE_LIMITS_EM = (26.0, 32.0)
# The text block takes 55 to 75 % of the page's width: less looks lost on a wide page, more leaves no margin.
TEXT_SHARE = (0.55, 0.75)
# The type steps with the page: 12 pt on A4 (a sheet read at arm's length) and with the square root of the width
# elsewhere, since a smaller page is held closer but not in proportion: 10 pt on A5, 14.5 pt on A3.
A4_BASE, A4_WIDTH = 12.0, 210 * MM
SMALLEST_BASE = 8.0
# On pages printed on both sides, the margin at the fold takes 36 % of the white beside the text and the outer
# one 64 %: the two inner margins of a spread together are about one outer margin, so that the spread's text
# blocks read as one, as in the classical canons (1:2), with a little more at the fold for the binding.
INNER_SHARE = 0.36
# Top and bottom: a share of the page's shorter side (as all four are in the canons, where every margin is a
# multiple of one unit), the bottom the larger so that the text block sits above the middle; the running head
# stands in the top margin and the folio in the bottom one. A4: 25 and 30 mm.
TOP_SHARE, BOTTOM_SHARE = 1 / 8.4, 1 / 7
# Listings (code-print.css): DejaVu Sans Mono at three quarters of the text size, each character 0.602 em wide,
# in a panel padded 0.7 em each side. They may hang into both margins, up to 60 % of the margin at the fold, to
# hold 80 columns (PEP 8's 79, a terminal's 80) where the page allows, else 72 (PEP 8's docstrings).
CODE_SIZE, CODE_ADVANCE, CODE_PADDING = 0.75, 0.602, 0.7
LISTING_COLUMNS = (80, 72)
HANG_SHARE = 0.6


@dataclass(frozen=True)
class PageLayout:
    """What the rule gives one page size; every length in points."""

    size: PageSize
    base: float  # the text size
    top: float
    bottom: float
    side: float  # an article's left and right margins
    inner: float  # at the fold, on pages printed on both sides (a book's, a booklet's)
    outer: float
    columns: int  # what a listing holds without wrapping a line
    hang: float  # how far a listing reaches into each side margin

    @property
    def measure(self) -> float:
        return self.size.width - 2 * self.side


@cache
def layout(page_size: str) -> PageLayout:
    """The type size, margins and listing width of a page size, from the rule above."""
    size = parse(page_size)
    width = size.width
    base = _base_size(width)
    low, high = TEXT_SHARE
    measure = min(max(MEASURE_EM * base, low * width), high * width)
    measure = min(max(measure, MEASURE_LIMITS_EM[0] * base), MEASURE_LIMITS_EM[1] * base)
    step = 3.6 if size.unit == "in" else MM  # margins in twentieths of an inch, or whole millimetres
    side = _round(max((width - measure) / 2, 0), step)
    inner = _round(INNER_SHARE * 2 * side, step)
    shorter = min(size.width, size.height)
    top, bottom = _round(TOP_SHARE * shorter, step), _round(BOTTOM_SHARE * shorter, step)
    columns, hang = _listing(base, width - 2 * side, HANG_SHARE * inner)
    return PageLayout(size, base, top, bottom, side, inner, 2 * side - inner, columns, hang)


def _base_size(width: float) -> float:
    """The text size for a page this wide, to the half point."""
    base = round(2 * A4_BASE * math.sqrt(width / A4_WIDTH)) / 2
    narrow = math.floor(2 * TEXT_SHARE[1] * width / MEASURE_LIMITS_EM[0]) / 2  # 26 em within 75 % of the width
    wide = math.ceil(2 * TEXT_SHARE[0] * width / MEASURE_LIMITS_EM[1]) / 2  # 32 em across 55 % of it
    return max(min(max(base, wide), narrow), SMALLEST_BASE)


def _round(length: float, step: float) -> float:
    return round(length / step) * step


def _listing(base: float, measure: float, most: float) -> tuple[int, float]:
    """(Columns, hang): the most columns of LISTING_COLUMNS that a hang of at most `most` holds; on a page too
    small for the fewest, the whole hang and what it holds."""
    code = CODE_SIZE * base
    for wanted in LISTING_COLUMNS:
        # Half a column to spare: a line that fills the panel exactly must not wrap for a rounding.
        needed = (wanted + 0.5) * CODE_ADVANCE * code + 2 * CODE_PADDING * code
        if (needed - measure) / 2 <= most:
            return wanted, min(_half_mm(max((needed - measure) / 2, 0.0)), most)
    hang = math.floor(most / (MM / 2)) * (MM / 2)
    return math.floor((measure + 2 * hang - 2 * CODE_PADDING * code) / (CODE_ADVANCE * code) - 0.5), hang


def _half_mm(length: float) -> float:
    """A length to the half millimetre above."""
    return math.ceil(length / (MM / 2) - 1e-9) * (MM / 2)


def stylesheet_name(page_size: str) -> str:
    """The page stylesheet's file name: page-a4.css, page-6x9in.css, page-a4-landscape.css."""
    return f"page-{parse(page_size).slug}.css"


def page_css(page_size: str) -> str:
    """The page stylesheet of a size: its @page rules and text size, with the reasons in a comment."""
    rule = layout(page_size)
    size = rule.size
    unit = "in" if size.unit == "in" else "mm"

    def length(points: float) -> str:
        return f"{round(points / (72.0 if unit == 'in' else MM), 3):g}{unit}"

    top, bottom, side, inner, outer = (length(v) for v in (rule.top, rule.bottom, rule.side, rule.inner, rule.outer))
    characters = round(rule.measure / rule.base * 2.28)
    return (
        f"/* --page-size {size.name}: {size.described()}, as octavo's page rule sets it (docs/using-octavo.md,\n"
        f"   \"Page sizes\", and octavo/pdf/pagestyle.py): {rule.base:g} pt type on a {length(rule.measure)} "
        f"measure,\n   about {characters} characters a line; an article's margins {side} each side, on pages "
        f"printed on both\n   sides {inner} at the fold and {outer} outside; {top} at the top, {bottom} at the "
        f"bottom. Listings hang\n   {round(rule.hang / MM, 1):g} mm into both margins and hold {rule.columns} "
        "columns. octavo.toml's [theme] base-size and margins\n   replace these values; a project's own "
        f"styles/{stylesheet_name(page_size)} replaces this file. */\n"
        f"@page {{ size: {size.css}; margin: var(--octavo-margins, {top} {side} {bottom}); }}\n"
        f"@page book:left, chapter:left, duplex:left {{ margin: var(--octavo-margins, {top} {inner} {bottom} "
        f"{outer}); }}\n"
        f"@page book:right, chapter:right, duplex:right {{ margin: var(--octavo-margins, {top} {outer} {bottom} "
        f"{inner}); }}\n"
        f"html {{ font-size: var(--octavo-base-size, {rule.base:g}pt); "
        f"--octavo-listing-hang: {round(rule.hang / MM, 1):g}mm; }}\n"
    )
