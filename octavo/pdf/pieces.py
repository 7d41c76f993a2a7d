"""A book's print HTML cut into pieces that can be laid out apart: the front matter, each chapter, each back part.

A piece starts where the book's stylesheet forces a new page anyway (a chapter opens on a right-hand
page, the notes and the index on a page of their own), so laying a piece out alone gives the very
pages it would get inside the whole book, provided it is told three things the rest of the book
knows: the number of its first page, whether that page is a left or a right one, and the page of
every place its links point to. The first two are set when the piece is drawn (see piecework.py);
for the third, each stylesheet's `target-counter(attr(href), page)` reads an attribute instead,
`data-octavo-page`, which holds the page number found for the link's target.

The cut is made only when it is safe: the stylesheets may use page numbers in no other way (another
target-counter, counter(pages), a page counter in the text, :nth() pages counted through the book).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

PAGE_ATTRIBUTE = "data-octavo-page"
PIECE_ATTRIBUTE = "data-octavo-piece"  # marks the element a piece is made for; its break-before is checked
STUB_ATTRIBUTE = "data-octavo-stub"  # an empty stand-in for the next piece, on a last page that is dropped

_FIRST_PAGE = re.compile(r"(@page\b[^{;]*?):first\b", re.IGNORECASE)
_LINK_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*\)")
# What a stylesheet may not do for a book to be laid out in pieces; each needs the whole book at once.
_WHOLE_BOOK = re.compile(r"target-counters?\(|target-text\(|counter\(\s*pages\s*\)|:nth\((?![^)]*\bof\b)")


@dataclass
class Piece:
    """One part of the book, laid out on its own: an HTML tree with the book's head and one part of its body."""

    index: int
    name: str  # "front", "chapter 3", "notes": for messages
    tree: Any  # the <html> element (xml.etree), ready for WeasyPrint
    links: frozenset[str] = field(default_factory=frozenset)  # the anchors its links point to
    # The first piece of an article whose links all land inside it (the index's through a stub) is numbered
    # by WeasyPrint itself, as when laid out whole: its contents list needs no second layout.
    own_numbers: bool = False
    stub: bool = False  # it ends with a stub page, dropped when drawn


def first_pages_css(css: str) -> str:
    """A stylesheet whose `@page :first` rules match nothing: for a piece whose first page is not the book's."""
    return _FIRST_PAGE.sub(r"\1:nth(0)", css)


def link_pages_css(css: str) -> str:
    """A stylesheet whose link page numbers come from `data-octavo-page` rather than from the layout."""
    return _LINK_PAGE.sub(f"attr({PAGE_ATTRIBUTE})", css)


def splittable(stylesheets: list[str]) -> bool:
    """Whether these stylesheets let a book be laid out in pieces (see the module's docstring)."""
    for css in stylesheets:
        if _WHOLE_BOOK.search(_LINK_PAGE.sub("", css)):
            return False
        if _page_counter_in_text(css):
            return False
    return True


def _page_counter_in_text(css: str) -> bool:
    """True when `counter(page)` is used outside @page rules (a page number in the running text)."""
    import tinycss2

    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "page":
            continue
        text = tinycss2.serialize([rule]) if rule.type in ("qualified-rule", "at-rule") else ""
        if re.search(r"counter\(\s*page\s*\)", text):
            return True
    return False


