"""Whether a float may trade places with the block after it and be styled alike: WeasyPrint's cascade, read.

floatdefer.py trades a stranded float with the text after it during layout only when laying out the changed
HTML would give the same: no selector matches the float, its neighbours, their descendants or ancestors
differently in the new order (found with WeasyPrint's own sheets, matcher and precedence: `StyleFor._sheets`,
`weasyprint.css.declaration_precedence`), and the float uses no CSS counter (read from its computed styles).
"""

from __future__ import annotations

from typing import Any


class Cascade:
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


def uses_counters(style_for: Any, element: Any) -> bool:
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
