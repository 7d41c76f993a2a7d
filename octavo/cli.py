"""The command line: `octavo [build|check] [PATH ...]`; main(argv) returns the exit status."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from octavo import __version__
from octavo.diagnostics import Report, display_path
from octavo.options import FORMATS, PAGE_SIZES, BuildOptions

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
COMMANDS = ("build", "check")
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
    commands = top.add_subparsers(dest="command", metavar="{build,check}")
    build = commands.add_parser("build", help="build PDF and EPUB files (the default)")
    check = commands.add_parser("check", help="validate only; write nothing")
    for sub in (build, check):
        sub.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help="article files or folders (default: every content/*.yaml)")  # fmt: skip
        sub.add_argument("--root", type=Path, default=Path("."),
                         help="the project folder; inputs and images must lie inside it (default: .)")  # fmt: skip
        sub.add_argument("--strict", action="store_true", help="treat every warning as an error")
    build.add_argument("--format", default="pdf,epub", help="comma-separated: pdf, epub, html (default: pdf,epub)")
    build.add_argument("--out", type=Path, default=Path("dist"), help="output folder (default: dist)")
    build.add_argument("--page-size", default="A4", type=_page_size, help="A4, Letter or A5 (default: A4)")
    build.add_argument("--booklet", action="store_true",
                       help="also write <slug>.booklet.pdf: pages two-up in saddle-stitch order")  # fmt: skip
    build.add_argument("--pdf-variant", type=_pdf_variant, default=None,
                       help=f"a PDF standard to follow: {', '.join(PDF_VARIANTS)}")  # fmt: skip
    build.add_argument("--jobs", type=_positive, default=1, help="articles built in parallel (default: 1)")
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
    from octavo.load import load_document  # after argument parsing, so --help stays fast

    root = args.root.resolve()
    if not root.is_dir():
        raise UsageError(f"the project folder '{args.root}' does not exist")
    inputs = find_inputs(args.paths, root)
    options = None
    if args.command == "build":
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
    report = Report()
    articles = [load_document(path, root, report) for path in inputs]
    if args.strict:
        report.escalate()
    order = {path: index for index, path in enumerate(inputs)}
    for diagnostic in sorted(report.items, key=lambda d: (order.get(d.path, 0), d.line, d.column)):
        print(diagnostic, file=sys.stderr)
    failed = {d.path for d in report.errors}
    ready = [a for a in articles if a is not None and a.source not in failed]
    if options is None:
        return summary(report, len(inputs))
    build_report = build_all(ready, options, args.jobs)
    report.extend(build_report)
    return summary(report, len(inputs))


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


def build_all(articles: list, options: BuildOptions, jobs: int) -> Report:
    """Build every article; one that fails does not stop the others."""
    from octavo.pipeline import build_publication

    report = Report()
    if jobs > 1 and len(articles) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(build_publication, articles, [options] * len(articles)))
    else:
        results = [build_publication(article, options) for article in articles]
    for written, problems in results:
        for path in written:
            print(f"wrote {display_path(path)}")
        for diagnostic in problems.items:
            print(diagnostic, file=sys.stderr)
        report.extend(problems)
    return report


def summary(report: Report, files: int) -> int:
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or warnings:
        counts = " and ".join(_plural(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n)
        print(f"octavo: {counts} in {_plural(files, 'file')}", file=sys.stderr)
    return EXIT_CONTENT if errors else EXIT_OK


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
