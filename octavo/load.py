"""YAML -> model: validation with located messages; notes, ids, numbers and the TOC resolved once."""

from __future__ import annotations

import datetime
import difflib
import re
import uuid
from pathlib import Path

import langcodes
from slugify import slugify
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from octavo import markup, shapes
from octavo.diagnostics import Report
from octavo.images import ImageProblem, check_image
from octavo.model import (
    Article,
    Block,
    Book,
    BulletList,
    Figure,
    Inline,
    Note,
    NoteRef,
    NumberedList,
    Paragraph,
    Quote,
    Section,
    Table,
    TocEntry,
    Verse,
)
from octavo.yamlsrc import Problem, SourceError, forbidden_char, not_utf8, position, quote_the, read

# Every key is declared once, in octavo.shapes; the JSON Schema is generated from the same place.
METADATA_KEYS = tuple(key.name for key in shapes.METADATA)
ARTICLE_KEYS = shapes.ARTICLE.names
BOOK_KEYS = shapes.BOOK.names
SECTION_KEYS = shapes.SECTION.names
FIGURE_KEYS = shapes.FIGURE.names
QUOTE_KEYS = shapes.QUOTE.names
TABLE_KEYS = shapes.TABLE.names
BLOCK_KINDS = tuple(kind.name for kind in shapes.BLOCKS)
MAX_SECTION_DEPTH = shapes.MAX_SECTION_DEPTH
DEFAULT_ASPECT = shapes.DEFAULT_ASPECT
# Ids the templates use for their own anchors; a section may not take them.
RESERVED_IDS = {"title", "toc", "toc-title", "notes", "notes-title", "cover", "titlepage", "nav", "lead", "landmarks"}
RESERVED_ID_PREFIXES = ("note-", "noteref-", "figure-", "table-")
# The schema states the same patterns. Always fullmatch them: Python's "$" also matches before a final "\n".
ID_PATTERN = re.compile(shapes.ID_PATTERN)
DATE_PATTERN = re.compile(shapes.DATE_PATTERN)
ASPECT_PATTERN = re.compile(shapes.ASPECT_PATTERN)
NOTE_KEY_PATTERN = re.compile(shapes.NOTE_KEY_PATTERN)
# A fixed namespace, so that the default identifier is the same on every machine and build.
IDENTIFIER_NAMESPACE = uuid.UUID("6f1b1d38-9d0e-5a4c-8a55-0c7a5e1c0c7a")
COMMA_HINT = ' (quote cells that contain commas: ["a, b", c])'


def load_document(path: Path, root: Path, report: Report) -> Article | Book | None:
    """Load an article or a book (a file with an `articles` key); None when any error was found."""
    return _ArticleLoader(path, root, report).load(allow_book=True)


def load_article(path: Path, root: Path, report: Report, id_prefix: str = "") -> Article | None:
    """Load and validate one article; problems go to the report, None when any is an error.

    In a book every id of the article starts with `id_prefix`, so no two articles collide.
    """
    article = _ArticleLoader(path, root, report, id_prefix).load(allow_book=False)
    assert article is None or isinstance(article, Article)
    return article


