"""The resolver: note numbers and anchors, ids, block numbers, formulas and citations, computed once."""

from __future__ import annotations

import re

from slugify import slugify
from yaml.nodes import MappingNode, Node, ScalarNode

from octavo import markup, shapes
from octavo.citations import Citations
from octavo.formulas import FormulaError, typeset
from octavo.model import Citation, Formula, Inline, Note, NoteRef
from octavo.reader import NodeReader, kind_name, suggestion
from octavo.yamlsrc import position

# Ids the templates use for their own anchors; a section may not take them.
RESERVED_IDS = {"title", "toc", "toc-title", "notes", "notes-title", "cover", "titlepage", "nav", "lead", "landmarks",
                "references", "references-title"}
RESERVED_ID_PREFIXES = ("note-", "noteref-", "figure-", "table-", "equation-", "ref-")
# The default anchors of numbered listings and boxes. Only these forms are reserved, not the prefixes,
# so that an author's own `box-terms` (the example of the format's spec) stays usable.
RESERVED_NUMBERED_IDS = re.compile(r"(?:listing|box)-[0-9]+")
# The schema states the same patterns. Always fullmatch them: Python's "$" also matches before a final "\n".
ID_PATTERN = re.compile(shapes.ID_PATTERN)
NOTE_KEY_PATTERN = re.compile(shapes.NOTE_KEY_PATTERN)


