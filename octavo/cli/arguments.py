"""The command line's arguments: those of build, check and watch made from the options' declarations."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from octavo import __version__
from octavo.core.options import OPTIONS
from octavo.core.optionspec import ALL_COMMANDS, Choice, Kind, Option, OptionValueError

COMMANDS = ("build", "check", "watch", "new", "schema")
HELP = {
    "build": "build PDF and EPUB files (the default)",
    "check": "validate only; write nothing",
    "watch": "build, then rebuild what changes on every save",
    "new": "start a project: an example article, octavo.toml, CI and a README",
    "schema": "print the JSON Schema of articles and books, for editors",
}


def parser() -> argparse.ArgumentParser:
    """`octavo` and its commands."""
    top = argparse.ArgumentParser(
        prog="octavo",
        description="Build print PDFs and EPUB 3 e-books from structured YAML articles.",
        epilog="With no command, 'build' is meant. Exit status: 0 success, 1 content errors, "
        "2 usage error, 3 internal error.",
    )
    top.add_argument("--version", action="version", version=f"octavo {__version__}")
    commands = top.add_subparsers(dest="command", metavar="{build,check,watch,new,schema}")
    subs = {name: commands.add_parser(name, help=HELP[name]) for name in COMMANDS}
    subs["new"].add_argument("folder", type=Path, metavar="DIR", help="the new project's folder (new or empty)")
    subs["schema"].add_argument("--out", type=Path, help="write it to this file instead")
    for name in ALL_COMMANDS:
        subs[name].add_argument("paths", nargs="*", type=Path, metavar="PATH",
                                help="article files or folders (default: every content/*.yaml)")  # fmt: skip
        for option in OPTIONS:
            if option.flag is not None and name in option.commands:
                add_option(subs[name], option, name)
    return top


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
