"""octavo.toml: a project's defaults for every build option and its theme settings, checked with located errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from octavo.core.diagnostics import Report
from octavo.core.options import FORMATS, MARKS, NOTES, PAGE_SIZES, PDF_VARIANTS, SHEETS, ThemeSettings
from octavo.source.reader import suggestion

CONFIG_NAME = "octavo.toml"
LENGTH = r"(?:0|\d+(?:\.\d+)?(?:pt|px|mm|cm|in|pc|q|em|rem))"
LENGTH_PATTERN = re.compile(rf"^{LENGTH}$")
MARGINS_PATTERN = re.compile(rf"^{LENGTH}(?: {LENGTH}){{0,3}}$")
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
DATE_STYLES = ("iso", "short", "medium", "long", "full")


@dataclass
class Config:
    """What octavo.toml says: build option defaults (by command-line name) and the theme settings."""

    path: Path | None = None
    build: dict[str, object] = field(default_factory=dict)
    theme: ThemeSettings = field(default_factory=ThemeSettings)


def find_config(start: Path) -> Path | None:
    """The nearest octavo.toml in `start` or a folder above it."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None


def find_root(start: Path) -> Path | None:
    """The project folder above `start`: the nearest one with an octavo.toml, else with a content/ folder."""
    config = find_config(start)
    if config is not None:
        return config.parent
    for folder in (start, *start.parents):
        if (folder / "content").is_dir():
            return folder
    return None


def load_config(path: Path, root: Path, report: Report) -> Config:
    """Read and check octavo.toml; every problem goes to the report, located at its key."""
    import tomllib  # here: most projects have no octavo.toml, and the import costs every build time

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        report.add(path, 1, 1, "error", "the file is not UTF-8 text; save it as UTF-8")
        return Config(path)
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_error_position(str(exc), text)
        report.add(path, line, column, "error", f"invalid TOML: {re.sub(r' [(]at [^)]*[)]$', '', str(exc))}")
        return Config(path)
    return _Checker(path, root, text, report).config(data)


