"""--verbose: what octavo's modules say at INFO during a build (how each book's PDF was laid out), on stderr."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def build_notes(verbose: bool) -> Iterator[None]:
    """While the build runs, print the "octavo" loggers' INFO records as `octavo: ...` lines; nothing without
    --verbose. The handler goes when the build ends, so a program that calls main() again is left as it was."""
    if not verbose:
        yield
        return
    logger = logging.getLogger("octavo")
    handler = logging.StreamHandler(sys.stderr)  # inherited by forked build processes, which print it too
    handler.setFormatter(logging.Formatter("octavo: %(message)s"))
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # Said once: a library that calls logging.debug() gives the root logger a handler of its own.
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
