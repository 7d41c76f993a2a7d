"""Floats placed while WeasyPrint lays a page out, so that a stranded figure costs one page, not one document.

octavo/floats.py finds a figure or table that opens a page after a page left more than EMPTY_LIMIT
empty, moves it after the next block of text and lays the whole document out again. Here the same
move is made at the moment the float fails to fit: the float and the text block after it trade places
in the box tree (and in the HTML), and only the page being made is laid out again. Pages already made
hold content before the float only, and the pages still to come are laid out from the changed tree.

The trade is made only where it gives exactly what laying out the changed HTML would give: when no
selector matches the float, its neighbours or their descendants differently once they trade places
(octavo's `p + p` indent, for one, treats floats as transparent), and when the float uses no CSS
counter. Otherwise the float stays, and octavo/floats.py moves it afterwards with a full layout.

The hook wraps WeasyPrint's `layout.block._in_flow_layout` (which sees each child laid out) and
`layout.page.remake_page` (which makes a page, and makes it again after a trade, with the layout context
put back as pagestate.py saved it). Both act only within `placing_floats`, in the thread that entered it.
The check: the two functions take the parameters used and are called through their modules' global names,
the layout context has the parts pagestate.py saves, and WeasyPrint's cascade has the sheets and precedence
cascade.py reads; each child's layout must give the 8-tuple unpacked below. Without it floats move after
layout only (octavo/floats.py), each move costing a full layout, with the same pages.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from octavo.pdf.engine.cascade import Cascade, uses_counters
from octavo.pdf.engine.pagestate import check as check_page_state
from octavo.pdf.engine.pagestate import restore, save
from octavo.pdf.engine.scope import Hook, Patch, calls, parameters, register
from octavo.pdf.floats import EMPTY_LIMIT, MAX_PASSES, OPENING_LIMIT, SECTION_HEADINGS, is_float, move_later

_local = threading.local()  # the layout under way in this thread, if octavo asked for floats to be placed


class _Moved(Exception):
    """A float traded places with the text after it: the page is to be made again."""


@contextmanager
def placing_floats(html: Any) -> Iterator[_Layout]:
    """Within this block (inside hooks()), layouts of `html` (a weasyprint.HTML) move stranded floats as they meet
    them; with the hook off, nothing moves here and `put_back` has nothing to do."""
    _local.layout = layout = _Layout(html)
    try:
        yield layout
    finally:
        _local.layout = None


class _Layout:
    """What the patched layout functions need to know of the document being laid out."""

    def __init__(self, html: Any) -> None:
        self.html = html
        self.root_box: Any = None
        self.moves: dict[Any, int] = {}  # how often each float has moved, against endless trading
        self.origins: dict[Any, Any] = {}  # each moved float's element before it, where it stood in the HTML
        self.parents: dict[Any, Any] | None = None

    def put_back(self, element: Any) -> None:
        """Return a moved float to where the HTML had it (a table too long for a page breaks where it stands)."""
        if element not in self.origins:
            return
        parent, previous = self.parent_of(element), self.origins.pop(element)
        parent.remove(element)
        parent.insert(0 if previous is None else list(parent).index(previous) + 1, element)

    def parent_of(self, element: Any) -> Any:
        if self.parents is None:
            self.parents = {child: parent for parent in self.html.etree_element.iter() for child in parent}
        return self.parents.get(element)


_SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError)
_RESULT_SIZE = 8  # abort, stop, resume_at, position_y, adjoining_margins, next_page, new_children, max_lines


def _check() -> str | None:
    import cssselect2
    from weasyprint import css
    from weasyprint.layout import block, page

    if parameters(block._in_flow_layout)[:5] != ["context", "box", "index", "child", "new_children"]:
        return f"weasyprint.layout.block._in_flow_layout takes {parameters(block._in_flow_layout)}"
    if not calls(block.block_container_layout, "_in_flow_layout"):
        return "block_container_layout does not lay its children out through _in_flow_layout"
    if parameters(page.remake_page) != ["index", "context", "root_box", "html"]:
        return f"weasyprint.layout.page.remake_page takes {parameters(page.remake_page)}"
    if not (calls(page.make_all_pages, "remake_page") and calls(page.remake_page, "make_page")):
        return "make_all_pages does not make its pages through remake_page and make_page"
    if parameters(css.declaration_precedence) != ["origin", "importance"] or not calls(css.StyleFor.__init__,
                                                                                       "_sheets"):  # fmt: skip
        return "WeasyPrint's cascade has no declaration_precedence(origin, importance) or StyleFor._sheets"
    if not hasattr(cssselect2.ElementWrapper, "from_html_root"):
        return "cssselect2 has no ElementWrapper.from_html_root"
    return check_page_state()


def _patches() -> list[Patch]:
    from weasyprint.layout import block, page

    original_layout, original_remake = block._in_flow_layout, page.remake_page

    def in_flow_layout(context, box, index, child, new_children, *rest):
        result = original_layout(context, box, index, child, new_children, *rest)
        layout = getattr(_local, "layout", None)
        if layout is not None and layout.root_box is not None and HOOK.state == "on":
            if not isinstance(result, tuple) or len(result) != _RESULT_SIZE:
                HOOK.turn_off(f"_in_flow_layout gave {type(result).__name__} of {len(result)}, not {_RESULT_SIZE}")
            else:
                try:
                    _trade_if_stranded(layout, context, box, index, child, result)
                except _SHAPE_ERRORS as error:  # WeasyPrint's boxes or cascade are not what they were
                    HOOK.turn_off(f"reading the layout failed ({type(error).__name__}: {error})")
        return result

    def remake_page(index, context, root_box, html):
        layout = getattr(_local, "layout", None)
        if layout is None or html is not layout.html:
            return original_remake(index, context, root_box, html)
        for _ in range(MAX_PASSES):
            saved = save(context)
            layout.root_box = root_box
            try:
                return original_remake(index, context, root_box, html)
            except _Moved:
                restore(context, saved)
            finally:
                layout.root_box = None
        return original_remake(index, context, root_box, html)  # no more trading on this page

    return [(block, "_in_flow_layout", in_flow_layout), (page, "remake_page", remake_page)]


HOOK = register(Hook("floats", _check, _patches))


def _trade_if_stranded(layout: _Layout, context: Any, box: Any, index: int, child: Any, result: tuple) -> None:
    """Raise _Moved after trading `child` with the block after it, if it is a float left for the next page
    while this page stays more than EMPTY_LIMIT empty, and the trade is exact."""
    element = getattr(child, "element", None)
    if not _stranded(context, box, index, child, result) or layout.moves.get(element, 0) >= MAX_PASSES:
        return
    following = box.children[index + 1] if index + 1 < len(box.children) else None
    parent = layout.parent_of(element)
    if following is None or not _plain(following) or parent is None or getattr(box, "element", None) is not parent:
        return  # the next box is a pseudo-element's or an anonymous one, or the boxes do not follow the HTML
    if uses_counters(context.style_for, element):
        return
    cascade = Cascade(context.style_for, layout.html.etree_element, layout.parent_of, _following(parent, element))
    before = cascade.winners()
    undo = (list(parent), {e: e.tail for e in parent})
    try:
        moved = move_later(element, parents={element: parent})
        exact = moved and _previous_element(parent, element) is following.element and cascade.winners() == before
    except _SHAPE_ERRORS:
        _undo(parent, undo)
        raise
    if not exact:
        _undo(parent, undo)  # a selector sees the order: laying out the changed HTML is the only exact way
        return
    layout.origins.setdefault(element, _previous_element(undo[0], element))
    layout.moves[element] = layout.moves.get(element, 0) + 1
    box.children[index], box.children[index + 1] = following, child
    raise _Moved


def _stranded(context: Any, box: Any, index: int, child: Any, result: tuple) -> bool:
    """Whether `child`, just laid out in `box`, is a float's own box left whole for the next page, on a page
    then more than EMPTY_LIMIT empty (white measured down to the footnotes)."""
    abort, stop, _resume_at, position_y, _margins, _next_page, placed, _lines = result
    element = getattr(child, "element", None)
    if not (abort or stop) or not is_float(element) or getattr(box, "element", None) is element:
        return False  # it fitted, or it is not a float's own box (an anonymous box inside one has its element)
    if box.children[index] is not child or (placed and getattr(placed[-1], "index", None) == index):
        return False  # not the box tree's own child, or laid out here in part at least (a long table)
    page = context.current_footnote_area.page
    if len(placed) == 1 and getattr(placed[0], "element_tag", None) in SECTION_HEADINGS:
        # The float opens its section: the heading, kept with what follows it, leaves with it. The white is
        # what is left above the heading, and less of it is enough to set the heading with its first lines.
        return bool(page.height) and (context.page_bottom - placed[0].position_y) / page.height > OPENING_LIMIT
    bottom = max((b.position_y + b.margin_height() for b in placed), default=position_y)
    return bool(page.height) and (context.page_bottom - bottom) / page.height > EMPTY_LIMIT


def _plain(box: Any) -> bool:
    """Whether a box is an element's own (not a pseudo-element's, nor anonymous)."""
    return getattr(box, "element_tag", None) == getattr(getattr(box, "element", None), "tag", None)


def _following(parent: Any, element: Any) -> list[Any]:
    """The elements whose own selectors may see the float trade places with the element after it: the one
    before it and all after it (sibling selectors look back, and may chain). Cascade adds the ancestors."""
    siblings = [e for e in parent if isinstance(e.tag, str)]
    return siblings[max(0, siblings.index(element) - 1) :]


def _previous_element(children: Any, element: Any) -> Any:
    """The element before this one among a parent's children (a list of them, or the parent itself)."""
    siblings = [e for e in children if isinstance(e.tag, str)]
    at = siblings.index(element)
    return siblings[at - 1] if at else None


def _undo(parent: Any, undo: tuple) -> None:
    children, tails = undo
    parent[:] = children
    for child, tail in tails.items():
        child.tail = tail
