"""The command line: `octavo [build|check|watch|preview|clean|theme|new|schema] ...`; main(argv) is the exit status."""

from __future__ import annotations

import argparse
import gc
import sys
import traceback

from octavo.cli.arguments import parser, with_command
from octavo.cli.commands import (
    build_once,
    check,
    clean,
    describe_machine,
    new_project,
    preview,
    print_schema,
    theme_files,
    watch,
)
from octavo.cli.settings import find_inputs, project_root, read_config, settings, shard
from octavo.cli.status import EXIT_CONTENT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, UsageError, emitter

__all__ = ["command", "find_inputs", "main", "read_config", "run", "shard"]  # read_config: for the tests


def main(argv: list[str] | None = None) -> int:
    """Run octavo with these arguments (the program's own by default); the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        top = parser()
        args = top.parse_args(with_command(args_list, top))
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
    """One command, its arguments parsed: build, check and watch read octavo.toml alike (settings())."""
    if args.command == "new":
        return new_project(args.folder)
    if args.command == "schema":
        return print_schema(args.out)
    if args.command == "theme":
        return theme_files(args, project_root(args.root, []))
    emit = emitter(getattr(args, "error_format", "text"))
    root = project_root(args.root, getattr(args, "paths", []))
    found = settings(args, root, emit)
    if found is None:
        return EXIT_CONTENT
    options, jobs = found
    if args.command == "clean":
        return clean(args, options)
    inputs = find_inputs(args.paths, root)
    if args.command == "check":
        return check(args, options, inputs, emit)
    if args.verbose:
        describe_machine(options)
    if args.command == "watch":
        return watch(args, options, emit)
    if args.command == "preview":
        return preview(args, options, emit)
    return build_once(args, options, shard(inputs, args.shard, root), jobs, emit)
