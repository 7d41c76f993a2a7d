"""The resolver: note numbers and anchors, ids, block numbers, formulas and citations, computed once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape
from slugify import slugify
from yaml.nodes import MappingNode, Node, ScalarNode

from octavo.core.labels import Labels, package_labels
from octavo.core.model import Citation, Formula, IndexMark, Inline, Note, NoteRef, XRef
from octavo.source import languages, shapes
from octavo.source.reader import NodeReader, kind_name, suggestion
from octavo.source.yamlsrc import position
from octavo.text import markup, smart

if TYPE_CHECKING:
    from octavo.text.citations import Citations


@dataclass(frozen=True)
class Target:
    """What a cross-reference can point to: a numbered block, a quotation or a section with an author's id."""

    anchor: str
    kind: str
    number: int | None = None
    title: Inline | None = None  # a section's


# Ids the templates use for their own anchors; a section may not take them.
RESERVED_IDS = {"title", "toc", "toc-title", "notes", "notes-title", "cover", "titlepage", "nav", "lead", "landmarks",
                "references", "references-title", "index", "index-title"}
RESERVED_ID_PREFIXES = ("note-", "noteref-", "figure-", "table-", "equation-", "ref-", "idx-")
# The default anchors of numbered listings and boxes. Only these forms are reserved, not the prefixes,
# so that an author's own `box-terms` (the example of the format's spec) stays usable.
RESERVED_NUMBERED_IDS = re.compile(r"(?:listing|box)-[0-9]+")
# The schema states the same patterns. Always fullmatch them: Python's "$" also matches before a final "\n".
ID_PATTERN = re.compile(shapes.ID_PATTERN)
NOTE_KEY_PATTERN = re.compile(shapes.NOTE_KEY_PATTERN)


