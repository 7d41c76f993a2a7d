"""What octavo wrote, and from which input: the record that finds stale outputs and that `octavo clean` removes.

It lives in the build cache, `<project>/.octavo-cache/outputs.json`, not in the output folder, which then
holds only what its reader wants. For each output folder (relative to the project folder when inside it), each
file octavo wrote there (the HTML's files beside it included) and the input it was made from:

    {"dist": {"handout.pdf": "content/handout.yaml", "handout.epub": "content/handout.yaml"}}

Only files octavo wrote are ever named, so `octavo clean` leaves everything else in the folder alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import NamedTuple

from octavo.build.output import write_atomic

CACHE = Path(".octavo-cache")
MANIFEST = CACHE / "outputs.json"


class Entry(NamedTuple):
    """What is said of a stale or removed output: a file, or a folder of octavo's files (an HTML's own files)."""

    path: Path
    files: int  # the files octavo wrote in it
    folder: bool


class Manifest:
    """The outputs octavo wrote for one project: read at the start of a build, merged into the file at its end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders = _read(root / MANIFEST)
        self.added: dict[str, dict[str, str]] = {}  # this run's, merged into whatever the file holds at save()

    def wrote(self, source: Path, paths: list[Path], out: Path) -> None:
        """Remember that these files in the output folder `out` were made from `source`."""
        folder = self.added.setdefault(self._key(out), {})
        for path in paths:
            folder[path.resolve().relative_to(out.resolve()).as_posix()] = self._key(source)
        self.folders.setdefault(self._key(out), {}).update(folder)

    def save(self) -> None:
        """Write the record, with what another build wrote since it was read, and without files now gone;
        failing to is worth a note, never a failed build."""
        folders = _read(self.root / MANIFEST)  # another build of the project may have ended meanwhile
        for key, files in self.added.items():
            folders.setdefault(key, {}).update(files)
        self.folders = {key: kept for key, files in folders.items()
                        if (kept := {name: source for name, source in files.items()
                                     if (self._path(key) / name).is_file()})}  # fmt: skip
        try:
            write_atomic(self.root / MANIFEST, json.dumps(self.folders, indent=1, sort_keys=True).encode("utf-8"))
        except OSError as exc:
            print(f"octavo: note: the record of the outputs was not saved ({exc})", file=sys.stderr)

    def stale(self, out: Path) -> dict[Path, list[Entry]]:
        """What is in `out` from an input that no longer exists, by that input."""
        found: dict[Path, list[str]] = {}
        for name, source in sorted(self.folders.get(self._key(out), {}).items()):
            if (out / name).is_file() and not self._path(source).exists():
                found.setdefault(self._path(source), []).append(name)
        return {source: entries(out, names) for source, names in found.items()}

    def written(self, out: Path | None = None) -> dict[Path, list[str]]:
        """Every file octavo wrote that is still there, by output folder: `out`'s, or every one's."""
        keys = [self._key(out)] if out is not None else sorted(self.folders)
        found = {self._path(key): [name for name in sorted(self.folders.get(key, {}))
                                   if (self._path(key) / name).is_file()] for key in keys}  # fmt: skip
        return {folder: names for folder, names in found.items() if names}

    def _key(self, path: Path) -> str:
        resolved = path.resolve()
        return resolved.relative_to(self.root).as_posix() if resolved.is_relative_to(self.root) else str(resolved)

    def _path(self, key: str) -> Path:
        return self.root / key  # an absolute key stays itself


def entries(out: Path, names: list[str]) -> list[Entry]:
    """Files of an output folder as they are said: each file at its top, each folder below it once."""
    found: dict[str, Entry] = {}
    for name in names:
        top, _, below = name.partition("/")
        entry = found.get(top, Entry(out / top, 0, bool(below)))
        found[top] = entry._replace(files=entry.files + 1)
    return list(found.values())


def clean(root: Path, out: Path | None, dry_run: bool) -> list[Entry]:
    """Remove every file octavo wrote and the folders that leaves empty, then the build cache; with `out`, only
    the files in that folder (the cache keeps the record of the others). With `dry_run`, remove nothing.
    Returns what is (or would be) removed."""
    manifest = Manifest(root)
    written = manifest.written(out)
    cache = root / CACHE
    removed = [entry for folder, names in written.items() for entry in entries(folder, names)]
    if out is None and cache.is_dir():
        removed.append(Entry(cache, sum(1 for p in cache.rglob("*") if p.is_file()), True))
    if dry_run:
        return removed
    for folder, names in written.items():
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
        _remove_empty(folder.resolve(), {(folder / name).resolve().parent for name in names})
    if out is not None:
        if written:
            manifest.save()  # the removed files leave the record; the next build makes them again
    elif cache.is_dir():
        shutil.rmtree(cache)
    return removed


def _remove_empty(out: Path, emptied: set[Path]) -> None:
    """The folders of removed files, and the output folder, when nothing is left in them (deepest first)."""
    candidates = {folder for path in emptied if path.is_relative_to(out)
                  for folder in (path, *path.parents) if folder.is_relative_to(out)}  # fmt: skip
    for folder in sorted(candidates, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty (a user's file), or gone already
            os.rmdir(folder)


def _read(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
