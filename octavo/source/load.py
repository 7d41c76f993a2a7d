"""load_document(): any input file, an article or a book, into the model, with every problem located."""

from __future__ import annotations

from pathlib import Path

from octavo.core.diagnostics import Report
from octavo.core.labels import Labels
from octavo.core.model import Article, Book
from octavo.source.articles import is_book, load_article, read_article, read_tree
from octavo.source.blocks import Context, registry
from octavo.source.books import read_book
from octavo.source.shapes import ARTICLE

__all__ = ["load_article", "load_document"]


def load_document(path: Path, root: Path, report: Report, labels: Labels | None = None) -> Article | Book | None:
    """Load an article or a book (a file with an `articles` key); None when any error was found.

    `labels` are the theme's words by language, for cross-references: a build passes its project's
    (octavo.theme.theme.Theme.labels); without them, the package's own.
    """
    ctx = Context(path, root, report, registry(), labels=labels)
    tree = read_tree(ctx)
    if tree is None:
        return None
    document = read_book(ctx, tree) if is_book(tree) else read_article(ctx, tree, ctx.mapping(tree, "", ARTICLE.names))
    return document if ctx.errors == 0 else None
