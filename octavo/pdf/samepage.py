"""'Figure 3 on page 5' only where Figure 3 is on another page: a cross-reference to its own page names no page.

A cross-reference written `[#id page]` carries the words before the page in `data-on-page`, and print.css
adds them and the target's page after the link. A stylesheet cannot compare two pages, so this is done
after layout: each such reference whose target lands on the page the reference starts on loses the
attribute (and with it the words and the number), and the document is laid out again. Dropping words may
move a later reference or target to another page, so the pages are compared again after each layout, a
bounded number of times. A document without such a reference is laid out once, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ATTRIBUTE = "data-on-page"
KEPT = "data-octavo-on-page"  # the words of a reference that shows no page, should it show one again
MAX_PASSES = 3


def on_page_references(root: Any) -> dict[Any, str]:
    """Each cross-reference of the tree that may show its target's page, with the words it puts before the page.

    A tree laid out before (a book's piece laid out again) keeps the words of those that showed none in KEPT.
    """
    found = {}
    for element in root.iter("a"):
        words = element.get(ATTRIBUTE, element.get(KEPT))
        if words is not None and "xref" in (element.get("class") or "").split():
            found[element] = words
    return found


def same_page(document: Any, references: dict[Any, str]) -> set[Any]:
    """The references (elements) that start on the page their target lands on."""
    from octavo.pdf.engine import styled

    target_pages: dict[str, int] = {}
    reference_pages: dict[Any, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            target_pages.setdefault(name, number)
        for element, _tag, _style in styled(page):
            if element in references:
                reference_pages.setdefault(element, number)
    return {element for element, number in reference_pages.items()
            if target_pages.get((element.get("href") or "").removeprefix("#"), -1) == number}  # fmt: skip


def drop_same_page_words(html: Any, render: Callable[[], Any], document: Any) -> Any:
    """`document`, the layout of `html` (a weasyprint.HTML), laid out again by `render` until no reference to
    its own page names the page, and every other one does."""
    from octavo.pdf.engine import html_root, readable, rewrap

    if not readable():
        return document
    references = on_page_references(html_root(html))
    if not references:
        return document
    dropped = {element for element in references if KEPT in element.attrib}
    for _ in range(MAX_PASSES):
        found = same_page(document, references)
        if found == dropped:
            break
        for element, words in references.items():
            if element in found:
                element.attrib.pop(ATTRIBUTE, None)
                element.set(KEPT, words)
            else:
                element.attrib.pop(KEPT, None)
                element.set(ATTRIBUTE, words)
        dropped = found
        rewrap(html)  # WeasyPrint's selector matching reads the tree it wrapped
        document = render()
    return document
