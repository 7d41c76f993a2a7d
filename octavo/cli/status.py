"""What a command says at the end, and its exit status; how each problem is printed."""

from __future__ import annotations

import sys
from collections.abc import Callable

from octavo.core.diagnostics import Diagnostic, Report, github_annotation

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class UsageError(Exception):
    """A mistake in how octavo was called (exit status 2)."""


def emitter(error_format: str) -> Callable[[Diagnostic], None]:
    """How each problem is printed: compiler-style lines, or GitHub workflow annotations."""
    if error_format == "github":
        return lambda diagnostic: print(github_annotation(diagnostic), file=sys.stderr)
    return lambda diagnostic: print(diagnostic, file=sys.stderr)


def summary(report: Report, error_format: str = "text") -> int:
    """The closing line (so many errors and warnings in so many files) and the exit status."""
    errors, warnings = len(report.errors), len(report.warnings)
    if (errors or warnings) and error_format == "text":  # annotations need no summary line
        counts = " and ".join(_plural(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n)
        files = len({d.path for d in report.items})  # a book's problems may lie in its articles' files
        print(f"octavo: {counts} in {_plural(files, 'file')}", file=sys.stderr)
    if report.internal:  # a bug in octavo met while building some input; the others were built
        return EXIT_INTERNAL
    return EXIT_CONTENT if errors else EXIT_OK


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
