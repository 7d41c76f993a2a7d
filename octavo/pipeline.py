"""Build one loaded article or book into each requested format; failures become located problems."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from octavo.diagnostics import Report
from octavo.model import Publication
from octavo.options import BuildOptions
from octavo.output import write_atomic


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


def build_publication(publication: Publication, options: BuildOptions) -> tuple[list[Output], Report]:
    """Write the outputs; returns what was written and what went wrong."""
    from octavo import epub, pdf  # here, so that `check` and --help never import WeasyPrint

    written: list[Output] = []
    report = Report()
    html = pdf.print_html(publication, options) if {"pdf", "html"} & set(options.formats) else ""

    def target(extension: str) -> Path:
        return options.out / f"{publication.slug}{extension}"

    def make_pdf() -> list[tuple[Path, str, bytes, int | None]]:
        data, pages = pdf.render_pdf(html, publication, options)
        files = [(target(".pdf"), "pdf", data, pages)]
        if options.booklet:
            from octavo.booklet import impose

            files.append((target(".booklet.pdf"), "booklet", impose(data), -(-pages // 4) * 2))
        return files

    steps = {
        "html": lambda: [(target(".html"), "html", html.encode("utf-8"), None)],
        "pdf": make_pdf,
        "epub": lambda: [(target(".epub"), "epub", epub.epub_bytes(publication, options), None)],
    }
    for fmt in options.formats:
        started = time.perf_counter()
        try:
            files = steps[fmt]()
            for path, kind, data, pages in files:
                write_atomic(path, data)
                seconds = round(time.perf_counter() - started, 3)
                written.append(Output(path, kind, len(data), pages, seconds, "built"))
        except pdf.PdfError as exc:
            report.add(publication.source, 1, 1, "error", f"the PDF was not written: {exc}")
        except OSError as exc:
            report.add(publication.source, 1, 1, "error", f"could not write the {fmt.upper()}: {exc}")
    return written, report
