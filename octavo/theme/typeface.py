"""The typeface the print text is set in, for a colophon: the theme's font's family, else the bundled one."""

from __future__ import annotations

import functools
from pathlib import Path

from octavo.core.options import ThemeSettings

BUNDLED = "Gentium Book Plus"  # styles/print.css's text face


def typeface_name(settings: ThemeSettings) -> str:
    """The family name of octavo.toml's `font`, read from the font file; the bundled face's without one."""
    return _family(settings.font) if settings.font is not None else BUNDLED


@functools.cache
def _family(path: Path) -> str:
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; only a colophon needs it here

    try:
        with TTFont(path, lazy=True) as font:
            return font["name"].getBestFamilyName() or path.stem
    except Exception:  # a font WeasyPrint reads but fontTools does not: its file name says enough
        return path.stem
