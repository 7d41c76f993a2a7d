"""What a laid-out page holds, read from WeasyPrint's boxes: its blocks in order, its white, its links, its styles.

WeasyPrint's documented API gives a `Document` of `Page`s with their anchors and links; the boxes behind a
page (`Page._page_box`), their classes and the element tree behind a `weasyprint.HTML` (`wrapper_element`,
`etree_element`) are its internals. Octavo reads them to find a stranded float (floats.py), to lay a book out
in pieces (piecework.py), to describe links (finish.py) and to keep footnotes on their reference's page
(footnotes.py: the page each note and reference lands on, the lines that end a page); these functions are the
only places that do.
Nothing here changes WeasyPrint, so OCTAVO_ENGINE_HOOKS=off leaves them on; `readable()` checks that the
box classes and attributes are there, and when they are not, floats stay where they are, a book is laid
out whole and links keep WeasyPrint's descriptions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from octavo.pdf.engine.scope import Hook, calls

_CLASSES = ("PageBox", "LineBox", "ReplacedBox", "MarginBox", "FootnoteAreaBox")


def _check() -> str | None:
    import weasyprint
    from weasyprint.formatting_structure import boxes

    missing = [name for name in _CLASSES if not isinstance(getattr(boxes, name, None), type)]
    if missing:
        return f"weasyprint.formatting_structure.boxes has no {', '.join(missing)}"
    if not calls(weasyprint.Page.__init__, "_page_box"):
        return "a weasyprint.Page keeps no _page_box"
    if not (calls(weasyprint.HTML.__init__, "wrapper_element") and calls(weasyprint.HTML.__init__, "etree_element")):
        return "a weasyprint.HTML keeps no wrapper_element and etree_element"
    if not (calls(boxes.Box.__init__, "element") and calls(boxes.Box.__init__, "element_tag")
            and all(name in vars(boxes.Box) for name in ("link_annotation", "descendants"))):  # fmt: skip
        return "WeasyPrint's boxes have no element, element_tag, link_annotation or descendants()"
    return None


READING = Hook("boxes", _check)  # no patches: read only, and not turned off by OCTAVO_ENGINE_HOOKS


@cache
def readable() -> bool:
    """Whether WeasyPrint's boxes have the shape octavo reads (checked once per process, said once if not)."""
    from octavo.pdf.engine.libraries import load_weasyprint

    load_weasyprint()
    try:
        problem = _check()
    except Exception as error:
        problem = f"{type(error).__name__}: {error}"
    if problem:
        READING.turn_off(problem)
        return False
    READING.state = "on"
    return True


def _boxes() -> Any:
    from weasyprint.formatting_structure import boxes

    return boxes


def walk(page: Any, stop: Callable[[Any, str | None], bool]) -> Iterator[tuple[str, Any, str | None]]:
    """A page's boxes in order, as (kind, element, tag): "stop" for a box (not the page's own) whose element and
    tag `stop` accepts, not entered; "text" for a line or a picture, then what is in it."""
    boxes = _boxes()

    def visit(box: Any) -> Iterator[tuple[str, Any, str | None]]:
        element, tag = getattr(box, "element", None), getattr(box, "element_tag", None)
        if not isinstance(box, boxes.PageBox) and stop(element, tag):
            yield "stop", element, tag
            return
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
            yield "text", element, tag
        for child in getattr(box, "children", None) or ():
            yield from visit(child)

    return visit(page._page_box)


def emptiness(page: Any) -> float:
    """The share of the page area left white below its last line or picture, above its footnotes if any."""
    boxes = _boxes()
    page_box = page._page_box
    top = page_box.content_box_y()
    height = page_box.height
    bottom = max((b.position_y + b.margin_height() for b in _leaves(page_box, boxes)), default=top)
    notes = [c.position_y for c in page_box.children if isinstance(c, boxes.FootnoteAreaBox) and c.children]
    return max(0.0, (min(notes, default=top + height) - bottom) / height) if height else 0.0


def _leaves(box: Any, boxes: Any) -> Iterator[Any]:
    for child in getattr(box, "children", ()):
        if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            continue  # the running heads, folios and footnotes are not the page's text: white lies above the notes
        if isinstance(child, (boxes.LineBox, boxes.ReplacedBox)) or not getattr(child, "children", None):
            yield child
        else:
            yield from _leaves(child, boxes)


def styled(page: Any) -> Iterator[tuple[Any, str, Any]]:
    """Every box of a page that has an element, as (element, its tag or pseudo-element tag, its computed style)."""
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is not None:
            yield element, getattr(box, "element_tag", "") or "", box.style


def root_element(document: Any) -> Any:
    """The document's root element (<html>), as the first page holds it; None for a document without pages."""
    return document.pages[0]._page_box.children[0].element if document.pages else None


def link_annotations(document: Any) -> Iterator[tuple[str, str, Any, Any]]:
    """Each link WeasyPrint wrote as an annotation, while a finisher runs: (kind, target, element, annotation)."""
    for page in document.pages:
        for kind, target, _, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            if annotation is not None and box.element is not None:
                yield kind, target, box.element, annotation


def html_root(html: Any) -> Any:
    """The element tree a weasyprint.HTML lays out (its root element)."""
    return html.etree_element


def rewrap(html: Any) -> None:
    """Let a weasyprint.HTML see its changed tree: its selector matching caches each element's siblings."""
    import cssselect2

    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(html.etree_element, content_language=None)


def use_tree(html: Any, tree: Any) -> None:
    """Give a weasyprint.HTML this element tree instead of the one it parsed."""
    import cssselect2

    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
    html.etree_element = html.wrapper_element.etree_element


def text_lines(page: Any) -> Iterator[tuple[Any, str, bool]]:
    """A page's running text in order, as (block element, text, holds a picture) for each line and each picture
    set as a block; the margin boxes and the footnote area are left out, and so is the text of pseudo-elements
    (a list's marker, "on page 3" after a cross-reference), which the EPUB does not have."""
    boxes = _boxes()

    def text_of(box: Any) -> tuple[str, bool]:
        parts, picture = [], False
        for child in getattr(box, "children", None) or ():
            if "::" in (getattr(child, "element_tag", None) or ""):
                continue
            if isinstance(child, boxes.TextBox):
                parts.append(child.text)
            elif isinstance(child, boxes.ReplacedBox):
                picture = True
            else:
                text, inner = text_of(child)
                parts.append(text)
                picture = picture or inner
        return "".join(parts), picture

    def visit(box: Any) -> Iterator[tuple[Any, str, bool]]:
        if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            return
        if isinstance(box, boxes.LineBox):
            yield (box.element, *text_of(box))
        elif isinstance(box, boxes.ReplacedBox):
            yield box.element, "", True
        else:
            for child in getattr(box, "children", None) or ():
                yield from visit(child)

    return visit(page._page_box)


def flow_lines(page: Any) -> list[tuple[Any, Any]]:
    """The lines of a page's text in order, as (the element of the block each belongs to, the line's computed
    style); the running heads, folios and footnotes are left out, and so are the lines inside a line."""
    boxes = _boxes()
    found: list[tuple[Any, Any]] = []

    def visit(box: Any) -> None:
        for child in getattr(box, "children", None) or ():
            if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
                continue
            if isinstance(child, boxes.LineBox):
                found.append((child.element, child.style))
            else:
                visit(child)

    visit(page._page_box)
    return found
