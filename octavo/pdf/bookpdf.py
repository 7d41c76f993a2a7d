"""A book's PDF laid out in pieces, in parallel (`--jobs`), and joined as if it had been laid out in one.

One WeasyPrint layout uses one core, so a book laid out whole takes as long on sixteen cores as on
one. Here its pieces (pieces.py) go to layout processes as they become free. The pieces' page
counts give each piece its first page; a piece is drawn (its folios numbered) as soon as every piece
before it is settled, and laid out again only when a page number it shows turns out different from
the one it was given: the contents list, whose numbers are known last, and the back matter, laid
out once the chapters are (the notes show the pages of their references, the index the pages of its
marks). With `--jobs 1` the same happens in one forked process, one piece after another, so only
one piece's layout is in memory at a time, and that memory is given back before the join. How the PDF was
laid out goes to this module's logger at INFO (`--verbose` prints it): in how many pieces with how many jobs,
or whole and why; the record's `pieces` and `jobs` attributes hold the numbers (0 pieces: laid out whole).
"""

from __future__ import annotations

import copy
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octavo.core.options import BuildOptions
from octavo.pdf.engine import pieces_possible
from octavo.pdf.join import Part, join_parts
from octavo.pdf.piececache import PieceCache, piece_cache
from octavo.pdf.pieces import Piece, has_index, split_article, split_book, splittable
from octavo.pdf.piecework import Laid
from octavo.pdf.workers import Workers, workers

FORCED = {"page": None, "always": None, "right": 1, "recto": 1, "left": 0, "verso": 0}  # -> parity of the first page
MAX_LAYOUTS = 4  # of one piece; page numbers that still move after that are left as they are
LOG = logging.getLogger(__name__)


class NotSplittable(Exception):
    """The book cannot be laid out in pieces after all (a piece that does not start a new page)."""


def render_in_pieces(document: Any, options: BuildOptions,
                     starts: list | None = None) -> tuple[bytes, int, list[str], dict[str, Any]] | None:  # fmt: skip
    """(PDF, page count, WeasyPrint's errors, the footnotes no layout kept on their reference's page) of a book,
    or an article with an index, laid out in pieces; None to lay it out whole. `starts` receives where each page
    begins (pagestarts.py)."""
    slug = next((url.split("/", 1)[0].removesuffix("_files") for url in document.assets), "the document")
    if not splittable(_stylesheets(document)):
        return _whole(slug, "a stylesheet needs the whole document at once")
    if not pieces_possible():  # a piece's folios are made again through WeasyPrint's internals (docs/engine.md)
        return _whole(slug, "the engine's hook for pieces is off")
    pieces = split_book(document.html) if document.book else split_article(document.html)
    if pieces is None:
        return _whole(slug, "nothing to cut it at")
    # An article's two pieces are laid out one after the other (the index shows the article's pages): no
    # process would wait less for another. A book's chapters go to as many processes as --jobs allows.
    jobs = max(1, min(options.layout_jobs, len(pieces))) if document.book else 1
    links = {link for piece in pieces for link in piece.links}
    cache = piece_cache(slug, document.assets, options)  # keeps nothing unless the options ask (not --force)
    # The drawn pieces go to files, which the join reads as it writes: a book's images are not held in memory
    # once per piece and again in the joined PDF.
    with tempfile.TemporaryDirectory(prefix="octavo-pieces-") as folder:
        try:
            with workers(document.assets, options, jobs, Path(folder)) as running:
                schedule = _Schedule(pieces, running, document.identifier, cache)
                del pieces  # the schedule keeps what it needs
                parts = schedule.run()
        except NotSplittable as exc:
            return _whole(slug, str(exc))
        cache.keep_hints(schedule.anchor_pages)
        cache.prune()
        missing = sorted(links - set(schedule.anchor_pages))
        unknown = (f"No anchor #{name} for internal URI reference" for name in missing)
        errors = [*dict.fromkeys(schedule.errors), *unknown]
        count = {"pieces": len(schedule.pieces), "jobs": jobs, "layouts": schedule.layouts_made,
                 "reused": schedule.reused}  # fmt: skip
        kept = f"; {schedule.reused} kept from the last build, {schedule.layouts_made} layouts made" \
            if schedule.reused else ""  # fmt: skip
        LOG.info("%s: laid out in %d pieces, %d jobs%s", slug, count["pieces"], jobs, kept, extra=count)
        if starts is not None:
            starts[:] = _page_starts(schedule)
        # A footnote lives in its chapter's piece, with its reference: each piece's last layout tells.
        off = {note: state.laid.index for state in schedule.states if state.laid is not None
               for note in state.laid.misplaced}  # fmt: skip
        return join_parts(parts, schedule.anchor_pages, document.identifier), schedule.total_pages, errors, off