class _Checker:
    """Checks the tables of one octavo.toml, locating each problem at the key it concerns."""

    def __init__(self, path: Path, root: Path, text: str, report: Report) -> None:
        self.path, self.root, self.report = path, root, report
        self.positions = _key_positions(text)

    def error(self, table: str, key: str, message: str) -> None:
        line, column = self.positions.get((table, key), self.positions.get(("", table), (1, 1)))
        self.report.add(self.path, line, column, "error", f"{table + '.' if table else ''}{key}: {message}")

    def config(self, data: dict) -> Config:
        for table, value in data.items():
            if table not in TABLES:
                self.error("", table, f"unknown table '[{table}]'{suggestion(table, tuple(TABLES))}")
            elif not isinstance(value, dict):
                self.error("", table, f"expected a table '[{table}]', found a {_kind(value)}")
        build = self.table(data, "build")
        theme = self.table(data, "theme")
        theme_values = {key.replace("-", "_"): value for key, value in theme.items()}
        return Config(self.path, build, ThemeSettings(**theme_values))

    def table(self, data: dict, name: str) -> dict[str, object]:
        """The table's checked values by key; keys with bad values are left out."""
        table = data.get(name, {})
        if not isinstance(table, dict):
            return {}
        checks = TABLES[name]
        values: dict[str, object] = {}
        for key, value in table.items():
            if key not in checks:
                self.error(name, key, f"unknown key '{key}'{suggestion(key, tuple(checks))}")
                continue
            try:
                values[key] = checks[key](self, value)
            except _BadValue as exc:
                self.error(name, key, str(exc))
        return values

    # -- value checks: each returns the value to use, or raises _BadValue -----------------------

    def formats(self, value: object) -> tuple[str, ...]:
        items = [v.strip().lower() for v in value.split(",")] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
            raise _BadValue(f"expected a list of formats such as [\"pdf\", \"epub\"], found {_show(value)}")
        for item in items:
            if item.lower() not in FORMATS:
                raise _BadValue(f"unknown format '{item}'{suggestion(item.lower(), FORMATS)} "
                                f"(choose from {', '.join(FORMATS)})")  # fmt: skip
        return tuple(dict.fromkeys(item.lower() for item in items))

    def folder(self, value: object) -> Path:
        return self.path.parent / _text(value, "a folder name such as \"dist\"")

    def page_size(self, value: object) -> str:
        return _choice(value, PAGE_SIZES, "page size")

    def sheet(self, value: object) -> str:
        return _choice(value, SHEETS, "sheet")

    def marks(self, value: object) -> str:
        return _choice(value, MARKS, "kind of printer's marks")

    def creep(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
            raise _BadValue(f"expected millimetres from 0 to 10, such as 0.5, found {_show(value)}")
        return float(value)

    def icc_profile(self, value: object) -> Path:
        """A CMYK printer profile: an ICC file whose header says so (ICC.1, 7.2: 'acsp' at 36, the space at 16)."""
        path = self.project_file(value, "an ICC profile such as \"profiles/coated.icc\"")
        header = path.read_bytes()[:40]
        if len(header) < 40 or header[36:40] != b"acsp":
            raise _BadValue(f"'{value}' is not an ICC colour profile")
        if header[16:20] != b"CMYK":
            space = header[16:20].decode("latin-1").strip()
            raise _BadValue(f"'{value}' is a profile for {space}, not CMYK; leave it out for sRGB")
        return path

    def pdf_variant(self, value: object) -> str:
        return _choice(value, PDF_VARIANTS, "PDF variant").lower()

    def notes(self, value: object) -> str:
        return _choice(value, NOTES, "kind of notes")

    def flag(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise _BadValue(f"expected true or false, found {_show(value)}")
        return value

    def jobs(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _BadValue(f"expected a whole number of at least 1, found {_show(value)}")
        return value

    def font(self, value: object) -> Path:
        path = self.project_file(value, "a font file such as \"fonts/MyFace-Regular.ttf\"")
        if path.suffix.lower() not in FONT_SUFFIXES:
            raise _BadValue(f"'{value}' is not a font file ({', '.join(FONT_SUFFIXES)})")
        from PIL import ImageFont  # FreeType reads it exactly as WeasyPrint's fontconfig will

        try:
            ImageFont.truetype(str(path), 12)
        except OSError:
            raise _BadValue(f"'{value}' is not a font that can be read") from None
        return path

    def length(self, value: object) -> str:
        text = _text(value, "a size such as \"10.5pt\"")
        if not LENGTH_PATTERN.match(text):
            raise _BadValue(f"'{text}' is not a size such as 10.5pt, 11px or 4mm")
        return text

    def margins(self, value: object) -> str:
        text = " ".join(_text(value, "margins such as \"25mm 22mm 28mm\"").split())
        if not MARGINS_PATTERN.match(text):
            raise _BadValue(f"'{text}' is not one to four lengths such as \"25mm 22mm 28mm\"")
        return text

    def colour(self, value: object) -> str:
        text = _text(value, "a colour such as \"#1f4e79\"")
        from PIL import ImageColor  # knows the CSS colour names

        try:
            ImageColor.getrgb(text)
        except ValueError:
            raise _BadValue(f"'{text}' is not a colour such as \"#1f4e79\" or \"darkred\"") from None
        if not (HEX_COLOUR.match(text) or text.isalpha()):  # nothing else may reach the CSS
            raise _BadValue(f"'{text}' is not a colour such as \"#1f4e79\" or \"darkred\"")
        return text

    def logo(self, value: object) -> Path:
        from octavo.text.images import ImageProblem, check_image

        name = _text(value, "an image file such as \"images/logo.png\"")
        try:
            return check_image(name, self.path.parent, self.root)
        except ImageProblem as problem:
            raise _BadValue(str(problem)) from None

    def date_format(self, value: object) -> str:
        text = _text(value, f"one of {', '.join(DATE_STYLES)} or a pattern such as \"d MMMM y\"")
        if text in DATE_STYLES:
            return text
        from babel.dates import parse_pattern

        try:
            parse_pattern(text)
        except (ValueError, TypeError):
            raise _BadValue(f"'{text}' is neither {', '.join(DATE_STYLES)} nor a date pattern") from None
        if not re.search(r"[yMLd]", text):
            raise _BadValue(f"'{text}' is neither {', '.join(DATE_STYLES)} nor a date pattern (such as 'd MMMM y')")
        return text

    def stylesheets(self, value: object) -> tuple[Path, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise _BadValue(f"expected a list of CSS files, found {_show(value)}")
        paths = [self.project_file(v, "a CSS file such as \"styles/handout.css\"") for v in value]
        for path, name in zip(paths, value, strict=True):
            if path.suffix.lower() != ".css":
                raise _BadValue(f"'{name}' is not a CSS file")
        return tuple(paths)

    def project_file(self, value: object, expected: str) -> Path:
        name = _text(value, expected)
        path = (self.path.parent / name).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise _BadValue(f"'{name}' is outside the project folder")
        if not path.is_file():
            raise _BadValue(f"no such file '{name}'")
        return path


class _BadValue(Exception):
    """A value octavo.toml may not have; the message says what was expected."""


TABLES: dict[str, dict[str, Callable[[_Checker, object], object]]] = {
    "build": {
        "formats": _Checker.formats,
        "out": _Checker.folder,
        "page-size": _Checker.page_size,
        "strict": _Checker.flag,
        "jobs": _Checker.jobs,
        "pdf-variant": _Checker.pdf_variant,
        "booklet": _Checker.flag,
        "notes": _Checker.notes,
        "sheet": _Checker.sheet,
        "creep": _Checker.creep,
        "print-ready": _Checker.flag,
        "marks": _Checker.marks,
        "output-intent": _Checker.icc_profile,
        "preflight": _Checker.flag,
    },
    "theme": {
        "font": _Checker.font,
        "font-italic": _Checker.font,
        "font-bold": _Checker.font,
        "font-bold-italic": _Checker.font,
        "base-size": _Checker.length,
        "accent": _Checker.colour,
        "margins": _Checker.margins,
        "logo": _Checker.logo,
        "date-format": _Checker.date_format,
        "stylesheets": _Checker.stylesheets,
    },
}


def _text(value: object, expected: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _BadValue(f"expected {expected}, found {_show(value)}")
    return value.strip()


def _choice(value: object, choices: tuple[str, ...], what: str) -> str:
    text = _text(value, f"a {what} ({', '.join(choices)})")
    for choice in choices:
        if text.lower() == choice.lower():
            return choice
    by_lower = {c.lower(): c for c in choices}
    close = suggestion(text.lower(), tuple(by_lower))
    for lower, choice in by_lower.items():  # say the suggestion as the choices are written
        close = close.replace(f"'{lower}'", f"'{choice}'")
    raise _BadValue(f"unknown {what} '{text}'{close} (choose {', '.join(choices)})")


def _kind(value: object) -> str:
    return {bool: "true/false", int: "number", float: "number", str: "text", list: "list", dict: "table"}.get(
        type(value), type(value).__name__
    )


def _show(value: object) -> str:
    return f"{_kind(value)} {value!r}" if not isinstance(value, (list, dict)) else f"a {_kind(value)}"


def _key_positions(text: str) -> dict[tuple[str, str], tuple[int, int]]:
    """Where each `key =` and `[table]` starts: tomllib gives values, not positions.

    Written by hand because the standard library's parser keeps no positions, and octavo.toml is a
    flat file of tables and keys, so a line scan finds every key exactly.
    """
    positions: dict[tuple[str, str], tuple[int, int]] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^(\s*)\[\s*([A-Za-z0-9_-]+)\s*\]", line)
        if header:
            table = header[2]
            positions.setdefault(("", table), (number, len(header[1]) + 1))
            continue
        key = re.match(r"""^(\s*)(?:"([^"]*)"|([A-Za-z0-9_-]+))\s*=""", line)
        if key:
            name = key[2] if key[2] is not None else key[3]
            positions.setdefault((table, name), (number, len(key[1]) + 1))
            if not table:
                positions.setdefault(("", name), (number, len(key[1]) + 1))
    return positions


def _toml_error_position(message: str, text: str) -> tuple[int, int]:
    """tomllib puts the position in its message: "... (at line 3, column 8)" or "(at end of document)"."""
    match = re.search(r"at line (\d+), column (\d+)", message)
    if match:
        return int(match[1]), int(match[2])
    lines = text.rstrip("\n").split("\n")
    return (len(lines), len(lines[-1]) + 1) if "end of document" in message else (1, 1)
