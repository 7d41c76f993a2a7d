"""Figures and tables that float, as LaTeX's do, built on WeasyPrint's layout (it has no page floats).

Lay the document out; find a figure or table that opens a page while the page before it is more than
EMPTY_LIMIT empty (it did not fit there, and the text after it waited behind it); move it after the
next block of text of its section, so that this text fills the gap; lay out again. A float never
passes another float, so figures and tables keep the order of their numbers, and it never leaves its
section. A table too long for one page is not a float: it may break (print.css keeps tables whole),
starting where it stands, its caption with its first rows and its header repeated on every page.
The passes are bounded: each costs a full layout. Most moves are made during the first layout instead,
where that is exact (octavo/floatdefer.py); what is left to these passes is what it could not move.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

EMPTY_LIMIT = 0.30  # of a page's height left white below its last line
MAX_PASSES = 4
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SECTION_HEADINGS = HEADINGS - {"h1"}  # a title (h1) opens an article or a chapter: the page before ends by design


def place_floats(html: Any, render: Callable[[], Any], document: Any,
                 put_back: Callable[[Any], None] = lambda element: None) -> Any:  # fmt: skip
    """`document`, the layout of `html` (a weasyprint.HTML), with stranded floats moved later and laid out
    again by `render` until none is left. `put_back` returns a float moved during layout to its place."""
    import cssselect2

    for _ in range(MAX_PASSES):
        parents = {child: parent for parent in html.etree_element.iter() for child in parent}
        long_tables = [table for table in _too_long(document) if "break-inside" not in (table.get("style") or "")]
        for table in long_tables:
            table.set("style", "break-inside: auto")
            put_back(table)
        moved = [e for e in stranded(document) if e not in long_tables and move_later(e, parents)]
        if not moved and not long_tables:
            break
        # WeasyPrint's selector matching caches each element's siblings: wrap the changed tree afresh.
        html.wrapper_element = cssselect2.ElementWrapper.from_html_root(html.etree_element, content_language=None)
        document = render()
    return document


def is_float(element: Any) -> bool:
    """A numbered figure (not a quotation or a listing) or a table."""
    if element is None or not isinstance(element.tag, str):
        return False
    return element.tag == "table" or (element.tag == "figure" and "figure" in (element.get("class") or "").split())


def stranded(document: Any) -> list[Any]:
    """The floats that open a page after a page left more than EMPTY_LIMIT empty."""
    found = []
    for before, page in zip(document.pages, document.pages[1:], strict=False):
        if _emptiness(before._page_box) > EMPTY_LIMIT:
            element = _leading_float(page._page_box)
            if element is not None:
                found.append(element)
    return found


def _too_long(document: Any) -> list[Any]:
    """The tables that WeasyPrint had to split although the stylesheet keeps tables whole."""
    pages: dict[Any, int] = {}
    for page in document.pages:
        for element in {element for kind, element in _all_blocks(page._page_box) if kind == "float"}:
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


def _leading_float(page_box: Any) -> Any:
    """The float at the top of a page, above any text (a heading may stand before it), or None."""
    for kind, element in _blocks(page_box):
        if kind == "heading":
            continue
        return element if kind == "float" else None
    return None


def _all_blocks(box: Any) -> Iterator[tuple[str, Any]]:
    """Every float and heading of a page, not only those at its top."""
    from weasyprint.formatting_structure import boxes

    if not isinstance(box, boxes.PageBox) and is_float(getattr(box, "element", None)):
        yield "float", box.element
        return
    for child in getattr(box, "children", ()):
        yield from _all_blocks(child)


def _blocks(box: Any) -> Iterator[tuple[str, Any]]:
    """A page's content in order, as ("heading" | "float" | "text", element), descending into containers."""
    from weasyprint.formatting_structure import boxes

    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", None)
    if not isinstance(box, boxes.PageBox) and is_float(element):  # a table's wrapper box comes first
        yield "float", element
        return
    if tag in HEADINGS:
        yield ("heading" if tag in SECTION_HEADINGS else "text"), element
        return
    if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)) or not getattr(box, "children", None):
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
            yield "text", element
        return
    for child in box.children:
        yield from _blocks(child)


def _emptiness(page_box: Any) -> float:
    """The share of the page area left white below its last line or picture, above its footnotes if any."""
    from weasyprint.formatting_structure import boxes

    top = page_box.content_box_y()
    height = page_box.height
    bottom = max((b.position_y + b.margin_height() for b in _leaves(page_box)), default=top)
    notes = [c.position_y for c in page_box.children if isinstance(c, boxes.FootnoteAreaBox) and c.children]
    return max(0.0, (min(notes, default=top + height) - bottom) / height) if height else 0.0


def _leaves(box: Any) -> Iterator[Any]:
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", ()):
        if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            continue  # the running heads, folios and footnotes are not the page's text: white lies above the notes
        if isinstance(child, (boxes.LineBox, boxes.ReplacedBox)) or not getattr(child, "children", None):
            yield child
        else:
            yield from _leaves(child)
