"""The print edition's page numbers in the EPUB: a page-break marker where each printed page begins, the nav's
page list, and the source of the pages in the metadata (EPUB Accessibility 1.1, DPUB-ARIA's doc-pagebreak).

Each page's start comes from the PDF's layout (octavo/pdf/pagestarts.py) as a block, found here by the same
description in the EPUB's documents, and a number of words into it. A page whose start has no counterpart
(a blank page, the contents list, which the EPUB has in its navigation) gets its marker just before the next
page's, so that the list still holds every printed page, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from octavo.epub import rawedit

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
SKIPPED = frozenset({"math", "script", "style"})  # text the print has as a picture, or not at all


@dataclass
class _Document:
    item: Any  # the ebooklib item
    root: Any  # its parsed XHTML
    order: list[Any]  # its elements in document order, without those the print has elsewhere
    index: dict[Any, int]


def add_page_list(book: Any, documents: list[Any], nav: Any, starts: list, source: str) -> None:
    """Mark each page's start in the documents, list the pages in the nav and name their source in the metadata.

    `starts` holds, for each printed page in order, its start (a pagestarts.PageStart) or None.
    """
    parsed = [_parse(item) for item in documents]
    ids = {element.get("id"): (document, element) for document in parsed for element in document.order
           if element.get("id")}  # fmt: skip
    places: list[tuple[_Document, tuple] | None] = []
    for start in starts:
        found = _place(start, ids) if start is not None else None
        places.append((found[0], _point(found[1], found[2])) if found is not None else None)
    # A page without a place of its own shares the next page's (its marker goes first), or the last one's.
    for index in range(len(places) - 1, -1, -1):
        places[index] = places[index] or next((p for p in places[index + 1:] if p), None)
    for index in range(len(places)):
        places[index] = places[index] or next((p for p in reversed(places[:index]) if p), None)
    if not any(places):  # nothing of the print found in the EPUB (a theme's own print template): no page list
        return
    for document in parsed:
        mine = [(p[1], number) for number, p in enumerate(places, start=1) if p is not None and p[0] is document]
        if mine:
            document.item.content = _marked(document, mine)
    _add_nav(nav, [(p[0].item.file_name, n) for n, p in enumerate(places, start=1) if p is not None])
    book.add_metadata(None, "meta", source, {"property": "pageBreakSource"})


def _point(block: Any, word: int) -> tuple:
    """Where a marker goes: ("before", element), or ("text", node, "text" or "tail", offset) before a word."""
    words = _words(block) if word >= 0 else []
    if word < 0 or not words:
        return ("before", block)
    if word >= len(words):  # past its last word: after its text
        node, kind, _ = _segments(block)[-1]
        return ("text", node, kind, len(getattr(node, kind)))
    node, kind, at = words[word][0]
    return ("text", node, kind, at)


def _marked(document: _Document, places: list[tuple[tuple, int]]) -> bytes:
    """The document with the markers at their places: in its own text where it can, else written again by lxml."""
    made = rawedit.insert(document.item.content, document.root,
                          [(place, number, _marker_markup(number)) for place, number in places])  # fmt: skip
    if made is not None:
        return made
    used: dict[tuple, Any] = {}
    for place, number in sorted(places, key=lambda p: -p[1]):  # from the end: earlier offsets stay right
        marker = _marker(number)
        if place in used:
            used[place].addprevious(marker)
        elif place[0] == "before":
            place[1].addprevious(marker)
        else:
            _, node, kind, at = place
            text = getattr(node, kind)
            marker.tail = text[at:]
            setattr(node, kind, text[:at] or None)
            if kind == "text":
                node.insert(0, marker)
            else:
                node.addnext(marker)
        used[place] = marker
    return _serialise(document.root)


def _marker_markup(number: int) -> bytes:
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{number}" aria-label="{number}">'
            "</span>").encode()


def _parse(item: Any) -> _Document:
    root = etree.fromstring(item.content)
    hidden = {e for aside in root.iter(f"{{{XHTML}}}aside", f"{{{XHTML}}}nav") for e in aside.iter()}
    order = [e for e in root.iter() if isinstance(e.tag, str) and e not in hidden]
    return _Document(item, root, order, {e: i for i, e in enumerate(order)})


def _local(element: Any) -> str:
    return etree.QName(element).localname


def _place(start: Any, ids: dict[str, tuple[_Document, Any]]) -> tuple[_Document, Any, int] | None:
    """The document, block and word where the page begins: the first description that finds a block whose words
    there are the page's first words; failing that, the first that finds a block at all."""
    fallback = None
    for name, count in start.anchors:
        if name not in ids:
            continue
        document, anchor = ids[name]
        same = (e for e in document.order[document.index[anchor]:] if _local(e) == start.tag)
        block = next((e for i, e in enumerate(same) if i == count), None)
        if block is None:
            continue
        if start.before:
            return document, block, -1
        word = _nearest_word(block, start.words_before, start.first_words)
        if word is not None:
            return document, block, word
        fallback = fallback or (document, block, start.words_before)
    return fallback


