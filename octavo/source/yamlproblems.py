"""Problems in YAML text, located: the errors and warnings, and the common mistakes behind a syntax error in words."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

import yaml
from yaml.events import AliasEvent, Event, ScalarEvent
from yaml.parser import ParserError
from yaml.tokens import ScalarToken

# Characters XML 1.0 forbids; they would make the EPUB unreadable.
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Line breaks as YAML counts them: the line numbers of marks follow these.
LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
# How wide a tab is taken to be when indentation with tabs is repaired to read on.
TAB_WIDTH = 4
# How much of the author's text the advice to quote it shows.
QUOTE_PREFIX = 40
# A key spelt the way octavo's keys are: the guess behind "missing ':' after ...?".
KEY_WORD = re.compile(r"[a-z][a-z0-9_-]*")
# What comes before the value on a line: indentation, list dashes, and a plain key with its ': '.
BEFORE_VALUE = re.compile(r" *(?:-(?: +|$))*(?:[^-?:,\[\]{}#&*!|>'\"%@` \t][^#]*?: +)?")
# A list item whose text YAML read as a key and a value ('- Khrushchev: a life'): the indentation and dashes.
SENTENCE_KEY = re.compile(r"( *(?:- +)+)([^#:]+): +")
# Text that follows an anchor or tag word on its line, as in prose ("&Co are great").
WORDS_FOLLOW = re.compile(r"\S+[ \t]+[^\s#]")
# Text that follows an alias on its line, as in prose ("*Emphasis starts this").
TEXT_FOLLOWS = re.compile(r"[ \t]+[^\s#,\]}:]")
# A tag written as a single '!word' (not '!!str' or a URI): in a paragraph, the start of a sentence.
LOCAL_TAG = re.compile(r"![^!/:]*")
# The characters that YAML reads as syntax at the start of an unquoted text, and what it makes of them.
INDICATORS = {
    "*": "YAML reads it as an alias",
    "&": "YAML reads it as an anchor",
    "!": "YAML reads it as a tag",
    "[": "YAML reads a list",
    "{": "YAML reads a mapping",
    "%": "YAML reserves it for directives",
    "@": "YAML reserves it",
    "`": "YAML reserves it",
    '"': "YAML reads only the quoted part",
    "'": "YAML reads only the quoted part",
}
TAB_MESSAGE = "a tab is used to indent; YAML indents with spaces, not tabs"
COMMENT_MESSAGE = "the rest of the line after ' #' is a YAML comment and is left out; quote the paragraph"


@dataclass(frozen=True)
class Problem:
    """One problem found in the YAML text, at its 1-based line and column."""

    line: int
    column: int
    message: str
    severity: str = "error"


class SourceError(Exception):
    """Problems that stop reading the file; line, column and message are those of the first."""

    def __init__(self, line: int, column: int, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.problems = problems or (Problem(line, column, message),)


class Mistake(Exception):
    """A common mistake met in one parse: where it is (0-based), what to say, and a repair to read on."""

    def __init__(
        self, where: tuple[int, int], message: str, once: tuple[str, int, int], repair: tuple[int, int, int, str]
    ) -> None:
        super().__init__(message)
        self.where = where
        self.message = message
        self.once = once  # (kind, line, column): met again after a repair, it is not reported twice
        self.repair = repair  # (line, column, length, replacement)


class Lines:
    """A text's lines as YAML counts them, to read the source around a mark."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def starts(self) -> list[int]:
        return [0, *(match.end() for match in LINE_BREAK.finditer(self.text))]

    def offset(self, line: int, column: int) -> int:
        return self.starts[line] + column if line < len(self.starts) else len(self.text)

    def __getitem__(self, line: int) -> str:
        if line >= len(self.starts):
            return ""
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line] : end].rstrip("\r\n\x85\u2028\u2029")


def position(thing: object) -> tuple[int, int]:
    """The 1-based line and column where a node, event or mark starts."""
    mark = getattr(thing, "start_mark", thing)
    return mark.line + 1, mark.column + 1


# -- common mistakes: what the author meant, said in words, located exactly ---------------------


