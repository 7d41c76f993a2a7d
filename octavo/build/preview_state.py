"""The live preview's state: the last build's outputs (the only files it serves), its problems, its number."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from octavo.build.pipeline import Output
from octavo.build.preview_files import Snapshot, snapshot
from octavo.core.diagnostics import Diagnostic, display_path

SHOWN = ("pdf", "epub")  # what a publication's page shows (not its booklet, print-ready or paperback files)


@dataclass(frozen=True)
class Outcome:
    """What one build of the preview made: its exit status, the files written or found up to date, every
    problem it said, the output folder, and the outputs of inputs that no longer exist."""

    status: int
    outputs: list[Output]
    diagnostics: list[Diagnostic]
    out: Path
    stale: list[Path] = field(default_factory=list)


@dataclass
class Publication:
    """One input's outputs as the preview shows them; `pdf` and `epub` are read into memory once per build."""

    slug: str
    paths: dict[str, Path]  # "pdf" and "epub": the files on disk
    pdf: Snapshot | None = None
    epub: Snapshot | None = None

    @property
    def title(self) -> str:
        return (self.epub and self.epub.title) or (self.pdf and self.pdf.title) or self.slug


class PreviewState:
    """Shared by the builds (one thread) and the requests (many): everything under one condition."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.changed = threading.Condition()
        self.generation = 0  # finished builds
        self.building = False
        self.closed = False
        self.publications: dict[str, Publication] = {}
        self.problems: list[Diagnostic] = []

    def begin(self) -> None:
        """A build starts (the page says so)."""
        with self.changed:
            self.building = True
            self.changed.notify_all()

    def finish(self, outcome: Outcome) -> None:
        """A build ended: its outputs replace the ones they were made again of, and an input that failed keeps
        its last good ones; its problems replace the last build's."""
        found: dict[str, dict[str, Path]] = {}
        for output in outcome.outputs:
            if output.format in SHOWN:  # <slug>.pdf and <slug>.epub
                found.setdefault(output.path.stem, {})[output.format] = output.path
        with self.changed:
            kept = {slug: publication.paths for slug, publication in self.publications.items()}
        gone = {path.resolve() for path in outcome.stale}
        merged = {**kept, **found}
        # Read outside the lock: a big PDF takes a moment, and the pages keep being served meanwhile.
        publications = {}
        for slug, paths in sorted(merged.items()):
            if any(path.resolve() in gone for path in paths.values()):
                continue
            made = Publication(slug, paths, snapshot(paths.get("pdf"), outcome.out),
                               snapshot(paths.get("epub"), outcome.out))  # fmt: skip
            if made.pdf or made.epub:
                publications[slug] = made
        with self.changed:
            self.publications = publications
            self.problems = list(dict.fromkeys(outcome.diagnostics))
            self.generation += 1
            self.building = False
            self.changed.notify_all()

    def close(self) -> None:
        """The server stops: every open event stream ends."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def wait(self, seen: tuple[int, bool], timeout: float) -> tuple[int, bool] | None:
        """(generation, building) once it differs from `seen`; None after `timeout` seconds without a change or
        when the server stops (`closed`)."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or (self.generation, self.building) != seen, timeout)
            now = (self.generation, self.building)
            return None if self.closed or now == seen else now

    def status(self) -> dict:
        """The page's view of the state: /status's JSON."""
        with self.changed:
            publications, problems = list(self.publications.values()), list(self.problems)
            generation, building = self.generation, self.building
        return {
            "generation": generation,
            "building": building,
            "problems": [{"severity": d.severity, "text": self.said(d)} for d in problems],
            "publications": [describe(publication) for publication in publications],
        }

    def said(self, diagnostic: Diagnostic) -> str:
        """The problem as the build says it (file:line:col: severity: message), its file relative to the project."""
        path = Path(diagnostic.path)
        try:
            where = path.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            where = display_path(path)
        if where == ".":  # the project as a whole (a build that failed outright): no file to name
            return f"{diagnostic.severity}: {diagnostic.message}"
        if diagnostic.line:
            where += f":{diagnostic.line}" + (f":{diagnostic.column}" if diagnostic.column else "")
        return f"{where}: {diagnostic.severity}: {diagnostic.message}"

    def publication(self, slug: str) -> Publication | None:
        with self.changed:
            return self.publications.get(slug)

    def listing(self) -> list[Publication]:
        with self.changed:
            return list(self.publications.values())


def describe(publication: Publication) -> dict:
    """One publication in /status: its title, its PDF's pages and its EPUB's documents, each with a version."""
    found: dict = {"slug": publication.slug, "title": publication.title, "pdf": None, "epub": None}
    if publication.pdf is not None:
        found["pdf"] = {"version": publication.pdf.version, "name": publication.paths["pdf"].name,
                        "pages": [list(size) for size in publication.pdf.pages]}  # fmt: skip
    if publication.epub is not None:
        found["epub"] = {"version": publication.epub.version, "name": publication.paths["epub"].name,
                         "documents": list(publication.epub.documents), "start": publication.epub.start}  # fmt: skip
    return found
