"""Footnotes on the page of their reference: checked after layout, mended, and else printed as endnotes.

WeasyPrint 70 floats a footnote to the foot of the page its reference is laid out on, but moves notes to a
later page, and sometimes loses them, in three ways (its layout/block.py and layout/__init__.py):

- It compares the bottom of the last note with the bottom of the footnote area without any tolerance; a
  rounding error of 1e-13 px then counts as an overflow, and the note, with every note after it on the page,
  goes to the next page. print.css gives the area a hair of padding below its last note, which keeps the
  two bottoms apart.
- A note that really does not fit under its reference's line goes to the next page, its reference staying
  (`footnote-policy: auto`); print.css asks for `footnote-policy: line`, which takes the line to the next
  page with its note.
- When the line that completes a paragraph's `orphans` does not fit at the foot of a page, WeasyPrint
  sends the page's notes to the next page, last first, until the line fits, away from their references;
  when it still does not fit, the paragraph goes all the same and the notes with it. This happens wherever
  the text falls, so it is found after layout: the paragraph at the foot of such a page is given one more
  orphan than it had lines there, so that it goes to the next page whole and the notes stay, and the
  document is laid out again (a bounded number of times).

A note that is still not on its reference's page (a note taller than the page, say) is reported by
`misplaced`; the writer then prints it as an endnote (writer.py), never fails the build for it.
The pages of notes and references, and the lines, are read through octavo/pdf/engine/boxes.py; should the
boxes not be readable, the notes are only checked, by WeasyPrint's documented `Page.anchors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_PASSES = 3  # layouts spent mending; each costs a full layout of the document (or the book's piece)
# The same rules as print.css, after every other stylesheet: a project's stylesheet that takes them away
# brings WeasyPrint's misplaced notes back, so they are put back for the layouts that mend.
KEEPING_CSS = """
@page { @footnote { padding-bottom: 0.1pt !important; } }
.footnote { footnote-policy: line !important; }
"""
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def footnotes(root: Any) -> dict[str, str]:
    """Each footnote of the print HTML's tree: its id -> the id of the reference it is printed for (the target
    of its number's back-link)."""
    found: dict[str, str] = {}
    for span in root.iter("span"):
        if "footnote" not in (span.get("class") or "").split() or not span.get("id"):
            continue
        for link in span.iter("a"):
            href = link.get("href") or ""
            if "footnote-number" in (link.get("class") or "").split() and href.startswith("#"):
                found[span.get("id")] = href[1:]
                break
    return found


def id_pages(document: Any, ids: set[str]) -> dict[str, int]:
    """The page (from 0) each of these ids is laid out on, read from the elements of the page's boxes.

    Not from WeasyPrint's `Page.anchors`: a stylesheet's `position: note()` names its notes' anchors
    "note-1", "note-2" … as octavo names its footnotes, and the page of one would be taken for the other's.
    """
    from octavo.pdf.engine.boxes import readable, styled

    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        if not readable():
            names = (name for name in page.anchors if name in ids)
        else:
            # Not a pseudo-element's box: a footnote's call (its ::footnote-call) stays where the note was called.
            names = (element.get("id") for element, tag, _style in styled(page)
                     if element.get("id") in ids and "::" not in tag)  # fmt: skip
        for name in names:
            pages.setdefault(name, number)
    return pages


def misplaced(document: Any, notes: dict[str, str]) -> dict[str, int]:
    """The footnotes not printed on the page of their reference (on a later one, or lost): note id -> the page
    (from 0) of its reference. A note whose reference is not laid out at all is not judged."""
    pages = id_pages(document, {*notes, *notes.values()})
    return {note: pages[call] for note, call in notes.items() if call in pages and pages.get(note) != pages[call]}


def keep_on_their_pages(html: Any, document: Any, relayout: Callable[[list[str]], Any]) -> Any:
    """`document`, the layout of `html` (a weasyprint.HTML), laid out again by `relayout` (given stylesheets to
    add, as CSS text) until every footnote is on its reference's page, at most MAX_PASSES times."""
    from octavo.pdf.engine.boxes import html_root, readable, rewrap

    notes = footnotes(html_root(html))
    if not notes or not readable():
        return document
    extra: list[str] = []
    mended: dict[Any, int] = {}  # the orphans given to each paragraph moved so far
    off = misplaced(document, notes)
    best = (len(off), document)
    for _ in range(MAX_PASSES):
        if not off:
            break
        changed = not extra
        extra = [KEEPING_CSS]
        for page in sorted(set(off.values())):
            changed = _send_on(document, page, mended) or changed
        if not changed:
            break
        rewrap(html)  # WeasyPrint's selector matching reads the tree it wrapped
        document = relayout(extra)
        off = misplaced(document, notes)
        if len(off) < best[0]:
            best = (len(off), document)
    # A note no paragraph's move brings back (one taller than the page) is left to the writer, in the layout
    # that moved the fewest notes: moving paragraphs for it only sends more notes away.
    return best[1]


