"""`octavo new`: a project folder made from the starter files that travel with octavo."""

from __future__ import annotations

from pathlib import Path

from octavo import __version__

STARTER = Path(__file__).parent.parent / "starter"
SCHEMA_FILE = Path("octavo.schema.json")
# Left behind by tools that may have run inside the package folder; never part of a project.
IGNORED = {"__pycache__", "__init__.py", ".DS_Store"}
# The starter files that name the octavo version writing the project (requirements.txt pins it, the README and the
# workflow say so): VERSION in them becomes __version__. Only these are filled in; every other file is copied as is.
VERSIONED = {Path("requirements.txt"), Path("README.md"), Path(".github/workflows/build.yml")}
VERSION = b"{octavo_version}"


class ProjectExists(Exception):
    """The target folder already holds files: a new project is only made in an empty or new folder."""


def create(target: Path) -> list[Path]:
    """Make a new project from the starter files."""
    from octavo.source.schema import schema_text  # imported here so that the rest of octavo never waits for it

    files = {path: starter_bytes(path) for path in starter_files()}
    files[SCHEMA_FILE] = schema_text().encode("utf-8")  # bytes, so no platform changes its line endings
    if target.exists():
        if not target.is_dir():
            raise ProjectExists(f"'{target}' exists and is not a folder")
        # A fresh `git init` or clone holds only .git: starting the project there is what its owner wants.
        first = next(iter(sorted(p for p in target.iterdir() if p.name != ".git")), None)
        if first is not None:
            raise ProjectExists(f"'{target}' is not empty (it holds '{first.name}'); choose a new or empty folder")
    target.mkdir(parents=True, exist_ok=True)
    for path, data in sorted(files.items()):
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        # "x" refuses to replace a file that appeared since the check above: a user's file is never overwritten.
        with open(target / path, "xb") as out:
            out.write(data)
    return sorted(files)


def starter_bytes(path: Path) -> bytes:
    """A starter file's bytes as the new project gets them: the running version filled in where it is named."""
    data = (STARTER / path).read_bytes()
    return data.replace(VERSION, __version__.encode("ascii")) if path in VERSIONED else data


def starter_files() -> list[Path]:
    """The starter files relative to the starter folder, dot-files (.gitignore, .github/) included."""
    return sorted(
        path.relative_to(STARTER)
        for path in STARTER.rglob("*")
        if path.is_file() and not IGNORED.intersection(path.relative_to(STARTER).parts)
    )