def counted(where: tuple[int, int]) -> tuple[int, int]:
    """A 0-based line and column counted from 1, as editors and messages count them."""
    return where[0] + 1, where[1] + 1


def diagnose(text: str, exc: yaml.MarkedYAMLError, loader_class: type, keys: Collection[str]) -> Mistake | None:
    """The common mistake behind a YAML syntax error, or None when it is something else."""
    mark = exc.problem_mark
    if mark is None:
        return None
    lines = Lines(text)
    line = lines[mark.line]
    char = line[mark.column : mark.column + 1]
    problem, context, begun = exc.problem or "", exc.context or "", exc.context_mark
    if char == "\t" or "tab character" in problem:  # libyaml and PyYAML word this in four ways between them
        return _tab_mistake(lines, mark.line, mark.column)
    if "cannot start any token" in problem and char in ("%", "@", "`"):
        return quote_mistake(lines, mark.line, mark.column)
    if begun and context in ("while scanning an alias", "while scanning an anchor", "while parsing a tag"):
        return quote_mistake(lines, begun.line, begun.column)
    if "mapping values are not allowed" in problem:
        return _colon_mistake(lines, mark, loader_class, keys)
    if begun and "could not find expected ':'" in problem:
        return _missing_colon(lines, begun.line, begun.column, keys)
    start = _value_start(line)
    if isinstance(exc, ParserError) and start is not None and start < mark.column and line[start] in INDICATORS:
        return quote_mistake(lines, mark.line, start)  # '[^1] starts this': words after a complete list
    return None


def _value_start(line: str) -> int | None:
    """The column where the value of a line starts, after indentation, list dashes and a plain key."""
    match = BEFORE_VALUE.match(line)
    start = match.end() if match else 0
    return start if start < len(line) else None


def _tab_mistake(lines: Lines, line: int, column: int) -> Mistake | None:
    """A tab where YAML wants indentation; reading on, the tab is widened to spaces."""
    text = lines[line]
    if text[column : column + 1] != "\t":
        column = text.find("\t")
        if column < 0:
            return None
    width = TAB_WIDTH - len(text[:column].expandtabs(TAB_WIDTH)) % TAB_WIDTH
    return Mistake((line, column), TAB_MESSAGE, ("tab", line, 0), (line, column, 1, " " * width))


def quote_mistake(lines: Lines, line: int, column: int) -> Mistake:
    """A text that starts with a character YAML reads as syntax; reading on, that character is a letter."""
    text = lines[line][column:]
    char = text[0]
    start = "a quotation mark" if char in "\"'" else f"'{char}'"
    message = f"a text that starts with {start} must be in quotes as a whole ({INDICATORS[char]}); {quote_the(text)}"
    return Mistake((line, column), message, ("text", line, column), (line, column, 1, "x"))


def quote_the(text: str) -> str:
    """Advice to quote the author's text, shown as YAML wants it in single quotes and cut short when long."""
    text = text.strip()
    if len(text) > QUOTE_PREFIX:
        words = text[: QUOTE_PREFIX + 1].rsplit(" ", 1)[0]  # end on a whole word
        text = (words if " " in text[: QUOTE_PREFIX + 1] else text[:QUOTE_PREFIX]).rstrip() + " ..."
    return "quote the text: '" + text.replace("'", "''") + "'"


def colon_advice(text: str, block: str = ">-") -> str:
    """Advice for a text that YAML read as a key and its value: the fix, with the text as the author wrote it.

    `block` is the block scalar's indicator to write it after instead: '>-' for prose, '|' for lines kept.
    """
    key = text.split(":", 1)[0]
    return (f"the ': ' after '{key}' makes YAML read a key and a value; {quote_the(text)}, "
            f"or write '{block}' and the text indented on the next line")  # fmt: skip


def refusal(lines: Lines, event: Event, message: str) -> Exception:
    """The error for an anchor or an alias; one that starts a sentence of prose gets the advice to quote it."""
    if looks_like_prose(lines, event):
        return quote_mistake(lines, event.start_mark.line, event.start_mark.column)
    return SourceError(*position(event), message)


