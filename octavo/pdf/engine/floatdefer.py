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
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from octavo.pdf.floats import EMPTY_LIMIT, MAX_PASSES, is_float, move_later

_local = threading.local()  # the layout under way in this thread, if octavo asked for floats to be placed


class _Moved(Exception):
    """A float traded places with the text after it: the page is to be made again."""


@contextmanager
def placing_floats(html: Any) -> Iterator[_Layout]:
    """Within this block, layouts of `html` (a weasyprint.HTML) move stranded floats as they meet them."""
    _install()
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


_INSTALLED = False
_INSTALLING = threading.Lock()  # an article's PDF and EPUB, or two PDFs, may be built in two threads


def _install() -> None:
    """Wrap WeasyPrint's page making and in-flow block layout once; the wrappers act only inside placing_floats."""
    with _INSTALLING:
        if not _INSTALLED:
            _wrap_layout()


def _wrap_layout() -> None:
    global _INSTALLED
    from weasyprint.layout import block, page

    original_layout, original_remake = block._in_flow_layout, page.remake_page

    def in_flow_layout(context, box, index, child, new_children, *rest):
        result = original_layout(context, box, index, child, new_children, *rest)
        layout = getattr(_local, "layout", None)
        if layout is not None and layout.root_box is not None:
            _trade_if_stranded(layout, context, box, index, child, result)
        return result

    def remake_page(index, context, root_box, html):
        layout = getattr(_local, "layout", None)
        if layout is None or html is not layout.html:
            return original_remake(index, context, root_box, html)
        for _ in range(MAX_PASSES):
            saved = _context_state(context)
            layout.root_box = root_box
            try:
                return original_remake(index, context, root_box, html)
            except _Moved:
                _restore_context_state(context, saved)
            finally:
                layout.root_box = None
        return original_remake(index, context, root_box, html)  # no more trading on this page

    block._in_flow_layout, page.remake_page = in_flow_layout, remake_page
    _INSTALLED = True


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
    if _uses_counters(context.style_for, element):
        return
    cascade = _Cascade(context.style_for, layout.html.etree_element, layout.parent_of, _following(parent, element))
    before = cascade.winners()
    undo = (list(parent), {e: e.tail for e in parent})
    moved = move_later(element, parents={element: parent})
    if not moved or _previous_element(parent, element) is not following.element or cascade.winners() != before:
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
    bottom = max((b.position_y + b.margin_height() for b in placed), default=position_y)
    page = context.current_footnote_area.page
    return bool(page.height) and (context.page_bottom - bottom) / page.height > EMPTY_LIMIT


def _plain(box: Any) -> bool:
    """Whether a box is an element's own (not a pseudo-element's, nor anonymous)."""
    return getattr(box, "element_tag", None) == getattr(getattr(box, "element", None), "tag", None)


def _following(parent: Any, element: Any) -> list[Any]:
    """The elements whose own selectors may see the float trade places with the element after it: the one
    before it and all after it (sibling selectors look back, and may chain). _Cascade adds the ancestors."""
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


class _Cascade:
    """For some elements with their descendants, and for their ancestors, the declaration that wins each
    property, found as WeasyPrint's cascade finds it. Two orders of the same elements style them alike
    when each property's winning value is the same."""

    def __init__(self, style_for: Any, root: Any, parent_of, elements: list[Any]) -> None:
        self.style_for, self.root, self.parent_of, self.elements = style_for, root, parent_of, elements
        self.ancestors = []
        ancestor = parent_of(elements[0])
        while ancestor is not None:
            self.ancestors.append(ancestor)
            ancestor = parent_of(ancestor)

    def winners(self) -> list[tuple]:
        import cssselect2

        wrapper_root = cssselect2.ElementWrapper.from_html_root(self.root, content_language=None)
        found = [self._winners(self._wrapper_of(wrapper_root, a)) for a in self.ancestors]
        for element in self.elements:
            found += [self._winners(w) for w in self._wrapper_of(wrapper_root, element).iter_subtree()]
        return found

    def _winners(self, wrapper: Any) -> tuple:
        from weasyprint.css import declaration_precedence

        winners: dict[tuple, tuple] = {}
        for sheet, origin, sheet_specificity in self.style_for._sheets:
            for specificity, _order, pseudo_type, (declarations, layer) in sheet.matcher.match(wrapper):
                layer_order = float("inf") if layer is None else sheet.layers.index(layer)
                for name, values, importance in declarations:
                    weight = (declaration_precedence(origin, importance), layer_order, sheet_specificity or specificity)
                    old = winners.get((pseudo_type, name))
                    if old is None or old[1] <= weight:
                        winners[pseudo_type, name] = (values, weight)
        return id(wrapper.etree_element), {key: values for key, (values, _) in winners.items()}

    def _wrapper_of(self, wrapper_root: Any, element: Any) -> Any:
        """The selector wrapper of an element, reached from the root through its ancestors."""
        path = []
        while element is not None and element is not wrapper_root.etree_element:
            path.append(element)
            element = self.parent_of(element)
        wrapper = wrapper_root
        for ancestor in reversed(path):
            wrapper = next(w for w in wrapper.iter_children() if w.etree_element is ancestor)
        return wrapper


def _uses_counters(style_for: Any, element: Any) -> bool:
    """Whether the float or anything in it sets, increments or shows a CSS counter: its place in the
    document would then change numbers."""
    for descendant in element.iter():
        if not isinstance(descendant.tag, str):
            continue
        for pseudo in (None, "before", "after", "marker"):
            style = style_for(descendant, pseudo)
            if style is None:
                continue
            if style["counter_reset"] or style["counter_set"] or style["counter_increment"] not in ("auto", ()):
                return True
            if "list-item" in style["display"] or any("counter" in str(kind) for kind, *_ in _content(style)):
                return True
    return False


def _content(style: Any) -> list:
    content = style["content"]
    return content if isinstance(content, (list, tuple)) else []


def _context_state(context: Any) -> dict:
    """The parts of a WeasyPrint layout context that making a page changes, copied one level deep."""
    saved = {}
    for name in ("footnotes", "page_footnotes", "current_page_footnotes", "reported_footnotes",
                 "broken_out_of_flow", "_excluded_shapes_root_boxes", "in_column", "forced_break"):  # fmt: skip
        saved[name] = copy.copy(getattr(context, name))
    saved["_excluded_shapes"] = {key: copy.copy(value) for key, value in context._excluded_shapes.items()}
    return saved


def _restore_context_state(context: Any, saved: dict) -> None:
    for name, value in saved.items():
        setattr(context, name, value)
