"""`octavo new`: a project folder made from the starter files that travel with octavo."""

from __future__ import annotations

from pathlib import Path

STARTER = Path(__file__).parent.parent / "starter"
SCHEMA_FILE = Path("octavo.schema.json")
# Left behind by tools that may have run inside the package folder; never part of a project.
IGNORED = {"__pycache__", "__init__.py", ".DS_Store"}


class ProjectExists(Exception):
    """The target folder already holds files: a new project is only made in an empty or new folder."""


def create(target: Path) -> list[Path]:
    """Make a new project from the starter files."""
    from octavo.source.schema import schema_text  # imported here so that the rest of octavo never waits for it

    files = {path: (STARTER / path).read_bytes() for path in starter_files()}
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


def starter_files() -> list[Path]:
    """The starter files relative to the starter folder, dot-files (.gitignore, .github/) included."""
    return sorted(
        path.relative_to(STARTER)
        for path in STARTER.rglob("*")
        if path.is_file() and not IGNORED.intersection(path.relative_to(STARTER).parts)
    )
