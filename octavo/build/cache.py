"""Incremental builds: skip an input whose files, options and octavo version have not changed.

The state lives in `<project>/.octavo-cache/state.json`. Every entry records, for one input file,
the content hash of each file it was built from (its YAML, the articles of a book, images,
references and citation styles, templates, styles and fonts) and of each output it wrote. Hashes,
not modification times, decide: a touched but unchanged file rebuilds nothing, and a changed or
deleted output is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from octavo import __version__
from octavo.build.output import write_atomic
from octavo.build.pipeline import Output
from octavo.core.diagnostics import Diagnostic, Report
from octavo.core.model import Publication, articles_of
from octavo.core.options import BuildOptions
from octavo.theme.theme import FOLDERS, theme_for

STATE_FILE = Path(".octavo-cache") / "state.json"


@dataclass(frozen=True)
class Fresh:
    """An input that is up to date: its outputs as last built and the warnings it had then."""

    outputs: list[Output]
    problems: Report


class BuildCache:
    """What was built from what, read at the start of a build and written at its end."""

    def __init__(self, options: BuildOptions) -> None:
        self.root = options.root
        self.path = options.root / STATE_FILE
        self.fingerprint = _fingerprint(options)
        self.hashes: dict[Path, str | None] = {}  # one hash per file per run, however many inputs share it
        try:
            self.entries: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def hash(self, path: Path) -> str | None:
        if path not in self.hashes:
            try:
                with path.open("rb") as file:  # in chunks: a book's PDF need not be in memory twice
                    self.hashes[path] = hashlib.file_digest(file, "sha256").hexdigest()
            except OSError:
                self.hashes[path] = None
        return self.hashes[path]

    def fresh(self, source: Path) -> Fresh | None:
        """What an input built before from exactly the same files gave (outputs and warnings), or None."""
        entry = self.entries.get(self._entry(source))
        if not entry:
            return None
        for files in (entry["inputs"], entry["outputs"]):
            for name, digest in files.items():
                if self.hash(self.root / name) != digest:
                    return None
        problems = Report([Diagnostic(self.root / d["path"], d["line"], d["column"], d["severity"], d["message"])
                           for d in entry.get("problems", [])])  # fmt: skip
        outputs = []
        for name, details in entry.get("details", {}).items():
            path = self.root / name
            outputs.append(Output(path, details["format"], path.stat().st_size, details["pages"], 0.0, "cached",
                                  len(problems.warnings)))  # fmt: skip
        return Fresh(outputs, problems)

    def record(self, publication: Publication, options: BuildOptions, outputs: list[Output],
               problems: list[Diagnostic]) -> None:  # fmt: skip
        """Remember what an input was built from, what it gave, and the warnings it had."""
        inputs = dependencies(publication, options)
        for output in outputs:
            self.hashes.pop(output.path, None)  # just written: hash the new bytes
        self.entries[self._entry(publication.source)] = {
            "inputs": {self._relative(p): self.hash(p) for p in inputs},  # resolved by dependencies()
            "outputs": {self._key(o.path): self.hash(o.path) for o in outputs},
            "details": {self._key(o.path): {"format": o.format, "pages": o.pages} for o in outputs},
            "problems": [{**asdict(d), "path": self._key(d.path)} for d in problems],
        }

    def save(self) -> None:
        """Keep the state for the next build; failing to is worth a note, never a failed build."""
        # Entries whose outputs are all gone (an old --out, say) would only grow the file.
        self.entries = {
            key: entry
            for key, entry in self.entries.items()
            if any((self.root / name).exists() for name in entry["outputs"])
        }
        try:
            write_atomic(self.path, json.dumps(self.entries, indent=1, sort_keys=True).encode("utf-8"))
        except OSError as exc:
            print(f"octavo: note: the build cache was not saved ({exc}); the next build starts afresh",
                  file=sys.stderr)  # fmt: skip

    def _entry(self, source: Path) -> str:
        # One entry per input and set of options, so that builds with other options (another
        # --out or --page-size) keep their own record instead of overwriting this one.
        return f"{self.fingerprint[:16]} {self._key(source)}"

    def _key(self, path: Path) -> str:
        return self._relative(path.resolve())

    def _relative(self, resolved: Path) -> str:
        return resolved.relative_to(self.root).as_posix() if resolved.is_relative_to(self.root) else str(resolved)


def dependencies(publication: Publication, options: BuildOptions) -> list[Path]:
    """Every file an output is made from."""
    files = [publication.source, *(a.source for a in articles_of(publication))]
    for article in articles_of(publication):
        for figure in article.figures:
            if figure.image is not None:
                files.append(figure.image)
                files += figure.svg.embeds if figure.svg is not None else ()  # images an SVG includes
            elif figure.image_name:  # a placeholder today: the build must notice when the file appears
                files.append(article.source.parent / figure.image_name)
    files += [path for article in articles_of(publication) for path in article.reference_files]
    files += [publication.cover] if publication.cover else []
    files += publication.cover_svg.embeds if publication.cover_svg else ()
    theme = theme_for(options)
    for folder in FOLDERS:
        files += sorted(theme.files(folder).values())
    files += options.theme.files() + ([options.config] if options.config else [])
    files += [options.output_intent] if options.output_intent else []
    return list(dict.fromkeys(p.resolve() for p in files))


def _fingerprint(options: BuildOptions) -> str:
    """The options and version an output depends on; any change rebuilds everything."""
    settings = {**asdict(options), "out": str(options.out.resolve()), "root": None, "version": __version__}
    settings.pop("keep_pieces"), settings.pop("reuse_pieces")  # how a book is laid out, not what it gives
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()
