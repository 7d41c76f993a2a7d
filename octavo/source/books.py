"""A book: metadata and a list of article files, each loaded by the article loader with its own id prefix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from slugify import slugify
from yaml.nodes import MappingNode, Node

from octavo.core.model import Article, Book, Inline, with_notes
from octavo.core.printspec import PAPERS, PrintSettings, parse_trim
from octavo.source import shapes
from octavo.source.articles import load_article, read_flag, read_index_see, read_metadata, read_smart
from octavo.source.blocks import Context
from octavo.source.frontmatter import paperback_isbn, read_front_matter, text_paragraphs
from octavo.source.reader import suggestion
from octavo.source.yamlsrc import SourceError, compose, position


def read_book(ctx: Context, tree: MappingNode) -> Book | None:
    """Validate the book's own keys and its list of articles, then load every article."""
    fields = ctx.mapping(tree, "", shapes.BOOK.names)
    smart = read_smart(ctx, fields)
    metadata = read_metadata(ctx, tree, fields)
    if not ctx.require(tree, fields, "articles", ""):
        return None
    from octavo.source.references import read_book_references  # here: an article alone may have no references

    references = read_book_references(ctx, fields)
    paths = _article_paths(ctx, fields["articles"])
    prefixes = _id_prefixes([path for path, _ in paths])
    articles: list[Article] = []
    for (path, _node), prefix in zip(paths, prefixes, strict=True):
        errors_before = len(ctx.report.errors)
        article = load_article(path, ctx.root, ctx.report, prefix, references, smart, ctx.resolver.labels)
        if article is None:
            # The article's own problems carry its path; the book only needs to fail.
            ctx.errors += max(1, len(ctx.report.errors) - errors_before)
        else:
            articles.append(article)
    front = read_front_matter(ctx, fields)  # the ISBNs too: one, or one per edition
    paperback = {"print_settings": read_print(ctx, fields.get("print")), "isbn": paperback_isbn(front.isbns),
                 "back_cover": read_back_cover(ctx, fields.get("back-cover"))}  # fmt: skip
    footnotes = read_flag(ctx, fields.get("footnotes"), "footnotes")
    headings = [mark.heading for article in articles for mark in article.index]
    index_see = read_index_see(ctx, fields.get("index-see"), headings)
    if metadata is None or ctx.errors:
        return None
    book = Book(**metadata, articles=tuple(articles), index_see=index_see, front=front, **paperback)
    return with_notes(book, "footnotes") if footnotes else book


def read_print(ctx: Context, node: Node | None) -> PrintSettings:
    """The book's `print:` mapping: a trim size (6x9in unless given) and a paper (white unless given)."""
    if node is None:
        return PrintSettings()
    fields = ctx.mapping(node, "print", shapes.PRINT.names)
    settings = PrintSettings(at=position(node))
    if "trim" in fields and (text := ctx.string(fields["trim"], "print.trim")) is not None:
        try:
            settings = replace(settings, trim=parse_trim(text))
        except ValueError as problem:
            ctx.error(fields["trim"], f"print.trim: {problem}")
    if "paper" in fields and (paper := ctx.string(fields["paper"], "print.paper")) is not None:
        if paper.lower() in PAPERS:
            settings = replace(settings, paper=paper.lower())
        else:
            ctx.error(fields["paper"], f"print.paper: unknown paper '{paper}'{suggestion(paper.lower(), PAPERS)} "
                      f"(expected {', '.join(PAPERS)})")  # fmt: skip
    return settings


def read_back_cover(ctx: Context, node: Node | None) -> tuple[Inline, ...]:
    """The back cover's text, one Inline per paragraph (a blank line between two), each problem located."""
    return text_paragraphs(ctx, node, "back-cover") if node is not None else ()


def _article_paths(loader: Context, node: Node) -> list[tuple[Path, Node]]:
    """The article files a book lists, each checked: present, inside the project, not the book, once."""
    items = loader.sequence(node, "articles")
    if not items and node is not None and loader.errors == 0:
        loader.error(node, "articles: a book needs at least one article")
    found: dict[Path, Node] = {}
    for index, item in enumerate(items):
        where = f"articles[{index}]"
        name = loader.string(item, where)
        if name is None:
            continue
        path = (loader.path.parent / name).resolve()
        if not path.is_relative_to(loader.root.resolve()):
            loader.error(item, f"{where}: '{name}' is outside the project folder")
        elif path == loader.path.resolve():
            loader.error(item, f"{where}: a book cannot include itself")
        elif not path.is_file():
            loader.error(item, f"{where}: no such article file '{name}'")
        elif _is_book(path):
            loader.error(item, f"{where}: '{name}' is a book; a book cannot be a chapter of a book")
        elif path in found:
            line, _ = position(found[path])
            loader.error(item, f"{where}: '{name}' is already listed (line {line}); an article appears once")
        else:
            found[path] = item
    return list(found.items())


def _is_book(path: Path) -> bool:
    """Whether a file is itself a book (its own problems are reported when it is loaded)."""
    try:
        tree = compose(path.read_text(encoding="utf-8"))
    except (SourceError, UnicodeDecodeError, OSError):
        return False
    return isinstance(tree, MappingNode) and any(k.value == "articles" for k, _ in tree.value)


def _id_prefixes(paths: list[Path]) -> list[str]:
    """A short, unique prefix per article, from its file name, so that ids never collide."""
    used: set[str] = set()
    prefixes = []
    for path in paths:
        base = slugify(path.stem) or "article"
        if not base[0].isalpha():
            base = f"a-{base}"
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        # Slugs never contain "--", so the first "--" ends the prefix: no two articles' ids can meet.
        prefixes.append(f"{candidate}--")
    return prefixes
