"""Run a build: load the inputs, skip what is up to date, build the rest (in parallel), report."""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from octavo.build.output import WriteFailed, write_all, write_atomic
from octavo.build.pipeline import Built, Output
from octavo.core.diagnostics import Diagnostic, Report, display_path
from octavo.core.model import articles_of
from octavo.core.options import BuildOptions

LOGGER = logging.getLogger("octavo.build")  # INFO: what --verbose prints (the time of each stage of each input)


@dataclass
class RunResult:
    """Everything one run found and wrote."""

    report: Report = field(default_factory=Report)
    outputs: list[Output] = field(default_factory=list)
    inputs: int = 0
    stale: dict[Path, list] = field(default_factory=dict)  # what octavo wrote for inputs that no longer exist


def load_inputs(inputs: list[Path], root: Path, strict: bool, emit: Callable[[Diagnostic], None],
                seconds: dict[Path, float] | None = None):  # fmt: skip
    """Load every input, then show every problem at once, in file and line order; `seconds` receives the time
    each input took to load."""
    from octavo.source.load import load_document
    from octavo.theme.theme import Theme

    # The project's labels over the package's, so that cross-references say what captions say. They come
    # from the project's folders alone, so the root is enough (octavo.toml's theme settings do not change them).
    labels = Theme(root).labels
    report = Report()
    documents = []
    for path in inputs:
        started = time.perf_counter()
        try:
            documents.append(load_document(path, root, report, labels))
        except Exception as exc:  # a bug in octavo: said for this input, and the others are still read
            traceback.print_exc()
            report.internal_error(path, "reading it", exc)
            documents.append(None)
        if seconds is not None:
            seconds[path] = time.perf_counter() - started
    # An article named alone and through a book is read twice; say each of its problems once.
    report.items = list(dict.fromkeys(report.items))
    if strict:
        report.escalate()
    order = {path: index for index, path in enumerate(inputs)}
    for diagnostic in sorted(report.items, key=lambda d: (order.get(d.path, len(order)), d.line, d.column)):
        emit(diagnostic)
    failed = {d.path for d in report.errors}
    ready = [d for d in documents if d is not None and d.source not in failed]
    return ready, report


def build(inputs: list[Path], options: BuildOptions, jobs: int, force: bool = False,
          log: Callable[[str], None] | None = None, emit: Callable[[Diagnostic], None] | None = None) -> RunResult:
    """Build every input that is not up to date; one failing input does not stop the others.

    An input that is up to date is not read again, but its warnings are said again (the cache keeps
    them), so a second build never hides a problem the first one reported. Each input's files are written
    as soon as all its parts are made, whatever order the inputs finish in.
    """
    emit = emit or (lambda diagnostic: print(diagnostic, file=sys.stderr))
    from octavo.build.cache import BuildCache
    from octavo.build.manifest import Manifest

    pdf = sys.modules.get("octavo.pdf.typeset")  # loaded by a PDF built earlier in this process (watch mode)
    if pdf is not None:
        pdf.clear_image_cache()
    log = log or (lambda line: print(line))
    result = RunResult(inputs=len(inputs))
    cache, manifest = BuildCache(options), Manifest(options.root)
    stale = []
    cached = Report()
    for path in inputs:
        fresh = None if force else cache.fresh(path)
        if fresh is None:
            stale.append(path)
            continue
        cached.extend(fresh.problems)
        for output in fresh.outputs:
            log(f"unchanged {display_path(output.path)}")
        result.outputs.extend(fresh.outputs)
    for diagnostic in dict.fromkeys(cached.items):  # an article shared by two books warns once
        emit(diagnostic)
    result.report.extend(cached)
    if stale:
        # A book's pieces laid out by the last build are used again where nothing they depend on changed (the
        # bytes are the same: octavo/pdf/piececache.py); --force lays everything out anew, and keeps it.
        kept = replace(options, keep_pieces=True, reuse_pieces=not force)
        _build_stale(stale, kept, jobs, (cache, manifest), log, emit, result)
        cache.save()
        manifest.save()
    result.stale = manifest.stale(options.out)
    return result


def _build_stale(inputs: list[Path], options: BuildOptions, jobs: int, records: tuple, log: Callable[[str], None],
                 emit: Callable[[Diagnostic], None], result: RunResult) -> None:  # fmt: skip
    """Load and build the inputs that are not up to date, writing each one's files when all its parts are made."""
    cache, manifest = records
    timed = LOGGER.isEnabledFor(logging.INFO)
    loading: dict[Path, float] = {}
    ready, report = load_inputs(inputs, options.root, options.strict, emit, loading if timed else None)
    result.report.items = list(dict.fromkeys([*result.report.items, *report.items]))  # the cached inputs' first
    pending = {index: len(parts(options.formats)) for index in range(len(ready))}
    made: dict[int, tuple[list[Built], Report]] = {index: ([], Report()) for index in range(len(ready))}
    stages: dict[int, dict[str, float]] = {index: {} for index in range(len(ready))}
    for index, (files, problems, seconds) in _build_all(ready, options, jobs, timed):
        for diagnostic in problems.items:
            emit(diagnostic)
        result.report.extend(problems)
        made[index][0].extend(files)
        made[index][1].extend(problems)
        stages[index].update(seconds)
        pending[index] -= 1
        if pending[index] == 0:  # every part of this input is made: write all its files, or none
            publication = ready[index]
            sources = {publication.source, *(a.source for a in articles_of(publication))}
            own = [d for d in result.report.warnings if d.path in sources]
            files, problems = made.pop(index)
            started = time.perf_counter()
            outputs = _write_input(publication, files, problems, len(own), log, emit, result.report)
            if timed:
                took = {"load": loading.get(publication.source, 0.0), **stages[index],
                        "write": time.perf_counter() - started}  # fmt: skip
                LOGGER.info("%s: %s", display_path(publication.source),
                            ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in took.items()))  # fmt: skip
            result.outputs.extend(outputs)
            if outputs:
                cache.record(publication, options, outputs, own)
                manifest.wrote(publication.source, [file.path for file in files], options.out)


