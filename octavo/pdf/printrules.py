"""Preflight for a print service's paperback (`--for`): the interior's and the cover's own rules, read from the PDF.

What is drawn where is read with PDFium (pypdfium2): every text, image and drawing on a page with its bounds,
so that a margin is measured as the service's checker measures it, from the trim to the nearest mark on the page,
running heads and folios included.
"""

from __future__ import annotations

from collections.abc import Iterator

from octavo.core.printspec import POINTS, Profile, Trim
from octavo.pdf.coverwrap import Box, Wrap

SLACK = 0.01  # inches: what the boxes' rounding and PDFium's bounds may differ by
MARGIN_SLACK = 0.5 / POINTS  # half a point: a glyph's bounds are its font's, a hair wider than its ink
SHOWN = 6  # pages named in a message; the rest are counted


def interior_problems(data: bytes, trim: Trim, profile: Profile) -> list[str]:
    """What the service would refuse in the interior: page size, marks, margins, gutter, page count."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        pages = len(document)
        gutter = profile.gutter(pages)
        found: list[str] = []
        wrong_size, beyond, narrow = [], [], {"inside": [], "outside": [], "top": [], "bottom": []}
        for index in range(pages):
            page = document[index]
            media, trimbox = _box(page.get_mediabox()), _box(page.get_trimbox())
            if abs(trimbox.width - trim.width) > SLACK or abs(trimbox.height - trim.height) > SLACK:
                wrong_size.append((index + 1, trimbox))
            if media.width - trimbox.width > SLACK or media.height - trimbox.height > SLACK:
                beyond.append(index + 1)
            drawn = _bounds(page, trimbox)
            if drawn is None:
                continue
            recto = index % 2 == 0  # page 1 is a right-hand page: its inside edge is its left
            inside, outside = (drawn.left, drawn.right) if recto else (drawn.right, drawn.left)
            for side, clear, least in (("inside", inside, gutter), ("outside", outside, profile.min_margin),
                                       ("top", drawn.top, profile.min_margin),
                                       ("bottom", drawn.bottom, profile.min_margin)):  # fmt: skip
                if clear < least - MARGIN_SLACK:
                    narrow[side].append((index + 1, clear))
        for number, box in wrong_size[:1]:
            found.append(f"page {number} is {box.width:.3f} x {box.height:.3f} in, not the trim {trim.width:g} x "
                         f"{trim.height:g} in{_more(wrong_size)}")  # fmt: skip
        if beyond:
            found.append(f"pages {_pages(beyond)} reach beyond the trim (bleed or printer's marks): {profile.service} "
                         "wants the interior at its trim size, with no crop or trim marks")  # fmt: skip
        for side, where in narrow.items():
            if where:
                least = gutter if side == "inside" else profile.min_margin
                why = f" for {pages} pages" if side == "inside" else ""
                found.append(f"the {side} margin is {min(c for _, c in where):.3f} in on pages "
                             f"{_pages([n for n, _ in where])}; {profile.service} asks for at least {least:g} in{why}")
        if pages % 2:
            found.append(f"{pages} pages is an odd count: a paperback's pages are printed on both sides of each leaf")
        if profile.last_page_blank and pages and _bounds(document[pages - 1], _box(document[pages - 1].get_trimbox())):
            found.append(f"the last page is not blank: {profile.service} prints on it")
        return found
    finally:
        document.close()


def cover_problems(data: bytes, wrap: Wrap, isbn: str | None) -> list[str]:
    """What the service would refuse in the cover: its size, the spine's text, the barcode's area, the safe areas."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        found: list[str] = []
        page = document[0]
        media = _box(page.get_mediabox())
        width, height = wrap.size
        if abs(media.width - width) > SLACK or abs(media.height - height) > SLACK:
            found.append(f"the cover is {media.width:.3f} x {media.height:.3f} in; for {wrap.pages} pages of "
                         f"{wrap.paper} paper it is {width:.3f} x {height:.3f} in (0.125 in bleed, trim "
                         f"{wrap.trim.width:g} in, spine {wrap.spine_width:.3f} in, trim, bleed)")  # fmt: skip
            return found  # every other place is measured from the formula's size
        top = media.bottom  # the media's top edge (a PDF box's y runs up; a cover Box's down from the top)
        spine_text, unsafe = [], 0
        for left, bottom, right, upper in _text_boxes(page):
            box = Box(left - media.left, top - upper, right - media.left, top - bottom)
            if _overlaps(box, wrap.spine):
                spine_text.append(box)
            elif not any(_inside(box, panel.inset(wrap.profile.cover_safe)) for panel in (wrap.back, wrap.front)):
                unsafe += 1
        if spine_text and not wrap.profile.spine_text(wrap.pages):
            found.append(f"the spine carries text on a book of {wrap.pages} pages; {wrap.profile.service} allows it "
                         f"from {wrap.profile.spine_text_pages} pages")  # fmt: skip
        elif any(not _inside(box, wrap.spine_text_area) for box in spine_text):
            found.append(f"the spine's text comes within {wrap.profile.spine_clearance:g} in of a fold or "
                         f"{0.5:g} in of the book's head or foot")  # fmt: skip
        if unsafe:
            found.append(f"{unsafe} pieces of text on the cover lie within {wrap.profile.cover_safe:g} in of the trim "
                         "or the spine, where the knife or the fold may take them")  # fmt: skip
        marked = _marked(page, wrap.barcode)
        if wrap.profile.barcode == "clear" and marked:
            found.append(f"the barcode's area ({wrap.profile.barcode_size[0]:g} x {wrap.profile.barcode_size[1]:g} "
                         f"in at the back cover's bottom right) is not empty: {wrap.profile.service} prints its "
                         "barcode there")  # fmt: skip
        elif wrap.profile.barcode == "ean13" and isbn and not marked:
            found.append(f"the barcode's area is empty: {wrap.profile.service} expects the ISBN's barcode there")
        return found
    finally:
        document.close()


