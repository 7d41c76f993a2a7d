"""The command line: `octavo [build|check|watch] [PATH ...]`; main(argv) returns the exit status."""

from __future__ import annotations

import argparse
import contextlib
import ctypes.util
import hashlib
import os
import re
import sys
import traceback
from pathlib import Path

from octavo import __version__
from octavo.diagnostics import Report
from octavo.options import FORMATS, PAGE_SIZES, BuildOptions

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
COMMANDS = ("build", "check", "watch")
# WeasyPrint's variants, listed here so that --help does not have to import WeasyPrint.
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2")


class UsageError(Exception):
    """A mistake in how octavo was called (exit status 2)."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="octavo",
        description="Build print PDFs and EPUB 3 e-books from structured YAML articles.",
        epilog="With no command, 'build' is meant. Exit status: 0 success, 1 content errors, "
        "2 usage error, 3 internal error.",
    )
    top.add_argument("--version", action="version", version=f"octavo {__version__}")
    commands = top.add_subparsers(dest="command", metavar="{build,check,watch}")
    build = commands.add_parser("build", help="build PDF and EPUB files (the default)")
    check = commands.add_parser("check", help="validate only; write nothing")
    watch = commands.add_parser("watch", help="build, then rebuild what changes on every save")
    for sub in (build, check, watch):
        sub.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help="article files or folders (default: every content/*.yaml)")  # fmt: skip
        sub.add_argument("--root", type=Path, default=Path("."),
                         help="the project folder; inputs and images must lie inside it (default: .)")  # fmt: skip
        sub.add_argument("--strict", action="store_true", help="treat every warning as an error")
    for sub in (build, watch):
        sub.add_argument("--format", default="pdf,epub", help="comma-separated: pdf, epub, html (default: pdf,epub)")
        sub.add_argument("--out", type=Path, default=Path("dist"), help="output folder (default: dist)")
        sub.add_argument("--page-size", default="A4", type=_page_size, help="A4, Letter or A5 (default: A4)")
        sub.add_argument("--booklet", action="store_true",
                         help="also write <slug>.booklet.pdf: pages two-up in saddle-stitch order")  # fmt: skip
        sub.add_argument("--pdf-variant", type=_pdf_variant, default=None,
                         help=f"a PDF standard to follow: {', '.join(PDF_VARIANTS)}")  # fmt: skip
        sub.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1,
                         help="inputs built in parallel (default: the number of CPUs)")  # fmt: skip
        sub.add_argument("--force", action="store_true", help="rebuild even what is up to date")
        sub.add_argument("--report", type=Path, help="write a JSON summary of the build to this file")
        sub.add_argument("--verbose", action="store_true", help="say more about the machine and the build")
    build.add_argument("--shard", metavar="K/N", help="build only the K-th of N stable parts of the inputs (CI)")
    return top


def _page_size(value: str) -> str:
    for size in PAGE_SIZES:
        if value.lower() == size.lower():
            return size
    raise argparse.ArgumentTypeError(f"unknown page size '{value}' (choose {', '.join(PAGE_SIZES)})")


def _pdf_variant(value: str) -> str:
    if value.lower() not in PDF_VARIANTS:
        raise argparse.ArgumentTypeError(f"unknown PDF variant '{value}' (choose {', '.join(PDF_VARIANTS)})")
    return value.lower()


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a positive whole number")
    return int(value)


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "build")
    try:
        args = parser().parse_args(args_list)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return run(args)
    except UsageError as exc:
        print(f"octavo: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("octavo: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception:  # a bug in octavo, never the author's fault: say so plainly
        traceback.print_exc()
        print("octavo: internal error (this is a bug in octavo, please report it)", file=sys.stderr)
        return EXIT_INTERNAL


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    if not root.is_dir():
        raise UsageError(f"the project folder '{args.root}' does not exist")
    inputs = find_inputs(args.paths, root)
    if args.command == "check":
        from octavo.runner import load_inputs  # after argument parsing, so --help stays fast

        _, report = load_inputs(inputs, root, args.strict, lambda d: print(d, file=sys.stderr))
        return summary(report)
    options = BuildOptions(
        out=args.out,
        root=root,
        formats=parse_formats(args.format),
        page_size=args.page_size,
        strict=args.strict,
        source_date_epoch=source_date_epoch(),
        booklet=args.booklet,
        pdf_variant=args.pdf_variant,
    )
    if args.verbose:
        describe_machine(options)
    if args.command == "watch":
        from octavo.watch import watch

        return watch(args.paths, options, lambda: build_once(args, options, find_inputs(args.paths, root)))
    return build_once(args, options, shard(inputs, args.shard, root))


def build_once(args: argparse.Namespace, options: BuildOptions, inputs: list[Path]) -> int:
    """One build of the given inputs, with progress on a terminal and an optional JSON report."""
    from octavo import runner

    if not inputs:
        print("octavo: nothing to build in this shard", file=sys.stderr)
        return EXIT_OK
    per_input = len(options.formats) + (1 if options.booklet and "pdf" in options.formats else 0)
    with progress(len(inputs) * per_input) as log:
        result = runner.build(inputs, options, args.jobs, force=args.force, log=log)
    if args.report:
        runner.write_report(args.report, result)
    return summary(result.report)


@contextlib.contextmanager
def progress(total: int):
    """Plain lines when output goes to a file or CI; a live rich display of the outputs on a terminal."""
    if not sys.stderr.isatty() or total < 2:
        yield print
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("outputs"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
        task = bar.add_task("build", total=total)

        def log(line: str) -> None:
            bar.console.print(line, highlight=False)
            bar.advance(task)

        yield log


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


def describe_machine(options: BuildOptions) -> None:
    """--verbose: what this machine means for speed."""
    if "pdf" in options.formats and ctypes.util.find_library("harfbuzz-subset") is None:
        print("octavo: note: HarfBuzz's subsetter (libharfbuzz-subset0) is not installed; WeasyPrint falls back "
              "to fontTools, and writing PDFs takes 20-50% longer", file=sys.stderr)  # fmt: skip


def find_inputs(paths: list[Path], root: Path) -> list[Path]:
    """The YAML files named, or found in the folders named; by default content/*.yaml."""
    if not paths:
        paths = [root / "content"]
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


def parse_formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format '{','.join(unknown) or value}' (choose from {', '.join(FORMATS)})")
    return formats


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): every timestamp in the outputs comes from it."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.strip().isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{value}'")
    return int(value.strip())


def summary(report: Report) -> int:
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or warnings:
        counts = " and ".join(_plural(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n)
        files = len({d.path for d in report.items})  # a book's problems may lie in its articles' files
        print(f"octavo: {counts} in {_plural(files, 'file')}", file=sys.stderr)
    return EXIT_CONTENT if errors else EXIT_OK


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
