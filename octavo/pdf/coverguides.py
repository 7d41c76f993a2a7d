"""`--cover-guides`: the cover wrap rendered to a PNG with its trim, spine folds and safe areas drawn."""

from __future__ import annotations

import io

from octavo.pdf.coverwrap import Box, Wrap

DPI = 100  # enough to see the guides against the design; a 6 x 9 in wrap is about 1300 x 950 pixels
TRIM = (220, 0, 0)  # where the knife cuts: red
FOLD = (0, 90, 220)  # the spine's folds: blue
SAFE = (0, 150, 60)  # where text is safe: green, dashed
BARCODE = (230, 130, 0)  # the barcode's area: orange


def guides_png(cover: bytes, wrap: Wrap) -> bytes:
    """The cover's first page at DPI with the guides drawn over it; the same cover gives the same bytes."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    document = pdfium.PdfDocument(cover)
    try:
        image = document[0].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        document.close()
    draw = ImageDraw.Draw(image)

    def px(box: Box) -> tuple[int, int, int, int]:
        return (round(box.left * DPI), round(box.top * DPI), round(box.right * DPI), round(box.bottom * DPI))

    draw.rectangle(px(wrap.trimmed), outline=TRIM, width=2)
    for x in (wrap.spine.left, wrap.spine.right):
        draw.line((round(x * DPI), 0, round(x * DPI), image.height), fill=FOLD, width=2)
    safe = wrap.profile.cover_safe
    for panel in (wrap.back, wrap.front):
        _dashed(draw, px(panel.inset(safe)), SAFE)
    if wrap.spine_type():
        _dashed(draw, px(wrap.spine_text_area), SAFE)
    draw.rectangle(px(wrap.barcode), outline=BARCODE, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _dashed(draw, box: tuple[int, int, int, int], colour: tuple[int, int, int], dash: int = 8) -> None:
    """A rectangle's outline in dashes (Pillow draws only solid lines)."""
    left, top, right, bottom = box
    for x in range(left, right, 2 * dash):
        draw.line((x, top, min(x + dash, right), top), fill=colour, width=1)
        draw.line((x, bottom, min(x + dash, right), bottom), fill=colour, width=1)
    for y in range(top, bottom, 2 * dash):
        draw.line((left, y, left, min(y + dash, bottom)), fill=colour, width=1)
        draw.line((right, y, right, min(y + dash, bottom)), fill=colour, width=1)
