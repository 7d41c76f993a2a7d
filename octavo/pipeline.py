"""Build one loaded article or book into each requested format; failures become located problems."""

from __future__ import annotations

from pathlib import Path

from octavo.diagnostics import Report
from octavo.model import Publication
from octavo.options import BuildOptions
from octavo.output import write_atomic


def build_publication(publication: Publication, options: BuildOptions) -> tuple[list[Path], Report]:
    """Write the outputs; returns what was written and what went wrong."""
    from octavo import epub, pdf  # here, so that `check` and --help never import WeasyPrint

    written: list[Path] = []
    report = Report()

    def out(extension: str) -> Path:
        return options.out / f"{publication.slug}{extension}"

    html = pdf.print_html(publication, options) if {"pdf", "html"} & set(options.formats) else ""
    steps = {
        "html": lambda: _write(out(".html"), html.encode("utf-8")),
        "pdf": lambda: _write_pdf(out(""), options, pdf.render_pdf(html, publication, options), written),
        "epub": lambda: _write(out(".epub"), epub.epub_bytes(publication, options)),
    }
    for fmt in options.formats:
        try:
            written.append(steps[fmt]())
        except pdf.PdfError as exc:
            report.add(publication.source, 1, 1, "error", f"the PDF was not written: {exc}")
        except OSError as exc:
            report.add(publication.source, 1, 1, "error", f"could not write the {fmt.upper()}: {exc}")
    return written, report


def _write(target: Path, data: bytes) -> Path:
    write_atomic(target, data)
    return target


def _write_pdf(stem: Path, options: BuildOptions, data: bytes, written: list[Path]) -> Path:
    if options.booklet:
        from octavo.booklet import impose

        written.append(_write(Path(f"{stem}.booklet.pdf"), impose(data)))
    return _write(Path(f"{stem}.pdf"), data)
