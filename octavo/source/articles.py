"""An article file -> the model: its metadata, sections and blocks, read through the block registry."""

from __future__ import annotations

import datetime
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from octavo.core.diagnostics import Report
from octavo.core.labels import Labels
from octavo.core.model import Accessibility, Article, Section, TocEntry, with_notes
from octavo.source import shapes
from octavo.source.blocks import Context, registry
from octavo.source.languages import language_hint, script_mismatch, valid_language
from octavo.source.reader import kind_name, suggestion
from octavo.source.yamlsrc import Lines, SourceError, not_utf8, read
from octavo.text import smart as smart_quotes

if TYPE_CHECKING:
    from octavo.source.references import BookReferences

DATE_PATTERN = re.compile(shapes.DATE_PATTERN)
# A fixed namespace, so that the default identifier is the same on every machine and build.
IDENTIFIER_NAMESPACE = uuid.UUID("6f1b1d38-9d0e-5a4c-8a55-0c7a5e1c0c7a")


def read_tree(ctx: Context) -> MappingNode | None:
    """The file's node tree, or None (with the problems reported) when it cannot be read as a mapping."""
    try:
        text = ctx.path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        ctx.source_problem(not_utf8(ctx.path.read_bytes()))
        return None
    try:
        tree, warnings = read(text, key_names())
    except SourceError as exc:
        for problem in exc.problems:
            ctx.source_problem(problem)
        return None
    for problem in warnings:
        ctx.source_problem(problem)
    ctx.source = Lines(text)
    if not isinstance(tree, MappingNode):
        ctx.error(tree or (1, 1), "an article is a mapping of keys (title, body, sections, ...)")
        return None
    return tree


def is_book(tree: MappingNode) -> bool:
    return any(isinstance(k, ScalarNode) and k.value == "articles" for k, _ in tree.value)


def load_article(path: Path, root: Path, report: Report, id_prefix: str = "", book: BookReferences | None = None,
                 smart: bool = True, labels: Labels | None = None) -> Article | None:  # fmt: skip
    """Load and validate one article; problems go to the report, None when any is an error.

    In a book every id of the article starts with `id_prefix`, so no two articles collide,
    `book` holds the book's references and citation style, and `smart` its smart punctuation.
    `labels` are the theme's words by language (the project's; the package's when not given).
    """
    ctx = Context(path, root, report, registry(), id_prefix, labels)
    tree = read_tree(ctx)
    if tree is None:
        return None
    if is_book(tree):
        ctx.error(tree, "this file is a book (it has 'articles'); a book cannot be a chapter of a book")
        return None
    article = read_article(ctx, tree, ctx.mapping(tree, "", shapes.ARTICLE.names), book, smart)
    return article if ctx.errors == 0 else None


def read_article(ctx: Context, tree: MappingNode, fields: dict[str, Node],
                 book: BookReferences | None = None, smart: bool = True) -> Article | None:  # fmt: skip
    """An article, read twice when it cites or cross-refers: a citation's text depends on every item the
    article cites (the style sorts and may shorten or number them), and a cross-reference may come before
    its target, so the first reading collects the citations and targets and checks everything, and the
    second, silent one builds the model with their formatted texts.
    """
    if book is not None or "references" in fields or "citation-style" in fields:  # else there is no library
        from octavo.source.references import read_library  # here: most articles cite nothing
        from octavo.text.citations import Citations

        library = read_library(ctx, fields, book)
        if library is not None:
            ctx.resolver.citations = Citations(library, ctx.resolver.prefix)
    article = read_text(ctx, tree, fields, smart)
    citations = ctx.resolver.citations
    cites = citations is not None and bool(citations.cited)
    if article is None or not (cites or ctx.resolver.xref_uses) or ctx.errors:
        return article
    again = Context(ctx.path, ctx.root, Report(), ctx.kinds, ctx.resolver.prefix, ctx.resolver.labels)
    # A cross-reference may come before its target: the second reading knows every target.
    again.resolver.known_targets = ctx.resolver.targets
    try:
        again.resolver.citations = citations.formatted(article.language) if cites and citations else citations
    except Exception as exc:  # citeproc-py fails in many ways on data it does not expect; name the data
        ctx.error(fields.get("references", tree), f"references: the citation style cannot format them ({exc})")
        return None
    return read_text(again, tree, fields, smart)


