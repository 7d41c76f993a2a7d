"""Inline Markdown subset -> safe HTML fragments and note references (markdown-it-py, allow-listed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup

from octavo.model import Inline, NoteRef

ALLOWED_SCHEMES = ("http", "https", "mailto")
INLINE_RULES = ["emphasis", "backticks", "link", "autolink", "escape", "entity", "newline"]


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
        token.meta = {"key": key}
    state.pos = end + 1
    return True


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "xhtmlOut": True, "breaks": False})
    md.enable(INLINE_RULES)
    md.inline.ruler.before("link", "noteref", _noteref_rule)
    # Every target reaches the token stream, so a forbidden scheme becomes an error
    # the author sees instead of a link silently dropped by the parser.
    md.validateLink = lambda url: True
    return md


_MD = _make_parser()


@dataclass(frozen=True)
class Parsed:
    """The token stream of one inline string, with what the loader must check."""

    tokens: list[Token]
    note_keys: list[str]
    bad_links: list[str]


def parse(text: str) -> Parsed:
    """Parse one inline string; raw HTML stays text."""
    tokens = _MD.parseInline(text)[0].children or []
    note_keys = [t.meta["key"] for t in tokens if t.type == "noteref"]
    bad_links = [
        str(t.attrs.get("href", ""))
        for t in tokens
        if t.type == "link_open" and not _allowed_target(str(t.attrs.get("href", "")))
    ]
    return Parsed(tokens, note_keys, bad_links)


def _allowed_target(href: str) -> bool:
    return urlsplit(href).scheme.lower() in ALLOWED_SCHEMES


def to_inline(parsed: Parsed, resolve: Callable[[str], NoteRef | None]) -> Inline:
    """Render the tokens into HTML runs split at note references."""
    parts: list[Markup | NoteRef] = []
    run: list[Token] = []
    for token in parsed.tokens:
        if token.type != "noteref":
            run.append(token)
            continue
        ref = resolve(token.meta["key"])
        if ref is None:
            run.append(Token("text", "", 0, content=f"[^{token.meta['key']}]"))
            continue
        if run:
            parts.append(_render(run))
            run = []
        parts.append(ref)
    if run:
        parts.append(_render(run))
    return Inline(tuple(parts), plain_text(parsed.tokens))


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