def _page_starts(schedule: _Schedule) -> list:
    """Where each page of the book begins, the blank pages between pieces as None."""
    found: list = []
    for index, state in enumerate(schedule.states):
        found += [None] * (schedule.first_pages[index] - 1 - len(found))
        found += state.laid.starts if state.laid is not None else []
    return found + [None] * (schedule.total_pages - len(found))


def _whole(slug: str, why: str) -> None:
    LOG.info("%s: laid out whole: %s", slug, why, extra={"pieces": 0, "jobs": 1})


def _stylesheets(document: Any) -> list[str]:
    """The text of every stylesheet the print HTML uses: its files and any <style> element."""
    import re

    sheets = []
    for url, source in document.assets.items():
        if url.lower().endswith(".css"):
            data = source if isinstance(source, bytes) else source.read_bytes()
            sheets.append(data.decode("utf-8", "replace"))
    sheets += re.findall(r"<style[^>]*>(.*?)</style>", document.html, flags=re.DOTALL | re.IGNORECASE)
    return sheets


@dataclass
class _State:
    """What the schedule knows of one piece."""

    laid: Laid | None = None
    holder: int | None = None  # the worker that keeps its layout
    busy: bool = False  # being laid out or drawn
    layouts: int = 0
    redo: bool = False  # its layout is out of date: lay it out again
    first_break: str = ""  # its break-before, once a layout has told it
    given: dict[str, str] = field(default_factory=dict)  # page numbers written into it (the index's)
    drawn: tuple[Path, int, frozenset[str]] | None = None  # its PDF, the first page it was drawn with, its anchors
    tree: str | None = None  # the key of its HTML (without page numbers) and side in the piece cache
    key: str | None = None  # its layout's key in the piece cache: the HTML's and the page numbers it shows
    arguments: tuple | None = None  # its layout's arguments, to lay it out again for a drawing