class _ArticleLoader:
    """Walks one file's node tree in reading order, numbering as it goes."""

    def __init__(self, path: Path, root: Path, report: Report, id_prefix: str = "") -> None:
        self.path = path
        self.prefix = id_prefix
        self.root = root
        self.report = report
        self.errors = 0
        self.note_defs: dict[str, tuple[Node, markup.Parsed]] = {}
        self.note_numbers: dict[str, int] = {}
        self.note_refs: dict[str, list[NoteRef]] = {}
        self.chunk = 0
        self.figures = 0
        self.tables = 0
        self.used_ids: set[str] = set(RESERVED_IDS)
        self.misspelled: set[tuple[int, str]] = set()  # (mapping node id, the key it resembles)

    # -- reporting ---------------------------------------------------------------------------

    def error(self, node: Node | tuple[int, int], message: str) -> None:
        self.errors += 1
        line, column = node if isinstance(node, tuple) else position(node)
        self.report.add(self.path, line, column, "error", message)

    def warning(self, node: Node, message: str) -> None:
        self.report.add(self.path, *position(node), "warning", message)

    def source_problem(self, problem: Problem) -> None:
        """A problem found while reading the YAML text itself, before any node was built."""
        if problem.severity == "error":
            self.errors += 1
        self.report.add(self.path, problem.line, problem.column, problem.severity, problem.message)

    # -- the file ----------------------------------------------------------------------------

    def load(self, allow_book: bool) -> Article | Book | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.source_problem(not_utf8(self.path.read_bytes()))
            return None
        try:
            tree, warnings = read(text, key_names())
        except SourceError as exc:
            for problem in exc.problems:
                self.source_problem(problem)
            return None
        for problem in warnings:
            self.source_problem(problem)
        if not isinstance(tree, MappingNode):
            self.error(tree or (1, 1), "an article is a mapping of keys (title, body, sections, ...)")
            return None
        keys = {k.value for k, _ in tree.value if isinstance(k, ScalarNode)}
        if "articles" in keys and allow_book:
            from octavo.books import load_book  # a book loads its articles through this module

            book = load_book(self, tree, self.mapping(tree, "", BOOK_KEYS))
            return book if self.errors == 0 else None
        if "articles" in keys:
            self.error(tree, "this file is a book (it has 'articles'); a book cannot be a chapter of a book")
            return None
        fields = self.mapping(tree, "", ARTICLE_KEYS)
        article = self.article(tree, fields)
        return article if self.errors == 0 else None

    def metadata(self, tree: MappingNode, fields: dict[str, Node]) -> dict[str, object] | None:
        """The keys an article and a book share (title, authors, date, ...), validated."""
        title = self.inline(fields["title"], "title", refs=False, required=True) if "title" in fields else None
        self.require(tree, fields, "title", "")
        subtitle = self.optional_inline(fields, "subtitle", refs=False)
        publisher = self.optional_string(fields, "publisher")
        values = {
            "slug": self.path.stem,
            "source": self.path,
            "title": title,
            "subtitle": subtitle,
            "authors": tuple(self.string_list(fields.get("authors"), "authors")),
            "publisher": publisher,
            "date": self.date(fields.get("date")),
            "language": self.language(fields.get("language")),
            "identifier": self.optional_string(fields, "identifier"),
            "description": self.optional_string(fields, "description"),
            "rights": self.optional_string(fields, "rights"),
            "keywords": tuple(self.string_list(fields.get("keywords"), "keywords")),
            "cover": self.image_path(fields["cover"], "cover", "a cover is generated") if "cover" in fields else None,
        }
        if title is None:
            return None
        values["identifier"] = values["identifier"] or default_identifier(publisher, title.plain)
        return values

    def article(self, tree: MappingNode, fields: dict[str, Node]) -> Article | None:
        self.read_note_definitions(fields.get("notes"))
        metadata = self.metadata(tree, fields)
        body = self.blocks(fields.get("body"), "body")
        sections = self.sections(fields.get("sections"), "sections", level=1)
        notes = self.notes()
        if metadata is None:
            return None
        return Article(
            **metadata,
            body=body,
            sections=sections,
            notes=notes,
            toc=tuple(toc_entry(s) for s in sections),
            id_prefix=self.prefix,
        )

    # -- generic shapes ----------------------------------------------------------------------

    def require(self, node: Node, fields: dict[str, Node], key: str, where: str) -> bool:
        """Report a missing required key, unless a misspelling of it was reported already."""
        if key in fields:
            return True
        if (id(node), key) not in self.misspelled:
            self.error(node, f"{where + ': ' if where else ''}missing required key '{key}'")
        return False

    def mapping(self, node: Node, where: str, allowed: tuple[str, ...]) -> dict[str, Node]:
        """The keys of a mapping node; unknown and duplicate keys are reported."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{where or 'the file'}: expected a mapping with keys {', '.join(allowed)}")
            return {}
        fields: dict[str, Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            label = f"{where}.{key}" if where else str(key)
            if key is None:
                self.error(key_node, f"{where or 'the file'}: a key must be a plain name")
            elif key in fields:
                line, _ = position(fields[key])
                self.error(key_node, f"{label}: duplicate key (first given on line {line})")
            elif key not in allowed:
                self.error(key_node, f"{label}: unknown key '{key}'{suggestion(key, allowed)}")
                self.misspelled.update((id(node), close) for close in close_matches(key, allowed))
            else:
                fields[key] = value
        return fields

    def string(self, node: Node, where: str) -> str | None:
        if not isinstance(node, ScalarNode):
            self.error(node, f"{where}: expected text, found a {kind_name(node)}")
            return None
        index = forbidden_char(node.value)
        if index is not None:
            self.error(node, f"{where}: the character U+{ord(node.value[index]):04X} is not allowed in text")
            return None
        return node.value

    def optional_string(self, fields: dict[str, Node], key: str) -> str | None:
        return self.string(fields[key], key) if key in fields else None

    def string_list(self, node: Node | None, where: str) -> list[str]:
        if node is None:
            return []
        if isinstance(node, ScalarNode):  # a single name is a list of one
            value = self.string(node, where)
            return [value] if value else []
        if not isinstance(node, SequenceNode):
            self.error(node, f"{where}: expected a list of text, found a {kind_name(node)}")
            return []
        values = (self.string(item, f"{where}[{i}]") for i, item in enumerate(node.value))
        return [v for v in values if v is not None]

    def sequence(self, node: Node | None, where: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"{where}: expected a list, found a {kind_name(node)}")
            return []
        return node.value

    # -- inline text and notes ---------------------------------------------------------------

    def read_note_definitions(self, node: Node | None) -> None:
        for key, value in self.note_items(node):
            text = self.string(value, f"notes.{key}")
            if text is None:
                continue
            parsed = markup.parse(text)
            self.check_links(value, f"notes.{key}", parsed)
            if parsed.note_keys:
                self.error(value, f"notes.{key}: a note cannot reference another note")
            self.note_defs[key] = (value, parsed)

    def note_items(self, node: Node | None) -> list[tuple[str, Node]]:
        if node is None:
            return []
        if not isinstance(node, MappingNode):
            self.error(node, f"notes: expected a mapping of note keys to texts, found a {kind_name(node)}")
            return []
        items: dict[str, Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key is None or not NOTE_KEY_PATTERN.fullmatch(key):
                self.error(key_node, "notes: a note key is a word or number without spaces or brackets")
            elif key in items:
                self.error(key_node, f"notes.{key}: duplicate key (first given on line {position(items[key])[0]})")
            else:
                items[key] = value
        return list(items.items())

    def check_links(self, node: Node, where: str, parsed: markup.Parsed) -> None:
        for href in parsed.bad_links:
            self.error(node, f"{where}: link target '{href}' is not allowed (use http:, https: or mailto:)")

    def inline(self, node: Node, where: str, refs: bool = True, required: bool = False) -> Inline | None:
        text = self.string(node, where)
        if text is None:
            return None
        if required and not text.strip():
            self.error(node, f"{where}: must not be empty")
            return None
        return self.inline_text(node, where, text, refs)

    def optional_inline(self, fields: dict[str, Node], key: str, refs: bool = True) -> Inline | None:
        return self.inline(fields[key], key, refs) if key in fields else None

    def reference(self, key: str) -> NoteRef | None:
        """Number a note at its first reference and give every reference its own anchor."""
        if key not in self.note_defs:
            return None
        number = self.note_numbers.setdefault(key, len(self.note_numbers) + 1)
        refs = self.note_refs.setdefault(key, [])
        suffix = "" if not refs else f"-{len(refs) + 1}"
        ref = NoteRef(number, f"{self.prefix}noteref-{number}{suffix}", f"{self.prefix}note-{number}", self.chunk)
        refs.append(ref)
        return ref

    def notes(self) -> tuple[Note, ...]:
        notes = []
        for key, (node, parsed) in self.note_defs.items():
            if key not in self.note_numbers:
                self.warning(node, f"notes.{key}: note is never referenced (it is left out)")
                continue
            number = self.note_numbers[key]
            text = markup.to_inline(parsed, lambda _key: None)
            notes.append(Note(key, number, f"{self.prefix}note-{number}", text, tuple(self.note_refs[key])))
        return tuple(sorted(notes, key=lambda n: n.number))

    # -- sections and blocks -----------------------------------------------------------------

    def sections(self, node: Node | None, where: str, level: int) -> tuple[Section, ...]:
        sections = []
        for i, item in enumerate(self.sequence(node, where)):
            if level == 1:
                self.chunk = i + 1
            here = f"{where}[{i}]"
            fields = self.mapping(item, here, SECTION_KEYS)
            if not isinstance(item, MappingNode):
                continue
            if level > MAX_SECTION_DEPTH:
                self.error(item, f"{here}: sections nest at most {MAX_SECTION_DEPTH} levels deep")
                continue
            section = self.section(item, here, fields, level)
            if section is not None:
                sections.append(section)
        return tuple(sections)

    def section(self, node: Node, where: str, fields: dict[str, Node], level: int) -> Section | None:
        if not self.require(node, fields, "title", where):
            return None
        title = self.inline(fields["title"], f"{where}.title", refs=False, required=True)
        section_id = self.section_id(fields.get("id"), where, title)
        blocks = self.blocks(fields.get("body"), f"{where}.body")
        children = self.sections(fields.get("sections"), f"{where}.sections", level + 1)
        if title is None or section_id is None:
            return None
        return Section(section_id, title, level, blocks, children, self.chunk)

    def section_id(self, node: Node | None, where: str, title: Inline | None) -> str | None:
        if node is not None:
            wanted = self.string(node, f"{where}.id")
            if wanted is None:
                return None
            reserved = wanted in RESERVED_IDS or wanted.startswith(RESERVED_ID_PREFIXES)
            if not ID_PATTERN.fullmatch(wanted) or reserved:
                self.error(node, f"{where}.id: '{wanted}' is not a usable id (a letter, then letters, "
                           "digits, '-', '_' or '.'; not a name octavo uses itself)")  # fmt: skip
                return None
            if wanted in self.used_ids:
                self.error(node, f"{where}.id: the id '{wanted}' is already used")
                return None
            self.used_ids.add(wanted)
            return self.prefix + wanted
        base = slugify(title.plain, allow_unicode=True) if title else ""
        if not base or not base[0].isalpha() or base.startswith(RESERVED_ID_PREFIXES):
            base = f"section-{base}" if base else "section"
        candidate, n = base, 1
        while candidate in self.used_ids:
            n += 1
            candidate = f"{base}-{n}"
        self.used_ids.add(candidate)
        return self.prefix + candidate

    def blocks(self, node: Node | None, where: str) -> tuple[Block, ...]:
        blocks = []
        for i, item in enumerate(self.sequence(node, where)):
            block = self.block(item, f"{where}[{i}]")
            if block is not None:
                blocks.append(block)
        return tuple(blocks)

    def block(self, node: Node, where: str) -> Block | None:
        if isinstance(node, ScalarNode):
            text = self.inline(node, where)
            return Paragraph(text) if text else None
        if not isinstance(node, MappingNode) or len(node.value) != 1:
            found = kind_name(node) if not isinstance(node, MappingNode) else f"{len(node.value)} keys"
            self.error(node, f"{where}: a block is text or a mapping with one of the keys "
                       f"{', '.join(BLOCK_KINDS)} (found {found})")  # fmt: skip
            return None
        key_node, value = node.value[0]
        kind = key_node.value if isinstance(key_node, ScalarNode) else ""
        if kind not in BLOCK_KINDS:
            self.error(key_node, f"{where}: unknown block '{kind}'{suggestion(kind, BLOCK_KINDS)}"
                       f" (expected {', '.join(BLOCK_KINDS)}){paragraph_hint(key_node, value)}")  # fmt: skip
            return None
        return getattr(self, f"{kind}_block")(value, f"{where}.{kind}")

    def figure_block(self, node: Node, where: str) -> Figure | None:
        fields = self.mapping(node, where, FIGURE_KEYS)
        if not isinstance(node, MappingNode):
            return None
        caption = self.optional_inline(fields, "caption")
        alt = self.string(fields["alt"], f"{where}.alt") if "alt" in fields else None
        if "caption" not in fields and "alt" not in fields:
            self.error(node, f"{where}: a figure needs a caption or an alt text (or both)")
        elif not alt:
            self.warning(node, f"{where}: figure has no alt text (the caption stands in for it)")
        image_name = self.string(fields["image"], f"{where}.image") if "image" in fields else None
        image = self.image_path(fields["image"], f"{where}.image") if image_name else None
        self.figures += 1
        return Figure(
            number=self.figures,
            id=f"{self.prefix}figure-{self.figures}",
            caption=caption,
            alt=alt,
            credit=self.optional_inline(fields, "credit"),
            aspect=self.aspect(fields.get("aspect"), f"{where}.aspect"),
            image_name=image_name,
            image=image,
        )

    def aspect(self, node: Node | None, where: str) -> tuple[int, int]:
        if node is None:
            return DEFAULT_ASPECT
        value = self.string(node, where) or ""
        match = ASPECT_PATTERN.fullmatch(value)
        if not match or 0 in (int(match[1]), int(match[2])):
            self.error(node, f"{where}: '{value}' is not an aspect ratio like 3:2 or 4:3")
            return DEFAULT_ASPECT
        return int(match[1]), int(match[2])

    def image_path(self, node: Node, where: str, instead: str = "a placeholder is used") -> Path | None:
        """The resolved image file; None (with a warning) when it does not exist yet."""
        name = self.string(node, where)
        if name is None:
            return None
        try:
            path = check_image(name, self.path.parent, self.root)
        except ImageProblem as problem:
            if problem.missing:
                self.warning(node, f"{where}: {problem} ({instead})")
            else:
                self.error(node, f"{where}: {problem}")
            return None
        return path

    def quote_block(self, node: Node, where: str) -> Quote | None:
        if isinstance(node, ScalarNode):
            text = self.inline(node, where)
            return Quote(text, None) if text else None
        fields = self.mapping(node, where, QUOTE_KEYS)
        if not isinstance(node, MappingNode) or not self.require(node, fields, "text", where):
            return None
        text = self.inline(fields["text"], f"{where}.text")
        attribution = self.optional_inline(fields, "attribution")
        return Quote(text, attribution) if text else None

    def list_items(self, node: Node, where: str) -> tuple[Inline, ...] | None:
        items = self.sequence(node, where)
        if not items and isinstance(node, SequenceNode):
            self.error(node, f"{where}: a list needs at least one item")
        inlines = [self.inline(item, f"{where}[{i}]") for i, item in enumerate(items)]
        return tuple(inlines) if inlines and None not in inlines else None

    def list_block(self, node: Node, where: str) -> BulletList | None:
        items = self.list_items(node, where)
        return BulletList(items) if items else None

    def numbered_block(self, node: Node, where: str) -> NumberedList | None:
        items = self.list_items(node, where)
        return NumberedList(items) if items else None

    def verse_block(self, node: Node, where: str) -> Verse | None:
        text = self.string(node, where)
        if text is None:
            return None
        stanzas = []
        for chunk in re.split(r"\n\s*\n", text.strip("\n")):
            lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
            if lines:
                stanzas.append(tuple(self.inline_text(node, where, line) for line in lines))
        if not stanzas:
            self.error(node, f"{where}: a verse needs at least one line")
            return None
        return Verse(tuple(stanzas))

    def inline_text(self, node: Node, where: str, text: str, refs: bool = True) -> Inline | None:
        """Inline markup of a scalar, or of a part of one (a verse line), located at the scalar."""
        parsed = markup.parse(text)
        self.check_links(node, where, parsed)
        if parsed.note_keys and not refs:
            self.error(node, f"{where}: note references are not allowed here")
            return None
        for key in parsed.note_keys:
            if key not in self.note_defs:
                self.error(node, f"{where}: reference to undefined note '[^{key}]'")
        return markup.to_inline(parsed, self.reference)

    def table_block(self, node: Node, where: str) -> Table | None:
        fields = self.mapping(node, where, TABLE_KEYS)
        if not isinstance(node, MappingNode):
            return None
        caption = self.optional_inline(fields, "caption")
        header = self.row(fields["header"], f"{where}.header") if "header" in fields else None
        if not self.require(node, fields, "rows", where):
            return None
        rows = []
        width = len(header) if header is not None else None
        for i, row_node in enumerate(self.sequence(fields["rows"], f"{where}.rows")):
            row = self.row(row_node, f"{where}.rows[{i}]")
            if row is None:
                continue
            if width is None:
                width = len(row)
            elif len(row) != width:
                against = "the header" if header is not None else "the first row"
                # Extra cells in a [...] row are most often one cell that holds a comma.
                hint = COMMA_HINT if len(row) > width and getattr(row_node, "flow_style", False) else ""
                self.error(row_node, f"{where}.rows[{i}]: the row has {len(row)} cells but "
                           f"{against} has {width}{hint}")  # fmt: skip
                continue
            rows.append(row)
        if not rows:
            if isinstance(fields["rows"], SequenceNode) and not fields["rows"].value:
                self.error(fields["rows"], f"{where}.rows: a table needs at least one row")
            return None
        self.tables += 1
        return Table(self.tables, f"{self.prefix}table-{self.tables}", caption, header, tuple(rows))

    def row(self, node: Node, where: str) -> tuple[Inline, ...] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{where}: expected a list of cells, found a {kind_name(node)}")
            return None
        cells = [self.inline(cell, f"{where}[{i}]") for i, cell in enumerate(node.value)]
        return tuple(cells) if None not in cells else None

    # -- typed scalars -----------------------------------------------------------------------

    def date(self, node: Node | None) -> str | None:
        if node is None:
            return None
        value = self.string(node, "date")
        if value is None:
            return None
        match = DATE_PATTERN.fullmatch(value)
        try:
            if not match:
                raise ValueError
            datetime.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
        except ValueError:
            self.error(node, f"date: '{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
            return None
        return value

    def language(self, node: Node | None) -> str:
        if node is None:
            return "en"
        value = self.string(node, "language")
        if value is None:
            return "en"
        # tag_is_valid reads '_' as '-' (locale style, en_GB), but BCP 47 and EPUB readers accept only '-'.
        if "_" in value or not langcodes.tag_is_valid(value):
            self.error(node, f"language: '{value}' is not a valid BCP 47 language tag{language_hint(value)}")
            return "en"
        return value


def toc_entry(section: Section) -> TocEntry:
    return TocEntry(section.id, section.title, section.level, section.chunk,
                    tuple(toc_entry(s) for s in section.sections))  # fmt: skip


def default_identifier(publisher: str | None, title: str) -> str:
    """A stable urn:uuid derived from the publisher and the title."""
    name = f"{publisher or ''}|{title}"
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, name)}"


def close_matches(word: str, choices: tuple[str, ...]) -> list[str]:
    return difflib.get_close_matches(word, choices, n=1, cutoff=0.6)


def suggestion(word: str, choices: tuple[str, ...]) -> str:
    close = close_matches(word, choices)
    return f" (did you mean '{close[0]}'?)" if close else ""


def key_names() -> set[str]:
    """Every key of an article or a book, at any depth: a word that lost its ':' is guessed among these."""
    return {*ARTICLE_KEYS, *BOOK_KEYS, *SECTION_KEYS, *FIGURE_KEYS, *QUOTE_KEYS, *TABLE_KEYS, *BLOCK_KINDS}


def language_hint(value: str) -> str:
    """The tag meant by one written with '_' (en_GB), or examples of tags."""
    if "_" in value:
        try:
            return f" (did you mean '{langcodes.standardize_tag(value)}'?)"
        except langcodes.LanguageTagError:
            pass
    return " (e.g. en, fr, pt-BR)"


def paragraph_hint(key_node: Node, value: Node) -> str:
    """Advice for a paragraph with ': ' in it (`- Note: see below`), which YAML reads as a one-key mapping."""
    plain = isinstance(key_node, ScalarNode) and isinstance(value, ScalarNode) and not value.style
    if not plain or key_node.end_mark.line != value.start_mark.line:
        return ""
    # 'qoute: We will bury you' is a misspelt block; 'Note: ...' (not spelt like a key) is a sentence.
    if re.fullmatch(r"[a-z]+", key_node.value) and close_matches(key_node.value, BLOCK_KINDS):
        return ""
    return f"; if this is a paragraph, {quote_the(f'{key_node.value}: {value.value}')}"


def kind_name(node: Node | None) -> str:
    return {ScalarNode: "text", SequenceNode: "list", MappingNode: "mapping"}.get(type(node), "nothing")
