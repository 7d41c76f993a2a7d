"""A book's piece drawn with its true page numbers: the state each page's margin boxes were made from, kept.

Laying a piece out needs no page numbers: the folios are margin boxes, which WeasyPrint makes after the
text is paginated, in `weasyprint.layout.layout_document`, by calling `make_margin_boxes(context, page,
state)` through its module's global name. While a piece is laid out (`recording()`), a wrapper there keeps
each page's layout context and page state; once the pages before the piece are known, `renumber` makes the
margin boxes again with the page counter moved on, and lays out their backgrounds as WeasyPrint does.
The check: `make_margin_boxes(context, page, state)` called by `layout_document`, `layout_backgrounds(page,
get_image_from_uri)`, a `MarginBox` class, and each recorded state a 4-tuple (quote depth, counters, scopes,
page groups) with a counters dict. Without it a book is laid out whole (bookpdf.render_in_pieces gives None).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from octavo.pdf.engine.scope import Hook, Patch, active, calls, parameters, register

_local = threading.local()  # the states recorded in this thread while a piece is laid out


class Unrecorded(Exception):
    """The margin boxes' states could not be kept: the piece cannot be renumbered, the book is laid out whole."""


def _check() -> str | None:
    import weasyprint.layout as layout
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import background

    if parameters(layout.make_margin_boxes) != ["context", "page", "state"]:
        return f"weasyprint.layout.make_margin_boxes takes {parameters(layout.make_margin_boxes)}"
    if not calls(layout.layout_document, "make_margin_boxes"):
        return "weasyprint.layout.layout_document does not make margin boxes through make_margin_boxes"
    if parameters(background.layout_backgrounds) != ["page", "get_image_from_uri"]:
        return f"weasyprint.layout.background.layout_backgrounds takes {parameters(background.layout_backgrounds)}"
    if not isinstance(getattr(boxes, "MarginBox", None), type):
        return "weasyprint.formatting_structure.boxes has no MarginBox"
    return None


def _patches() -> list[Patch]:
    import weasyprint.layout as layout

    original = layout.make_margin_boxes

    def make_margin_boxes(context, page, state):
        states = getattr(_local, "states", None) if active() else None
        if states is not None:
            states[id(page)] = (context, state)
        return original(context, page, state)

    make_margin_boxes.original = original  # type: ignore[attr-defined]
    return [(layout, "make_margin_boxes", make_margin_boxes)]


HOOK = register(Hook("pieces", _check, _patches))


def possible() -> bool:
    """Whether a book may be laid out in pieces in this process: the hook may be installed (hooks on, shapes as
    expected) and WeasyPrint's boxes readable."""
    from octavo.pdf.engine.boxes import readable

    return readable() and HOOK.usable()


@contextmanager
def recording() -> Iterator[dict[int, tuple[Any, Any]]]:
    """Within this block (inside hooks()), each page laid out in this thread keeps its margin boxes' state."""
    if not HOOK.installed:
        raise Unrecorded(HOOK.reason or "the margin boxes are not recorded outside hooks()")
    _local.states = states = {}
    try:
        yield states
    finally:
        _local.states = None


def states_of(document: Any, recorded: dict[int, tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """The recorded (context, page state) of each page of a laid-out document, in order."""
    found = []
    for page in document.pages:
        context, state = recorded.get(id(page._page_box), (None, None))
        if not (isinstance(state, tuple) and len(state) == 4 and isinstance(state[1], dict)):
            HOOK.turn_off(f"a page's state is {type(state).__name__}, not (quote depth, counters, scopes, groups)")
            raise Unrecorded(HOOK.reason)
        found.append((context, state))
    return found


def renumber(document: Any, states: list[tuple[Any, Any]], offset: int) -> None:
    """Make every page's margin boxes again with the page counter moved on by `offset` (the folios); `states` as
    states_of gave them (pages dropped from the document's end since then are passed by)."""
    if offset == 0:
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import page as pages
    from weasyprint.layout.background import layout_backgrounds

    for number, (page, (context, (quote_depth, counters, scopes, groups))) in enumerate(
            zip(document.pages, states, strict=False), start=1):  # fmt: skip
        box = page._page_box
        counters = copy.deepcopy(counters)
        counters["page"] = [value + offset for value in counters.get("page", [0])]
        context.current_page = number
        kept = [child for child in box.children if not isinstance(child, boxes.MarginBox)]
        made = pages.make_margin_boxes(context, box, (quote_depth, counters, scopes, groups))
        box.children = tuple(kept + list(made))
        layout_backgrounds(box, context.get_image_from_uri)
