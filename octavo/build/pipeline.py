"""Make one loaded article or book in each requested format, in memory; failures become located problems."""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from octavo.core.diagnostics import PdfError, Report
from octavo.core.model import Publication, with_notes
from octavo.core.options import BuildOptions
from octavo.theme.theme import MissingAsset, ThemeTemplateError

if TYPE_CHECKING:
    from octavo.pdf.writer import PrintDocument


@dataclass(frozen=True)
class Output:
    """One file written (or found up to date), for the progress lines and the JSON report."""

    path: Path
    format: str
    bytes: int
    pages: int | None
    seconds: float
    status: str  # "built" or "cached"
    warnings: int = 0  # warnings about the files this output was made from


@dataclass(frozen=True)
class Built:
    """A file made in memory and not yet written: the runner writes all of an input's files, or none."""

    path: Path
    # "pdf", "booklet", "print", "interior", "cover", "cover-guides" (--for), "epub", "html", or "asset" (a file
    # the HTML refers to)
    format: str
    data: bytes
    pages: int | None
    seconds: float

    def output(self, warnings: int) -> Output:
        return Output(self.path, self.format, len(self.data), self.pages, self.seconds, "built", warnings)


def build_publication(publication: Publication, options: BuildOptions, *,
                      stages: dict[str, float] | None = None) -> tuple[list[Built], Report]:  # fmt: skip
    """Make the outputs, writing nothing; returns them and what went wrong. `stages`, when given, receives the
    seconds each stage took (PDF, booklet, print-ready, preflight, EPUB, HTML), for --verbose.

    Any exception that escapes a writer is a bug in octavo: it is reported as an internal error of this
    input (exit status 3), so the run goes on with the others.
    """
    if options.notes:  # the command line (or octavo.toml) wins over each article's and book's `footnotes`
        publication = with_notes(publication, options.notes)
    made: list[Built] = []
    report = Report()
    document: PrintDocument | None = None
    # Built with the PDF, the EPUB marks where the printed pages begin (octavo/epub/pagelist.py): the PDF comes first.
    page_starts: list | None = [] if {"pdf", "epub"} <= set(options.formats) else None

    @contextmanager
    def timed(stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            if stages is not None:
                stages[stage] = stages.get(stage, 0.0) + time.perf_counter() - started

    def target(extension: str) -> Path:
        return options.out / f"{publication.slug}{extension}"

    def print_document() -> PrintDocument:
        from octavo.pdf import writer as pdf  # here: an EPUB, `check` and --help never load the PDF's side (WeasyPrint)

        nonlocal document  # one print HTML for both the PDF and --format html
        document = document or pdf.print_html(publication, options)
        return document

    def make_html() -> list[tuple[Path, str, bytes, int | None]]:
        # The page and, beside it, the stylesheets, fonts and images it refers to, so that it stands alone.
        with timed("HTML"):
            html = print_document()
        files = [(options.out / url, "asset", _read(source), None) for url, source in html.assets.items()]
        return [*files, (target(".html"), "html", html.html.encode("utf-8"), None)]

    def make_pdf() -> list[tuple[Path, str, bytes, int | None]]:
        from octavo.pdf import footnotes
        from octavo.pdf import writer as pdf

        with timed("PDF"):
            moved: list[str] = []  # footnotes printed as endnotes: no layout kept them on their reference's page
            data, pages = pdf.render_pdf(print_document(), options, page_starts, moved)
        for path, line, column, message in footnotes.endnote_warnings(publication, moved):
            report.add(path, line, column, "warning", message)
        files = [(target(".pdf"), "pdf", data, pages)]
        checked = [(target(".pdf"), "pdf", data)]  # the booklet is checked as its pages, before imposition
        # prepress and preflight import pypdf (about 50 ms in each process): only when they are asked for.
        if options.booklet:
            from octavo.pdf import prepress

            with timed("booklet"):
                booklet, sides, half_pages = prepress.booklet_pdf(publication, options)
            files.append((target(".booklet.pdf"), "booklet", booklet, sides))
            checked.append((target(".booklet.pdf"), "booklet", half_pages))
        if options.print_ready:
            from octavo.pdf import prepress

            with timed("print-ready"):
                made = prepress.print_ready_pdf(publication, options)
            files.append((target(".print.pdf"), "print", *made))
            checked.append((target(".print.pdf"), "print", made[0]))
        interior_pages = None
        if options.print_for:
            from octavo.pdf import paperback

            with timed("paperback"):
                made_for = paperback.paperback_files(publication, options, report)
            files += [(target(suffix), kind, data, pages) for suffix, kind, data, pages in made_for]
            checked += [(target(suffix), kind, data) for suffix, kind, data, _ in made_for if kind != "cover-guides"]
            interior_pages = next((pages for _, kind, _, pages in made_for if kind == "interior"), None)
        for path, kind, pdf_data in checked if options.preflight else ():
            from octavo.pdf import preflight

            with timed("preflight"):
                found = preflight.check(pdf_data, publication, path, kind, options, interior_pages=interior_pages)
            if options.strict:  # every warning is an error, these too: the input's files are not written
                found.escalate()
            report.extend(found)
        return files

    def make_epub() -> list[tuple[Path, str, bytes, int | None]]:
        from octavo.epub import writer as epub

        with timed("EPUB"):
            data = epub.epub_bytes(publication, options, report, page_starts=page_starts)
            return [(target(".epub"), "epub", data, None)]

    steps = {
        "html": make_html,
        "pdf": make_pdf,
        "epub": make_epub,
    }
    for fmt in sorted(options.formats, key=lambda f: page_starts is not None and f == "epub"):
        started = time.perf_counter()
        try:
            files = steps[fmt]()
        except ThemeTemplateError as exc:
            report.add(exc.path, exc.line, 0, "error", exc.message)
        except MissingAsset as exc:
            report.add(Path(exc.name), 0, 0, "error", f"{exc}; the {fmt.upper()} was not written")
        except PdfError as exc:
            report.add(publication.source, 1, 1, "error", f"the PDF was not written: {exc}")
        except OSError as exc:  # a file it is made from could not be read
            report.add(publication.source, 1, 1, "error", f"could not make the {fmt.upper()}: {exc}")
        except Exception as exc:  # a bug, RecursionError included: said for this input, and the others go on
            traceback.print_exc()
            report.internal_error(publication.source, f"building the {fmt.upper()}", exc)
        else:
            seconds = round(time.perf_counter() - started, 3)
            made += [Built(path, kind, data, pages, seconds) for path, kind, data, pages in files]
    return made, report


def _read(source: Path | bytes) -> bytes:
    return source if isinstance(source, bytes) else source.read_bytes()
