"""The command line's arguments: those of build, check, watch and clean made from the options' declarations
(preview takes watch's)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from octavo import __version__
from octavo.core.options import OPTIONS
from octavo.core.optionspec import ALL_COMMANDS, Choice, Kind, Option, OptionValueError

COMMANDS = ("build", "check", "watch", "preview", "clean", "theme", "new", "schema")
HELP = {
    "build": "build PDF and EPUB files (the default)",
    "check": "validate only; write nothing",
    "watch": "build, then rebuild what changes on every save",
    "preview": "watch, and show the PDF's pages beside the EPUB in the browser, updated on every save",
    "clean": "remove the files octavo wrote (and only those) and its build cache",
    "theme": "list the theme's templates and stylesheets, or copy one into the project to edit it",
    "new": "start a project: an example article, octavo.toml, CI and a README",
    "schema": "print the JSON Schema of articles and books, for editors",
}
# argparse's message for a value outside a list of choices (a command, a listed option value).
INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)$")


class Parser(argparse.ArgumentParser):
    """argparse's parser, which also says the closest flag, command or choice to one it does not know.

    (argparse's own suggestions came in Python 3.14.)
    """

    def __init__(self, *args, **kwargs) -> None:
        self.flags: list[str] = []  # before argparse's __init__, which adds -h
        self.commands: dict[str, Parser] = {}
        super().__init__(*args, **kwargs)

    def add_argument(self, *names, **kwargs):
        """argparse's add_argument, keeping the flags for suggestions."""
        self.flags.extend(name for name in names if name.startswith("-"))
        return super().add_argument(*names, **kwargs)

    def parse_args(self, args=None, namespace=None):
        """The arguments; an unknown one is a usage error of its command, with the closest flag suggested."""
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            command = getattr(parsed, "command", None)
            sub = self.commands.get(command, self) if command else self
            others = {name: p.flags for name, p in self.commands.items() if name != command}
            if "preview" in others and "watch" in others:  # preview takes watch's flags: name it for its own only
                others["preview"] = [flag for flag in others["preview"] if flag not in others["watch"]]
            sub.error(unrecognized(extra, sub.flags, others))
        return parsed

    def error(self, message: str) -> NoReturn:
        """argparse's usage error (exit status 2), with the closest choice to a value it does not know."""
        match = INVALID_CHOICE.search(message)
        if match:
            message += close_to(match[1], re.findall(r"'([^']*)'", match[2]), "; did you mean '{}'?")
        super().error(message)


def unrecognized(extra: list[str], flags: list[str], others: dict[str, list[str]]) -> str:
    """"unrecognized argument --booklett; did you mean --booklet?" for what the command does not know; a flag
    of another command is said to be one."""
    hints = []
    for argument in extra:
        name = argument.split("=", 1)[0]
        if not name.startswith("-"):
            continue
        close = close_to(name, [*flags, *(flag for its in others.values() for flag in its)], "{}")
        if close and close in flags:
            hints.append(f"did you mean {close}?")
        elif close:
            commands = [command for command, its in others.items() if close in its]
            hints.append(f"{'' if close == name else f'did you mean {close}? '}{close} is an option of "
                         f"{' and '.join(commands)}")  # fmt: skip
    plural = "s" if len(extra) > 1 else ""
    return f"unrecognized argument{plural} {' '.join(extra)}" + "".join(f"; {hint}" for hint in hints)


def close_to(word: str, choices: list[str], form: str) -> str:
    """`form` with the closest of the choices, or nothing when none is close (flags compared without their
    dashes, which every one of them shares)."""
    import difflib  # here: only a mistake needs it

    bare = {choice.lstrip("-"): choice for choice in choices}
    close = difflib.get_close_matches(word.lstrip("-"), list(bare), n=1, cutoff=0.6)
    return form.format(bare[close[0]]) if close else ""


def with_command(argv: list[str], top: Parser) -> list[str]:
    """The arguments with `build` in front when they name no command; a word close to a command's name and
    no file or folder (`octavo biuld`) is a usage error that says the command."""
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    first = argv[0] if argv else ""
    if first and not first.startswith("-") and not re.search(r"[./\\]", first) and not Path(first).exists():
        hint = close_to(first, list(COMMANDS), "; did you mean '{}'?")
        if hint:
            top.error(f"unknown command '{first}'{hint}")
    return ["build", *argv]


def parser() -> Parser:
    """`octavo` and its commands."""
    top = Parser(
        prog="octavo",
        description="Build print PDFs and EPUB 3 e-books from structured YAML articles.",
        epilog="With no command, 'build' is meant. Exit status: 0 success, 1 content errors, "
        "2 usage error, 3 internal error.",
    )
    top.add_argument("--version", action="version", version=f"octavo {__version__}")
    commands = top.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}")
    top.commands = {name: commands.add_parser(name, help=HELP[name]) for name in COMMANDS}
    subs = top.commands
    subs["new"].add_argument("folder", type=Path, metavar="DIR", help="the new project's folder (new or empty)")
    subs["schema"].add_argument("--out", type=Path, help="write it to this file instead")
    for name in (*ALL_COMMANDS, "preview"):
        subs[name].add_argument("paths", nargs="*", type=Path, metavar="PATH",
                                help="article files or folders (default: every content/*.yaml)")  # fmt: skip
    # theme's options go to its own commands, so that they may follow them (`octavo theme copy NAME --root DIR`).
    takers = [(name, sub) for name, sub in subs.items() if name != "theme"]
    takers += [("theme", sub) for sub in theme_commands(subs["theme"])]
    for name, sub in takers:
        like = "watch" if name == "preview" else name  # preview builds as watch does
        for option in OPTIONS:
            if option.flag is not None and like in option.commands:
                add_option(sub, option, like)
    preview_options(subs["preview"])
    return top