class _Schedule:
    """Which piece to lay out or draw next, on which worker, until every piece is drawn with the right numbers."""

    def __init__(self, pieces: list[Piece], workers: Workers, identifier: bytes, cache: PieceCache) -> None:
        self.pieces = pieces
        self.workers = workers
        self.identifier = identifier
        self.cache = cache
        self.trees: dict[tuple, str] = {}  # (piece, side, the index's pages) -> the key of its HTML in the cache
        self.missed: set[tuple] = set()  # (HTML's key, page numbers shown) the cache does not hold
        self.layouts_made = 0
        self.reused = 0  # pieces drawn by an earlier build
        self.states = [_State() for _ in pieces]
        self.index_piece = next((p.index for p in pieces if p.index and has_index(p.tree)), None)
        self.errors: list[str] = []
        self.anchor_pages: dict[str, int] = {}
        self.first_pages: dict[int, int] = {}
        self.total_pages = 0
        self.forget: dict[int, list[int]] = {}

    def run(self) -> list[Part]:
        while not self._done():
            self._update()
            if self._reuse():
                continue  # what is known changed: first pages, anchors, stale pieces are worked out again
            for worker in self.workers.idle():
                work = self._next_for(worker)
                if work is not None:
                    self.workers.send(worker, work)
            if not self.workers.busy():
                raise RuntimeError("the book's pieces could not be laid out")  # a bug: nothing left to do
            self._receive(*self.workers.receive())
        return self._parts()

    # -- what is known -------------------------------------------------------------------------------------

    def _update(self) -> None:
        """First pages and anchor pages from the layouts known so far; stale layouts and drawings dropped."""
        self._measure()
        for index, state in enumerate(self.states):
            if state.busy or state.redo or not self._stale(index):
                continue
            # Its last layout still stands for its length until the new one comes, so the pieces after it
            # keep their first pages; should the length change, they turn stale in their turn.
            if state.holder is not None:
                self.forget.setdefault(state.holder, []).append(index)
            state.redo, state.holder, state.drawn = True, None, None

    def _measure(self) -> None:
        """Each piece's first page and each anchor's page, as far as the pieces are laid out in order."""
        self.first_pages, self.anchor_pages = {}, {}
        page = 1
        for index, state in enumerate(self.states):
            if state.laid is None:
                break
            start = page
            parity = FORCED.get(state.laid.first_break, "none") if index else 1
            if parity == "none":
                raise NotSplittable(f"{self.pieces[index].name} does not start a page")
            if parity is not None and start % 2 != parity:
                start += 1  # a blank page, as WeasyPrint leaves before a chapter that must open on the right
            self.first_pages[index] = start
            page = start + state.laid.pages
            for name, local in state.laid.anchors.items():
                self.anchor_pages.setdefault(name, start + local)

    def _stale(self, index: int) -> bool:
        """Whether the piece must be laid out again: it lies on the wrong side, was drawn with another first
        page, or shows page numbers that are now all known and not all right (one at a time would be waste)."""
        state = self.states[index]
        if state.laid is None or state.layouts >= MAX_LAYOUTS:
            return False
        first = self.first_pages.get(index)
        if first is not None and state.laid.right_first != (first % 2 == 1):
            return True
        if state.drawn is not None and first is not None and state.drawn[1] != first:
            return True
        shown = {**state.laid.shown, **state.given}
        if any(name not in self.anchor_pages for name in shown):
            return False
        return any(str(self.anchor_pages[name]) != value for name, value in shown.items())

    def _settled(self, index: int) -> bool:
        """Whether the piece's layout is final: its first page known, on the right side, every number right."""
        state = self.states[index]
        if state.laid is None or state.redo or index not in self.first_pages:
            return False
        if state.layouts >= MAX_LAYOUTS:
            return True
        shown = {**state.laid.shown, **state.given}
        return all(name in self.anchor_pages for name in shown) and not self._stale(index)

    def _done(self) -> bool:
        return all(s.drawn is not None for s in self.states) and all(
            self._settled(i) for i in range(len(self.states))
        )

    # -- what to do next -----------------------------------------------------------------------------------

    def _next_for(self, worker: int) -> tuple | None:
        forget = self.forget.pop(worker, [])
        for index, state in enumerate(self.states):  # drawing first: it frees the layout's memory
            if state.holder == worker and not state.busy and state.drawn is None and self._drawable(index):
                state.busy = True
                return ("draw", index, (self.first_pages[index], self.identifier), forget)
        for index, state in enumerate(self.states):  # a layout kept from an earlier build, drawn with other folios
            if state.holder is None and state.arguments is not None and not state.busy and state.drawn is None \
                    and self._drawable(index):  # fmt: skip
                state.busy = True
                return ("draw", index, (self.first_pages[index], self.identifier, state.arguments), forget)
        for index, state in enumerate(self.states):
            if (state.laid is None or state.redo) and not state.busy and self._may_lay_out(index):
                state.busy = True
                state.layouts += 1
                self.layouts_made += 1
                state.arguments = self._layout_arguments(index)
                state.tree, state.key = self._tree_key(index, state.arguments), None  # the key once it is laid out
                return ("lay out", index, state.arguments, forget)
        if forget:
            self.forget[worker] = forget
        return None

    def _reuse(self) -> bool:
        """Take from the cache one layout or drawing an earlier build made with the same arguments; whether one
        was found. A layout is looked for only when it is due, so the layouts follow the course they would take
        without the cache, and end in the same pages."""
        if not self.cache.reads:
            return False
        for index, state in enumerate(self.states):
            if state.busy:
                continue
            if (state.laid is None or state.redo) and self._may_lay_out(index):
                if self._reuse_layout(index):
                    return True
            elif state.drawn is None and state.key is not None and state.holder is None and self._drawable(index):
                found = self.cache.drawn(state.key, self.first_pages[index], self.workers.folder)
                if found is not None:
                    path, anchors, errors = found
                    state.drawn = (path, self.first_pages[index], anchors)
                    self.errors += errors
                    self.reused += 1
                    return True
        return False

    def _reuse_layout(self, index: int) -> bool:
        """A layout of the piece, as it is now (its HTML, its side) and with the page numbers it would show now,
        kept by an earlier build: taken, and True."""
        told = (index, self._right_first(index),
                tuple(sorted(self.anchor_pages.items())) if index == self.index_piece else ())  # fmt: skip
        if told not in self.trees:
            self.trees[told] = self._tree_key(index, self._layout_arguments(index))
        tree = self.trees[told]
        pages = dict(self._link_pages(index))
        shown = {name: str(pages.get(name, "")) for name in self.cache.shown(tree) or ()}
        if (tree, tuple(shown.items())) in self.missed:
            return False
        key = self.cache.layout_key(tree, shown)
        laid = self.cache.laid(key, index) if self.cache.shown(tree) is not None else None
        if laid is None:
            self.missed.add((tree, tuple(shown.items())))
            return False
        state = self.states[index]
        state.layouts += 1
        state.laid, state.holder, state.first_break, state.redo = laid, None, laid.first_break, False
        state.arguments, state.tree, state.key = self._layout_arguments(index), tree, key
        self.errors += laid.errors
        return True

    def _link_pages(self, index: int) -> tuple[tuple[str, int], ...]:
        """The page of each target of the piece's links: as laid out so far, else as the last build found it (when
        that was right, as it is wherever an edit moved no page, the piece needs no second layout)."""
        found = ((name, self.anchor_pages.get(name, self.cache.hints.get(name))) for name in self.pieces[index].links)
        return tuple(sorted((name, page) for name, page in found if page is not None))

    def _tree_key(self, index: int, arguments: tuple) -> str | None:
        return self.cache.tree_key(index, arguments) if self.cache.keeps else None

    def _drawable(self, index: int) -> bool:
        """Settled, and every piece before it laid out: its first page is known. (Should one of them be laid
        out again and change length, this drawing no longer matches its first page and is made again.)"""
        return self._settled(index) and all(i in self.first_pages for i in range(index))

    def _may_lay_out(self, index: int) -> bool:
        """Chapters and the front matter at once; the back matter once the chapters are laid out (it shows
        their pages); the index once everything else is laid out and up to date (it shows the pages of marks
        anywhere)."""
        if index == self.index_piece:
            others = [i for i in range(len(self.states)) if i != index]
            return all(self._current(i) and i in self.first_pages for i in others)
        if self._is_back(index):
            return all(self._current(i) for i in range(len(self.states)) if not self._is_back(i))
        return True

    def _current(self, index: int) -> bool:
        """Laid out, and not waiting to be laid out again (a piece being drawn is current: its pages are known)."""
        state = self.states[index]
        return state.laid is not None and not state.redo and not self._stale(index)

    def _is_back(self, index: int) -> bool:
        return index > 0 and not self.pieces[index].name.startswith("chapter ")

    def _layout_arguments(self, index: int) -> tuple:
        piece = self.pieces[index]
        pages = {name: str(page) for name, page in self._link_pages(index)}
        tree = piece.tree
        state = self.states[index]
        if index == self.index_piece:
            from octavo.text.index import fill_pages_tree

            tree = copy.deepcopy(tree)
            state.given = fill_pages_tree(tree, self.anchor_pages)
        return (tree, self._right_first(index), pages, piece.own_numbers, piece.stub)

    def _right_first(self, index: int) -> bool:
        """Whether the piece's first page will be a right-hand one. A book's parts open on the right, unless
        an earlier layout of this piece said otherwise (a break to the left, or to any page after an odd one)."""
        state = self.states[index]
        previous = self.states[index - 1].laid if index else None
        known = state.first_break or (previous.next_break if previous is not None else "")
        parity = FORCED.get(known, 1) if known else 1
        if parity is None and index - 1 in self.first_pages and self.states[index - 1].laid is not None:
            parity = (self.first_pages[index - 1] + self.states[index - 1].laid.pages) % 2
        return parity != 0

    # -- results -------------------------------------------------------------------------------------------

    def _receive(self, worker: int, reply: tuple) -> None:
        kind, index = reply[0], reply[1]
        state = self.states[index]
        state.busy = False
        if kind == "failed":
            raise RuntimeError(f"laying out {self.pieces[index].name} failed:\n{reply[2]}")
        if kind == "unsplittable":
            raise NotSplittable(reply[2])
        if kind == "laid":
            laid: Laid = reply[2]
            state.laid, state.holder, state.first_break, state.redo = laid, worker, laid.first_break, False
            self.errors += laid.errors
            if state.tree is not None:
                state.key = self.cache.keep_laid(state.tree, laid)
        else:
            path, first, anchors, errors = reply[2], reply[3], reply[4], reply[5]
            state.drawn, state.holder = (path, first, anchors), None
            self.errors += errors
            if state.key is not None:
                self.cache.keep_drawn(state.key, first, path, anchors, errors)

    def _parts(self) -> list[Part]:
        """The drawn pieces in order, with a blank page wherever a piece opens after one."""
        parts: list[Part] = []
        page = 1
        size = (0.0, 0.0)
        for state in self.states:
            assert state.drawn is not None and state.laid is not None
            path, first, anchors = state.drawn
            while page < first:
                parts.append(Part(None, size=size or (595.0, 842.0)))
                page += 1
            parts.append(Part(path, anchors))
            page += state.laid.pages
            size = state.laid.last_page_size
        self.total_pages = page - 1
        return parts
