"""Build one loaded article into each requested format; failures become located problems."""

from __future__ import annotations

from pathlib import Path

from octavo.diagnostics import Report
from octavo.model import Article
from octavo.options import BuildOptions
from octavo.output import write_atomic


def build_article(article: Article, options: BuildOptions) -> tuple[list[Path], Report]:
    """Write the article's outputs; returns what was written and what went wrong."""
    from octavo import epub, pdf  # here, so that `check` and --help never import WeasyPrint

    written: list[Path] = []
    report = Report()
    html = pdf.print_html(article, options) if {"pdf", "html"} & set(options.formats) else ""
    steps = {
        "html": lambda: _write_html(article, options, html),
        "pdf": lambda: _write_pdf(article, options, pdf.render_pdf(html, article, options), written),
        "epub": lambda: epub.build_epub(article, options),
    }
    for fmt in options.formats:
        try:
            written.append(steps[fmt]())
        except pdf.PdfError as exc:
            report.add(article.source, 1, 1, "error", f"the PDF was not written: {exc}")
        except OSError as exc:
            report.add(article.source, 1, 1, "error", f"could not write the {fmt.upper()}: {exc}")
    return written, report


def _write(target: Path, data: bytes) -> Path:
    write_atomic(target, data)
    return target


def _write_pdf(article: Article, options: BuildOptions, data: bytes, written: list[Path]) -> Path:
    if options.booklet:
        from octavo.booklet import impose

        written.append(_write(options.out / f"{article.slug}.booklet.pdf", impose(data)))
    return _write(options.out / f"{article.slug}.pdf", data)


def _write_html(article: Article, options: BuildOptions, html: str) -> Path:
    return _write(options.out / f"{article.slug}.html", html.encode("utf-8"))
