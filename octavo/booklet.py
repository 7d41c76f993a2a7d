"""Saddle-stitch imposition with pypdf: pages two-up on sheets of twice the page size."""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """The (left, right) page indexes of each printed side, in printing order; None is a blank.

    Sheet k carries, on its front, the k-th page from the end and the k-th from the start, and on
    its back the next page from the start and the next from the end, so that the folded stack
    reads in order.
    """
    padded = -(-max(pages, 1) // 4) * 4

    def real(index: int) -> int | None:
        return index if index < pages else None

    sides = []
    for sheet in range(padded // 4):
        first, last = 2 * sheet, padded - 1 - 2 * sheet
        sides.append((real(last), real(first)))
        sides.append((real(first + 1), real(last - 1)))
    return sides


def impose(pdf: bytes) -> bytes:
    """The booklet PDF: every side is one landscape page holding two of the original pages."""
    reader = PdfReader(io.BytesIO(pdf))
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    writer = PdfWriter()
    for left, right in booklet_order(len(reader.pages)):
        side = PageObject.create_blank_page(width=2 * width, height=height)
        for index, offset in ((left, 0.0), (right, width)):
            if index is not None:
                side.merge_transformed_page(reader.pages[index], Transformation().translate(tx=offset))
        writer.add_page(side)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
