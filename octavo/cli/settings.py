"""What a command works on: the project folder, its octavo.toml, the build options and the inputs."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from octavo.cli.status import UsageError, summary
from octavo.core.diagnostics import Diagnostic, Report
from octavo.core.options import OPTIONS, BuildOptions, build_options
from octavo.core.optionspec import merge


def settings(args: argparse.Namespace, root: Path,
             emit: Callable[[Diagnostic], None]) -> tuple[BuildOptions, int] | None:  # fmt: skip
    """The build options and job count of build, check and watch alike: octavo's defaults, then octavo.toml's,
    then the command line's; None when octavo.toml has errors."""
    config = read_config(root, emit, args.error_format)
    if config is None:
        return None
    values = merge(OPTIONS, vars(args), config.build, root)
    options = build_options(values, root, source_date_epoch=source_date_epoch(), theme=config.theme,
                            config=config.path)  # fmt: skip
    return options, options.layout_jobs


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
    """--root, else the nearest folder with octavo.toml or content/ above the first input (or the current folder)."""
    from octavo.source.config import find_root

    if given is not None:
        if not given.is_dir():
            raise UsageError(f"the project folder '{given}' does not exist")
        return given.resolve()
    start = paths[0].resolve() if paths else Path.cwd().resolve()
    start = start if start.is_dir() else start.parent
    found = find_root(start)
    if found is not None:
        return found
    cwd = Path.cwd().resolve()
    return cwd if start.is_relative_to(cwd) else start


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
