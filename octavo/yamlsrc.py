"""Read YAML into a tree of located nodes, every scalar kept as the string the author wrote."""

from __future__ import annotations

import re

import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"

# Characters XML 1.0 forbids; they would make the EPUB unreadable.
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class SourceError(Exception):
    """A problem that stops reading the file, with its 1-based position."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


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


def position(thing: object) -> tuple[int, int]:
    """The 1-based line and column where a node, event or mark starts."""
    mark = getattr(thing, "start_mark", thing)
    return mark.line + 1, mark.column + 1


def compose(text: str) -> Node | None:
    """Parse YAML text into its node tree, or raise SourceError at the first problem."""
    # libyaml's C parser is about 25 times faster than PyYAML's own and limits nesting depth.
    loader_class = yaml.CBaseLoader if getattr(yaml, "__with_libyaml__", False) else _Loader
    try:
        _refuse_anchors(text, loader_class)
        node = yaml.compose(text, Loader=loader_class)
    except SourceError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = position(mark) if mark else (1, 1)
        raise SourceError(line, column, _describe(exc)) from None
    except yaml.YAMLError as exc:  # ReaderError carries a position but no mark
        raise SourceError(*_reader_position(text, exc), str(exc).splitlines()[0]) from None
    except RecursionError:
        raise SourceError(1, 1, "the document is nested too deeply") from None
    if node is not None:
        _check_tags(node)
    return node


def _refuse_anchors(text: str, loader_class: type) -> None:
    """Anchors and aliases allow 'billion laughs' bombs; the events show them before anything is built."""
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, AliasEvent):
            raise SourceError(*position(event), f"alias '*{event.anchor}' is not allowed (write the value out)")
        if getattr(event, "anchor", None):
            raise SourceError(*position(event), f"anchor '&{event.anchor}' is not allowed")


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


def forbidden_char(value: str) -> int | None:
    """The index of the first character XML 1.0 forbids, or None."""
    match = FORBIDDEN_CHARS.search(value)
    return match.start() if match else None