def read_text(ctx: Context, tree: MappingNode, fields: dict[str, Node], smart: bool = True) -> Article | None:
    """An article in reading order: notes first (so references can be checked), then the text."""
    read_smart(ctx, fields, smart)
    ctx.resolver.read_note_definitions(fields.get("notes"))
    metadata = read_metadata(ctx, tree, fields)
    body = ctx.blocks(fields.get("body"), "body")
    sections = read_sections(ctx, fields.get("sections"), "sections", level=1)
    ctx.resolver.check_xrefs()
    check_script(ctx, fields.get("language"))
    index_see = read_index_see(ctx, fields.get("index-see"), [mark.heading for mark in ctx.resolver.marks])
    notes = ctx.resolver.notes()
    toc_mode = read_switch(ctx, fields.get("toc"), "toc")
    footnotes = read_flag(ctx, fields.get("footnotes"), "footnotes")
    if metadata is None:
        return None
    article = Article(
        **metadata,
        body=body,
        sections=sections,
        notes=notes,
        toc=tuple(toc_entry(s) for s in sections),
        id_prefix=ctx.resolver.prefix,
        references=ctx.resolver.citations.references if ctx.resolver.citations else (),
        reference_files=ctx.resolver.citations.library.files if ctx.resolver.citations else (),
        toc_mode=toc_mode,
        index=tuple(ctx.resolver.marks),
        index_see=index_see,
    )
    return with_notes(article, "footnotes") if footnotes else article


def read_metadata(ctx: Context, tree: MappingNode, fields: dict[str, Node]) -> dict[str, object] | None:
    """The keys an article and a book share (title, authors, date, ...), validated."""
    title = ctx.inline(fields["title"], "title", refs=False, required=True) if "title" in fields else None
    ctx.require(tree, fields, "title", "")
    subtitle = ctx.optional_inline(fields, "subtitle", refs=False)
    publisher = ctx.optional_string(fields, "publisher")
    cover = ctx.image_path(fields["cover"], "cover", "a cover is generated") if "cover" in fields else None
    description = ctx.optional_string(fields, "description")
    values = {
        "slug": ctx.path.stem,
        "source": ctx.path,
        "title": title,
        "subtitle": subtitle,
        "authors": tuple(ctx.string_list(fields.get("authors"), "authors")),
        "publisher": publisher,
        "date": read_date(ctx, fields.get("date")),
        "language": read_language(ctx, fields.get("language")),
        "identifier": ctx.optional_string(fields, "identifier"),
        "description": smart_quotes.plain(description, ctx.resolver.quotes) if description else description,
        "rights": ctx.optional_string(fields, "rights"),
        "keywords": tuple(ctx.string_list(fields.get("keywords"), "keywords")),
        "cover": cover,
        "cover_svg": ctx.svg_image(fields["cover"], cover, "cover") if cover else None,
    }
    if "accessibility" in fields:
        values["accessibility"] = read_accessibility(ctx, fields["accessibility"])
    if title is None:
        return None
    values["identifier"] = values["identifier"] or default_identifier(publisher, title.plain)
    return values


def read_accessibility(ctx: Context, node: Node) -> Accessibility:
    """The `accessibility:` mapping: who certifies the EPUB's accessibility, and whether conformance is claimed."""
    fields = ctx.mapping(node, "accessibility", shapes.ACCESSIBILITY.names)
    conforms = "conforms" not in fields or read_flag(ctx, fields["conforms"], "accessibility.conforms")
    return Accessibility(certified_by=ctx.optional_string(fields, "certified-by", "accessibility.certified-by"),
                         certifier_credential=ctx.optional_string(fields, "certifier-credential",
                                                                  "accessibility.certifier-credential"),
                         conforms=conforms)  # fmt: skip


def read_smart(ctx: Context, fields: dict[str, Node], inherited: bool = True) -> bool:
    """Whether punctuation is made smart (`smart`, else what the book says, else yes), and in which quotes.

    Set before any text is read, notes included; the language is peeked at here and checked by read_metadata.
    """
    switch = read_switch(ctx, fields.get("smart"), "smart")
    on = inherited if switch == "auto" else switch == "true"
    node = fields.get("language")
    language = node.value if isinstance(node, ScalarNode) and valid_language(node.value) else "en"
    ctx.resolver.quotes = smart_quotes.quotes_for(language) if on else None
    ctx.resolver.language = language
    return on


def read_sections(ctx: Context, node: Node | None, where: str, level: int) -> tuple[Section, ...]:
    sections = []
    for i, item in enumerate(ctx.sequence(node, where)):
        here = f"{where}[{i}]"
        fields = ctx.mapping(item, here, shapes.SECTION.names)
        if not isinstance(item, MappingNode):
            continue
        if level > shapes.MAX_SECTION_DEPTH:
            ctx.error(item, f"{here}: sections nest at most {shapes.MAX_SECTION_DEPTH} levels deep")
            continue
        section = read_section(ctx, item, here, fields, level)
        if section is not None:
            sections.append(section)
    return tuple(sections)


