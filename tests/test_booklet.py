"""Saddle-stitch imposition: the right pages on the right sides, blanks where needed."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from octavo.booklet import booklet_order, impose


@pytest.mark.parametrize(
    ("pages", "sides"),
    [
        (1, [(None, 0), (None, None)]),
        (4, [(3, 0), (1, 2)]),
        (5, [(None, 0), (1, None), (None, 2), (3, 4)]),
        (8, [(7, 0), (1, 6), (5, 2), (3, 4)]),
    ],
)
def test_sides_hold_the_right_pages(pages, sides):
    assert booklet_order(pages) == sides


def numbered_pdf(count: int) -> bytes:
    import weasyprint

    html = "".join(f'<p style="break-after: page">Page{n + 1}</p>' for n in range(count))
    css = weasyprint.CSS(string="@page { size: A5; margin: 2cm }")
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[css])


def halves(page) -> tuple[str, str]:
    """The text on the left and on the right half of an imposed side."""
    middle = float(page.mediabox.width) / 2
    left, right = [], []

    def visit(text, cm, tm, font, size):
        if text.strip():
            (left if cm[4] + tm[4] * cm[0] < middle else right).append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(left), " ".join(right)


def test_a5_pages_are_imposed_on_a4_landscape_in_reading_order_when_folded():
    booklet = PdfReader(io.BytesIO(impose(numbered_pdf(5))))
    assert len(booklet.pages) == 4  # 5 pages padded to 8: two sheets, printed on both sides
    box = booklet.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (839.1, 595.3)  # two A5 pages side by side
    assert [halves(page) for page in booklet.pages] == [
        ("", "Page1"), ("Page2", ""), ("", "Page3"), ("Page4", "Page5")]  # fmt: skip
