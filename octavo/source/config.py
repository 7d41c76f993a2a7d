"""octavo.toml: a project's defaults for every build option and its theme settings, checked with located errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from octavo.core.diagnostics import Report
from octavo.core.options import OPTIONS, ThemeSettings
from octavo.core.optionspec import Option, OptionValueError, Place, kind_of, project_file, show_value, text_value
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
    """What octavo.toml says: build option defaults (by their key in [build]) and the theme settings."""

    path: Path | None = None
    build: dict[str, object] = field(default_factory=dict)
    theme: ThemeSettings = field(default_factory=ThemeSettings)


def find_config(start: Path) -> Path | None:
    """The nearest octavo.toml in `start` or a folder above it."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return None


def find_root(start: Path) -> Path:
    """The project of a file or folder: the nearest folder at or above it with an octavo.toml, else with a
    content/ folder; else its own folder (a file's folder). Never the current folder for its own sake: an
    input's project does not depend on where octavo is run from."""
    start = start.resolve()
    start = start if start.is_dir() else start.parent
    config = find_config(start)
    if config is not None:
        return config.parent
    for folder in (start, *start.parents):
        if (folder / "content").is_dir():
            return folder
    return start


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
        self.place = Place(path.parent, root)
        self.positions = _key_positions(text)

    def error(self, table: str, key: str, message: str) -> None:
        line, column = self.positions.get((table, key), self.positions.get(("", table), (1, 1)))
        self.report.add(self.path, line, column, "error", f"{table + '.' if table else ''}{key}: {message}")

    def config(self, data: dict) -> Config:
        for table, value in data.items():
            if table not in TABLES:
                self.error("", table, f"unknown table '[{table}]'{suggestion(table, tuple(TABLES))}")
            elif not isinstance(value, dict):
                self.error("", table, f"expected a table '[{table}]', found a {kind_of(value)}")
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

    # -- the [theme] table's value checks: each returns the value to use, or raises _BadValue ------------

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
        text = text_value(value, "a size such as \"10.5pt\"")
        if not LENGTH_PATTERN.match(text):
            raise _BadValue(f"'{text}' is not a size such as 10.5pt, 11px or 4mm")
        return text

    def margins(self, value: object) -> str:
        text = " ".join(text_value(value, "margins such as \"25mm 22mm 28mm\"").split())
        if not MARGINS_PATTERN.match(text):
            raise _BadValue(f"'{text}' is not one to four lengths such as \"25mm 22mm 28mm\"")
        return text

    def colour(self, value: object) -> str:
        text = text_value(value, "a colour such as \"#1f4e79\"")
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

        name = text_value(value, "an image file such as \"images/logo.png\"")
        try:
            return check_image(name, self.path.parent, self.root)
        except ImageProblem as problem:
            raise _BadValue(str(problem)) from None

    def date_format(self, value: object) -> str:
        text = text_value(value, f"one of {', '.join(DATE_STYLES)} or a pattern such as \"d MMMM y\"")
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
            raise _BadValue(f"expected a list of CSS files, found {show_value(value)}")
        paths = [self.project_file(v, "a CSS file such as \"styles/handout.css\"") for v in value]
        for path, name in zip(paths, value, strict=True):
            if path.suffix.lower() != ".css":
                raise _BadValue(f"'{name}' is not a CSS file")
        return tuple(paths)

    def project_file(self, value: object, expected: str) -> Path:
        return project_file(value, self.place, expected)


_BadValue = OptionValueError  # a value octavo.toml may not have; the message says what was expected


def _build_check(option: Option) -> Callable[[_Checker, object], object]:
    """The check of an option's key in [build]: its kind's, as declared."""
    return lambda checker, value: option.kind.from_toml(value, checker.place)


TABLES: dict[str, dict[str, Callable[[_Checker, object], object]]] = {
    "build": {option.key: _build_check(option) for option in OPTIONS if option.key is not None},
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
