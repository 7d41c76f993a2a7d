"""Markup inserted into an XHTML document's own text at places found in its parsed tree, the rest left byte for byte.

lxml would write the whole document again, with its own escaping (`"` for `&quot;`); here the tree only says
where: the n-th text run (an element's text or a node's tail) at a character of its decoded text, or before the
n-th element. The source is cut into tags and text runs alike; should the two not agree (a CDATA section,
say), None is returned and the caller writes the tree itself.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<![A-Za-z][^>]*>"
                    rb"|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
_ENTITY = re.compile(rb"&[^;&\s]*;")


def text_runs(root: Any) -> list[tuple[Any, str]]:
    """The tree's text runs in document order, as (node, "text" or "tail"), empty ones left out."""
    found: list[tuple[Any, str]] = []

    def visit(node: Any) -> None:
        if isinstance(node.tag, str) and node.text:
            found.append((node, "text"))
        for child in node:
            visit(child)
            if child.tail:
                found.append((child, "tail"))

    visit(root)
    return found


def insert(source: bytes, root: Any, insertions: list[tuple[tuple, int, bytes]]) -> bytes | None:
    """`source` with each (place, order, markup) inserted; a place is ("text", node, kind, offset) or
    ("before", element). Markup at one place goes in `order`."""
    runs, starts = _cut(source)
    tree_runs = text_runs(root)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    if len(runs) != len(tree_runs) or len(starts) != len(elements):
        return None
    run_index = {(id(node), kind): i for i, (node, kind) in enumerate(tree_runs)}
    element_index = {id(e): i for i, e in enumerate(elements)}
    placed: list[tuple[int, int, bytes]] = []
    for place, order, markup in insertions:
        if place[0] == "before":
            at = starts[element_index[id(place[1])]]
        else:
            begin, end = runs[run_index[(id(place[1]), place[2])]]
            at = _raw_offset(source, begin, end, place[3])
        placed.append((at, order, markup))
    out, last = [], 0
    for at, _order, markup in sorted(placed, key=lambda p: (p[0], p[1])):
        out += [source[last:at], markup]
        last = at
    return b"".join([*out, source[last:]])


def _cut(source: bytes) -> tuple[list[tuple[int, int]], list[int]]:
    """The source's text runs inside its root element, as (begin, end), and where each start tag begins."""
    runs: list[tuple[int, int]] = []
    starts: list[int] = []
    depth, previous = 0, None
    for match in _TOKEN.finditer(source):
        token = match.group()
        if depth > 0 and previous is not None and match.start() > previous:
            runs.append((previous, match.start()))
        if token.startswith(b"</"):
            depth -= 1
        elif token[1:2].isalpha():
            starts.append(match.start())
            depth += 0 if token.endswith(b"/>") else 1
        elif token.startswith(b"<![CDATA["):
            return [], []  # text of another shape: the caller writes the tree instead
        previous = match.end()
    return runs, starts


def _raw_offset(source: bytes, begin: int, end: int, decoded: int) -> int:
    """Where, in source[begin:end], the character number `decoded` of its decoded text begins."""
    at, count = begin, 0
    while at < end and count < decoded:
        entity = _ENTITY.match(source, at)
        if entity is not None and entity.end() <= end:
            at = entity.end()
        else:
            at += 1
            while at < end and (source[at] & 0xC0) == 0x80:  # the rest of one UTF-8 character
                at += 1
        count += 1
    return at
