"""Layout metrics read from a PDF's character boxes with pypdfium2: lines, measure, empty space, running heads."""

from __future__ import annotations

import ctypes
import statistics
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# The running head and the folio sit in the page's top and bottom margins; the text block lies between.
HEAD_ZONE = 0.075  # of the page's height, measured from the top
FOLIO_ZONE = 0.075  # from the bottom


@dataclass(frozen=True)
class Line:
    """One line of text: the characters that share a baseline, left to right."""

    text: str
    left: float
    right: float
    baseline: float
    size: float  # the most common font size of its characters
    chars: tuple[tuple[str, float, float], ...] = ()  # each character with its left and right edge

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def words(self) -> list[tuple[str, float, float]]:
        """The line's words (runs of characters between spaces), each with its left and right edge."""
        words: list[tuple[str, float, float]] = []
        for char, left, right in self.chars:
            if char.isspace():
                words.append(("", left, left))
            elif words and words[-1][0]:
                text, start, _ = words[-1]
                words[-1] = (text + char, start, right)
            else:
                words.append((char, left, right))
        return [word for word in words if word[0]]


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: tuple[Line, ...]  # every line, the margins' too, top to bottom
    content_top: float  # the highest and lowest ink in the text block (text, images, rules), in PDF points
    content_bottom: float

    @property
    def body(self) -> tuple[Line, ...]:
        """The lines of the text block: not the running head, not the folio."""
        return tuple(line for line in self.lines if self.in_block(line.baseline))

    @property
    def head(self) -> str:
        """The running head: the text in the top margin."""
        return " ".join(line.text for line in self.lines if line.baseline > self.height * (1 - HEAD_ZONE)).strip()

    @property
    def folio(self) -> str:
        return " ".join(line.text for line in self.lines if line.baseline < self.height * FOLIO_ZONE).strip()

    def in_block(self, y: float) -> bool:
        return self.height * FOLIO_ZONE <= y <= self.height * (1 - HEAD_ZONE)


def read_pages(path: Path) -> list[Page]:
    """Every page of a PDF as lines of text and the extent of its ink."""
    document = pdfium.PdfDocument(str(path))
    try:
        return [_read_page(document[index], index + 1) for index in range(len(document))]
    finally:
        document.close()


def _read_page(page, number: int) -> Page:
    width, height = page.get_size()
    text = page.get_textpage()
    rows: dict[float, list[tuple[float, float, str, float]]] = {}
    x, y = ctypes.c_double(), ctypes.c_double()
    for index in range(text.count_chars()):
        char = text.get_text_range(index, 1)
        # Justified lines are drawn word by word, so pdfium generates the spaces between words: they count.
        if not char or char in "\r\n\x02" or (pdfium_c.FPDFText_IsGenerated(text, index) == 1 and char != " "):
            continue
        pdfium_c.FPDFText_GetCharOrigin(text, index, x, y)
        left, _, right, _ = text.get_charbox(index)
        size = round(pdfium_c.FPDFText_GetFontSize(text, index), 1)
        # Superscripts sit a few points above the baseline: round to a grid coarse enough to keep them on their line.
        key = _row_key(rows, y.value)
        rows.setdefault(key, []).append((left, right, char, size))
    lines = []
    for baseline, chars in sorted(rows.items(), key=lambda item: -item[0]):
        chars.sort()
        while chars and chars[-1][2] == " ":  # a space that ends a line is not on it
            chars.pop()
        if not chars:
            continue
        lines.append(Line("".join(c[2] for c in chars), chars[0][0], max(c[1] for c in chars), baseline,
                          statistics.mode(c[3] for c in chars), tuple((c[2], c[0], c[1]) for c in chars)))  # fmt: skip
    top, bottom = _ink_extent(page, height)
    return Page(number, width, height, tuple(lines), top, bottom)


def _row_key(rows: dict[float, list], y: float) -> float:
    for key in rows:
        if abs(key - y) < 3.5:
            return key
    return y


def _ink_extent(page, height: float) -> tuple[float, float]:
    """The top and bottom of everything drawn in the text block (text, images, rules, frames)."""
    top, bottom = 0.0, height
    for obj in page.get_objects(max_depth=2):
        try:
            _, low, _, high = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        if high - low > height * 0.9:  # a page-sized frame or background is not content
            continue
        if low < height * FOLIO_ZONE or high > height * (1 - HEAD_ZONE):
            continue
        top, bottom = max(top, high), min(bottom, low)
    return top, bottom


def body_size(pages: list[Page]) -> float:
    """The font size of the running text: the size most characters of the text block have."""
    sizes = [line.size for page in pages for line in page.body for _ in line.text]
    return statistics.mode(sizes)


def full_lines(pages: list[Page]) -> list[Line]:
    """Body-size lines that fill the measure: the lines of justified paragraphs that are not their last."""
    size = body_size(pages)
    lines = [line for page in pages for line in page.body if line.size == size]
    measure = max((line.width for line in lines), default=0)
    return [line for line in lines if line.width >= 0.97 * measure]


def characters_per_line(pages: list[Page]) -> float:
    """The median count of characters (spaces included) in a full line of running text."""
    return statistics.median(len(line.text) for line in full_lines(pages))


def emptiness(pages: list[Page]) -> list[float]:
    """How much of each page's text block is left white below its last ink, from 0 (full) to 1 (blank).

    The text block is taken from the document itself: the highest and the lowest ink of any page.
    """
    inked = [p for p in pages if p.content_bottom < p.content_top]
    if not inked:
        return [1.0 for _ in pages]
    top = max(p.content_top for p in inked)
    bottom = min(p.content_bottom for p in inked)
    return [1.0 if p not in inked else (p.content_bottom - bottom) / (top - bottom) for p in pages]


# -- running heads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """Where a running head's string changes: at the anchor `anchor`, as print.css's string-set says."""

    anchor: str
    article: str | None = None  # sets the left-hand page's head (the article's title)
    section: str | None = None  # sets the right-hand page's head (the section in force)
    opens: bool = False  # an article or chapter opens here: its page has no head


def expected_heads(path: Path, pages: list[Page], marks: list[Mark]) -> list[str]:
    """The head each page should carry: none where an article opens or on a blank page; on a left-hand
    (even) page the article's title, the first set on the page or else the one in force; on a right-hand
    (odd) page the section in force where the page starts, that is the one whose heading opens the page,
    else the last one set before it."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    placed = []  # (page index, top of the anchor, mark)
    for mark in marks:
        destination = reader.named_destinations[mark.anchor]
        placed.append((reader.get_destination_page_number(destination), float(destination.top or 0), mark))
    heads = []
    article = section = ""
    for index, page in enumerate(pages):
        here = [(top, mark) for at, top, mark in placed if at == index]
        first_line = page.body[0].baseline if page.body else 0.0
        opening = [m for top, m in here if m.section is not None and top >= first_line]
        article_here = [m.article for _, m in here if m.article is not None]
        if any(m.opens for _, m in here) or not page.body:
            heads.append("")
        elif (index + 1) % 2 == 0:
            heads.append(article_here[0] if article_here else article)
        else:
            heads.append(opening[0].section if opening else section)
        for _, mark in here:
            article = mark.article if mark.article is not None else article
            section = mark.section if mark.section is not None else section
    return heads
