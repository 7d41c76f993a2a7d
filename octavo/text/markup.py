"""Inline Markdown subset -> safe HTML fragments, note references, formulas and citations (markdown-it-py)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline, autolink, link
from markdown_it.token import Token
from markupsafe import Markup

from octavo.core.model import Citation, Formula, IndexMark, Inline, NoteRef, XRef
from octavo.text import smart

ALLOWED_SCHEMES = ("http", "https", "mailto")
INLINE_RULES = ["emphasis", "backticks", "link", "autolink", "escape", "entity", "newline"]
MATH_OPEN, MATH_CLOSE = "\\(", "\\)"
# A citation key as pandoc reads one: a letter, digit or '_', then also internal punctuation.
CITATION_KEY = r"\w(?:[\w:.#$%&+?<>~/-]*\w)?"
CITATION_ITEM = re.compile(rf"\s*@({CITATION_KEY})\s*(?:,\s*(.*?))?\s*", re.DOTALL)

# `[#id]` or `[#id page]`: the id as shapes.ID_PATTERN has it.
XREF = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*)(\s+page)?\s*")

CiteItems = tuple[tuple[str, str], ...]  # (key, locator as written) of each item of one citation
# The env key of where the text being parsed starts in the whole (an index mark's text is parsed on its own).
BASE = "octavo_base"
# How deep inline markup may nest (emphasis in strong in a link, ...): far more than any text needs, far less
# than what would exhaust a typesetter's stack. Past it, the text is an error, never a RecursionError.
MAX_NESTING = 12


def _noteref_rule(state: StateInline, silent: bool) -> bool:
    """Recognise a note reference `[^key]`; no library parses references without definitions."""
    if not state.src.startswith("[^", state.pos):
        return False
    end = state.src.find("]", state.pos + 2)
    key = state.src[state.pos + 2 : end] if end > 0 else ""
    if not key or any(ch.isspace() or ch in "[^" for ch in key):
        return False
    if not silent:
        token = state.push("noteref", "", 0)
        token.meta = {"key": key, "at": _at(state)}
    state.pos = end + 1
    return True


def _math_rule(state: StateInline, silent: bool) -> bool:
    """Recognise inline mathematics `\\( … \\)`; the LaTeX inside is kept as written, never read as Markdown."""
    if not state.src.startswith(MATH_OPEN, state.pos):
        return False
    end = state.src.find(MATH_CLOSE, state.pos + 2)
    if not silent:
        token = state.push("math_inline", "", 0)
        token.content = state.src[state.pos + 2 : end if end >= 0 else state.posMax]
        token.meta = {"closed": end >= 0, "at": _at(state)}
    state.pos = end + 2 if end >= 0 else state.posMax  # an unclosed formula takes the rest: it is an error
    return True


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Recognise a citation `[@key]`, `[@key, p. 33]` or `[@a; @b]` (pandoc's bracketed form)."""
    if not state.src.startswith("[@", state.pos):
        return False
    end = state.src.find("]", state.pos + 2)
    if end < 0 or state.src.startswith("(", end + 1):  # `[@name](url)` is a link
        return False
    items: list[tuple[str, str]] | None = []
    for part in state.src[state.pos + 1 : end].split(";"):
        match = CITATION_ITEM.fullmatch(part)
        if match is None:
            items = None  # reported as a malformed citation, not shown as text that looks like one
            break
        items.append((match[1], (match[2] or "").strip()))
    if not silent:
        token = state.push("citation", "", 0)
        token.content = state.src[state.pos : end + 1]
        token.meta = {"items": tuple(items) if items is not None else None, "at": _at(state)}
    state.pos = end + 1
    return True


def _xref_rule(state: StateInline, silent: bool) -> bool:
    """Recognise a cross-reference `[#id]` or `[#id page]`; `[#name](url)` stays a link."""
    if not state.src.startswith("[#", state.pos):
        return False
    end = state.src.find("]", state.pos + 2)
    if end < 0 or state.src.startswith("(", end + 1):
        return False
    match = XREF.fullmatch(state.src, state.pos + 2, end)
    if not silent:
        token = state.push("xref", "", 0)
        token.content = state.src[state.pos : end + 1]
        token.meta = {"id": match[1] if match else None, "page": bool(match and match[2]), "at": _at(state)}
    state.pos = end + 1
    return True


