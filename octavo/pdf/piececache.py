"""A book's laid-out and drawn pieces kept between builds, so that an edit lays out only the pieces it changed.

A piece's layout depends on its HTML (with the page numbers written into its links), on whether it opens on
a right-hand page, on the book's stylesheets, fonts and images, on the options and on the versions of
octavo, WeasyPrint, pydyf and Pango: the layout key is a hash of all of them. Under that key the cache
keeps what the schedule learns from a layout (piecework.Laid), and under the key and a first page the
piece's drawn PDF, whose bytes are then those a new drawing would give. A piece found drawn is neither laid
out nor drawn; a piece found laid out but drawn with another first page (its folios moved) is laid out and
drawn again, in a worker, like any other.

The files are JSON and PDF, never pickles: a project's cache folder may come from anywhere. They live in
`<project>/.octavo-cache/pieces/<book>-<options>/`; after each build, the files that build did not use are
removed, so the folder holds one book's pieces once (and the numbering rounds the next build will ask for).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from octavo import __version__
from octavo.core.options import BuildOptions
from octavo.pdf.pagestarts import PageStart
from octavo.pdf.pieces import with_link_pages
from octavo.pdf.piecework import Laid

FOLDER = Path(".octavo-cache") / "pieces"
# Options that change where files go or how fast they are made, never a byte of a piece.
_NOT_IN_KEY = ("out", "root", "config", "layout_jobs", "keep_pieces", "reuse_pieces")


class PieceCache:
    """The kept pieces of one book built with one set of options."""

    def __init__(self, folder: Path | None, context: str = "", reads: bool = True) -> None:
        self.folder = folder  # None: nothing is kept or found (the API's default)
        self.reads = reads and folder is not None  # False: nothing is found, what is laid out is kept (--force)
        self.context = context  # everything but the piece's own HTML and page numbers that its layout depends on
        self.used: set[str] = set()
        self.shown_names: dict[str, list[str] | None] = {}
        found = self._read_json("hints.json") if self.reads else None
        # Where the last build found each anchor: page numbers for a piece's first layout (bookpdf.py)
        self.hints: dict[str, int] = {k: v for k, v in (found or {}).items() if isinstance(v, int)}

    @property
    def keeps(self) -> bool:
        """Whether this cache keeps anything (not through the API by default); `reads`: whether it finds any."""
        return self.folder is not None

    def tree_key(self, index: int, arguments: tuple) -> str:
        """The key of a piece's HTML, without the page numbers of its links, and of the side it opens on."""
        tree, right_first, _pages, own_numbers, stub = arguments
        html = ElementTree.tostring(with_link_pages(tree, {}), encoding="unicode")
        return _digest(json.dumps([self.context, index == 0, right_first, own_numbers, stub, html]).encode())[:40]

    def shown(self, tree: str) -> list[str] | None:
        """The links whose page numbers the piece shows (which alone change its layout), as its last layout found."""
        if not self.reads:
            return None
        if tree not in self.shown_names:
            found = self._read_json(f"{tree}.shown.json")
            names = found.get("shown") if found is not None else None
            self.shown_names[tree] = names if isinstance(names, list) else None
        return self.shown_names[tree]

    def layout_key(self, tree: str, shown: dict[str, str]) -> str:
        """The key of a layout: its HTML's and the page numbers it shows."""
        return _digest(json.dumps([tree, sorted(shown.items())]).encode())[:40]

    def laid(self, key: str, index: int) -> Laid | None:
        """The layout kept under `key`, or None."""
        if not self.reads:
            return None
        found = self._read_json(f"{key}.laid.json")
        if found is None:
            return None
        try:
            found["starts"] = [None if start is None else _page_start(start) for start in found["starts"]]
            for name in ("last_page_size", "misplaced"):
                found[name] = tuple(found[name])
            return Laid(**{**found, "index": index})
        except (KeyError, TypeError, ValueError):  # written by another version, or damaged: laid out again
            return None

    def keep_laid(self, tree: str, laid: Laid) -> str:
        """Keep a layout of the HTML `tree`; its key."""
        key = self.layout_key(tree, laid.shown)
        self.shown_names[tree] = sorted(laid.shown)
        self._write(f"{tree}.shown.json", json.dumps({"shown": sorted(laid.shown)}).encode("utf-8"))
        self._write(f"{key}.laid.json", json.dumps(dataclasses.asdict(laid), sort_keys=True).encode("utf-8"))
        return key

    def drawn(self, key: str, first_page: int, into: Path) -> tuple[Path, frozenset[str], list[str]] | None:
        """The piece laid out under `key` and drawn from `first_page`: its PDF (copied into the folder `into`, where
        another build's pruning cannot take it away before the join reads it), its anchors and errors; or None."""
        if not self.reads:
            return None
        found = self._read_json(f"{key}-{first_page}.drawn.json")
        if found is None:
            return None
        name = f"{key}-{first_page}.pdf"
        try:
            shutil.copyfile(self.folder / name, into / name)
            if _digest((into / name).read_bytes()) != found.get("sha256"):
                return None  # damaged, or half written by something else: drawn again
        except OSError:
            return None
        self.used.add(name)
        return into / name, frozenset(found.get("anchors", ())), list(found.get("errors", ()))

    def keep_drawn(self, key: str, first_page: int, pdf: Path, anchors: frozenset[str], errors: list[str]) -> None:
        data = pdf.read_bytes()
        self._write(f"{key}-{first_page}.pdf", data)
        details = {"anchors": sorted(anchors), "errors": errors, "sha256": _digest(data)}
        self._write(f"{key}-{first_page}.drawn.json", json.dumps(details, sort_keys=True).encode("utf-8"))

    def keep_hints(self, anchor_pages: dict[str, int]) -> None:
        self._write("hints.json", json.dumps(anchor_pages, sort_keys=True).encode("utf-8"))

    def prune(self) -> None:
        """Remove the files this build did not use: pieces since edited, numberings no longer asked for. Inside
        `together()`, once the block ends, keeping what any of its layouts used."""
        if self.folder is None:
            return
        if _TOGETHER:
            _TOGETHER[-1].setdefault(self.folder, set()).update(self.used)
        else:
            _prune(self.folder, self.used)

    def _read_json(self, name: str) -> dict | None:
        try:
            found = json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        self.used.add(name)
        return found if isinstance(found, dict) else None

    def _write(self, name: str, data: bytes) -> None:
        """Write in full beside the target, then move into place: a build stopped halfway leaves no half file."""
        if self.folder is None:
            return
        self.used.add(name)
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".part-")
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, self.folder / name)
        except OSError:  # a cache that cannot be written costs the next build time, never this one its PDF
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


