"""`octavo theme list` and `octavo theme copy NAME`: octavo's theme files, and a copy of one for a project to edit."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from octavo.cli.status import EXIT_CONTENT, EXIT_OK, UsageError
from octavo.core.diagnostics import display_path
from octavo.core.labels import packaged_dir
from octavo.theme.theme import FOLDERS

# Left behind by tools that may have run inside the package folder; never part of the theme.
IGNORED = {"__pycache__", "__init__.py", ".DS_Store"}
MERGED = {"templates/labels.yaml"}  # a project's file is merged with octavo's, key by key, not put in its place


def packaged_files() -> dict[str, Path]:
    """Every file of octavo's own theme by its name in a project ("styles/print.css"), in folder order."""
    found: dict[str, Path] = {}
    for folder in FOLDERS:
        base = packaged_dir(folder)
        for path in sorted(base.rglob("*")):
            if path.is_file() and not IGNORED.intersection(path.relative_to(base).parts):
                found[f"{folder}/{path.relative_to(base).as_posix()}"] = path
    return found


def project_files(project: Path) -> set[str]:
    """The theme files a project has of its own, by the same names."""
    return {f"{folder}/{path.relative_to(project / folder).as_posix()}"
            for folder in FOLDERS if (project / folder).is_dir()
            for path in (project / folder).rglob("*") if path.is_file()}  # fmt: skip


def list_theme(project: Path) -> int:
    """Print octavo's theme files, marking those the project replaces, then the project's own additions."""
    packaged = packaged_files()
    own = project_files(project)
    width = max(len(name) for name in packaged) + 2
    print("octavo's theme files; a project's own file of the same name replaces one "
          "(copy one to edit it: octavo theme copy NAME):")  # fmt: skip
    for name in packaged:
        mark = ""
        if name in own:
            mark = "merged with the project's own" if name in MERGED else "replaced by the project's own"
        print(f"  {name:<{width}}{mark}".rstrip())
    added = sorted(own - set(packaged))
    if added:
        print("the project's own files, which replace none of octavo's (a stylesheet is used when octavo.toml "
              "names it, a template when another includes it):")  # fmt: skip
        for name in added:
            print(f"  {name}")
    return EXIT_OK


def copy_theme(project: Path, name: str) -> int:
    """Copy one of octavo's theme files into the project's templates/ or styles/, never over a file there."""
    found = theme_name(name, packaged_files())
    target = project / found
    if target.exists():
        print(f"octavo: error: the project already has {display_path(target)}; octavo theme copy never overwrites a "
              "file: move it away first to start again from octavo's", file=sys.stderr)  # fmt: skip
        return EXIT_CONTENT
    target.parent.mkdir(parents=True, exist_ok=True)
    # "x": a file that appeared since the check above is still never overwritten.
    with packaged_files()[found].open("rb") as source, target.open("xb") as copy:
        shutil.copyfileobj(source, copy)
    print(f"copied octavo's {found} to {display_path(target)}")
    if found in MERGED:
        print("its labels merge with octavo's key by key: keep only those you change")
    else:
        print(f"it now replaces octavo's {found} in every build of the project")
    return EXIT_OK


def theme_name(name: str, packaged: dict[str, Path]) -> str:
    """The theme file a NAME means: its full name (styles/print.css), its name in its folder
    (blocks/figure.html) or its file name alone (print.css, when only one file has it)."""
    wanted = name.replace("\\", "/").removeprefix("./").strip("/")
    ways: dict[str, set[str]] = {}  # every way of naming a file -> the files it names
    for full in packaged:
        inner = full.split("/", 1)[1]
        for way in (full, inner, inner.rsplit("/", 1)[-1]):
            ways.setdefault(way, set()).add(full)
    named = sorted(ways.get(wanted, ()))
    if len(named) == 1:
        return named[0]
    if named:
        raise UsageError(f"'{name}' names several theme files ({', '.join(named)}); give the one you mean")
    import difflib  # here: only a mistake needs it

    close = difflib.get_close_matches(wanted, list(ways), n=1, cutoff=0.6)
    hint = f" (did you mean '{min(ways[close[0]])}'?)" if close else ""
    raise UsageError(f"octavo's theme has no file '{name}'{hint}; `octavo theme list` lists them")
