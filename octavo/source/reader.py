"""The node reader: the shapes of YAML nodes (mappings, text, lists, image paths), each problem located."""

from __future__ import annotations

from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from octavo.core.diagnostics import Report
from octavo.core.model import SvgImage
from octavo.source.yamlproblems import colon_advice
from octavo.source.yamlsrc import Lines, Problem, colon_text, forbidden_char, position, value_position
from octavo.text.images import ImageProblem, check_image


class NodeReader:
    """Reads the nodes of one file; every problem goes to the report at the node it concerns."""

    def __init__(self, path: Path, root: Path, report: Report) -> None:
        self.path = path
        self.root = root
        self.report = report
        self.errors = 0
        self.misspelled: set[tuple[int, str]] = set()  # (mapping node id, the key it resembles)
        self.source: Lines | None = None  # the file's text, to locate a problem inside a text and quote it

    # -- reporting ---------------------------------------------------------------------------

    def error(self, node: Node | tuple[int, int], message: str, at: int | None = None) -> None:
        """An error at a node, or with `at`, at that character of a text's value (as the file has it)."""
        self.errors += 1
        line, column = node if isinstance(node, tuple) else self.where(node, at)
        self.report.add(self.path, line, column, "error", message)

    def warning(self, node: Node, message: str, at: int | None = None) -> None:
        self.report.add(self.path, *self.where(node, at), "warning", message)

    def where(self, node: Node, at: int | None = None) -> tuple[int, int]:
        """The line and column of a node, or of the character `at` of a text's value: in a folded or
        quoted text, the line and column where the author wrote that character."""
        if at is None or self.source is None or not isinstance(node, ScalarNode):
            return position(node)
        return value_position(self.source, node, at)

    def source_problem(self, problem: Problem) -> None:
        """A problem found while reading the YAML text itself, before any node was built."""
        if problem.severity == "error":
            self.errors += 1
        self.report.add(self.path, problem.line, problem.column, problem.severity, problem.message)

    # -- shapes ------------------------------------------------------------------------------

    def require(self, node: Node, fields: dict[str, Node], key: str, where: str) -> bool:
        """Report a missing required key, unless a misspelling of it was reported already."""
        if key in fields:
            return True
        if (id(node), key) not in self.misspelled:
            self.error(node, f"{where + ': ' if where else ''}missing required key '{key}'")
        return False

    def mapping(self, node: Node, where: str, allowed: tuple[str, ...], text_too: str = "") -> dict[str, Node]:
        """The keys of a mapping node; unknown and duplicate keys are reported.

        `text_too`: the value may also be a text (a quote, a listing), which a ': ' in it may have made a
        mapping; the block scalar's indicator that such a text is best written after ('>-' or '|').
        """
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
                text = colon_text(self.source, node) if text_too and not close_matches(key, allowed) else None
                hint = f"; if this is a text, {colon_advice(text, text_too)}" if text else ""
                self.error(key_node, f"{label}: unknown key '{key}'{suggestion(key, allowed)}{hint}")
                if text:  # the mapping is a text: its missing keys are not the mistake
                    self.misspelled.update((id(node), name) for name in allowed)
                self.misspelled.update((id(node), close) for close in close_matches(key, allowed))
            else:
                fields[key] = value
        return fields

    def string(self, node: Node, where: str, block: str = ">-") -> str | None:
        """A text; `block` is the block scalar's indicator that a text read as a mapping is best written after."""
        if not isinstance(node, ScalarNode):
            self.error(node, f"{where}: expected text, found a {kind_name(node)}{self.colon_hint(node, block)}")
            return None
        index = forbidden_char(node.value)
        if index is not None:
            self.error(node, f"{where}: the character U+{ord(node.value[index]):04X} is not allowed in text", index)
            return None
        return node.value

    def colon_hint(self, node: Node, block: str = ">-") -> str:
        """Advice for a text with ': ' in it ('- Tip: tape the bag'), which YAML reads as a key and a value."""
        text = colon_text(self.source, node)
        return f"; {colon_advice(text, block)}" if text else ""

    def optional_string(self, fields: dict[str, Node], key: str, where: str | None = None) -> str | None:
        return self.string(fields[key], where or key) if key in fields else None

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

    def svg_image(self, node: Node, path: Path | None, where: str) -> SvgImage | None:
        """An SVG image reduced to what is safe to publish; each removal a warning, an unusable image an error.

        Done while loading, so that every output gets the same drawing and every problem is located.
        """
        if path is None or path.suffix.lower() != ".svg":
            return None
        from octavo.text.svg import sanitise  # here: lxml and tinycss2 load only for an article with an SVG

        name = self.string(node, where) or path.name
        try:
            result = sanitise(path, self.root, name)
        except ImageProblem as problem:
            self.error(node, f"{where}: {problem}")
            return None
        for line, what in result.removed[:MAX_SVG_WARNINGS]:
            self.warning(node, f"{where}: '{name}', line {line}: removed {what}")
        if len(result.removed) > MAX_SVG_WARNINGS:
            self.warning(node, f"{where}: '{name}': removed {len(result.removed) - MAX_SVG_WARNINGS} more "
                         "scripts, event attributes or references outside the image")  # fmt: skip
        return result.image


# The removals an SVG reports one by one; a file full of them says the rest in one line.
MAX_SVG_WARNINGS = 20


def close_matches(word: str, choices: tuple[str, ...]) -> list[str]:
    import difflib  # here: only a mistake needs it

    return difflib.get_close_matches(word, choices, n=1, cutoff=0.6)


def suggestion(word: str, choices: tuple[str, ...]) -> str:
    close = close_matches(word, choices)
    return f" (did you mean '{close[0]}'?)" if close else ""


def kind_name(node: Node | None) -> str:
    return {ScalarNode: "text", SequenceNode: "list", MappingNode: "mapping"}.get(type(node), "nothing")