def _index_rule(state: StateInline, silent: bool) -> bool:
    """Recognise an index mark `[[text]]`, `[[text|Heading]]` or `[[text|Heading!Sub-heading]]`.

    The shown text stays in the running text, parsed as inline markup between an opening and a closing
    token, which become a span with the mark's anchor once the resolver has given it one.
    """
    if not state.src.startswith("[[", state.pos):
        return False
    end = state.src.find("]]", state.pos + 2)
    if end < 0:
        return False
    shown, bar, filed = state.src[state.pos + 2 : end].partition("|")
    heading, _, sub = filed.partition("!")
    if not silent:
        token = state.push("index_open", "span", 1)
        bad = not shown.strip() or (bar and not heading.strip()) or "!" in sub or (filed.count("!") and not sub.strip())
        token.meta = {"heading": heading.strip(), "sub": sub.strip(), "source": state.src[state.pos : end + 2],
                      "bad": bool(bad), "at": _at(state)}  # fmt: skip
        # A parse of its own: markdown-it's text rule may read past posMax, so a narrowed range is not enough.
        # Into a list of its own too: its emphasis pass would otherwise rework the outer tokens, whose
        # delimiters then point at the wrong places (`**[[]]*` gave an IndexError or mismatched tags).
        # Its positions count from the start of the shown text, which is `base` further on in the whole.
        outer = state.env.get(BASE, 0)
        state.env[BASE] = outer + state.pos + 2
        try:
            inner = state.md.inline.parse(shown, state.md, state.env, [])
        finally:
            state.env[BASE] = outer
        state.tokens.extend(inner)
        state.tokens_meta.extend([None] * len(inner))  # markdown-it keeps one entry per token
        state.push("index_close", "span", -1)
    state.pos = end + 2
    return True


def _at(state: StateInline) -> int:
    """Where the token being read starts in the whole text (an index mark's text is parsed on its own)."""
    return state.env.get(BASE, 0) + state.pos


def _located(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """markdown-it's own rule, with the position of the link it reads kept in the link's token."""

    def located(state: StateInline, silent: bool) -> bool:
        start, count = _at(state), len(state.tokens)
        found = rule(state, silent)
        if found and not silent:
            opening = next((t for t in state.tokens[count:] if t.type == "link_open"), None)
            if opening is not None:
                opening.meta = {**(opening.meta or {}), "at": start}
        return found

    return located


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "xhtmlOut": True, "breaks": False})
    md.enable(INLINE_RULES)
    # markdown-it stops reading rules one level past the limit, which bounds its own recursion (link labels);
    # emphasis nests in a later pass that knows no limit, so parse() measures the tokens as well.
    md.options.maxNesting = MAX_NESTING + 1
    md.inline.ruler.before("link", "noteref", _noteref_rule)
    md.inline.ruler.before("link", "index_mark", _index_rule)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("link", "xref", _xref_rule)
    # Before the escape rule, which would read `\\(` as an escaped parenthesis.
    md.inline.ruler.before("escape", "math_inline", _math_rule)
    # Links keep where they start, for the message about a target that is not allowed.
    md.inline.ruler.at("link", _located(link))
    md.inline.ruler.at("autolink", _located(autolink))
    # Every target reaches the token stream, so a forbidden scheme becomes an error
    # the author sees instead of a link silently dropped by the parser.
    md.validateLink = lambda url: True
    return md


_MD = _make_parser()


@functools.cache
def _smart_parser(quotes: smart.Quotes) -> MarkdownIt:
    """A parser with smart punctuation, one per set of quotation marks (markdown-it keeps them in its options)."""
    md = _make_parser()
    smart.enable(md, quotes)
    return md


@dataclass(frozen=True)
class Parsed:
    """The token stream of one inline string, with what the loader must check and where each is in the text.

    Each `*_at` list holds, for the list it is named after, the index in the text where each item starts
    (None for a problem of the whole text).
    """

    tokens: list[Token]
    note_keys: list[str]
    bad_links: list[str]
    formulas: list[str] = field(default_factory=list)  # the LaTeX of each inline formula
    citations: list[CiteItems] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # markup that cannot be read: an unclosed \\(, say
    xrefs: list[str] = field(default_factory=list)  # the id of each cross-reference [#id]
    index_marks: int = 0  # how many index marks [[text]] it has
    note_at: list[int] = field(default_factory=list)
    link_at: list[int] = field(default_factory=list)
    formula_at: list[int] = field(default_factory=list)
    citation_at: list[int] = field(default_factory=list)
    problem_at: list[int | None] = field(default_factory=list)
    xref_at: list[int] = field(default_factory=list)
    mark_at: list[int] = field(default_factory=list)


