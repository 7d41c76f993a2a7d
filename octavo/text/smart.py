"""Smart punctuation: curly quotes by language, apostrophes, dashes and ellipses, as markdown-it core rules."""

from __future__ import annotations

import functools
import re
from typing import TypeVar

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

T = TypeVar("T")
Quotes = tuple[str, str, str, str]  # outer open, outer close, inner open, inner close

NBSP = "\u00a0"  # French spacing inside « »: U+202F is finer, but many e-reader fonts lack it
ENGLISH: Quotes = ("“", "”", "‘", "’")
# By BCP 47 tag, then by primary language subtag; a language not listed takes English quotes.
# Every language of templates/labels.yaml has an entry (a test checks it).
QUOTES: dict[str, Quotes] = {
    "en": ENGLISH,
    "de": ("„", "“", "‚", "‘"),
    "de-CH": ("«", "»", "‹", "›"),
    "fr": (f"«{NBSP}", f"{NBSP}»", "“", "”"),
    "es": ("«", "»", "“", "”"),
    "it": ("«", "»", "“", "”"),
    "pt": ("«", "»", "“", "”"),
    "pt-BR": ENGLISH,
    "nl": ENGLISH,
    "no": ("«", "»", "‘", "’"),
    "nb": ("«", "»", "‘", "’"),
    "nn": ("«", "»", "‘", "’"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "el": ("«", "»", "“", "”"),
}

APOSTROPHE = "’"
# An apostrophe that markdown-it would take for an opening quote: ’90s, rock ’n’ roll.
ELIDED = re.compile(r"(?<!\w)'(?=[0-9]0s\b|[0-9]{2}\b(?!'))|(?<!\S)'n'(?!\S)")
DASHES = ((re.compile(r"---"), "—"), (re.compile(r"--"), "–"), (re.compile(r"\.\.\."), "…"))
OPENS_AFTER = re.compile(r"(?:^|[\s(\[{\u2014\u2013/-])$")  # a straight quote after these opens


def quotes_for(language: str) -> Quotes:
    """The quotation marks of a BCP 47 tag: its own, else its primary language's, else English."""
    if language in QUOTES:
        return QUOTES[language]
    return QUOTES.get(language.split("-")[0].lower(), ENGLISH)


def nested(parts: tuple[T, ...], quotes: Quotes) -> tuple[T, ...]:
    """Text put inside quotation marks: its own outer quotes become inner ones (“Some ‘later’ pages”)."""
    return tuple(p.replace(quotes[0], quotes[2]).replace(quotes[1], quotes[3]) if isinstance(p, str) else p
                 for p in parts)  # type: ignore[misc]


def enable(md: MarkdownIt, quotes: Quotes) -> None:
    """Turn on smart punctuation in a parser: markdown-it's smartquotes between rules of our own.

    markdown-it's `replacements` also makes (c) into © and +- into ±, which authors do not expect,
    so dashes and ellipses have their own rule.
    """
    md.options["typographer"] = True
    md.options["quotes"] = list(quotes)
    md.enable("smartquotes")
    md.core.ruler.before("smartquotes", "protect_urls", _protect_urls)
    md.core.ruler.before("smartquotes", "elisions", _elisions)
    md.core.ruler.after("smartquotes", "stray_quotes", _stray_quotes)
    md.core.ruler.after("stray_quotes", "dashes", _dashes)


@functools.cache
def _plain_parser(quotes: Quotes) -> MarkdownIt:
    md = MarkdownIt("zero")  # no inline rule but text: nothing in a plain text is read as markup
    enable(md, quotes)
    return md


def plain(text: str, quotes: Quotes | None) -> str:
    """A plain text (an alt text, a description) with its punctuation made smart; as written without quotes."""
    if not quotes or not text:
        return text
    return "".join(t.content for t in _plain_parser(quotes).parseInline(text)[0].children or [])


def _text_tokens(state: StateCore) -> list[Token]:
    return [t for block in state.tokens if block.type == "inline" for t in block.children or [] if t.type == "text"]


def _protect_urls(state: StateCore) -> None:
    """An autolink's text is its URL: made text_special, which every rule here passes by and text_join
    turns back into text. Escaped characters (\\" \\') are text_special already, so they stay straight."""
    for block in state.tokens:
        inside = False
        for token in block.children or []:
            if token.type in ("link_open", "link_close") and token.info == "auto":
                inside = token.type == "link_open"
            elif inside and token.type == "text":
                token.type = "text_special"


def _elisions(state: StateCore) -> None:
    for token in _text_tokens(state):
        token.content = ELIDED.sub(lambda m: m[0].replace("'", APOSTROPHE), token.content)


def _stray_quotes(state: StateCore) -> None:
    """What smartquotes left straight: an unpaired ' is an apostrophe (the soldiers' graves), an unpaired
    " opens after a space or an opening bracket and closes elsewhere."""
    quotes = state.md.options["quotes"]
    for block in state.tokens:
        before = ""
        for token in block.children or []:
            if token.type == "text" and ('"' in token.content or "'" in token.content):
                out = []
                for ch in token.content:
                    if ch == "'":
                        ch = APOSTROPHE
                    elif ch == '"':
                        ch = quotes[0] if OPENS_AFTER.search((before + "".join(out))[-1:]) else quotes[1]
                    out.append(ch)
                token.content = "".join(out)
            if token.type in ("text", "text_special", "code_inline"):
                before = (before + token.content)[-1:]
            elif token.type in ("softbreak", "hardbreak"):
                before = " "


def _dashes(state: StateCore) -> None:
    for token in _text_tokens(state):
        for pattern, replacement in DASHES:
            token.content = pattern.sub(replacement, token.content)
