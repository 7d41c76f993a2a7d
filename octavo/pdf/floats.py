"""Figures and tables that float, as LaTeX's do, built on WeasyPrint's layout (it has no page floats).

Lay the document out; find a figure or table that opens a page while the page before it is more than
EMPTY_LIMIT empty (it did not fit there, and the text after it waited behind it); move it after the
next block of text of its section, so that this text fills the gap; lay out again. A float never
passes another float, so figures and tables keep the order of their numbers, and it never leaves its
section. A float that opens a section (right after its heading) goes to the next page with the heading,
which is kept with what follows it: there the white left is measured above the heading, and a smaller
share of the page (OPENING_LIMIT, room for the heading and a few lines) is enough for the section's
first block of text to move up before the float, so that the heading stands with its first lines and
the float opens the next page. A table too long for one page is not a float: it may break (print.css keeps
tables whole), starting where it stands, its caption with its first rows and its header repeated on every page.
The passes are bounded: each costs a full layout. Most moves are made during the first layout instead,
where that is exact (octavo/pdf/engine/floatdefer.py); what is left to these passes is what it could not move.
The pages are read through octavo/pdf/engine/boxes.py; should WeasyPrint's boxes not be as expected, the
floats stay where the HTML has them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

EMPTY_LIMIT = 0.30  # of a page's height left white below its last line
OPENING_LIMIT = 0.15  # the same, where a float that opens a section took the section's heading with it
MAX_PASSES = 4
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SECTION_HEADINGS = HEADINGS - {"h1"}  # a title (h1) opens an article or a chapter: the page before ends by design


def place_floats(html: Any, render: Callable[[], Any], document: Any,
                 put_back: Callable[[Any], None] = lambda element: None) -> Any:  # fmt: skip
    """`document`, the layout of `html` (a weasyprint.HTML), with stranded floats moved later and laid out
    again by `render` until none is left. `put_back` returns a float moved during layout to its place."""
    from octavo.pdf.engine.boxes import html_root, readable, rewrap

    if not readable():
        return document
    for _ in range(MAX_PASSES):
        parents = {child: parent for parent in html_root(html).iter() for child in parent}
        long_tables = [table for table in _too_long(document) if "break-inside" not in (table.get("style") or "")]
        for table in long_tables:
            table.set("style", "break-inside: auto")
            put_back(table)
        moved = [e for e in stranded(document) if e not in long_tables and move_later(e, parents)]
        if not moved and not long_tables:
            break
        rewrap(html)  # WeasyPrint's selector matching caches each element's siblings
        document = render()
    return document


def is_float(element: Any) -> bool:
    """A numbered figure (not a quotation or a listing) or a table."""
    if element is None or not isinstance(element.tag, str):
        return False
    return element.tag == "table" or (element.tag == "figure" and "figure" in (element.get("class") or "").split())


def stranded(document: Any) -> list[Any]:
    """The floats that open a page after a page left more than EMPTY_LIMIT empty (OPENING_LIMIT for a float
    that stands under its section's heading there)."""
    from octavo.pdf.engine.boxes import emptiness

    found = []
    for before, page in zip(document.pages, document.pages[1:], strict=False):
        white = emptiness(before)
        if white > OPENING_LIMIT:
            element, opening = _leading_float(page)
            if element is not None and white > (OPENING_LIMIT if opening else EMPTY_LIMIT):
                found.append(element)
    return found


def _too_long(document: Any) -> list[Any]:
    """The tables that WeasyPrint had to split although the stylesheet keeps tables whole."""
    from octavo.pdf.engine.boxes import walk

    pages: dict[Any, int] = {}
    for page in document.pages:
        for element in {element for kind, element, _ in walk(page, lambda element, tag: is_float(element))
                        if kind == "stop"}:  # fmt: skip
            pages[element] = pages.get(element, 0) + 1
    return [element for element, count in pages.items() if count > 1 and element.tag == "table"]


def move_later(element: Any, parents: dict[Any, Any]) -> bool:
    """Put a float after the block of text that follows it in its parent; False when there is none."""
    parent = parents.get(element)
    if parent is None:
        return False
    siblings = list(parent)
    index = siblings.index(element)
    following = next((s for s in siblings[index + 1:] if isinstance(s.tag, str)), None)
    if following is None or is_float(following) or following.tag in HEADINGS | {"section", "article"}:
        return False
    tail, element.tail = element.tail, following.tail  # the white space between blocks goes with its place
    parent.remove(element)
    parent.insert(list(parent).index(following) + 1, element)
    following.tail = tail
    return True


def _leading_float(page: Any) -> tuple[Any, bool]:
    """The float at the top of a page, above any text, or None; and whether a section heading stands before it."""
    from octavo.pdf.engine.boxes import walk

    heading = False
    for kind, element, tag in walk(page, lambda element, tag: is_float(element) or tag in HEADINGS):
        if kind == "stop" and tag in SECTION_HEADINGS:
            heading = True
            continue
        return (element, heading) if kind == "stop" and is_float(element) else (None, False)
    return None, False
