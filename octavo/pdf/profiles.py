"""A book's interior for a print service's paperback (`--for`): trim-size pages, no marks, margins from the page count.

The inside margin (the gutter) a service asks for grows with the page count, which is known only once the book
is laid out: the book is laid out with the gutter of its smallest band, counted, and laid out again with a wider
gutter while its final count asks for one. A wider gutter is never wrong for fewer pages, so the loop only
widens it and ends after at most one layout per band.
"""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass

from octavo.core.model import Book
from octavo.core.options import BuildOptions
from octavo.core.printspec import POINTS, Profile, Trim
from octavo.pdf.pagestyle import layout
from octavo.pdf.prepress import PRINT_VARIANT, with_output_intent, with_stylesheets

HEAD_ROOM = 0.4  # inches of the top and bottom margins that the running head and the folio take, past the minimum
# Inches added to the service's least gutter: a justified line's first glyph may overhang its start (a j, a
# quotation mark), and the services allow the pages to shift by 1/16 in when they are trimmed and bound.
GUTTER_ALLOWANCE = 0.0625


@dataclass(frozen=True)
class Margins:
    """A page's margins in inches; `inside` is the gutter's side."""

    top: float
    bottom: float
    outside: float
    inside: float


@dataclass(frozen=True)
class Interior:
    """The interior PDF as the service gets it, and how it was laid out."""

    data: bytes
    pages: int  # with the blank pages added at the end
    margins: Margins
    added: int  # blank pages added at the end: an even count, a blank last page where the service prints on it
    layouts: int  # how many times the book was laid out


def margins_for(profile: Profile, trim: Trim, pages: int, theme_margins: str | None = None) -> Margins:
    """The margins of a book of `pages` pages: octavo's page rule for the trim (octavo/pdf/pagestyle.py), widened
    to the service's minimums, with room for the running head and the folio, the gutter of the page count's band,
    and octavo.toml's [theme] margins where they are larger."""
    rule = layout(trim.name)
    top = max(rule.top / POINTS, profile.min_margin + HEAD_ROOM)
    bottom = max(rule.bottom / POINTS, profile.min_margin + HEAD_ROOM)
    inside = max(rule.inner / POINTS, profile.gutter(pages) + GUTTER_ALLOWANCE)
    outside = max(rule.outer / POINTS, profile.min_margin)
    theme = theme_lengths(theme_margins) if theme_margins else None
    if theme is not None:  # top, right, bottom, left: a side's larger value outside, its smaller inside
        top, bottom = max(top, theme[0]), max(bottom, theme[2])
        outside, inside = max(outside, theme[1], theme[3]), max(inside, min(theme[1], theme[3]))
    return Margins(*(round(value, 4) for value in (top, bottom, outside, inside)))


LENGTH = re.compile(r"^(-?[0-9.]+)(mm|cm|in|pt|pc|px)$")
PER_INCH = {"mm": 25.4, "cm": 2.54, "in": 1.0, "pt": 72.0, "pc": 6.0, "px": 96.0}


def theme_lengths(text: str) -> tuple[float, float, float, float] | None:
    """[theme] margins (one to four CSS lengths) as top, right, bottom, left in inches; None when not all are
    absolute lengths (a percentage or an em says nothing in inches)."""
    values = []
    for part in text.split():
        found = LENGTH.match(part.lower())
        if not found:
            return None
        values.append(float(found[1]) / PER_INCH[found[2]])
    if not 1 <= len(values) <= 4:
        return None
    top, right, bottom, left = (values * 4)[:4] if len(values) == 1 else _four(values)
    return top, right, bottom, left


def _four(values: list[float]) -> tuple[float, float, float, float]:
    if len(values) == 2:
        return values[0], values[1], values[0], values[1]
    if len(values) == 3:
        return values[0], values[1], values[2], values[1]
    return values[0], values[1], values[2], values[3]