def looks_like_prose(lines: Lines, event: Event) -> bool:
    """Whether words follow an alias, or an anchor or a tag on a plain text, on the same line."""
    if isinstance(event, AliasEvent):
        return bool(TEXT_FOLLOWS.match(lines[event.end_mark.line][event.end_mark.column :]))
    if isinstance(event, ScalarEvent) and not event.style and event.value:
        return bool(WORDS_FOLLOW.match(lines[event.start_mark.line][event.start_mark.column :]))
    return False


def _colon_mistake(lines: Lines, mark: yaml.Mark, loader_class: type, keys: Collection[str]) -> Mistake | None:
    """': ' inside a plain text, or a key without its ':' that ran on into the next key."""
    scalar = _interrupted_scalar(lines.text, mark, loader_class)
    if scalar is None:
        return None
    start = scalar.start_mark
    before = lines[mark.line][: mark.column]
    indent = len(before) - len(before.lstrip(" "))
    if start.line < mark.line and indent == start.column and KEY_WORD.fullmatch(before.strip()):
        missing = _missing_colon(lines, start.line, start.column, keys)  # 'caption Soviet leaders' above 'rows:'
        if missing is not None:
            return missing
    column = start.column
    head = SENTENCE_KEY.fullmatch(lines[start.line][:column])
    if head and not KEY_WORD.fullmatch(head[2]):  # not a key such as 'quote:': the text starts before it
        column = len(head[1])
    text = lines[start.line][column:] + (" ..." if scalar.end_mark.line > start.line else "")
    message = f"': ' inside a text makes YAML read a key and a value; {quote_the(text)}"
    once = ("text", start.line, column)  # one report for the text, however many ': ' it holds
    return Mistake((mark.line, mark.column), message, once, (mark.line, mark.column, 1, ";"))


def _interrupted_scalar(text: str, mark: yaml.Mark, loader_class: type) -> ScalarToken | None:
    """The plain text just before a syntax error at mark, if the last token before it is one."""
    last = None
    try:
        for token in yaml.scan(text, Loader=loader_class):
            if (token.start_mark.line, token.start_mark.column) >= (mark.line, mark.column):
                break
            last = token
    except yaml.YAMLError:
        pass
    return last if isinstance(last, ScalarToken) and last.plain else None


def _missing_colon(lines: Lines, line: int, column: int, keys: Collection[str]) -> Mistake | None:
    """A key word followed by a space or the line's end where ': ' belongs; reading on, the ':' is there."""
    text = lines[line]
    match = KEY_WORD.match(text, column)
    if match is None or text[match.end() : match.end() + 1] not in ("", " ", "\t"):
        return None
    if keys and match.group() not in keys:  # a badly indented line of prose, not a key
        return None
    message = f"missing ':' after '{match.group()}'? (a key and its value are separated by ': ')"
    return Mistake((line, match.end()), message, ("text", line, column), (line, match.end(), 0, ":"))


def comment_cut(lines: Lines, end: yaml.Mark) -> tuple[int, int] | None:
    """Where a '#' that one space parts from a plain text starts a comment, as in 'number #1'.

    A comment set off by two or more spaces is taken as meant: that is how comments are usually
    written after a value (and what yamllint asks for).
    """
    start = lines.offset(end.line, end.column)
    after = lines.text[start : start + 2]
    if after in (" #", "\t#"):
        return end.line, end.column + 1
    return None


def not_utf8(data: bytes) -> Problem:
    """Where the first byte that is not UTF-8 lies, in lines and columns of the text decoded before it."""
    try:
        data.decode("utf-8")
        start = len(data)  # it was saved again, as UTF-8, since it was read
    except UnicodeDecodeError as exc:
        start = exc.start
    before = LINE_BREAK.split(data[:start].decode("utf-8"))
    line, column = len(before), len(before[-1]) + 1
    byte = f"byte 0x{data[start]:02X} " if start < len(data) else ""
    message = f"the file is not UTF-8 text ({byte}at line {line}, column {column}); save it as UTF-8"
    return Problem(line, column, message)


def forbidden_char(value: str) -> int | None:
    """The index of the first character XML 1.0 forbids, or None."""
    match = FORBIDDEN_CHARS.search(value)
    return match.start() if match else None