_TOGETHER: list[dict[Path, set[str]]] = []  # the open together() blocks: the files used, by folder


@contextmanager
def together() -> Iterator[None]:
    """The layouts of one PDF (those that print more footnotes as endnotes, round after round) keep what any of
    them used: each would otherwise remove the files of the one before, which the next build asks for again."""
    _TOGETHER.append({})
    try:
        yield
    finally:
        for folder, used in _TOGETHER.pop().items():
            _prune(folder, used)


def _prune(folder: Path, used: set[str]) -> None:
    try:
        names = [path for path in folder.iterdir() if path.name not in used]
    except OSError:
        return
    for path in names:
        path.unlink(missing_ok=True)


def piece_cache(slug: str, assets: dict[str, Any], options: BuildOptions) -> PieceCache:
    """The cache of the book `slug` built with `options` from these assets (its stylesheets, fonts, images); one
    that keeps nothing unless the options ask for it (`keep_pieces`: the command line's builds), and finds nothing
    kept with `reuse_pieces` off (--force: everything laid out anew, and kept for the next build)."""
    if not options.keep_pieces:
        return PieceCache(None)
    from octavo.pdf.engine import ENVIRONMENT, versions
    from octavo.theme.theme import theme_for

    settings = {key: value for key, value in dataclasses.asdict(options).items() if key not in _NOT_IN_KEY}
    variant = hashlib.sha256(json.dumps([slug, settings], sort_keys=True, default=str).encode()).hexdigest()[:12]
    digest = hashlib.sha256()
    digest.update(json.dumps([__version__, versions(), os.environ.get(ENVIRONMENT, ""), variant]).encode())
    for url in sorted(assets):
        source = assets[url]
        digest.update(url.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(source if isinstance(source, bytes) else source.read_bytes()).digest())
    theme = theme_for(options)  # the labels the finisher writes into the PDF (a link's "page 212") come from it
    for path in theme.find_all("templates", "labels.yaml"):
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return PieceCache(options.root / FOLDER / f"{_safe(slug)}-{variant}", digest.hexdigest(), options.reuse_pieces)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _safe(slug: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in slug)[:60] or "book"


def _page_start(found: dict) -> PageStart:
    anchors = tuple((str(name), int(count)) for name, count in found["anchors"])
    return PageStart(found["tag"], anchors, found["words_before"], found["first_words"], found.get("before", False))
