"""How a build option is declared: its kind of value, read alike from the command line and from octavo.toml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from octavo.core.pagesizes import SizeError, choices_text, parse

ALL_COMMANDS = ("build", "check", "watch")


class OptionValueError(ValueError):
    """A value an option may not have; the message says what was expected."""


class Place(NamedTuple):
    """Where an octavo.toml lies: its folder (paths in it are relative to it) and the project folder."""

    folder: Path
    root: Path


class Kind:
    """One kind of option value: how it is read from command-line text and from an octavo.toml value."""

    values = "text"  # the values, in words, for the docs' table
    switch = False  # a command-line flag without a value (store_true)

    def from_text(self, text: str) -> object:
        """The value of a command-line argument; raises OptionValueError."""
        return text

    def from_toml(self, value: object, place: Place) -> object:
        """The value of an octavo.toml key; raises OptionValueError."""
        return text_value(value, "text")

    def show(self, value: object) -> str:
        """A default value as the help and the docs write it."""
        return str(value)


class Text(Kind):
    """Text the command reads itself (--shard K/N)."""

    def __init__(self, values: str = "text") -> None:
        self.values = values


class Switch(Kind):
    """On or off: a flag on the command line, true or false in octavo.toml."""

    values = "true, false"
    switch = True

    def from_toml(self, value: object, place: Place) -> bool:
        if not isinstance(value, bool):
            raise OptionValueError(f"expected true or false, found {show_value(value)}")
        return value

    def show(self, value: object) -> str:
        return str(value).lower()


class Choice(Kind):
    """One of a few names, in any case unless `exact`; written as the choices are."""

    def __init__(self, choices: tuple[str, ...], what: str, listed: bool = False, exact: bool = False) -> None:
        self.choices = choices
        self.what = what  # "page size": the messages say "unknown page size 'B5'"
        self.listed = listed  # the command line lists the choices in its usage ({crop}) and lets argparse check them
        self.exact = exact  # only the exact spelling (error formats)
        self.values = ", ".join(choices)

    def from_text(self, text: str) -> str:
        return self.pick(text)

    def from_toml(self, value: object, place: Place) -> str:
        return self.pick(text_value(value, f"a {self.what} ({', '.join(self.choices)})"))

    def pick(self, text: str) -> str:
        """The choice `text` names; an unknown one is told the closest choice, as the choices are written."""
        for choice in self.choices:
            if text == choice or (not self.exact and text.lower() == choice.lower()):
                return choice
        by_lower = {c.lower(): c for c in self.choices}
        close = suggestion(text.lower(), tuple(by_lower))
        for lower, choice in by_lower.items():
            close = close.replace(f"'{lower}'", f"'{choice}'")
        raise OptionValueError(f"unknown {self.what} '{text}'{close} (choose {', '.join(self.choices)})")


class Size(Kind):
    """A paper size by name or measure (A4, 6x9in, 170x240mm, A4 landscape), in any case; written as octavo
    names it (octavo.core.pagesizes), so that "a4-Landscape" and "A4 landscape" are one value."""

    def __init__(self, what: str) -> None:
        self.what = what  # "page size": the messages say "unknown page size 'B7'"
        self.values = choices_text()

    def from_text(self, text: str) -> str:
        return self.pick(text)

    def from_toml(self, value: object, place: Place) -> str:
        return self.pick(text_value(value, f"a {self.what} such as \"A4\" or \"6x9in\""))

    def pick(self, text: str) -> str:
        """The size's name as octavo writes it; an unknown one is told the closest name."""
        try:
            return parse(text, self.what).name
        except SizeError as exc:
            raise OptionValueError(str(exc)) from None