class Resolver:
    """Numbers notes at their first reference, keeps ids unique, and counts numbered blocks in reading order.

    In a book every id of an article starts with its `prefix`, so no two articles collide. `labels` are the
    theme's words by language (a build passes the project's), for the text of cross-references.
    """

    def __init__(self, reader: NodeReader, prefix: str = "", labels: Labels | None = None) -> None:
        self.reader = reader
        self.prefix = prefix
        self.labels = labels or package_labels
        self.note_defs: dict[str, tuple[Node, markup.Parsed]] = {}
        self.note_numbers: dict[str, int] = {}
        self.note_refs: dict[str, list[NoteRef]] = {}
        self.counters: dict[str, int] = {}
        self.used_ids: set[str] = set(RESERVED_IDS)
        self.citations: Citations | None = None  # set when the article (or its book) gives references
        self.quotes: smart.Quotes | None = None  # the language's quotation marks when punctuation is made smart
        self.language = "en"  # the article's, for the words of cross-references
        # Cross-references: the targets met so far (by the id as written), and on a second reading every
        # target of the article, so that a reference may come before its target.
        self.targets: dict[str, Target] = {}
        self.known_targets: dict[str, Target] | None = None
        # (scalar, where, id, index in the scalar's value) of each [#id], checked at the end
        self.xref_uses: list[tuple[Node, str, str, int]] = []
        self.marks: list[IndexMark] = []  # the index marks [[text]], in reading order
        self.letters = (0, 0)  # how many letters the text has, and how many are Latin (a sample, for its script)

    # -- numbered blocks ---------------------------------------------------------------------

    def number(self, kind: str, id_node: Node | None = None, where: str = "") -> tuple[int, str]:
        """The next number of a kind of numbered block (figure, table, ...) and its anchor.

        The anchor is the author's `id` when the block has one (checked like a section's), else kind-N.
        """
        self.counters[kind] = self.counters.get(kind, 0) + 1
        given = self.author_id(id_node, where) if id_node is not None else None
        if given is not None:
            self.add_target(given, kind, self.counters[kind])
        return self.counters[kind], given or f"{self.prefix}{kind}-{self.counters[kind]}"

    # -- cross-references --------------------------------------------------------------------

    def add_target(self, anchor: str, kind: str, number: int | None = None, title: Inline | None = None) -> None:
        """A block or section with an author's id, which `[#id]` can refer to."""
        self.targets[anchor.removeprefix(self.prefix)] = Target(anchor, kind, number, title)

    def xref(self, wanted: str, page: bool) -> XRef | None:
        """The cross-reference to an id, or None while its target is not known (yet, or at all)."""
        target = (self.known_targets or self.targets).get(wanted)
        if target is None:
            return None
        labels = self.labels(self.language)
        if target.kind == "section" and target.title is not None:
            quotes = smart.quotes_for(self.language)
            title = smart.nested(target.title.parts, quotes), smart.nested((target.title.plain,), quotes)[0]
            parts = (Markup(escape(quotes[0])), *title[0], Markup(escape(quotes[1])))
            text = Inline(parts, f"{quotes[0]}{title[1]}{quotes[1]}")
        else:
            number = target.number
            words = labels[f"xref_{target.kind}"] if number is None else f"{labels[target.kind]}\u00a0{number}"
            text = Inline((Markup(escape(words)),), words)
        return XRef(target.anchor, target.kind, target.number, text, page)

    def check_xrefs(self) -> None:
        """Every `[#id]` names a target of the article: checked once the whole article is read."""
        known = tuple(self.targets)
        for node, where, wanted, at in self.xref_uses:
            if wanted not in self.targets:
                self.reader.error(node, f"{where}: '[#{wanted}]' refers to no id of this article"
                                  f"{suggestion(wanted, known)}", at)  # fmt: skip

    # -- notes -------------------------------------------------------------------------------

    def read_note_definitions(self, node: Node | None) -> None:
        for key, value in self.note_items(node):
            text = self.reader.string(value, f"notes.{key}")
            if text is None:
                continue
            parsed = markup.parse(text, self.quotes)
            self.check_links(value, f"notes.{key}", parsed)
            self.check_inline(value, f"notes.{key}", parsed)
            if parsed.note_keys:
                self.reader.error(value, f"notes.{key}: a note cannot reference another note", parsed.note_at[0])
            if parsed.index_marks:  # a note may be a footnote or an endnote: its page is not the text's
                self.reader.error(value, f"notes.{key}: index marks [[…]] are not allowed in notes",
                                  parsed.mark_at[0])  # fmt: skip
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
        ref = NoteRef(number, f"{self.prefix}noteref-{number}{suffix}", f"{self.prefix}note-{number}", not refs)
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
            notes.append(Note(key, number, f"{self.prefix}note-{number}", text, tuple(self.note_refs[key]),
                              position(node)))
        return tuple(sorted(notes, key=lambda n: n.number))

    # -- inline text -------------------------------------------------------------------------

    def check_links(self, node: Node, where: str, parsed: markup.Parsed, start: int = 0) -> None:
        for href, at in zip(parsed.bad_links, parsed.link_at, strict=True):
            self.reader.error(node, f"{where}: link target '{href}' is not allowed (use http:, https: or mailto:)",
                              start + at)  # fmt: skip

    def inline_text(self, node: Node, where: str, text: str, refs: bool = True, start: int = 0) -> Inline | None:
        """Inline markup of a scalar, or of a part of one (a verse line) that starts at `start` in its value.

        Each problem is located where the author wrote it, even on the fourth line of a folded text.
        """
        parsed = markup.parse(text, self.quotes)
        self.check_links(node, where, parsed, start)
        if not refs:
            for found, at, what in (
                (parsed.note_keys, parsed.note_at, "note references"),
                (parsed.citations, parsed.citation_at, "citations"),
                (parsed.xrefs, parsed.xref_at, "cross-references"),  # a title is itself a link in the contents
                (parsed.index_marks, parsed.mark_at, "index marks [[…]]"),
            ):
                if found:
                    self.reader.error(node, f"{where}: {what} are not allowed here", start + at[0])
                    return None
        for key, at in zip(parsed.note_keys, parsed.note_at, strict=True):
            if key not in self.note_defs:
                self.reader.error(node, f"{where}: reference to undefined note '[^{key}]'", start + at)
        self.check_inline(node, where, parsed, start)
        self.xref_uses += [(node, where, wanted, start + at) for wanted, at in zip(parsed.xrefs, parsed.xref_at,
                                                                                   strict=True)]  # fmt: skip
        inline = markup.to_inline(parsed, self.reference, self.formula, self.cite, self.xref, self.mark)
        if self.letters[0] < languages.SAMPLE_LETTERS:
            found = languages.letters(inline.plain)
            self.letters = (self.letters[0] + found[0], self.letters[1] + found[1])
        return inline

    def mark(self, heading: str, sub: str) -> IndexMark:
        """An index mark with its own anchor; a heading as written gets the text's smart punctuation."""
        heading, sub = (markup.plain_text(markup.parse(text, self.quotes).tokens).strip() for text in (heading, sub))
        found = IndexMark(f"{self.prefix}idx-{len(self.marks) + 1}", heading, sub)
        self.marks.append(found)
        return found

    def check_inline(self, node: Node, where: str, parsed: markup.Parsed, start: int = 0) -> None:
        """Formulas that cannot be typeset, citations of unknown items, and markup that cannot be read."""
        for problem, at in zip(parsed.problems, parsed.problem_at, strict=True):
            self.reader.error(node, f"{where}: {problem}", None if at is None else start + at)
        for tex, at in zip(parsed.formulas, parsed.formula_at, strict=True):
            from octavo.text.formulas import FormulaError, typeset  # here: only an article with formulas needs it

            try:
                typeset(tex)
            except FormulaError as exc:
                self.reader.error(node, f"{where}: the formula '\\({tex}\\)' cannot be typeset: {exc}", start + at)
        for items, at in zip(parsed.citations, parsed.citation_at, strict=True):
            for key, _locator in items:
                if self.citations is None:
                    self.reader.error(node, f"{where}: '[@{key}]' cites a reference, but there are no "
                                      "`references` (give them at the top of the article or of its book)",
                                      start + at)  # fmt: skip
                elif key not in self.citations.library.items and self.citations.library.complete:
                    known = tuple(self.citations.library.items)
                    self.reader.error(node, f"{where}: unknown reference '@{key}'{suggestion(key, known)}", start + at)

    def formula(self, tex: str) -> Formula | None:
        """An inline formula, typeset (its problems were reported by check_inline)."""
        from octavo.text.formulas import FormulaError, typeset

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
            anchor = self.author_id(node, where)
            if anchor is not None:
                self.add_target(anchor, "section", title=title)
            return anchor
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