FORMAT_NAMES = {"pdf": "PDF", "booklet": "booklet PDF", "print": "print-ready PDF", "epub": "EPUB", "html": "HTML",
                "asset": "HTML"}


def _write_input(publication, files: list[Built], problems: Report, warnings: int, log: Callable[[str], None],
                 emit: Callable[[Diagnostic], None], report: Report) -> list[Output]:  # fmt: skip
    """All of an input's outputs, replaced together; none when any of them failed, so that the previous
    PDF and EPUB stay a matching pair. Returns what was written."""
    shown = [f for f in files if f.format != "asset"]
    if problems.errors:
        for file in shown:
            kept = "kept the previous" if file.path.exists() else "did not write"
            log(f"{kept} {display_path(file.path)} (another output of {publication.slug} failed)")
        return []
    try:
        write_all([(file.path, file.data) for file in files])
    except WriteFailed as exc:
        kind = next((FORMAT_NAMES.get(f.format, f.format) for f in files if f.path == exc.path), "output")
        problem = Diagnostic(publication.source, 1, 1, "error", f"could not write the {kind}: {exc.cause}")
        emit(problem)
        report.items.append(problem)
        return []
    outputs = [file.output(warnings) for file in shown]
    for output in outputs:
        log(f"wrote {display_path(output.path)}")
    return outputs


def parts(formats: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The formats split into jobs that share no work: the PDF and the HTML share the print HTML."""
    printed = tuple(f for f in formats if f in ("pdf", "html"))
    if "pdf" in printed and "epub" in formats:  # the EPUB takes the printed pages' starts from the PDF's layout
        printed = (*printed, "epub")
    found: list[tuple[str, ...]] = []
    for fmt in formats:
        part = printed if fmt in printed else (fmt,)
        if part not in found:
            found.append(part)
    return found


def _build_all(ready: list, options: BuildOptions, jobs: int,
               timed: bool = False) -> Iterator[tuple[int, tuple[list[Built], Report, dict[str, float]]]]:
    """Each publication's parts, built in parallel where there are several, yielded as they finish (not in the
    order they were started), with the seconds each stage took when `timed`.

    Yielding as they come lets the progress bar advance per output, a short input's files are written while
    a long one is still being laid out, and building an article's PDF and EPUB in two processes lets even a
    single input use two cores.
    """
    tasks = [(index, replace(options, formats=part)) for index in range(len(ready)) for part in parts(options.formats)]
    if jobs > 1 and len(tasks) > 1:
        from concurrent.futures import ProcessPoolExecutor, as_completed  # here: multiprocessing is slow to import

        # WeasyPrint is not imported here before forking: each worker imports it at its first PDF, at the same
        # time as the others, which takes no longer, and this process, which lays nothing out, ends sooner.
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            futures = {pool.submit(_build_part, ready[index], part, timed): (index, part) for index, part in tasks}
            for future in as_completed(futures):
                index, part = futures[future]
                try:
                    made = future.result()
                except Exception as exc:  # a worker that died (BrokenProcessPool): the input's bug, not the run's
                    made = ([], Report(), {})
                    made[1].internal_error(ready[index].source, f"building the {'/'.join(part.formats).upper()}", exc)
                yield index, made
        return
    for index, part_options in tasks:
        yield index, _build_part(ready[index], part_options, timed)


def _build_part(publication, options: BuildOptions, timed: bool) -> tuple[list[Built], Report, dict[str, float]]:
    """One part of a publication (in a worker process, or here), and the seconds its stages took when `timed`."""
    from octavo.build import pipeline  # looked up when called, so that the tests may put another in its place

    if not timed:
        return (*pipeline.build_publication(publication, options), {})
    stages: dict[str, float] = {}
    return (*pipeline.build_publication(publication, options, stages=stages), stages)


def write_report(path: Path, result: RunResult) -> None:
    """The JSON summary of a run (--report): each output with its size, pages, time and status."""
    summary = {
        "errors": len(result.report.errors),
        "warnings": len(result.report.warnings),
        "outputs": [
            {
                "path": display_path(o.path),
                "format": o.format,
                "bytes": o.bytes,
                "pages": o.pages,
                "warnings": o.warnings,
                "seconds": o.seconds,
                "status": o.status,
            }
            for o in result.outputs
        ],
        "problems": [str(d) for d in result.report.items],
    }
    write_atomic(path, (json.dumps(summary, indent=2) + "\n").encode("utf-8"))
