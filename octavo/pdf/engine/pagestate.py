"""What making a page changes in WeasyPrint's layout context: saved before a page is made, put back to make it again.

When a float trades places during layout (floatdefer.py), the page being made is given up half-way and
made again, so the context must be as it was before the first try. WeasyPrint 70's `remake_page` and
`make_page` (layout/page.py) change the footnotes (waiting, on the page, reported to the next page), the
notes already rendered, the running elements of the page (popped, then added as they are met), the
out-of-flow boxes broken over the page, the block formatting contexts' excluded shapes, the page bottom,
the footnote area, the current page and the forced break. Rather than list those, every attribute of
the context is saved except the few named in KEPT, which making a page does not change; a new attribute
in another WeasyPrint is saved too. Containers (lists, dicts, sets, at any depth: the running elements
are a dict of dicts of lists) are copied; what they hold (boxes, tuples, strings) is shared, as it is
never changed in place by a page that is given up.
"""

from __future__ import annotations

import copy
from typing import Any

# Left as they are: the services the context was made with, its caches, and what only the whole document's
# layout changes. `page_maker`'s entry for a page changes only once its in-flow layout is over, and a page is
# given up during it; `string_set` is filled after pagination.
KEPT = frozenset({"style_for", "get_image_from_uri", "font_config", "counter_style", "target_collector", "tables",
                  "dictionaries", "page_maker", "string_set"})  # fmt: skip
# What make_page and remake_page change in WeasyPrint 70: the check wants each of them (and KEPT) to exist.
CHANGED = frozenset({"footnotes", "page_footnotes", "current_page_footnotes", "reported_footnotes", "rendered_notes",
                     "running_elements", "broken_out_of_flow", "_excluded_shapes", "_excluded_shapes_root_boxes",
                     "current_footnote_area", "page_bottom", "current_page", "forced_break", "in_column"})  # fmt: skip
_CONTAINERS = (list, dict, set)


def check() -> str | None:
    """What differs from the layout context this was made for (None: nothing)."""
    from weasyprint.layout import LayoutContext

    from octavo.pdf.engine.scope import parameters

    if parameters(LayoutContext.__init__)[:3] != ["self", "style_for", "get_image_from_uri"]:
        return f"weasyprint.layout.LayoutContext takes {parameters(LayoutContext.__init__)}"
    names = set(vars(LayoutContext(None, lambda *args, **kwargs: None, None, None, None))) | {"page_maker"}
    missing = sorted((KEPT | CHANGED) - names)  # page_maker is made when layout starts: not in __init__
    return f"weasyprint.layout.LayoutContext has no {', '.join(missing)}" if missing else None


def save(context: Any) -> dict[str, Any]:
    """The parts of a layout context that making a page may change, copied."""
    return {name: _copied(value) for name, value in vars(context).items() if name not in KEPT}


def restore(context: Any, saved: dict[str, Any]) -> None:
    """Put a layout context back as `save` found it (an attribute made since is taken away again)."""
    for name in [name for name in vars(context) if name not in KEPT and name not in saved]:
        delattr(context, name)
    for name, value in saved.items():
        setattr(context, name, value)  # saved afresh before each try: these copies are used once


def _copied(value: Any) -> Any:
    if not isinstance(value, _CONTAINERS):
        return value
    if type(value) is list:
        return [_copied(item) for item in value]
    if isinstance(value, set):
        return copy.copy(value)
    copied = copy.copy(value)  # of the same class: a defaultdict keeps its default factory
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, _CONTAINERS):
                copied[key] = _copied(item)
    else:  # a list of WeasyPrint's own class (FakeList ignores append): slice assignment fills it
        copied[:] = [_copied(item) for item in value]
    return copied