def _nearest_word(block: Any, expected: int, first_words: str) -> int | None:
    """The word of the block nearest `expected` where the page's first words begin (a page may open inside a
    hyphenated word: its first word is then the word's end)."""
    words = [w for _, w in _words(block)]
    wanted = _squash(first_words.split()[0]) if first_words.split() else ""
    if not wanted:
        return min(expected, len(words))
    for distance in range(0, 6):
        for at in (expected - distance, expected + distance):
            found = _squash(words[at]) if 0 <= at < len(words) else ""
            if found and (found.startswith(wanted) or found.endswith(wanted) or wanted.startswith(found)):
                return at
    return None


def _squash(word: str) -> str:
    return "".join(c for c in word if c.isalnum()).lower()


def _segments(element: Any, top: bool = True) -> list[tuple[Any, str, str]]:
    """The block's text as (node, "text" or "tail", string) in reading order, formulas left out."""
    found: list[tuple[Any, str, str]] = []
    if _local(element) in SKIPPED:
        return found
    if element.text:
        found.append((element, "text", element.text))
    for child in element:
        if isinstance(child.tag, str):
            found += _segments(child, False)
        if child.tail:
            found.append((child, "tail", child.tail))
    return found


def _words(block: Any) -> list[tuple[tuple[Any, str, int], str]]:
    """Each word of the block with where it begins: (node, "text" or "tail", offset) and the word."""
    words: list[tuple[tuple[Any, str, int], str]] = []
    joined = False  # the last segment ended inside a word
    for node, kind, text in _segments(block):
        at = 0
        while at < len(text):
            if text[at].isspace():
                joined = False
                at += 1
                continue
            end = at
            while end < len(text) and not text[end].isspace():
                end += 1
            if joined and at == 0:
                where, word = words[-1]
                words[-1] = (where, word + text[at:end])
            else:
                words.append(((node, kind, at), text[at:end]))
            joined = end == len(text)
            at = end
    return words


def _marker(number: int) -> Any:
    marker = etree.Element(f"{{{XHTML}}}span", nsmap={None: XHTML, "epub": OPS})
    marker.set(f"{{{OPS}}}type", "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("id", f"page-{number}")
    marker.set("aria-label", str(number))
    return marker


def _serialise(root: Any) -> bytes:
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>")


def _add_nav(nav: Any, pages: list[tuple[str, int]]) -> None:
    """The page list, hidden (reading systems offer it as "go to page"), last in the navigation document."""
    entries = "".join(f'    <li><a href="{name}#page-{number}">{number}</a></li>\n' for name, number in pages)
    listing = (f'<nav epub:type="page-list" role="doc-pagelist" id="page-list" hidden="hidden">\n  <ol>\n'
               f"{entries}  </ol>\n</nav>\n")  # fmt: skip
    head, body_end, tail = nav.content.rpartition(b"</body>")
    nav.content = head + listing.encode() + body_end + tail


def page_source(publication: Any) -> str:
    """The print edition the pages are those of: its ISBN when the book has one, else its title."""
    isbn = getattr(publication, "isbn", None)
    return f"urn:isbn:{isbn}" if isbn else publication.title.plain
