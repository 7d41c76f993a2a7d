"""The command line: `octavo [build|check|watch|new|schema] ...`; main(argv) returns the exit status."""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import os
import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from octavo import __version__
from octavo.core.diagnostics import Diagnostic, Report, display_path, github_annotation
from octavo.core.options import FORMATS, MARKS, NOTES, PAGE_SIZES, PDF_VARIANTS, SHEETS, BuildOptions

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
COMMANDS = ("build", "check", "watch", "new", "schema")
# What a build option is when neither the command line nor octavo.toml gives it.
DEFAULTS = {"formats": ("pdf", "epub"), "page-size": "A4", "strict": False, "booklet": False, "pdf-variant": None,
            "creep": 0.0, "print-ready": False, "preflight": False}


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
    commands = top.add_subparsers(dest="command", metavar="{build,check,watch,new,schema}")
    build = commands.add_parser("build", help="build PDF and EPUB files (the default)")
    check = commands.add_parser("check", help="validate only; write nothing")
    watch = commands.add_parser("watch", help="build, then rebuild what changes on every save")
    new = commands.add_parser("new", help="start a project: an example article, octavo.toml, CI and a README")
    new.add_argument("folder", type=Path, metavar="DIR", help="the new project's folder (new or empty)")
    schema = commands.add_parser("schema", help="print the JSON Schema of articles and books, for editors")
    schema.add_argument("--out", type=Path, help="write it to this file instead")
    for sub in (build, check, watch):
        sub.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help="article files or folders (default: every content/*.yaml)")  # fmt: skip
        sub.add_argument("--root", type=Path, default=None,
                         help="the project folder; inputs and images must lie inside it (default: the "
                         "nearest folder with octavo.toml or content/, else the current folder)")  # fmt: skip
        sub.add_argument("--strict", action="store_true", default=None, help="treat every warning as an error")
        sub.add_argument("--error-format", choices=("text", "github"), default="text",
                         help="text (file:line:col: ...) or github (annotations on a pull request)")  # fmt: skip
    check.add_argument("--preflight", action="store_true", default=None,
                       help="also typeset the PDFs as a build would, and check them for print; write nothing")
    for sub in (build, watch):
        sub.add_argument("--format", default=None, help="comma-separated: pdf, epub, html (default: pdf,epub)")
        sub.add_argument("--out", type=Path, default=None, help="output folder (default: dist)")
        sub.add_argument("--page-size", default=None, type=_page_size, help="A4, Letter or A5 (default: A4)")
        sub.add_argument("--booklet", action="store_true", default=None,
                         help="also write <slug>.booklet.pdf: pages two-up in saddle-stitch order")  # fmt: skip
        sub.add_argument("--sheet", type=_sheet, default=None,
                         help=f"the booklet's paper: {', '.join(SHEETS)} (default: Letter for Letter pages, "
                         "else A4); its pages are half the sheet")  # fmt: skip
        sub.add_argument("--creep", type=_millimetres, default=None, metavar="MM",
                         help="move the booklet's innermost pages this far toward the fold (default: 0)")  # fmt: skip
        sub.add_argument("--print-ready", action="store_true", default=None,
                         help="also write <slug>.print.pdf: PDF/X-4 with 3 mm bleed, for print services")  # fmt: skip
        sub.add_argument("--marks", type=str.lower, choices=MARKS, default=None,
                         help="printer's marks on the print-ready PDF")  # fmt: skip
        sub.add_argument("--preflight", action="store_true", default=None,
                         help="check the PDFs for print: fonts embedded, images at 200 ppi, page boxes")  # fmt: skip
        sub.add_argument("--pdf-variant", type=_pdf_variant, default=None,
                         help=f"a PDF standard to follow: {', '.join(PDF_VARIANTS)}")  # fmt: skip
        sub.add_argument("--notes", type=str.lower, choices=NOTES, default=None,
                         help="footnotes or endnotes everywhere (default: as each article or book says)")  # fmt: skip
        sub.add_argument("--jobs", type=_positive, default=None,
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


def _sheet(value: str) -> str:
    for size in SHEETS:
        if value.lower() == size.lower():
            return size
    raise argparse.ArgumentTypeError(f"unknown sheet '{value}' (choose {', '.join(SHEETS)})")


def _millimetres(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 10:
        raise argparse.ArgumentTypeError(f"'{value}' is not a length in millimetres from 0 to 10")
    return number


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


# WeasyPrint's layout makes hundreds of thousands of objects that live to the end of the build (boxes, styles,
# lines). With Python's default thresholds (700, 10, 10: a collection every 700 new objects) the collector scans
# them again and again: 0.35-0.46 s of the 4.6 s a 67-page article with photographs takes, 0.07 s of a 4-page
# one. With (10000, 5, 5) it takes 0.22 s and 0.04 s. The older generations are collected twice as often as
# by default, relative to the first: with (10000, 10, 10), the 551-page book's peak memory grew from 335 to
# 411 MB (cycles left for longer); with (10000, 5, 5) it is 319-334 MB.
COLLECTION_THRESHOLDS = (10_000, 5, 5)


def command() -> int:
    """The program (the `octavo` command, build.py, `python -m octavo`): main(), then a quick exit.

    At exit Python frees every object it made, the classes and functions of the hundreds of modules a build
    imports among them: about 20 ms, a tenth of an EPUB's build. Moved to the collector's permanent generation,
    they are left to the operating system; the exit is otherwise the same (atexit handlers run, standard output
    is flushed; every output file was written and closed before). Not in main(), which tests and other
    programs call in their own processes.
    """
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    status = main()
    gc.freeze()
    return status


def run(args: argparse.Namespace) -> int:
    if args.command == "new":
        return new_project(args.folder)
    if args.command == "schema":
        return print_schema(args.out)
    emit = emitter(args.error_format)
    root = project_root(args.root, args.paths)
    settings = build_settings(args, root, emit)
    if settings is None:
        return EXIT_CONTENT
    options, jobs = settings
    inputs = find_inputs(args.paths, root)
    if args.command == "check":
        from octavo.build.runner import load_inputs  # after argument parsing, so --help stays fast

        ready, report = load_inputs(inputs, root, options.strict, emit)
        if args.preflight:
            report.extend(preflight_only(ready, options, emit))
        return summary(report, args.error_format)
    if args.verbose:
        describe_machine(options)
    if args.command == "watch":
        from octavo.build.watch import watch

        def rebuild() -> int:  # octavo.toml is read again: a change to it applies at the next save
            again = build_settings(args, root, emit)
            return EXIT_CONTENT if again is None else build_once(args, again[0], find_inputs(args.paths, root),
                                                                  again[1], emit)  # fmt: skip

        return watch(args.paths, options, rebuild)
    return build_once(args, options, shard(inputs, args.shard, root), jobs, emit)


def preflight_only(ready: list, options: BuildOptions, emit: Callable[[Diagnostic], None]) -> Report:
    """`check --preflight`: the PDFs a build would make (octavo.toml's print settings too), checked, not written."""
    from dataclasses import replace

    from octavo.build.pipeline import build_publication

    report = Report()
    for publication in ready:
        _, problems = build_publication(publication, replace(options, formats=("pdf",), preflight=True))
        for diagnostic in problems.items:
            emit(diagnostic)
        report.extend(problems)
    return report


def build_settings(args: argparse.Namespace, root: Path,
                   emit: Callable[[Diagnostic], None]) -> tuple[BuildOptions, int] | None:  # fmt: skip
    """The build options and job count from the command line over octavo.toml; None when octavo.toml has errors."""
    config = read_config(root, emit, args.error_format)
    if config is None:
        return None
    given = vars(args)
    fmt = given.get("format") if given.get("format") is not None else config.build.get("formats")
    out = given.get("out") if given.get("out") is not None else config.build.get("out", root / "dist")
    options = BuildOptions(
        out=out,  # type: ignore[arg-type]
        root=root,
        formats=parse_formats(fmt) if isinstance(fmt, str) else fmt or DEFAULTS["formats"],  # type: ignore[arg-type]
        page_size=str(_setting(given.get("page_size"), config.build, "page-size")),
        strict=bool(_setting(args.strict, config.build, "strict")),
        source_date_epoch=source_date_epoch(),
        booklet=bool(_setting(given.get("booklet"), config.build, "booklet")),
        pdf_variant=_setting(given.get("pdf_variant"), config.build, "pdf-variant"),  # type: ignore[arg-type]
        notes=_setting(given.get("notes"), config.build, "notes"),  # type: ignore[arg-type]
        sheet=_setting(given.get("sheet"), config.build, "sheet"),  # type: ignore[arg-type]
        creep=float(_setting(given.get("creep"), config.build, "creep")),  # type: ignore[arg-type]
        print_ready=bool(_setting(given.get("print_ready"), config.build, "print-ready")),
        marks=_setting(given.get("marks"), config.build, "marks"),  # type: ignore[arg-type]
        output_intent=config.build.get("output-intent"),  # type: ignore[arg-type]
        preflight=bool(_setting(given.get("preflight"), config.build, "preflight")),
        theme=config.theme,
        config=config.path,
    )
    jobs = int(_setting(given.get("jobs"), config.build, "jobs", os.cpu_count() or 1))  # type: ignore[arg-type]
    return replace(options, layout_jobs=jobs), jobs


def _setting(given: object, build: dict[str, object], key: str, default: object = None) -> object:
    """The command line wins, then octavo.toml, then octavo's default."""
    if given is not None:
        return given
    return build.get(key, DEFAULTS.get(key, default))


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


def emitter(error_format: str) -> Callable[[Diagnostic], None]:
    """How each problem is printed: compiler-style lines, or GitHub workflow annotations."""
    if error_format == "github":
        return lambda diagnostic: print(github_annotation(diagnostic), file=sys.stderr)
    return lambda diagnostic: print(diagnostic, file=sys.stderr)


def new_project(folder: Path) -> int:
    """`octavo new DIR`: a project that builds at once."""
    from octavo.cli.new import ProjectExists, create

    try:
        files = create(folder)
    except ProjectExists as exc:
        raise UsageError(str(exc)) from None
    print(f"created {display_path(folder.resolve())}: {len(files)} files")
    print(f"next: cd {folder} && octavo build   (then open dist/)")
    return EXIT_OK


def print_schema(out: Path | None) -> int:
    """`octavo schema`: the JSON Schema of the format, for editors' YAML support."""
    from octavo.build.output import write_atomic
    from octavo.source.schema import schema_text

    text = schema_text()
    if out is None:
        sys.stdout.write(text)
    else:
        write_atomic(out, text.encode("utf-8"))
        print(f"wrote {display_path(out.resolve())}", file=sys.stderr)
    return EXIT_OK


def build_once(args: argparse.Namespace, options: BuildOptions, inputs: list[Path], jobs: int,
               emit: Callable[[Diagnostic], None]) -> int:  # fmt: skip
    """One build of the given inputs, with progress on a terminal and an optional JSON report."""
    from octavo.build import runner
    from octavo.cli.verbose import build_notes

    if not inputs:
        print("octavo: nothing to build in this shard", file=sys.stderr)
        return EXIT_OK
    extra = int(options.booklet) + int(options.print_ready)  # more PDFs beside the PDF
    per_input = len(options.formats) + (extra if "pdf" in options.formats else 0)
    with progress(len(inputs) * per_input) as log, build_notes(args.verbose):
        result = runner.build(inputs, options, jobs, force=args.force, log=log, emit=emit)
    if args.report:
        runner.write_report(args.report, result)
    return summary(result.report, args.error_format)


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
    import ctypes.util  # here: only --verbose looks for the library, and the import costs every run time

    if "pdf" in options.formats and ctypes.util.find_library("harfbuzz-subset") is None:
        print("octavo: note: HarfBuzz's subsetter (libharfbuzz-subset0) is not installed; WeasyPrint falls back "
              "to fontTools, and writing PDFs takes 20-50% longer", file=sys.stderr)  # fmt: skip


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


def summary(report: Report, error_format: str = "text") -> int:
    errors, warnings = len(report.errors), len(report.warnings)
    if (errors or warnings) and error_format == "text":  # annotations need no summary line
        counts = " and ".join(_plural(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n)
        files = len({d.path for d in report.items})  # a book's problems may lie in its articles' files
        print(f"octavo: {counts} in {_plural(files, 'file')}", file=sys.stderr)
    if report.internal:  # a bug in octavo met while building some input; the others were built
        return EXIT_INTERNAL
    return EXIT_CONTENT if errors else EXIT_OK


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
