"""The words octavo prints itself (labels.yaml): files merged key by key, looked up by language; the package's own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

import yaml

# A language tag -> its labels. The theme gives the project's (its labels.yaml over the package's); the loader
# takes them as a parameter, so that cross-references say what captions say.
Labels = Callable[[str], Mapping[str, str]]
_HERE = Path(__file__).resolve().parent.parent  # the octavo package


def packaged_dir(folder: str) -> Path:
    """The default theme's folder: inside the installed package, or at the top of a source checkout."""
    installed = _HERE / folder
    return installed if installed.is_dir() else _HERE.parent / folder


def labels_in(files: tuple[Path, ...], language: str) -> dict[str, str]:
    """The labels of some labels.yaml files (later ones win) for a BCP 47 tag, by its primary language;
    English where a label is missing."""
    table = merged_labels(files)
    primary = language.split("-")[0].lower()
    primary = table.get("aliases", {}).get(primary, primary)
    return {**table["en"], **table.get(primary, {})}


def package_labels(language: str) -> dict[str, str]:
    """The package's own labels: what a caller that has no project's theme to ask gets."""
    return labels_in((packaged_dir("templates") / "labels.yaml",), language)


@cache
def merged_labels(files: tuple[Path, ...]) -> dict[str, dict[str, str]]:
    """labels.yaml of the package, then the project's merged over it key by key."""
    merged: dict[str, dict[str, str]] = {}
    for path in files:
        table = _read_labels(path) or {}
        for language, labels in table.items():
            merged[language] = {**merged.get(language, {}), **(labels or {})}
    return merged


def _read_labels(path: Path) -> object:
    """A labels.yaml as data, kept in the user's cache (in marshal's format) under its text and PyYAML's
    version: constructing the package's took about 2 ms of every build, loading the kept data 0.06 ms."""
    import marshal

    from octavo.core.usercache import cached_bytes

    text = path.read_text(encoding="utf-8")
    # A theme's labels.yaml belongs to the project (like its templates), so it is trusted input.
    # libyaml's C loader where PyYAML has it: the same data, read many times faster.
    loader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader

    def marshalled() -> bytes:
        try:
            return marshal.dumps(yaml.load(text, Loader=loader))
        except ValueError:  # data marshal cannot hold (a date, say): kept as nothing, read every time
            return b""

    key = "\0".join([text, yaml.__version__, loader.__name__, str(marshal.version)]).encode("utf-8")
    data = cached_bytes("labels", key, marshalled)
    return marshal.loads(data) if data else yaml.load(text, Loader=loader)