def trim_css(profile: Profile, trim: Trim, margins: Margins) -> str:
    """The stylesheet of the paperback's pages: the trim, no bleed and no marks, mirrored margins, the running
    head and folio held toward the text so that they stay inside the service's margins."""
    m = margins
    even = max(m.outside, m.inside)  # a page that is neither left nor right (the title page): safe either way
    return f"""/* Made for --for {profile.name}: {trim.name} pages, no bleed, no marks; the inside margin is the
   gutter for the book's page count. */
@page {{ size: {trim.width}in {trim.height}in; bleed: 0; marks: none;
  margin: {m.top}in {even}in {m.bottom}in {even}in; }}
@page book:left, chapter:left, duplex:left {{ margin: {m.top}in {m.inside}in {m.bottom}in {m.outside}in; }}
@page book:right, chapter:right, duplex:right {{ margin: {m.top}in {m.outside}in {m.bottom}in {m.inside}in; }}
@page {{
  @top-left {{ vertical-align: bottom; padding-bottom: 14pt; }}
  @top-right {{ vertical-align: bottom; padding-bottom: 14pt; }}
  @bottom-center {{ vertical-align: top; padding-top: 14pt; }}
}}
html {{ --octavo-listing-hang: 0mm; }} /* a listing hanging into the margins would take the gutter */
"""


def interior_pdf(book: Book, options: BuildOptions, profile: Profile) -> Interior:
    """The interior: laid out at the trim, again while the page count asks for a wider gutter; blank pages
    added at the end for an even count (and a blank last page where the service wants one)."""
    from octavo.pdf import writer as pdf

    trim = book.print_settings.trim
    settings = dataclasses.replace(options, pdf_variant=PRINT_VARIANT, page_size=trim.name)
    base = pdf.print_html(book, settings)
    folder = next(url.rsplit("/", 1)[0] for url in base.assets if url.endswith("/styles/print.css"))
    pages, layouts = 0, 0
    while True:
        margins = margins_for(profile, trim, pages, options.theme.margins)
        css = trim_css(profile, trim, margins).encode("utf-8")
        document = dataclasses.replace(base, assets={**base.assets, f"{folder}/paperback.css": css})
        document = with_output_intent(with_stylesheets(document, ["duplex.css", "paperback.css"]),
                                      options.output_intent)  # fmt: skip
        data, count = pdf.render_pdf(document, settings)
        layouts += 1
        added = blank_pages_needed(count, profile)
        if margins_for(profile, trim, count + added, options.theme.margins).inside <= margins.inside + 1e-9:
            break
        pages = count + added  # the band this count falls in asks for a wider gutter: lay out again
    if added:
        data = add_blank_pages(data, added)
    return Interior(data, count + added, margins, added, layouts)


def blank_pages_needed(pages: int, profile: Profile) -> int:
    """Pages to add at the end: one for an odd count; and where the service prints on the last page, enough that it
    is blank (the last laid-out page may carry text, so two for an even count)."""
    if profile.last_page_blank:
        return 1 if pages % 2 else 2
    return pages % 2


def add_blank_pages(data: bytes, count: int) -> bytes:
    """The PDF with `count` blank pages at its end, each with the last page's boxes; the same bytes every build."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as document:
        last = document.pages[-1].obj
        for _ in range(count):
            document.add_blank_page(page_size=(float(last.MediaBox[2]), float(last.MediaBox[3])))
            blank = document.pages[-1].obj
            for box in ("/MediaBox", "/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
                if box in last:
                    blank[box] = pikepdf.Array([float(v) for v in last[box]])
        return save_stable(document)


def save_stable(document) -> bytes:
    """A pikepdf document's bytes: its /ID's first half kept (it names the publication), the second made from the
    contents, so that the same sources give the same bytes."""
    import pikepdf

    out = io.BytesIO()
    document.save(out, min_version=document.pdf_version, object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                  deterministic_id=True)  # fmt: skip
    return out.getvalue()