def parse(text: str, quotes: smart.Quotes | None = None) -> Parsed:
    """Parse one inline string; raw HTML stays text. With `quotes`, punctuation is made smart in those quotes."""
    md = _smart_parser(quotes) if quotes else _MD
    tokens = md.parseInline(text)[0].children or []
    if _depth(tokens) > MAX_NESTING:  # kept as plain text, so that nothing after meets the nesting
        return Parsed([Token("text", "", 0, content=text)], [], [],
                      problems=[f"markup nested more than {MAX_NESTING} levels"], problem_at=[None])  # fmt: skip
    notes = [t for t in tokens if t.type == "noteref"]
    links = [t for t in tokens if t.type == "link_open" and not _allowed_target(str(t.attrs.get("href", "")))]
    formulas = [t for t in tokens if t.type == "math_inline" and t.meta["closed"]]
    citations = [t for t in tokens if t.type == "citation" and t.meta["items"] is not None]
    xrefs = [t for t in tokens if t.type == "xref" and t.meta["id"] is not None]
    marks = [t for t in tokens if t.type == "index_open"]
    problems = [(f"the formula '\\({t.content}' is not closed with '\\)'", t)
                for t in tokens if t.type == "math_inline" and not t.meta["closed"]]  # fmt: skip
    problems += [(f"'{t.content}' is not a citation (write [@key], [@key, p. 33] or [@a; @b])", t)
                 for t in tokens if t.type == "citation" and t.meta["items"] is None]  # fmt: skip
    problems += [(f"'{t.content}' is not a cross-reference (write [#id] or [#id page])", t)
                 for t in tokens if t.type == "xref" and t.meta["id"] is None]  # fmt: skip
    problems += [(f"'{t.meta['source']}' is not an index mark (write [[text]], [[text|Heading]] or "
                  "[[text|Heading!Sub-heading]])", t)
                 for t in marks if t.meta["bad"]]  # fmt: skip
    return Parsed(
        tokens,
        [t.meta["key"] for t in notes],
        [str(t.attrs.get("href", "")) for t in links],
        [t.content for t in formulas],
        [t.meta["items"] for t in citations],
        [message for message, _ in problems],
        [t.meta["id"] for t in xrefs],
        len(marks),
        note_at=_starts(notes),
        link_at=_starts(links),
        formula_at=_starts(formulas),
        citation_at=_starts(citations),
        problem_at=[*_starts([t for _, t in problems])],
        xref_at=_starts(xrefs),
        mark_at=_starts(marks),
    )


def _starts(tokens: list[Token]) -> list[int]:
    """Where each token's markup starts in the text (0 when a rule did not say)."""
    return [int((t.meta or {}).get("at", 0)) for t in tokens]


def _depth(tokens: list[Token]) -> int:
    """How deep the tokens' elements nest."""
    depth = deepest = 0
    for token in tokens:
        depth += token.nesting
        deepest = max(deepest, depth)
    return deepest


def _allowed_target(href: str) -> bool:
    return urlsplit(href).scheme.lower() in ALLOWED_SCHEMES


def to_inline(parsed: Parsed, resolve: Callable[[str], NoteRef | None],
              formula: Callable[[str], Formula | None] = lambda _tex: None,
              cite: Callable[[CiteItems], Citation | None] = lambda _items: None,
              xref: Callable[[str, bool], XRef | None] = lambda _id, _page: None,
              mark: Callable[[str, str], IndexMark | None] = lambda _heading, _sub: None) -> Inline:  # fmt: skip
    """Render the tokens into HTML runs split at note references, formulas and citations.

    A formula or citation that does not resolve was reported as an error, so the text is never shown.
    """
    parts: list[Markup | NoteRef | Formula | Citation | XRef] = []
    run: list[Token] = []
    plain: list[str] = []
    for token in parsed.tokens:
        if token.type == "math_inline":
            part: NoteRef | Formula | Citation | XRef | None = formula(token.content)
            plain.append(token.content.strip())
        elif token.type == "xref":
            part = xref(token.meta["id"], token.meta["page"]) if token.meta["id"] is not None else None
            plain.append(part.text.plain if part is not None else "")
        elif token.type == "citation":
            part = cite(token.meta["items"]) if token.meta["items"] is not None else None
            plain.append(part.text.striptags() if part is not None else "")
        elif token.type == "index_open":
            # The mark stays in the run, a span around its text, with the anchor the resolver gives it.
            found = mark(token.meta["heading"] or _inner_plain(parsed.tokens, token), token.meta["sub"])
            if found is not None:
                token.attrs.update({"class": "index-mark", "id": found.id})
            run.append(token)
            continue
        elif token.type == "noteref":
            part = resolve(token.meta["key"])
            if part is None:
                run.append(Token("text", "", 0, content=f"[^{token.meta['key']}]"))
                continue
        else:
            run.append(token)
            plain.append(plain_text([token]))
            continue
        if part is None:
            continue
        if run:
            parts.append(_render(run))
            run = []
        parts.append(part)
    if run:
        parts.append(_render(run))
    return Inline(tuple(parts), "".join(plain))


def _inner_plain(tokens: list[Token], opening: Token) -> str:
    """The plain text of an index mark: what stands between its opening token and the closing one."""
    start = next(i for i, t in enumerate(tokens) if t is opening) + 1
    end = next(i for i in range(start, len(tokens)) if tokens[i].type == "index_close")
    return plain_text(tokens[start:end]).strip()


def _render(tokens: list[Token]) -> Markup:
    # markdown-it escapes all text and attributes; html=False means no raw HTML reaches here.
    return Markup(_MD.renderer.renderInline(tokens, _MD.options, {}))


def plain_text(tokens: list[Token]) -> str:
    """The text a reader sees, without markup or note references."""
    out = []
    for token in tokens:
        if token.type in ("text", "code_inline", "text_special"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)
