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

from octavo.build.output import write_atomic

CACHE = Path(".octavo-cache")
MANIFEST = CACHE / "outputs.json"


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

    def stale(self, out: Path) -> dict[Path, list[Path]]:
        """The files in `out` made from an input that no longer exists, by that input."""
        found: dict[Path, list[Path]] = {}
        for name, source in sorted(self.folders.get(self._key(out), {}).items()):
            path, input_file = out / name, self._path(source)
            if path.is_file() and not input_file.exists():
                found.setdefault(input_file, []).append(path)
        return found

    def written(self, out: Path | None = None) -> list[Path]:
        """Every file octavo wrote that is still there: in `out`, or in every output folder."""
        keys = [self._key(out)] if out is not None else sorted(self.folders)
        return [self._path(key) / name for key in keys for name in sorted(self.folders.get(key, {}))
                if (self._path(key) / name).is_file()]  # fmt: skip

    def folders_of(self, out: Path | None = None) -> list[Path]:
        """The output folders octavo wrote into: `out`, or every one it knows."""
        return [out] if out is not None else [self._path(key) for key in sorted(self.folders)]

    def _key(self, path: Path) -> str:
        resolved = path.resolve()
        return resolved.relative_to(self.root).as_posix() if resolved.is_relative_to(self.root) else str(resolved)

    def _path(self, key: str) -> Path:
        return self.root / key  # an absolute key stays itself


def clean(root: Path, out: Path | None, dry_run: bool) -> list[Path]:
    """Remove every file octavo wrote (in `out` only, when given), the folders that leaves empty, and the build
    cache; with `dry_run`, remove nothing. Returns what is (or would be) removed."""
    manifest = Manifest(root)
    files = manifest.written(out)
    cache = root / CACHE
    removed = [*files, *([cache] if cache.is_dir() else [])]
    if dry_run:
        return removed
    for path in files:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    for folder in manifest.folders_of(out):
        _remove_empty(folder.resolve(), {p.resolve().parent for p in files})
    if cache.is_dir():
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