def read_section(ctx: Context, node: Node, where: str, fields: dict[str, Node], level: int) -> Section | None:
    if not ctx.require(node, fields, "title", where):
        return None
    title = ctx.inline(fields["title"], f"{where}.title", refs=False, required=True)
    section_id = ctx.resolver.section_id(fields.get("id"), where, title)
    blocks = ctx.blocks(fields.get("body"), f"{where}.body")
    children = read_sections(ctx, fields.get("sections"), f"{where}.sections", level + 1)
    if title is None or section_id is None:
        return None
    return Section(section_id, title, level, blocks, children)


def read_date(ctx: Context, node: Node | None) -> str | None:
    if node is None:
        return None
    value = ctx.string(node, "date")
    if value is None:
        return None
    match = DATE_PATTERN.fullmatch(value)
    try:
        if not match:
            raise ValueError
        datetime.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        ctx.error(node, f"date: '{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return None
    return value


def read_index_see(ctx: Context, node: Node | None, headings: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`index-see`: each heading with the headings it refers to, every one of which must be in the index."""
    if node is None:
        return ()
    if not isinstance(node, MappingNode):
        ctx.error(node, f"index-see: expected a mapping of index headings, found a {kind_name(node)}")
        return ()
    known = tuple(dict.fromkeys(headings))
    found: dict[str, tuple[str, ...]] = {}
    for key_node, value in node.value:
        heading = ctx.string(key_node, "index-see")
        where = f"index-see.{heading}"
        items = value.value if isinstance(value, SequenceNode) else [value]
        if heading is None or not heading.strip() or (isinstance(value, SequenceNode) and not items):
            ctx.error(key_node if heading is None or not heading.strip() else value,
                      f"{where}: expected an index heading and the heading, or list of headings, it refers to")
            continue
        targets = []
        for item in items:
            target = ctx.string(item, where)
            if target is None:
                continue
            if target not in known:
                ctx.error(item, f"{where}: '{target}' is not a heading of the index{suggestion(target, known)}")
            elif target == heading:
                ctx.error(item, f"{where}: a heading cannot refer to itself")
            else:
                targets.append(target)
        if heading in found:
            ctx.error(key_node, f"{where}: duplicate key")
        elif targets:
            found[heading] = tuple(targets)
    return tuple(found.items())


def read_switch(ctx: Context, node: Node | None, where: str) -> str:
    """auto, true or false; YAML's other spellings of a boolean (yes, on) are not taken, to keep one way."""
    value = ctx.string(node, where) if node is not None else None
    if value is None:
        return "auto"
    if value.lower() in shapes.SWITCHES:
        return value.lower()
    ctx.error(node, f"{where}: '{value}' is not one of {', '.join(shapes.SWITCHES)}")
    return "auto"


def read_flag(ctx: Context, node: Node | None, where: str) -> bool:
    """true or false (false when not given); YAML's other spellings (yes, on) are not taken, to keep one way."""
    value = ctx.string(node, where) if node is not None else None
    if value is None or value.lower() == "false":
        return False
    if value.lower() == "true":
        return True
    ctx.error(node, f"{where}: '{value}' is not true or false")
    return False


def read_language(ctx: Context, node: Node | None) -> str:
    if node is None:
        return "en"
    value = ctx.string(node, "language")
    if value is None:
        return "en"
    # tag_is_valid reads '_' as '-' (locale style, en_GB), but BCP 47 and EPUB readers accept only '-'.
    if "_" in value or not valid_language(value):
        ctx.error(node, f"language: '{value}' is not a valid BCP 47 language tag{language_hint(value)}")
        return "en"
    return value


def check_script(ctx: Context, node: Node | None) -> None:
    """A language written in another script than the text's: `language: uk` on an English text."""
    if node is None or ctx.resolver.language != node.value:
        return  # none given, or not a valid tag (an error said so)
    message = script_mismatch(ctx.resolver.language, *ctx.resolver.letters)
    if message is not None:
        ctx.warning(node, f"language: {message}")


def toc_entry(section: Section) -> TocEntry:
    return TocEntry(section.id, section.title, section.level, tuple(toc_entry(s) for s in section.sections))


def default_identifier(publisher: str | None, title: str) -> str:
    """A stable urn:uuid derived from the publisher and the title."""
    name = f"{publisher or ''}|{title}"
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, name)}"


def key_names() -> set[str]:
    """Every key of an article or a book, at any depth: a word that lost its ':' is guessed among these."""
    names = {*shapes.ARTICLE.names, *shapes.BOOK.names, *shapes.SECTION.names}
    for kind in registry().values():
        names.add(kind.name)
        names.update(key for form in kind.forms if isinstance(form, shapes.Shape) for key in form.names)
    return names
