"""The engine door: every use of WeasyPrint's, pydyf's and pyphen's internals, checked and scoped (docs/engine.md).

The rest of octavo lays out inside `hooks()` and reads pages through the functions below; it imports nothing
of WeasyPrint but its documented API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# Each of these registers its hook (they change different functions: the order does not matter).
from octavo.pdf.engine import compression, floatdefer, hyphenation, margins, tagging  # noqa: F401
from octavo.pdf.engine.boxes import (
    emptiness,
    html_root,
    link_annotations,
    readable,
    rewrap,
    root_element,
    styled,
    use_tree,
    walk,
)
from octavo.pdf.engine.floatdefer import placing_floats
from octavo.pdf.engine.libraries import load_weasyprint
from octavo.pdf.engine.margins import Unrecorded, recording, renumber, states_of
from octavo.pdf.engine.margins import possible as pieces_possible
from octavo.pdf.engine.scope import ENVIRONMENT, HOOKS, LOGGER, Hook, active, enabled, installed
from octavo.pdf.engine.versions import versions

__all__ = [
    "ENVIRONMENT", "HOOKS", "LOGGER", "Hook", "Unrecorded", "active", "emptiness", "enabled", "hooks", "html_root",
    "link_annotations", "load_weasyprint", "pieces_possible", "placing_floats", "readable", "recording", "renumber",
    "rewrap", "root_element", "states_of", "status", "styled", "use_tree", "versions", "walk",
]  # fmt: skip


@contextmanager
def hooks() -> Iterator[list[Hook]]:
    """octavo's hooks in place for the length of the block (WeasyPrint imported first); the installed ones given."""
    load_weasyprint()  # the checks read WeasyPrint's modules: imported by octavo's own import, with its measures
    with installed() as on:
        yield on


def status() -> dict[str, tuple[str, str]]:
    """Every hook's state ("unchecked", "on", "off", "disabled") and why, as last checked in this process."""
    from octavo.pdf.engine.boxes import READING
    from octavo.pdf.engine.libraries import HOOK as LIBRARIES

    return {hook.name: (hook.state, hook.reason) for hook in (LIBRARIES, *HOOKS, READING)}
