"""Located problems (errors and warnings), collected and reported together like a compiler."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Diagnostic:
    """One problem at a place in a source file."""

    path: Path
    line: int
    column: int
    severity: str  # "error" or "warning"
    message: str
    internal: bool = False  # a bug in octavo, not the author's mistake (exit status 3)

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity}: {self.message}"

    def location(self) -> str:
        """path:line:column, leaving out a line or column of 0 (unknown; a template has lines only)."""
        where = display_path(self.path)
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        return where


@dataclass
class Report:
    """Every problem found in one run, in the order found."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, path: Path, line: int, column: int, severity: str, message: str) -> None:
        self.items.append(Diagnostic(path, line, column, severity, message))

    def extend(self, other: Report) -> None:
        self.items.extend(other.items)

    def internal_error(self, path: Path, doing: str, exc: BaseException) -> None:
        """A bug in octavo met while `doing` something for one input: said at that input, and the run goes on."""
        message = (f"internal error while {doing} (this is a bug in octavo, please report it): "
                   f"{type(exc).__name__}: {exc}")  # fmt: skip
        self.items.append(Diagnostic(path, 1, 1, "error", message, internal=True))

    @property
    def internal(self) -> list[Diagnostic]:
        return [d for d in self.items if d.internal]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def escalate(self) -> None:
        """Turn every warning into an error (the --strict option)."""
        self.items = [
            Diagnostic(d.path, d.line, d.column, "error", d.message) if d.severity == "warning" else d
            for d in self.items
        ]


def github_annotation(diagnostic: Diagnostic) -> str:
    """The problem as a GitHub Actions workflow command, shown on the pull request's diff at its line."""
    properties = {"file": display_path(diagnostic.path), "line": diagnostic.line, "col": diagnostic.column}
    fields = ",".join(f"{key}={_escape(str(value), property_=True)}" for key, value in properties.items() if value)
    return f"::{diagnostic.severity} {fields}::{_escape(diagnostic.message)}"


def _escape(text: str, property_: bool = False) -> str:
    """GitHub's escaping for workflow commands: % and line breaks always, ':' and ',' in properties."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_ else text


def display_path(path: Path) -> str:
    """The path relative to the working folder when it lies below it, so messages stay short."""
    try:
        return os.path.relpath(path) if Path(path).is_absolute() and _below_cwd(path) else str(path)
    except ValueError:
        return str(path)


def _below_cwd(path: Path) -> bool:
    return Path(path).resolve().is_relative_to(Path.cwd().resolve())


class PdfError(Exception):
    """WeasyPrint reported a problem that would make the PDF wrong (a missing resource, say)."""