def _send_on(document: Any, page: int, mended: dict[Any, int]) -> bool:
    """Give the paragraph that ends `page` (or, when the page ends between blocks, the one that opens the next
    page) more orphans than it has lines there, so that it goes to the next page whole instead of the notes."""
    from octavo.pdf.engine.boxes import flow_lines

    lines = flow_lines(document.pages[page])
    following = flow_lines(document.pages[page + 1]) if page + 1 < len(document.pages) else []
    if not lines:
        return False
    last, style = lines[-1]
    if following and following[0][0] is last:
        target, here = last, _trailing(lines, last)
    else:
        target, style = next(((element, style) for element, style in following
                              if element is not None and element.tag not in HEADINGS), (None, None))  # fmt: skip
        here = 0
    if target is None or style is None:
        return False
    orphans = max(int(style["orphans"]), mended.get(target, 0), here) + 1
    mended[target] = orphans
    rule = f"orphans: {orphans}"
    target.set("style", f"{target.get('style')}; {rule}" if target.get("style") else rule)
    return True


def _trailing(lines: list[tuple[Any, Any]], element: Any) -> int:
    """How many of the page's last lines belong to `element`."""
    count = 0
    for line_element, _style in reversed(lines):
        if line_element is not element:
            break
        count += 1
    return count


def misplaced_in(html_text: str, document: Any) -> list[str]:
    """The footnotes of a print HTML (its text) that `document`, its layout, does not print on their reference's
    page, in the order of their numbers."""
    notes = _notes_of(html_text)
    return sorted(misplaced(document, notes), key=number_order) if notes else []


def first_of_each(off: dict[str, Any]) -> set[str]:
    """Of the misplaced notes (note id -> the part of the document laid out with it), the first of each part.
    Once WeasyPrint moves a note, it moves every later note of the page too, and takes their lines along; those
    may well stay once the first is an endnote."""
    first: dict[Any, str] = {}
    for note in sorted(off, key=number_order):
        first.setdefault(off[note], note)
    return set(first.values())


def footnote_ids(html_text: str) -> list[str]:
    """The ids of the footnotes of a print HTML (its text)."""
    return sorted(_notes_of(html_text), key=number_order)


def _notes_of(html_text: str) -> dict[str, str]:
    if 'class="footnote"' not in html_text:
        return {}
    from octavo.pdf.engine.documents import parse_html  # WeasyPrint's own parser: the same tree it laid out

    return footnotes(parse_html(html_text))


def number_order(note_id: str) -> tuple[str, int]:
    """A note id's sort key: its article's prefix, then its number ("chapter2--note-10" after "chapter2--note-9")."""
    prefix, _, number = note_id.rpartition("-")
    return (prefix, int(number)) if number.isdigit() else (note_id, 0)


def with_endnotes(publication: Any, ids: frozenset[str] | None) -> Any:
    """The publication with these footnotes (by id; None: all of them) printed as endnotes, under their numbers."""
    from dataclasses import replace

    from octavo.core.model import Book, articles_of

    changed = []
    for article in articles_of(publication):
        moved = tuple(note for note in article.footnotes if ids is None or note.id in ids)
        if moved:
            kept = tuple(note for note in article.footnotes if not (ids is None or note.id in ids))
            notes = tuple(sorted((*article.notes, *moved), key=lambda note: note.number))
            article = replace(article, notes=notes, footnotes=kept)
        changed.append(article)
    return replace(publication, articles=tuple(changed)) if isinstance(publication, Book) else changed[0]


def transplant(html_text: str, remade: str) -> str:
    """The body of `remade` under the head of `html_text`: the stylesheets added to a print HTML after it was made
    (a booklet's, the print-ready PDF's) stay when its notes are made again."""
    head, new_head = html_text.lower().find("</head>"), remade.lower().find("</head>")
    return html_text[:head] + remade[new_head:] if head >= 0 and new_head >= 0 else remade


def endnote_warnings(publication: Any, moved: list[str]) -> list[tuple[Any, int, int, str]]:
    """(file, line, column, message) for each footnote printed as an endnote, at the note's text in the YAML."""
    from octavo.core.model import articles_of

    found = []
    for article in articles_of(publication):
        for note in (*article.footnotes, *article.notes):
            if note.id in moved:
                found.append((article.source, *note.at, f"note {note.number} could not be kept on the page of "
                              "its reference; it is printed as an endnote"))  # fmt: skip
    return found
