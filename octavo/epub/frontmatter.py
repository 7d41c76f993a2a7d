"""The EPUB documents of a book's front and back matter, in the order stores expect them in the spine.

Cover, title page, copyright page, dedication, epigraph, then the contents; after the text and its notes and
index, about the author and the colophon. Each is a document of its own: the copyright page is not inside the
title page's `titlepage` section, which some readers (pandoc) skip whole.
"""

from __future__ import annotations

from octavo.core.model import Book, Publication
from octavo.theme.theme import Theme
from octavo.theme.typeface import typeface_name

# (the document's uid, its file, its template)
Document = tuple[str, str, str]


def front_documents(publication: Publication) -> list[Document]:
    """The documents between the title page and the contents: copyright page, dedication, epigraph."""
    if not isinstance(publication, Book):
        return []
    front = publication.front
    wanted = [(publication.copyright_page, "copyright"), (bool(front.dedication), "dedication"),
              (front.epigraph is not None, "epigraph")]  # fmt: skip
    return [(name, f"{name}.xhtml", f"epub/{name}.xhtml") for present, name in wanted if present]


def back_documents(publication: Publication) -> list[Document]:
    """The documents after the index: about the author, then the colophon."""
    if not isinstance(publication, Book):
        return []
    front = publication.front
    wanted = [(bool(front.about_the_author), "about-the-author", "epub/about.xhtml"),
              (bool(front.colophon) or front.default_colophon, "colophon", "epub/colophon.xhtml")]  # fmt: skip
    return [(name, f"{name}.xhtml", template) for present, name, template in wanted if present]


def document_values(values: dict[str, object], theme: Theme) -> dict[str, object]:
    """The template values of these documents: the writer's, and the typeface a default colophon names."""
    return {**values, "theme": {**values["theme"], "typeface": typeface_name(theme.settings)}}  # type: ignore[dict-item]
