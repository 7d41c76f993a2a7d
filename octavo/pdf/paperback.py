"""`--for`: a book's files for a print service's paperback: the interior, the cover wrap, and the wrap's guides."""

from __future__ import annotations

from octavo.core.diagnostics import Report
from octavo.core.model import Book, Publication
from octavo.core.options import BuildOptions
from octavo.core.printspec import PROFILES
from octavo.pdf.coverwrap import Wrap, cover_pdf
from octavo.pdf.profiles import interior_pdf


def paperback_files(publication: Publication, options: BuildOptions,
                    report: Report) -> list[tuple[str, str, bytes, int | None]]:  # fmt: skip
    """(file name ending, kind, bytes, pages) of each file: the interior, the cover and, with --cover-guides, its
    picture. An article has no paperback: it is said in a warning, and nothing is made."""
    profile = PROFILES[str(options.print_for)]
    if not isinstance(publication, Book):
        report.add(publication.source, 1, 1, "warning", f"--for {profile.name} makes a book's paperback and this "
                   "is an article: no interior or cover was written (list it in a book's `articles`)")  # fmt: skip
        return []
    interior = interior_pdf(publication, options, profile)
    settings = publication.print_settings
    wrap = Wrap(profile, settings.trim, interior.pages, settings.paper)
    if profile.barcode == "ean13" and not publication.isbn:
        line, column = settings.at or (1, 1)
        report.add(publication.source, line, column, "warning", f"{profile.service} expects the ISBN's barcode on "
                   "the back cover: give the book's `isbn` (the barcode's area is left blank)")  # fmt: skip
    cover = cover_pdf(publication, options, wrap)
    files: list[tuple[str, str, bytes, int | None]] = [(".interior.pdf", "interior", interior.data, interior.pages),
                                                       (".cover.pdf", "cover", cover, 1)]  # fmt: skip
    if options.cover_guides:
        from octavo.pdf.coverguides import guides_png

        files.append((".cover-guides.png", "cover-guides", guides_png(cover, wrap), None))
    return files
