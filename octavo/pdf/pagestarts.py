"""Where each laid-out page begins, said so that the EPUB can find the same place: a block and a word in it.

The print HTML and the EPUB are made from the same templates, so a block is found in both by the same
description: the element with an id that opens last before it (a section, a figure, a title block) and how
many elements of the block's tag lie between the two. Several such ids are kept, nearest first, because
some (the contents list's) exist in print only. Within the block, the page begins after a number of words:
the words of the block's lines on earlier pages, a word broken by hyphenation at the page's turn counted as
on the earlier page, so that the marker goes before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The elements whose ids place a block: the structure, not the inline marks (index marks, note calls), which
# sit elsewhere in the EPUB (a footnote's span in print is an aside at the end of its EPUB document).
PLACING = frozenset({"section", "article", "header", "figure", "div", "table", "aside", "blockquote", "pre",
                     "p", "li", "ol", "ul", "dl", "h1", "h2", "h3", "h4", "h5", "h6"})  # fmt: skip
# A page that opens with one of these (not its continuation) gets its marker before the whole of it.
WHOLE = ("figure", "table")
ANCHORS_KEPT = 4
WORDS_KEPT = 6
# A line that ends in one of these joins the next line's first word (hyphenation, or a break after a hyphen).
JOINING = ("-", "\u2010", "\u00ad")


@dataclass(frozen=True)
class PageStart:
    """Where one page begins: its block, by ids opened before it and the count of its tag since each, and the
    words of the block before the page; `before` puts the marker before the block (a figure or table)."""

    tag: str
    anchors: tuple[tuple[str, int], ...]
    words_before: int
    first_words: str
    before: bool = False


def page_starts(document: Any) -> list[PageStart | None]:
    """Each page's start in a laid-out weasyprint.Document; None for a page without text (a blank page) or
    whose text the EPUB has elsewhere (the contents list)."""
    from octavo.pdf.engine.boxes import readable, root_element, text_lines

    if not readable() or not document.pages:
        return [None] * len(document.pages)
    tree = _Tree(root_element(document))
    lines: dict[Any, list[str]] = {}  # each block's lines on the pages so far
    shown: set[Any] = set()  # every element that had a line on an earlier page, with its ancestors
    starts: list[PageStart | None] = []
    for page in document.pages:
        start = None
        here: list[Any] = []
        for element, text, picture in text_lines(page):
            if element is None:
                continue
            if start is None and (text.strip() or picture):
                start = tree.start(element, lines.get(element, []), text, shown)
            lines.setdefault(element, []).append(text)
            here.append(element)
        for element in here:
            shown.update(tree.ancestors(element))
        starts.append(start)
    return starts


class _Tree:
    """The print HTML's elements in document order, with their parents (xml.etree keeps none)."""

    def __init__(self, root: Any) -> None:
        self.order = [e for e in root.iter() if isinstance(e.tag, str)]
        self.index = {e: i for i, e in enumerate(self.order)}
        self.parent = {child: parent for parent in self.order for child in parent}
        self.hidden = set()  # what the EPUB has elsewhere: the contents list, each footnote's text
        for element in self.order:
            if _tag(element) == "nav" or (_tag(element) == "span" and "footnote" in element.get("class", "").split()):
                self.hidden.update(e for e in element.iter() if isinstance(e.tag, str))

    def ancestors(self, element: Any) -> list[Any]:
        found = []
        while element is not None:
            found.append(element)
            element = self.parent.get(element)
        return found

    def start(self, element: Any, before: list[str], text: str, shown: set[Any]) -> PageStart | None:
        if element in self.hidden:
            return None
        whole = next((e for e in reversed(self.ancestors(element)) if _tag(e) in WHOLE), None)
        if whole is not None and whole not in shown:  # the page opens with a figure or a table: before it
            return PageStart(_tag(whole), self.anchors(whole), 0, _first_words(text), before=True)
        said = _joined(before)
        count = len(said.split())
        if said.rstrip().endswith(JOINING) and text[:1].strip():
            count -= 1  # the page opens inside a word hyphenated on the page before: the marker goes before it
        return PageStart(_tag(element), self.anchors(element), max(count, 0), _first_words(text))

    def anchors(self, element: Any) -> tuple[tuple[str, int], ...]:
        """The ids opened last before the element (itself included), nearest first, each with the number of
        elements of its tag from there (included) to it (not included)."""
        tag, found, count = _tag(element), [], 0
        for candidate in reversed(self.order[: self.index[element] + 1]):
            if candidate in self.hidden:
                continue
            if candidate is not element and _tag(candidate) == tag:
                count += 1
            if candidate.get("id") and _tag(candidate) in PLACING:
                found.append((candidate.get("id"), count))
                if len(found) == ANCHORS_KEPT:
                    break
        return tuple(found)


def _tag(element: Any) -> str:
    """The element's local name (WeasyPrint's tree names its elements in the XHTML namespace)."""
    return element.tag.rsplit("}", 1)[-1]


def _joined(lines: list[str]) -> str:
    """A block's lines as one text: a line ending in a hyphen runs into the next, which keeps the count of words
    right whether the hyphen was added by hyphenation or is the word's own."""
    text = ""
    for line in lines:
        text = text.rstrip() + line.lstrip() if text.rstrip().endswith(JOINING) else f"{text} {line}"
    return text


def _first_words(text: str) -> str:
    return " ".join(re.sub(r"[\u00ad\u2010]$", "", word) for word in text.split()[:WORDS_KEPT])