def _box(box: tuple[float, float, float, float]) -> Box:
    """A PDF box (left, bottom, right, top in points) in inches, kept in the PDF's upward y: `top` holds the box's
    lower edge and `bottom` its upper one, so that its width and height come out right."""
    left, bottom, right, top = (value / POINTS for value in box)
    return Box(left, bottom, right, top)


def _bounds(page, trim: Box) -> Box | None:
    """How far the page's marks keep from each edge of the trim, in inches (left, top, right, bottom clearances),
    or None for a blank page. A mark outside the trim gives a negative clearance."""
    found = None
    for obj in page.get_objects(max_depth=1):
        left, bottom, right, top = (value / POINTS for value in obj.get_bounds())
        if right - left <= 0 and top - bottom <= 0:
            continue
        clear = (left - trim.left, trim.bottom - top, trim.right - right, bottom - trim.top)
        found = clear if found is None else tuple(min(a, b) for a, b in zip(found, clear, strict=True))
    return Box(*found) if found is not None else None


def _text_boxes(page) -> Iterator[tuple[float, float, float, float]]:
    """The bounds of every text object on the page, in inches (left, bottom, right, top)."""
    import pypdfium2.raw as raw

    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_TEXT,), max_depth=4):
        left, bottom, right, top = (value / POINTS for value in obj.get_bounds())
        yield left, bottom, right, top


def _marked(page, area: Box) -> bool:
    """Whether anything but one flat colour is drawn in an area of the page (in inches from the media's top left)."""
    image = page.render(scale=1).to_pil().convert("L")  # 72 pixels an inch: bars or a letter show at this size
    crop = image.crop((round(area.left * POINTS), round(area.top * POINTS),
                       round(area.right * POINTS), round(area.bottom * POINTS)))  # fmt: skip
    low, high = crop.getextrema()
    return high - low > 8


def _overlaps(a: Box, b: Box) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom


def _inside(inner: Box, outer: Box) -> bool:
    return (inner.left >= outer.left - SLACK and inner.top >= outer.top - SLACK
            and inner.right <= outer.right + SLACK and inner.bottom <= outer.bottom + SLACK)  # fmt: skip


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:SHOWN])
    return shown + (f" (and {len(numbers) - SHOWN} more)" if len(numbers) > SHOWN else "")


def _more(items: list) -> str:
    return f" (and {len(items) - 1} more pages)" if len(items) > 1 else ""