class Formats(Kind):
    """Some of the output formats: comma-separated on the command line, a list (or that text) in octavo.toml."""

    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices
        self.values = ", ".join(choices)

    def from_text(self, text: str) -> tuple[str, ...]:
        formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
        unknown = [f for f in formats if f not in self.choices]
        if unknown or not formats:
            raise OptionValueError(f"unknown format '{','.join(unknown) or text}' "
                                   f"(choose from {', '.join(self.choices)})")  # fmt: skip
        return formats

    def from_toml(self, value: object, place: Place) -> tuple[str, ...]:
        items = [v.strip().lower() for v in value.split(",")] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
            raise OptionValueError(f"expected a list of formats such as [\"pdf\", \"epub\"], found {show_value(value)}")
        for item in items:
            if item.lower() not in self.choices:
                raise OptionValueError(f"unknown format '{item}'{suggestion(item.lower(), self.choices)} "
                                       f"(choose from {', '.join(self.choices)})")  # fmt: skip
        return tuple(dict.fromkeys(item.lower() for item in items))

    def show(self, value: object) -> str:
        return ",".join(value)  # type: ignore[arg-type]


class Millimetres(Kind):
    """A length in millimetres from 0 to 10."""

    values = "0 to 10 (mm)"

    def from_text(self, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            number = -1.0
        if not 0 <= number <= 10:
            raise OptionValueError(f"'{text}' is not a length in millimetres from 0 to 10")
        return number

    def from_toml(self, value: object, place: Place) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
            raise OptionValueError(f"expected millimetres from 0 to 10, such as 0.5, found {show_value(value)}")
        return float(value)

    def show(self, value: object) -> str:
        return f"{value:g}"  # 0, not 0.0


class Count(Kind):
    """A whole number of at least 1."""

    values = "1, 2, 3 …"

    def from_text(self, text: str) -> int:
        if not text.isdigit() or int(text) < 1:
            raise OptionValueError(f"'{text}' is not a positive whole number")
        return int(text)

    def from_toml(self, value: object, place: Place) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise OptionValueError(f"expected a whole number of at least 1, found {show_value(value)}")
        return value


class Whole(Kind):
    """A whole number from `low` to `high`, in a unit the values name (pixels, megabytes)."""

    def __init__(self, low: int, high: int, unit: str) -> None:
        self.low, self.high, self.values = low, high, f"{low} to {high} ({unit})"

    def from_text(self, text: str) -> int:
        if not text.isdigit() or not self.low <= int(text) <= self.high:
            raise OptionValueError(f"'{text}' is not a whole number from {self.low} to {self.high}")
        return int(text)

    def from_toml(self, value: object, place: Place) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            raise OptionValueError(f"expected a whole number from {self.low} to {self.high}, found {show_value(value)}")
        return value


class Folder(Kind):
    """A folder: relative to the current folder on the command line, to octavo.toml's folder in the file."""

    values = "a folder"

    def from_text(self, text: str) -> Path:
        return Path(text)

    def from_toml(self, value: object, place: Place) -> Path:
        return place.folder / text_value(value, "a folder name such as \"dist\"")


class File(Kind):
    """A file named on the command line (a report to write)."""

    values = "a file"

    def from_text(self, text: str) -> Path:
        return Path(text)


class CmykProfile(Kind):
    """A printer's CMYK ICC profile in the project: an ICC file whose header says so (ICC.1, 7.2)."""

    values = "an ICC file"

    def from_toml(self, value: object, place: Place) -> Path:
        path = project_file(value, place, "an ICC profile such as \"profiles/coated.icc\"")
        header = path.read_bytes()[:40]
        if len(header) < 40 or header[36:40] != b"acsp":  # the signature at 36, the colour space at 16
            raise OptionValueError(f"'{value}' is not an ICC colour profile")
        if header[16:20] != b"CMYK":
            space = header[16:20].decode("latin-1").strip()
            raise OptionValueError(f"'{value}' is a profile for {space}, not CMYK; leave it out for sRGB")
        return path


@dataclass(frozen=True)
class Option:
    """One option of build, check and watch, declared once: the command line, octavo.toml, the defaults and
    the docs' table are all made from it."""

    name: str  # the command line's dest, octavo's name for it, and maybe a BuildOptions field
    kind: Kind
    default: object  # what the option is when neither the command line nor octavo.toml gives it
    help: str  # the command line's help; "{default}" and "{values}" in it are filled in
    flag: str | None = None  # "--page-size"; None: octavo.toml only
    key: str | None = None  # the key in octavo.toml's [build] table; None: the command line only
    commands: tuple[str, ...] = ("build", "watch")  # the commands that take the flag
    build_field: bool = True  # a field of BuildOptions by the same name
    shown_default: str | None = None  # the default in words, when the value itself would not say it
    metavar: str | None = None
    help_for: Mapping[str, str] = field(default_factory=dict)  # a command's own help for the flag
    doc: str | None = None  # the docs' words for it, when the help says little more than the values

    def default_value(self) -> object:
        """The default, computed now when it is a function (the number of CPUs)."""
        return self.default() if callable(self.default) else self.default

    def default_text(self) -> str:
        """The default as the help and the docs say it."""
        if self.shown_default is not None:
            return self.shown_default
        return "none" if self.default is None else self.kind.show(self.default)

    def help_text(self, command: str = "build") -> str:
        """The help of the flag in `command`: "{default}" and "{values}" in it filled in."""
        return self.help_for.get(command, self.help).format(default=self.default_text(), values=self.kind.values)

    def description(self) -> str:
        """What the docs' table says the option does: `doc`, else the help without its "(default: ...)"."""
        return self.doc or self.help.replace(" (default: {default})", "").format(values=self.kind.values)


def merge(options: tuple[Option, ...], flags: Mapping[str, object], project: Mapping[str, object],
          root: Path) -> dict[str, object]:  # fmt: skip
    """Every option's value by name: its default < octavo.toml (`project`, by key) < the command line (`flags`,
    by name; a flag not given is None). A default path is in the project folder."""
    values: dict[str, object] = {}
    for option in options:
        given = flags.get(option.name)
        if given is None and option.key is not None:
            given = project.get(option.key)
        if given is None:
            given = option.default_value()
            given = root / given if isinstance(given, Path) else given
        values[option.name] = given
    return values


def markdown_table(options: tuple[Option, ...]) -> str:
    """The docs' table of every option, one row each."""
    rows = ["| Command line | octavo.toml `[build]` | Commands | Values | Default | What it does |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    for option in options:
        flag = f"`{option.flag}`" if option.flag else "—"
        key = f"`{option.key}`" if option.key else "—"
        commands = ", ".join(option.commands) if option.flag else "—"
        values = "—" if option.kind.switch and option.key is None else option.kind.values  # a flag, nothing more
        cells = (flag, key, commands, values, option.default_text(), option.description())
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    """Text in a table cell: no | to end the cell, no <slug> taken for an HTML tag."""
    return text.replace("|", "\\|").replace("<", "\\<").replace(">", "\\>")


def project_file(value: object, place: Place, expected: str) -> Path:
    """A file an octavo.toml names: it must exist inside the project folder."""
    name = text_value(value, expected)
    path = (place.folder / name).resolve()
    if not path.is_relative_to(place.root.resolve()):
        raise OptionValueError(f"'{name}' is outside the project folder")
    if not path.is_file():
        raise OptionValueError(f"no such file '{name}'")
    return path


def suggestion(word: str, choices: tuple[str, ...]) -> str:
    """" (did you mean 'x'?)" for the closest choice, as the YAML reader says it, or nothing."""
    import difflib  # here: only a mistake needs it

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def text_value(value: object, expected: str) -> str:
    """Non-empty text from octavo.toml, stripped; `expected` says what was wanted."""
    if not isinstance(value, str) or not value.strip():
        raise OptionValueError(f"expected {expected}, found {show_value(value)}")
    return value.strip()


def kind_of(value: object) -> str:
    """A TOML value's kind in words: text, number, true/false, list, table."""
    return {bool: "true/false", int: "number", float: "number", str: "text", list: "list", dict: "table"}.get(
        type(value), type(value).__name__
    )


def show_value(value: object) -> str:
    """A TOML value in a message: its kind and, when short, itself."""
    return f"{kind_of(value)} {value!r}" if not isinstance(value, (list, dict)) else f"a {kind_of(value)}"


