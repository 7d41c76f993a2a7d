"""What a command works on: the project folder, its octavo.toml, the build options and the inputs."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from octavo.cli.status import UsageError, summary
from octavo.core.diagnostics import Diagnostic, Report
from octavo.core.options import OPTION, OPTIONS, BuildOptions, build_options
from octavo.core.optionspec import merge
from octavo.core.pagesizes import booklet_problem


def settings(args: argparse.Namespace, root: Path,
             emit: Callable[[Diagnostic], None]) -> tuple[BuildOptions, int] | None:  # fmt: skip
    """The build options and job count of build, check, watch and clean alike: octavo's defaults, then
    octavo.toml's, then the command line's; None when octavo.toml has errors."""
    config = read_config(root, emit, getattr(args, "error_format", "text"))
    if config is None:
        return None
    flags = vars(args)
    values = merge(OPTIONS, flags, config.build, root)
    check_combination(args.command, {o.name for o in OPTIONS if o.key and flags.get(o.name) is not None}, values)
    if values["booklet"] and ("pdf" in values["formats"] or args.command == "check"):  # type: ignore[operator]
        problem = booklet_problem(values["page_size"], values["sheet"])  # type: ignore[arg-type]
        if problem:  # refused before anything is built, not after the PDF
            raise UsageError(f"--booklet: {problem}")
    options = build_options(values, root, source_date_epoch=source_date_epoch(), theme=config.theme,
                            config=config.path)  # fmt: skip
    return options, options.layout_jobs


# A flag that changes only what another option makes (and what it makes): given without it, it would do nothing.
NEEDS = {"marks": ("print_ready", "the print-ready PDF"), "sheet": ("booklet", "the booklet"),
         "creep": ("booklet", "the booklet"), "cover_guides": ("print_for", "the cover wrap")}  # fmt: skip
# What only a PDF has: given on the command line of a build that makes none, it would do nothing.
PDF_ONLY = ("booklet", "print_ready", "marks", "sheet", "creep", "pdf_variant", "preflight", "print_for",
            "cover_guides")


def check_combination(command: str, given: set[str], values: dict[str, object]) -> None:
    """A flag given on the command line that would have no effect with the others is said in a warning (build,
    watch and check alike; a warning, not a usage error, so that command lines that worked before still run);
    with check, one that changes only what --preflight typesets is said in a note. A value from octavo.toml
    alone is never a mistake: the file holds defaults for the builds that use them."""
    for name in sorted(given):
        flag = OPTION[name].flag
        if name in NEEDS and not values[NEEDS[name][0]]:
            needed = OPTION[NEEDS[name][0]]
            value = "true" if needed.kind.switch else f'"{needed.kind.values.split(", ")[0]}"'  # --for takes a name
            _ignored(f"{flag} applies only to {NEEDS[name][1]}: add {needed.flag} "
                     f"(or {needed.key} = {value} in octavo.toml)")  # fmt: skip
        if command != "check" and name in PDF_ONLY and "pdf" not in values["formats"]:  # type: ignore[operator]
            formats = ",".join(values["formats"])  # type: ignore[arg-type]
            _ignored(f"{flag} applies only to the PDF, which --format {formats} does not make")
    shaping = [OPTION[n].flag for n in sorted(given) if n in (*PDF_ONLY, "page_size", "notes") and n != "preflight"]
    if command == "check" and shaping and not values["preflight"]:
        print(f"octavo: note: {', '.join(shaping)} change{'s' if len(shaping) == 1 else ''} only what --preflight "
              "typesets and checks; without it, check reads the sources alone", file=sys.stderr)  # fmt: skip


def _ignored(message: str) -> None:
    print(f"octavo: warning: {message}; it is ignored", file=sys.stderr)


def read_config(root: Path, emit: Callable[[Diagnostic], None], error_format: str = "text"):
    """The project's octavo.toml (an empty Config when it has none); None when it has errors."""
    from octavo.source.config import CONFIG_NAME, Config, load_config

    path = root / CONFIG_NAME
    if not path.is_file():
        return Config()
    report = Report()
    config = load_config(path, root, report)
    for diagnostic in report.items:
        emit(diagnostic)
    if report.errors:
        summary(report, error_format)
        return None
    return config


def project_root(given: Path | None, paths: list[Path]) -> Path:
    """--root; else the project of the inputs named: the nearest folder with octavo.toml or content/ above
    them, or else their own folder, wherever octavo is run from; with no input named, the current folder's.

    Inputs of two projects in one command are refused: each project has its own octavo.toml, output folder
    and cache, and a command builds one project."""
    from octavo.source.config import find_root

    if given is not None:
        if not given.is_dir():
            raise UsageError(f"the project folder '{given}' does not exist")
        return given.resolve()
    if not paths:
        return find_root(Path.cwd())
    projects: dict[Path, list[Path]] = {}
    for path in paths:
        # A path that does not exist is said by find_inputs; its folder stands in for it here.
        projects.setdefault(find_root(path if path.exists() else path.parent), []).append(path)
    if len(projects) > 1:
        each = "; ".join(f"{', '.join(str(p) for p in named)} in {root}" for root, named in projects.items())
        raise UsageError(f"the inputs belong to different projects ({each}); build each project with its own "
                         "command, or name one project folder for them all with --root")  # fmt: skip
    return next(iter(projects))


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): every timestamp in the outputs comes from it."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.strip().isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{value}'")
    return int(value.strip())


def find_inputs(paths: list[Path], root: Path) -> list[Path]:
    """The YAML files named, or found in the folders named; by default content/*.yaml.

    A folder with no content/ folder builds its own *.yaml files: one article in an empty folder just works.
    """
    if not paths:
        paths = [root / "content" if (root / "content").is_dir() else Path.cwd()]
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.yaml")))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    resolved = list(dict.fromkeys(p.resolve() for p in found))
    for path in resolved:
        if not path.is_relative_to(root):
            raise UsageError(f"{path} is outside the project folder {root} (see --root)")
    if not resolved:
        raise UsageError(f"no .yaml files in {', '.join(str(p) for p in paths)}")
    return resolved


def shard(inputs: list[Path], spec: str | None, root: Path) -> list[Path]:
    """The K-th of N stable parts (--shard K/N): a file stays in its shard when others come and go."""
    if spec is None:
        return inputs
    match = re.fullmatch(r"(\d+)/(\d+)", spec)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise UsageError(f"--shard takes K/N with 1 <= K <= N, not '{spec}'")
    k, n = int(match[1]), int(match[2])
    return [p for p in inputs if _bucket(p.relative_to(root).as_posix(), n) == k - 1]


def _bucket(name: str, parts: int) -> int:
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16) % parts