class Resolver:
    """Numbers notes at their first reference, keeps ids unique, and counts numbered blocks in reading order.

    In a book every id of an article starts with its `prefix`, so no two articles collide.
    """

    def __init__(self, reader: NodeReader, prefix: str = "") -> None:
        self.reader = reader
        self.prefix = prefix
        self.note_defs: dict[str, tuple[Node, markup.Parsed]] = {}
        self.note_numbers: dict[str, int] = {}
        self.note_refs: dict[str, list[NoteRef]] = {}
        self.counters: dict[str, int] = {}
        self.used_ids: set[str] = set(RESERVED_IDS)
        self.citations: Citations | None = None  # set when the article (or its book) gives references

    # -- numbered blocks ---------------------------------------------------------------------

    def number(self, kind: str, id_node: Node | None = None, where: str = "") -> tuple[int, str]:
        """The next number of a kind of numbered block (figure, table, ...) and its anchor.

        The anchor is the author's `id` when the block has one (checked like a section's), else kind-N.
        """
        self.counters[kind] = self.counters.get(kind, 0) + 1
        given = self.author_id(id_node, where) if id_node is not None else None
        return self.counters[kind], given or f"{self.prefix}{kind}-{self.counters[kind]}"

    # -- notes -------------------------------------------------------------------------------

    def read_note_definitions(self, node: Node | None) -> None:
        for key, value in self.note_items(node):
            text = self.reader.string(value, f"notes.{key}")
            if text is None:
                continue
            parsed = markup.parse(text)
            self.check_links(value, f"notes.{key}", parsed)
            self.check_inline(value, f"notes.{key}", parsed)
            if parsed.note_keys:
                self.reader.error(value, f"notes.{key}: a note cannot reference another note")
            self.note_defs[key] = (value, parsed)

    def note_items(self, node: Node | None) -> list[tuple[str, Node]]:
        if node is None:
            return []
        if not isinstance(node, MappingNode):
            self.reader.error(node, f"notes: expected a mapping of note keys to texts, found a {kind_name(node)}")
            return []
        items: dict[str, Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key is None or not NOTE_KEY_PATTERN.fullmatch(key):
                self.reader.error(key_node, "notes: a note key is a word or number without spaces or brackets")
            elif key in items:
                line = position(items[key])[0]
                self.reader.error(key_node, f"notes.{key}: duplicate key (first given on line {line})")
            else:
                items[key] = value
        return list(items.items())

    def reference(self, key: str) -> NoteRef | None:
        """Number a note at its first reference and give every reference its own anchor."""
        if key not in self.note_defs:
            return None
        number = self.note_numbers.setdefault(key, len(self.note_numbers) + 1)
        refs = self.note_refs.setdefault(key, [])
        suffix = "" if not refs else f"-{len(refs) + 1}"
        ref = NoteRef(number, f"{self.prefix}noteref-{number}{suffix}", f"{self.prefix}note-{number}")
        refs.append(ref)
        return ref

    def notes(self) -> tuple[Note, ...]:
        """The referenced notes in number order; an unreferenced one is a warning and left out."""
        notes = []
        for key, (node, parsed) in self.note_defs.items():
            if key not in self.note_numbers:
                self.reader.warning(node, f"notes.{key}: note is never referenced (it is left out)")
                continue
            number = self.note_numbers[key]
            text = markup.to_inline(parsed, lambda _key: None, self.formula, self.cite)
            notes.append(Note(key, number, f"{self.prefix}note-{number}", text, tuple(self.note_refs[key])))
        return tuple(sorted(notes, key=lambda n: n.number))

    # -- inline text -------------------------------------------------------------------------

    def check_links(self, node: Node, where: str, parsed: markup.Parsed) -> None:
        for href in parsed.bad_links:
            self.reader.error(node, f"{where}: link target '{href}' is not allowed (use http:, https: or mailto:)")

    def inline_text(self, node: Node, where: str, text: str, refs: bool = True) -> Inline | None:
        """Inline markup of a scalar, or of a part of one (a verse line), located at the scalar."""
        parsed = markup.parse(text)
        self.check_links(node, where, parsed)
        if parsed.note_keys and not refs:
            self.reader.error(node, f"{where}: note references are not allowed here")
            return None
        if parsed.citations and not refs:
            self.reader.error(node, f"{where}: citations are not allowed here")
            return None
        for key in parsed.note_keys:
            if key not in self.note_defs:
                self.reader.error(node, f"{where}: reference to undefined note '[^{key}]'")
        self.check_inline(node, where, parsed)
        return markup.to_inline(parsed, self.reference, self.formula, self.cite)

    def check_inline(self, node: Node, where: str, parsed: markup.Parsed) -> None:
        """Formulas that cannot be typeset, citations of unknown items, and markup that cannot be read."""
        for problem in parsed.problems:
            self.reader.error(node, f"{where}: {problem}")
        for tex in parsed.formulas:
            try:
                typeset(tex)
            except FormulaError as exc:
                self.reader.error(node, f"{where}: the formula '\\({tex}\\)' cannot be typeset: {exc}")
        for items in parsed.citations:
            for key, _locator in items:
                if self.citations is None:
                    self.reader.error(node, f"{where}: '[@{key}]' cites a reference, but there are no "
                                      "`references` (give them at the top of the article or of its book)")  # fmt: skip
                elif key not in self.citations.library.items and self.citations.library.complete:
                    known = tuple(self.citations.library.items)
                    self.reader.error(node, f"{where}: unknown reference '@{key}'{suggestion(key, known)}")

    def formula(self, tex: str) -> Formula | None:
        """An inline formula, typeset (its problems were reported by check_inline)."""
        try:
            return typeset(tex)
        except FormulaError:
            return None

    def cite(self, items: markup.CiteItems) -> Citation | None:
        """A citation, when every item it cites is known (check_inline reported the others)."""
        if self.citations is None or any(key not in self.citations.library.items for key, _ in items):
            return None
        return self.citations.cite(items)

    # -- ids ---------------------------------------------------------------------------------

    def author_id(self, node: Node, where: str) -> str | None:
        """An id the author gave (a section's, a block's), checked and reserved; with the article's prefix."""
        wanted = self.reader.string(node, f"{where}.id")
        if wanted is None:
            return None
        reserved = (
            wanted in RESERVED_IDS
            or wanted.startswith(RESERVED_ID_PREFIXES)
            or bool(RESERVED_NUMBERED_IDS.fullmatch(wanted))
        )
        if not ID_PATTERN.fullmatch(wanted) or reserved:
            self.reader.error(node, f"{where}.id: '{wanted}' is not a usable id (a letter, then letters, "
                              "digits, '-', '_' or '.'; not a name octavo uses itself)")  # fmt: skip
            return None
        if wanted in self.used_ids:
            self.reader.error(node, f"{where}.id: the id '{wanted}' is already used")
            return None
        self.used_ids.add(wanted)
        return self.prefix + wanted

    def section_id(self, node: Node | None, where: str, title: Inline | None) -> str | None:
        """An author's id, checked and reserved, or a unique slug of the title."""
        if node is not None:
            return self.author_id(node, where)
        # ASCII, transliterated ("Парус" -> "parus"): some reading systems (Adobe's, and calibre for their
        # sake) drop fragment identifiers outside ASCII. Only anchors change; what readers see keeps its script.
        base = slugify(title.plain) if title else ""
        reserved = base.startswith(RESERVED_ID_PREFIXES) or RESERVED_NUMBERED_IDS.fullmatch(base)
        if not base or not base[0].isalpha() or reserved:
            base = f"section-{base}" if base else "section"
        candidate, n = base, 1
        while candidate in self.used_ids:
            n += 1
            candidate = f"{base}-{n}"
        self.used_ids.add(candidate)
        return self.prefix + candidate
