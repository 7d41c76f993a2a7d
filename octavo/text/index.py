"""The index: marked entries grouped by letter in collation order, and their page numbers in the PDF."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

from octavo.core.model import IndexMark, Publication

# The placeholder the print template leaves for an entry's pages; filled in once the marks are laid out.
PAGES = re.compile(r'<span class="index-pages" data-marks="([^"]*)" data-label="([^"]*)">.*?</span>', re.DOTALL)
RANGE_DASH = "\u2013"


@dataclass(frozen=True)
class IndexEntry:
    heading: str
    marks: tuple[IndexMark, ...]  # the places marked under the heading itself
    subs: tuple[IndexEntry, ...] = ()  # its sub-headings, sorted
    anchor: str = ""  # its id in the index, where a "see" reference to it lands
    see: tuple[IndexEntry, ...] = ()  # the headings it refers to: "see" them, or "see also" when it has places

    @property
    def see_also(self) -> bool:
        return bool(self.marks or self.subs)


@dataclass(frozen=True)
class LetterGroup:
    letter: str
    entries: tuple[IndexEntry, ...]


@functools.cache
def _collator():
    # pyuca is the Unicode Collation Algorithm with its default table (DUCET): a letter with a diacritic
    # sorts beside its base letter (ä by a, ё by е), which is what German and Russian indexes want.
    import pyuca

    return pyuca.Collator()


def sort_key(text: str) -> tuple[tuple[int, ...], str]:
    return _collator().sort_key(text), text


def letter_of(heading: str) -> str:
    """The letter group of a heading: its first letter without diacritics, in capitals; '#' for the rest."""
    first = unicodedata.normalize("NFD", heading.lstrip())[:1]
    return first.upper() if first.isalpha() else "#"


def build_index(publication: Publication) -> tuple[LetterGroup, ...]:
    """The publication's index (a book's is one for all its articles), or () when nothing is marked."""
    if not publication.index:
        return ()
    headings: dict[str, list[IndexMark]] = {}
    subs: dict[str, dict[str, list[IndexMark]]] = {}
    for mark in publication.index:
        headings.setdefault(mark.heading, [])
        if mark.sub:
            subs.setdefault(mark.heading, {}).setdefault(mark.sub, []).append(mark)
        else:
            headings[mark.heading].append(mark)
    see = _see_references(publication)
    for heading in see:
        headings.setdefault(heading, [])
    anchors = _anchors(sorted({target for targets in see.values() for target in targets}, key=sort_key))
    groups: dict[str, list[IndexEntry]] = {}
    for heading in sorted(headings, key=sort_key):
        below = subs.get(heading, {})
        children = tuple(IndexEntry(sub, tuple(below[sub])) for sub in sorted(below, key=sort_key))
        targets = tuple(IndexEntry(t, (), anchor=anchors[t]) for t in sorted(see.get(heading, ()), key=sort_key))
        entry = IndexEntry(heading, tuple(headings[heading]), children, anchors.get(heading, ""), targets)
        groups.setdefault(letter_of(heading), []).append(entry)
    return tuple(LetterGroup(letter, tuple(entries)) for letter, entries in groups.items())


def _see_references(publication: Publication) -> dict[str, set[str]]:
    """Every `index-see` of the publication and, in a book, of its articles: heading -> the headings it names."""
    found: dict[str, set[str]] = {}
    for source in (publication, *getattr(publication, "articles", ())):
        for heading, targets in source.index_see:
            found.setdefault(heading, set()).update(targets)
    return found


def _anchors(headings: list[str]) -> dict[str, str]:
    """An ASCII id for the entry of each heading a "see" reference names ("index-entry-soviet-union")."""
    from slugify import slugify

    anchors: dict[str, str] = {}
    taken: set[str] = set()
    for number, heading in enumerate(headings, start=1):
        anchor = f"index-entry-{slugify(heading) or number}"
        while anchor in taken:
            anchor = f"{anchor}-{number}"
        taken.add(anchor)
        anchors[heading] = anchor
    return anchors


def mark_pages(pages: list) -> dict[str, int]:
    """The page number (as printed: the first page is 1) where each anchor of laid-out pages lands."""
    return {anchor: number for number, page in enumerate(pages, start=1) for anchor in page.anchors}


def page_runs(mark_ids: list[str], pages: dict[str, int]) -> list[list[tuple[int, str]]]:
    """An entry's pages, each once with the first mark on it, consecutive ones grouped into runs (12–14)."""
    first_mark: dict[int, str] = {}
    for mark_id in mark_ids:
        first_mark.setdefault(pages[mark_id], mark_id)
    runs: list[list[tuple[int, str]]] = []
    for number in sorted(first_mark):
        if runs and number == runs[-1][-1][0] + 1:
            runs[-1].append((number, first_mark[number]))
        else:
            runs.append([(number, first_mark[number])])
    return runs


def page_links(mark_ids: list[str], pages: dict[str, int], label: str = "") -> Markup:
    """An entry's pages, each once, consecutive ones joined into a range ("3, 12–14"), each number a link.

    `label` (the entry's heading) describes each link, which the PDF's finisher completes with its page.
    """

    def link(number: int, mark_id: str) -> Markup:
        return Markup('<a href="#{}" aria-label="{}">{}</a>').format(mark_id, label, number)

    parts = [link(*r[0]) if len(r) == 1 else Markup("{}{}{}").format(link(*r[0]), RANGE_DASH, link(*r[-1]))
             for r in page_runs(mark_ids, pages)]  # fmt: skip
    return Markup(", ").join(parts)


def fill_pages_tree(tree, pages: dict[str, int]) -> dict[str, str]:
    """Fill an HTML tree's index entries with their page links, as fill_pages does to the HTML text; returns
    the page number given for each mark, so that a change can be noticed."""
    from xml.etree.ElementTree import SubElement

    given: dict[str, str] = {}
    for span in tree.iter("span"):
        if "index-pages" not in (span.get("class") or "").split():
            continue
        ids = [mark for mark in (span.get("data-marks") or "").split() if mark in pages]
        label = span.get("data-label") or ""
        given.update({mark: str(pages[mark]) for mark in ids})
        span[:] = []
        span.text = ""
        last = None
        for position, run in enumerate(page_runs(ids, pages)):
            ends = run[:1] if len(run) == 1 else [run[0], run[-1]]
            for end, (number, mark_id) in enumerate(ends):
                separator = (", " if position else "") if end == 0 else RANGE_DASH
                if last is None:
                    span.text = separator
                else:
                    last.tail = separator
                last = SubElement(span, "a", {"href": f"#{mark_id}", "aria-label": label})
                last.text = str(number)
    return given


def fill_pages(html: str, pages: dict[str, int]) -> str:
    """The print HTML with each index entry's page numbers in place of its placeholder links."""

    def fill(match: re.Match) -> str:
        ids, label = match[1].split(), Markup(match[2]).unescape()
        return (f'<span class="index-pages" data-marks="{escape(match[1])}" data-label="{escape(label)}">'
                f"{page_links(ids, pages, label)}</span>")

    return PAGES.sub(fill, html)