def split_book(html: str) -> list[Piece] | None:
    """The book's pieces in page order, or None when its HTML is not shaped like a book octavo can cut.

    The shape: a body holding front matter, then one <main> with the chapters (<article>), then back
    matter in elements of their own (notes, references, index). Anything else is laid out whole.
    """
    from octavo.pdf.engine.documents import parse_html  # WeasyPrint's own parser: the trees it would build

    root = parse_html(html)
    body = root.find("body")
    if body is None:
        return None
    children = [child for child in body if isinstance(child.tag, str)]
    mains = [child for child in children if child.tag == "main"]
    if len(mains) != 1:
        return None
    main = mains[0]
    chapters = [child for child in main if isinstance(child.tag, str)]
    if not chapters or any(chapter.tag != "article" for chapter in chapters):
        return None
    position = children.index(main)
    front, back = children[:position], children[position + 1:]
    if not front:
        return None
    parts: list[tuple[str, list[Any], bool]] = [("front", front, False)]
    parts += [(f"chapter {number}", [chapter], True) for number, chapter in enumerate(chapters, start=1)]
    parts += [(element.get("id") or element.tag, [element], False) for element in back]
    pieces = [_piece(root, body, main, index, name, elements, in_main)
              for index, (name, elements, in_main) in enumerate(parts)]  # fmt: skip
    for piece, (_, elements, in_main) in zip(pieces, parts[1:], strict=False):
        _add_stub(piece, main, elements[0], in_main)
    return pieces


def split_article(html: str) -> list[Piece] | None:
    """An article with an index cut in two: the article, ending with a stub of the index on a page of its own
    (so that its contents list can give the index's page), and the index, which shows the pages of its marks."""
    from octavo.pdf.engine.documents import parse_html

    root = parse_html(html)
    body = root.find("body")
    children = [child for child in body if isinstance(child.tag, str)] if body is not None else []
    if len(children) < 2 or not has_index(children[-1]) or not children[-1].get("id"):
        return None
    index = children[-1]
    first = _piece(root, body, None, 0, "article", children[:-1], False)
    _add_stub(first, None, index, False)
    inside = {element.get("id") for element in first.tree.iter() if element.get("id")}
    first.own_numbers = first.links <= inside
    return [first, _piece(root, body, None, 1, "index", [index], False)]


def _add_stub(piece: Piece, main: Any, following: Any, in_main: bool) -> None:
    """End the piece with an empty copy of the next piece's first element (its tag and attributes, so the
    stylesheet breaks the page before it as before the real one). Its page is dropped when the piece is
    drawn; the blank page WeasyPrint leaves before it, if the next piece opens on the other side, stays."""
    stub = following.makeelement(following.tag, {**following.attrib, STUB_ATTRIBUTE: ""})
    stub.tail = "\n"
    body = piece.tree.find("body")
    if in_main:  # a chapter stands in <main>, where the stylesheet finds it
        parent = body.find("main")
        if parent is None:
            parent = main.makeelement(main.tag, dict(main.attrib))
            body.append(parent)
        parent.append(stub)
    else:
        body.append(stub)
    piece.stub = True


def has_index(element: Any) -> bool:
    """Whether the element holds an index (entries waiting for their page numbers)."""
    return any("index-pages" in (span.get("class") or "").split() for span in element.iter("span"))


def _piece(root: Any, body: Any, main: Any, index: int, name: str, elements: list[Any], in_main: bool) -> Piece:
    """A copy of the document with only `elements` in its body (inside a copy of <main> for a chapter)."""
    shell = copy.copy(root)  # the <html> element with its attributes; its children are set below
    shell[:] = []
    for child in root:
        if child is not body:
            shell.append(copy.deepcopy(child))
    new_body = copy.copy(body)
    new_body[:] = []
    new_body.text = None
    copies = [copy.deepcopy(element) for element in elements]
    for element in copies:
        element.tail = "\n"
    copies[0].set(PIECE_ATTRIBUTE, "")
    if in_main:
        new_main = copy.copy(main)
        new_main[:] = copies
        new_main.text, new_main.tail = "\n", "\n"
        new_body.append(new_main)
    else:
        new_body.extend(copies)
    shell.append(new_body)
    links = frozenset(
        href[1:] for element in copies for link in element.iter("a") if (href := link.get("href") or "").startswith("#")
    )
    return Piece(index, name, shell, links)


def with_link_pages(tree: Any, pages: dict[str, str]) -> Any:
    """The piece's tree with `data-octavo-page` on every link to an anchor: its page, or "" while unknown."""
    for link in tree.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#"):
            link.set(PAGE_ATTRIBUTE, pages.get(href[1:], ""))
    return tree