def preview_options(preview: Parser) -> None:
    """preview's own flags: the port, and whether to open the browser."""
    preview.add_argument("--port", type=port_number, default=0, metavar="N",
                         help="the port on 127.0.0.1 to serve the preview on (default: 0, any free port)")  # fmt: skip
    preview.add_argument("--no-open", action="store_true", help="do not open the browser; only print the address")


def port_number(text: str) -> int:
    """--port's value: 0 to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535; 0 is any free port)")
    return int(text)


def theme_commands(theme: Parser) -> list[Parser]:
    """`octavo theme list` and `octavo theme copy NAME`."""
    actions = theme.add_subparsers(dest="theme_command", metavar="{list,copy}", required=True)
    listing = actions.add_parser("list", help="the theme's files a project can replace, and which it replaces")
    copy = actions.add_parser("copy", help="copy one of octavo's theme files into the project, to edit it")
    copy.add_argument("name", metavar="NAME", help="a theme file: print.css, styles/print.css, blocks/figure.html, "
                      "labels.yaml, …")  # fmt: skip
    return [listing, copy]


def add_option(sub: argparse.ArgumentParser, option: Option, command: str) -> None:
    """One option's flag. One that octavo.toml may also give is None when not given, so that the file's value
    shows through (see optionspec.merge)."""
    assert option.flag is not None
    default = None if option.key is not None else option.default_value()
    common: dict = {"dest": option.name, "default": default, "help": option.help_text(command)}
    kind = option.kind
    if kind.switch:
        sub.add_argument(option.flag, action="store_true", **common)
    elif isinstance(kind, Choice) and kind.listed:  # argparse checks them and lists them in the usage line
        sub.add_argument(option.flag, choices=kind.choices, type=None if kind.exact else str.lower,
                         **common)  # fmt: skip
    else:
        metavar = option.metavar or option.flag.lstrip("-").upper().replace("-", "_")
        sub.add_argument(option.flag, type=from_text(kind), metavar=metavar, **common)


def from_text(kind: Kind) -> Callable[[str], object]:
    """The kind's reading of command-line text, with its message as argparse's usage error (exit status 2)."""

    def read(text: str) -> object:
        try:
            return kind.from_text(text)
        except OptionValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return read
