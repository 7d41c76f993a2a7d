"""The commands: build (once, or again on every save: watch, preview), check, new and schema."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from octavo.cli.progress import progress
from octavo.cli.settings import find_inputs, settings
from octavo.cli.status import EXIT_CONTENT, EXIT_OK, UsageError, summary
from octavo.core.diagnostics import Diagnostic, Report, display_path
from octavo.core.options import BuildOptions

if TYPE_CHECKING:  # imported by the commands themselves, after argument parsing, so that --help stays fast
    from octavo.build.runner import RunResult


def check(args: argparse.Namespace, options: BuildOptions, inputs: list[Path],
          emit: Callable[[Diagnostic], None]) -> int:  # fmt: skip
    """`octavo check`: every input read and checked; with preflight (flag or octavo.toml), its PDFs too."""
    from octavo.build.runner import load_inputs  # after argument parsing, so --help stays fast

    ready, report = load_inputs(inputs, options.root, options.strict, emit)
    if options.preflight:
        report.extend(preflight_only(ready, options, emit))
    return summary(report, args.error_format)


def preflight_only(ready: list, options: BuildOptions, emit: Callable[[Diagnostic], None]) -> Report:
    """`check --preflight`: the PDFs a build would make (octavo.toml's print settings too), checked, not written."""
    from octavo.build.pipeline import build_publication

    report = Report()
    for publication in ready:
        _, problems = build_publication(publication, replace(options, formats=("pdf",), preflight=True))
        for diagnostic in problems.items:
            emit(diagnostic)
        report.extend(problems)
    return report


def build_once(args: argparse.Namespace, options: BuildOptions, inputs: list[Path], jobs: int,
               emit: Callable[[Diagnostic], None]) -> int:  # fmt: skip
    """One build of the given inputs, with progress on a terminal and an optional JSON report."""
    result = build_run(args, options, inputs, jobs, emit)
    return EXIT_OK if result is None else summary(result.report, args.error_format)


def build_run(args: argparse.Namespace, options: BuildOptions, inputs: list[Path], jobs: int,
              emit: Callable[[Diagnostic], None]) -> RunResult | None:  # fmt: skip
    """build_once's build, its summary not yet said: what it found and wrote (None when there was nothing to build)."""
    from octavo.build import runner
    from octavo.cli.verbose import build_notes

    if not inputs:
        print("octavo: nothing to build in this shard", file=sys.stderr)
        return None
    extra = int(options.booklet) + int(options.print_ready)  # more PDFs beside the PDF
    extra += (2 + int(options.cover_guides)) if options.print_for else 0  # a book's interior, cover (and guides)
    per_input = len(options.formats) + (extra if "pdf" in options.formats else 0)
    with progress(len(inputs) * per_input) as log, build_notes(args.verbose):
        result = runner.build(inputs, options, jobs, force=args.force, log=log, emit=emit)
    for source, entries in result.stale.items():  # after the progress bar, which is gone by now
        names = ", ".join(shown(entry) for entry in entries)
        print(f"octavo: warning: {names} {'was' if len(entries) == 1 else 'were'} made from {display_path(source)}, "
              "which no longer exists: delete them, or run octavo clean to remove all that octavo wrote",
              file=sys.stderr)  # fmt: skip
    if args.report:
        runner.write_report(args.report, result)
    return result


def watch(args: argparse.Namespace, options: BuildOptions, emit: Callable[[Diagnostic], None]) -> int:
    """`octavo watch`: a build now and after every save, until Ctrl-C."""
    from octavo.build.watch import watch as watch_paths

    def rebuild() -> int:  # octavo.toml is read again: a change to it applies at the next save
        again = settings(args, options.root, emit)
        if again is None:
            return EXIT_CONTENT
        return build_once(args, again[0], find_inputs(args.paths, options.root), again[1], emit)

    return watch_paths(args.paths, options, rebuild)


def preview(args: argparse.Namespace, options: BuildOptions, emit: Callable[[Diagnostic], None]) -> int:
    """`octavo preview`: watch, and serve a page on 127.0.0.1 that shows each build's PDF and EPUB."""
    from octavo.build.preview import Outcome, PortInUse, open_server
    from octavo.build.preview import preview as serve

    try:
        server = open_server(options.root, args.port)
    except PortInUse as exc:
        raise UsageError(str(exc)) from None

    def rebuild() -> Outcome:  # as watch's, keeping what the build made and said for the page
        said: list[Diagnostic] = []

        def both(diagnostic: Diagnostic) -> None:
            said.append(diagnostic)
            emit(diagnostic)

        again = settings(args, options.root, both)
        if again is None:
            return Outcome(EXIT_CONTENT, [], said, options.out)
        result = build_run(args, again[0], find_inputs(args.paths, options.root), again[1], both)
        if result is None:
            return Outcome(EXIT_OK, [], said, again[0].out)
        stale = [entry.path for entries in result.stale.values() for entry in entries]
        status = summary(result.report, args.error_format)
        return Outcome(status, result.outputs, said, again[0].out, stale)

    return serve(server, args.paths, options, rebuild, open_browser=not args.no_open)


def describe_machine(options: BuildOptions) -> None:
    """--verbose: the versions, fonts and engine hooks the build uses, and what the machine lacks for speed."""
    from octavo.cli.machine import describe
    from octavo.cli.verbose import build_notes

    with build_notes(True):
        describe(options)


def clean(args: argparse.Namespace, options: BuildOptions) -> int:
    """`octavo clean`: remove the files octavo wrote (every output folder's, or --out's) and the build cache;
    with --dry-run, list them."""
    from octavo.build.manifest import clean as remove

    out = options.out if args.out is not None else None
    removed = remove(options.root, out, args.dry_run)
    for entry in removed:
        print(f"{'would remove' if args.dry_run else 'removed'} {shown(entry)}")
    if not removed:
        print("octavo: nothing to clean: no file octavo wrote is left, and there is no build cache", file=sys.stderr)
    return EXIT_OK


def shown(entry) -> str:
    """A file or folder octavo wrote, as a message says it: "dist/handout_files/ (12 files)"."""
    if not entry.folder:
        return display_path(entry.path)
    return f"{display_path(entry.path)}/ ({entry.files} file{'' if entry.files == 1 else 's'})"


def theme_files(args: argparse.Namespace, root: Path) -> int:
    """`octavo theme list` and `octavo theme copy NAME`."""
    from octavo.cli.themefiles import copy_theme, list_theme

    return list_theme(root) if args.theme_command == "list" else copy_theme(root, args.name)


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
