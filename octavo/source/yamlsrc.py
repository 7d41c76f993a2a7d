"""Read YAML into a tree of located nodes, every scalar kept as the string the author wrote."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterator

import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor
from yaml.events import AliasEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

# The problems, and the common mistakes said in words, live beside; their names are used from here too.
from octavo.source.yamlproblems import (
    COMMENT_MESSAGE,
    LOCAL_TAG,
    Lines,
    Mistake,
    Problem,
    SourceError,
    comment_cut,
    counted,
    diagnose,
    forbidden_char,
    looks_like_prose,
    not_utf8,
    position,
    quote_mistake,
    quote_the,
    refusal,
)

__all__ = [
    "Lines", "Problem", "SourceError", "colon_text", "compose", "forbidden_char", "not_utf8", "position", "quote_the",
    "read", "value_position",
]  # fmt: skip

STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"

# The characters YAML folds, strips or turns into others in a scalar: the rest of a value is as written.
YAML_SPACE = frozenset(" \t\n\r\x85\u2028\u2029")
# A double-quoted scalar's escapes: the character each stands for, and how many hex digits the others take.
ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
           "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
           "P": "\u2029"}  # fmt: skip
HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}

# After a common mistake the text is repaired in memory and parsed again, so that one run reports
# every such mistake of a file; this bounds the parsing of a file that is broken everywhere.
MAX_REPAIRS = 50


class _Source:
    """The text being read, as repaired so far, with the way back to the author's lines and columns."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.edits: list[tuple[int, int, int, int]] = []  # line, column, old length, new length

    def repair(self, line: int, column: int, length: int, new: str) -> None:
        start = Lines(self.text).offset(line, column)
        self.text = self.text[:start] + new + self.text[start + length :]
        self.edits.append((line, column, length, len(new)))

    def original(self, line: int, column: int) -> tuple[int, int]:
        """The 0-based position in the author's text of a position in the repaired text."""
        for at_line, at, old, new in reversed(self.edits):
            if line == at_line and column >= at + new:
                column -= new - old
            elif line == at_line and column > at:
                column = at
        return line, column


class _Composer(Composer):
    """PyYAML's composer, refusing anchors and aliases (they allow 'billion laughs' bombs)."""

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise SourceError(*position(event), f"alias '*{event.anchor}' is not allowed (write the value out)")
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise SourceError(*position(event), f"anchor '&{event.anchor}' is not allowed")
        return super().compose_node(parent, index)


