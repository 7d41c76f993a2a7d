"""--verbose: what this machine and project bring to a build (versions, fonts, engine hooks), said once at its start."""

from __future__ import annotations

import ctypes.util
import logging
import re
import shutil
import subprocess
from pathlib import Path

from octavo import __version__
from octavo.core.diagnostics import display_path
from octavo.core.options import BuildOptions

LOGGER = logging.getLogger("octavo.cli")  # INFO: printed with --verbose (cli/verbose.py)
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "emoji", "math"}
FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.I)
FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)", re.I)
SOURCE = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", re.I)
CUSTOM = re.compile(r"(--[\w-]+)\s*:\s*([^;}]+)")
VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)")


def describe(options: BuildOptions) -> None:
    """The versions, the fonts and the engine hooks a PDF build uses, and what the machine lacks for speed."""
    versions = {"octavo": __version__}
    if "pdf" not in options.formats:
        LOGGER.info("octavo %s (no PDF: WeasyPrint is not used)", __version__)
        return
    from octavo.pdf import engine  # here: only --verbose with a PDF imports WeasyPrint before the build

    versions.update(engine.versions())
    LOGGER.info("versions: %s", ", ".join(f"{name} {version}" for name, version in versions.items()))
    for line in font_lines(options):
        LOGGER.info("fonts: %s", line)
    with engine.hooks():  # each hook checked against this WeasyPrint, as a layout would (and undone again)
        engine.readable()
    LOGGER.info("the engine's hooks: %s", hook_states(engine.status()))
    if ctypes.util.find_library("harfbuzz-subset") is None:
        LOGGER.info("note: HarfBuzz's subsetter (libharfbuzz-subset0) is not installed; WeasyPrint falls back to "
                    "fontTools, and writing PDFs takes 20-50%% longer")  # fmt: skip


def hook_states(status: dict[str, tuple[str, str]]) -> str:
    """"on: a, b; off: c (why)" from the engine's status."""
    groups: dict[str, list[str]] = {}
    for name, (state, reason) in status.items():
        groups.setdefault(state, []).append(f"{name} ({reason})" if reason else name)
    return "; ".join(f"{state}: {', '.join(names)}" for state, names in groups.items())


def font_lines(options: BuildOptions) -> list[str]:
    """Each font stack of the print stylesheets and the face it comes to: a font file of the theme (the
    project's or octavo's) or what fontconfig finds on this machine. Read from the CSS: nothing is laid out."""
    from octavo.pdf.writer import PRINT_STYLESHEETS
    from octavo.theme.theme import MissingAsset, theme_css, theme_for

    theme = theme_for(options)
    sheets: list[tuple[str, Path]] = []
    for name in PRINT_STYLESHEETS:
        try:
            path = theme.find("styles", name)
        except MissingAsset:
            continue
        sheets.append((path.read_text(encoding="utf-8"), path.parent))
    settings_css, setting_files = theme_css(options.theme, "print")
    sheets.append((settings_css, Path()))
    sheets += [(path.read_text(encoding="utf-8"), path.parent) for path in options.theme.stylesheets]
    faces: dict[str, list[Path]] = {}  # @font-face family -> its files
    properties: dict[str, str] = {}
    for text, folder in sheets:
        for block in FONT_FACE.findall(text):
            family = FAMILY.search(block)
            if family:
                faces.setdefault(_names(family[1])[0].lower(), []).extend(
                    setting_files.get(url, folder / url) for url in SOURCE.findall(block))
        properties.update(CUSTOM.findall(FONT_FACE.sub("", text)))
    stacks = dict.fromkeys(_names(_resolved(value, properties))
                           for text, _ in sheets for value in FAMILY.findall(FONT_FACE.sub("", text)))  # fmt: skip
    return [_stack_line(stack, faces, options.root) for stack in stacks if stack and stack[0] != "inherit"]


def _stack_line(stack: tuple[str, ...], faces: dict[str, list[Path]], root: Path) -> str:
    """One stack and the face it comes to."""
    shown = ", ".join(f'"{name}"' if name not in GENERIC else name for name in stack)
    for name in stack:
        files = faces.get(name.lower())
        if files:
            return f"{shown} -> {name}: {_theme_files(files, root)}"
        found = _fontconfig(name)
        if found is None:
            return f"{shown} -> fontconfig's fc-match is not installed: not looked up"
        family, file = found
        if name in GENERIC or family.lower() == name.lower():
            return f"{shown} -> {family}: {file} (fontconfig)"
    return f"{shown} -> none of them is installed: fontconfig's default"


def _theme_files(files: list[Path], root: Path) -> str:
    """Font files of the theme, by their folder: "octavo's styles/fonts/: A.ttf, B.ttf"."""
    from octavo.core.labels import packaged_dir

    folders: dict[str, list[str]] = {}
    for path in dict.fromkeys(p.resolve() for p in files):
        if path.is_relative_to(root):
            whose = f"the project's {path.parent.relative_to(root).as_posix()}/"
        elif path.is_relative_to(packaged_dir("styles").resolve()):
            whose = f"octavo's {path.parent.relative_to(packaged_dir('styles').resolve().parent).as_posix()}/"
        else:
            whose = f"{display_path(path.parent)}/"
        folders.setdefault(whose, []).append(path.name)
    return "; ".join(f"{whose}: {', '.join(names)}" for whose, names in folders.items())


def _fontconfig(family: str) -> tuple[str, str] | None:
    """The family and file fontconfig gives for a name (what Pango asks it for), or None without fc-match."""
    program = shutil.which("fc-match")
    if program is None:
        return None
    result = subprocess.run([program, "-f", "%{family[0]}\n%{file}", family], capture_output=True, text=True,
                            check=False, timeout=10)  # fmt: skip
    lines = result.stdout.splitlines()
    return (lines[0], lines[1]) if len(lines) == 2 else ("", "")


def _resolved(value: str, properties: dict[str, str]) -> str:
    """A declaration's value with var(--x, fallback) replaced by the property's value, else the fallback."""
    return VAR.sub(lambda m: properties.get(m[1], m[2] or "").strip(), value)


def _names(value: str) -> tuple[str, ...]:
    """The families of a font-family value, unquoted."""
    return tuple(dict.fromkeys(name.strip().strip("'\"") for name in value.split(",") if name.strip()))