class _Loader(Reader, Scanner, Parser, _Composer, BaseConstructor, BaseResolver):
    """A loader with no implicit typing: plain scalars stay strings, the schema types them."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _Composer.__init__(self)
        BaseConstructor.__init__(self)
        BaseResolver.__init__(self)


def compose(text: str) -> Node | None:
    """Parse YAML text into its node tree, or raise SourceError listing the problems found."""
    return read(text)[0]


def read(text: str, keys: Collection[str] = ()) -> tuple[Node | None, list[Problem]]:
    """Parse YAML text into its node tree and the warnings about it; SourceError lists every error.

    After a common mistake (a tab, a text that needs quotes, a missing ':') the text is repaired in
    memory and parsed again, so that the author sees all such mistakes of a file in one run. With
    `keys`, only a word among them is taken for a key that lost its ':'.
    """
    source = _Source(text)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    seen: set[tuple[str, int, int]] = set()
    for _ in range(MAX_REPAIRS):
        try:
            node, comments = _parse(source.text, keys)
        except Mistake as mistake:
            kind, line, column = mistake.once
            once = (kind, *source.original(line, column))
            if once not in seen:
                seen.add(once)
                errors.append(Problem(*counted(source.original(*mistake.where)), mistake.message))
            source.repair(*mistake.repair)
            continue
        except SourceError:
            if not errors:
                raise
            break  # after a repair, a further error may be the repair's doing: report only what is certain
        warnings = [Problem(*counted(source.original(*where)), COMMENT_MESSAGE, "warning") for where in comments]
        if not errors:
            return node, warnings
        break
    first = errors[0]
    problems = tuple(sorted(errors + warnings, key=lambda p: (p.line, p.column)))
    raise SourceError(first.line, first.column, first.message, problems)


def _parse(text: str, keys: Collection[str] = ()) -> tuple[Node | None, list[tuple[int, int]]]:
    """Parse once: the tree and where ' #' cuts a text short, or SourceError or Mistake at the first problem."""
    # libyaml's C parser is about 25 times faster than PyYAML's own and limits nesting depth.
    loader_class = yaml.CBaseLoader if getattr(yaml, "__with_libyaml__", False) else _Loader
    try:
        comments = _check_events(text, loader_class)
        node = yaml.compose(text, Loader=loader_class)
    except (SourceError, Mistake):
        raise
    except yaml.MarkedYAMLError as exc:
        mistake = diagnose(text, exc, loader_class, keys)
        if mistake is not None:
            raise mistake from None
        mark = exc.problem_mark or exc.context_mark
        line, column = position(mark) if mark else (1, 1)
        raise SourceError(line, column, _describe(exc)) from None
    except yaml.YAMLError as exc:  # ReaderError carries a position but no mark
        raise SourceError(*_reader_position(text, exc), str(exc).splitlines()[0]) from None
    except RecursionError:
        raise SourceError(1, 1, "the document is nested too deeply") from None
    if node is not None:
        _check_tags(node)
    return node, comments


def _check_events(text: str, loader_class: type) -> list[tuple[int, int]]:
    """Refuse anchors and aliases before anything is built; return where ' #' cuts a plain text short.

    Anchors and aliases allow 'billion laughs' bombs, and the events show them first.
    """
    lines = Lines(text)
    comments = []
    look_for_comments = "#" in text  # most files have none: skip the look at every scalar's line
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, AliasEvent):
            raise refusal(lines, event, f"alias '*{event.anchor}' is not allowed (write the value out)")
        if getattr(event, "anchor", None):
            raise refusal(lines, event, f"anchor '&{event.anchor}' is not allowed")
        if not isinstance(event, ScalarEvent) or event.style:  # only plain scalars: '' in libyaml, None in PyYAML
            continue
        if event.tag and LOCAL_TAG.fullmatch(event.tag) and looks_like_prose(lines, event):
            raise quote_mistake(lines, event.start_mark.line, event.start_mark.column)
        if look_for_comments and event.value and (cut := comment_cut(lines, event.end_mark)):
            comments.append(cut)
    return comments


def _describe(exc: yaml.MarkedYAMLError) -> str:
    if "maximum nesting depth" in str(exc.problem):
        return "the document is nested too deeply"
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "invalid YAML: " + ", ".join(parts)
    if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        line, column = position(exc.context_mark)
        message += f" (the construct began at line {line}, column {column})"
    return message


def _reader_position(text: str, exc: yaml.YAMLError) -> tuple[int, int]:
    offset = getattr(exc, "position", 0) or 0
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _check_tags(root: Node) -> None:
    """Refuse explicit tags such as !!python/object or !!binary; the schema decides every type."""
    stack = [root]
    while stack:
        node = stack.pop()
        expected = {ScalarNode: STR_TAG, SequenceNode: SEQ_TAG, MappingNode: MAP_TAG}[type(node)]
        if node.tag != expected:
            raise SourceError(*position(node), f"explicit tag '{node.tag}' is not allowed")
        if isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))


# -- where a character of a value was written ----------------------------------------------------


def value_position(lines: Lines, node: ScalarNode, index: int) -> tuple[int, int]:
    """The 1-based line and column in the file of the character at `index` of a scalar's value.

    YAML folds line breaks, strips indentation and reads escapes, but every other character of the value
    is one the author wrote, in the same order: the value's k-th such character is the k-th one in the
    source. When the source does not say so (it is not the text the node was read from), the scalar's start.
    """
    written = list(_written(lines, node))
    solid = [i for i, char in enumerate(node.value) if char not in YAML_SPACE]
    if [char for char, _ in written[: len(solid)]] != [node.value[i] for i in solid]:
        return position(node)
    k = bisect_left(solid, index)
    if k < len(solid):
        offset = written[k][1]
    elif solid:
        offset = written[len(solid) - 1][1] + 1  # past the last character that is not a space
    else:
        return position(node)
    line = bisect_right(lines.starts, offset) - 1
    return line + 1, offset - lines.starts[line] + 1


def _written(lines: Lines, node: ScalarNode) -> Iterator[tuple[str, int]]:
    """Each character of a scalar's source that is in its value as it is, with its offset in the text."""
    text = lines.text
    start = lines.offset(node.start_mark.line, node.start_mark.column)
    end = lines.offset(node.end_mark.line, node.end_mark.column)
    style = node.style or ""  # '' for a plain scalar in libyaml, None in PyYAML
    if style in ("|", ">"):  # a block scalar's text starts on the line after its header (`|`, `>-`, a comment)
        start = lines.offset(node.start_mark.line + 1, 0)
    elif style:
        start, end = start + 1, end - 1  # inside the quotes
    at = start
    while at < end:
        char, width = text[at], 1
        if style == "'" and text.startswith("''", at):
            width = 2
        elif style == '"' and char == "\\":
            char, width = _escape(text, at)
        if char and char not in YAML_SPACE:
            yield char, at
        at += width


def _escape(text: str, at: int) -> tuple[str, int]:
    """The character a double-quoted scalar's escape at `at` stands for ('' for a line break), and its width."""
    code = text[at + 1 : at + 2]
    if code in ESCAPES:
        return ESCAPES[code], 2
    if code in HEX_ESCAPES:
        digits = HEX_ESCAPES[code]
        try:
            return chr(int(text[at + 2 : at + 2 + digits], 16)), 2 + digits
        except ValueError:
            return "", 2
    return "", 1  # an escaped line break: it and the next line's indentation are left out


def colon_text(lines: Lines | None, node: Node) -> str | None:
    """The text the author wrote, when YAML read a sentence with ': ' in it ('Tip: tape the bag') as a mapping.

    That is a mapping of one plain key and a text (or nothing) on the key's line; the text is its first line
    in the source, with ' ...' when it goes on, else the key and the value put together.
    """
    if not isinstance(node, MappingNode) or len(node.value) != 1:
        return None
    key, value = node.value[0]
    if not isinstance(key, ScalarNode) or key.style or not isinstance(value, ScalarNode):
        return None
    if value.style in ("|", ">") or value.start_mark.line != key.end_mark.line:
        return None
    if lines is None:
        return f"{key.value}: {value.value}".strip()
    line, column = key.start_mark.line, key.start_mark.column
    if value.end_mark.line > line:  # a text that goes on: its first line, up to the end
        return lines[line][column:].rstrip() + " ..."
    end = value.end_mark.column if value.value else key.end_mark.column + 1  # no text: up to the ':'
    return lines[line][column:end].rstrip()
