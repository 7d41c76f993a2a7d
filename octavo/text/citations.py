"""Citations and References, formatted together by a CSL style with citeproc-py (source.references reads them)."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from markupsafe import Markup

from octavo.core.model import Citation, Reference
from octavo.text.markup import CiteItems

STYLE_FOLDER = Path(__file__).resolve().parent.parent / "csl"
BUNDLED_STYLES = ("chicago-author-date", "apa", "modern-language-association")
DEFAULT_STYLE = "chicago-author-date"
# Control characters never occur in an author's text (the loader refuses them), so they can mark where each
# cited item's part of a formatted citation starts and ends.
START, MIDDLE, END = "\x02", "\x03", "\x04"
ITEM_MARK = re.compile(f"{START}(\\d+){MIDDLE}(.*?){END}", re.DOTALL)
# What a locator's first word means ("p. 33", "chap. 2"); a locator without one of these is a page.
LOCATOR_LABELS = {
    **dict.fromkeys(("p", "pp", "page", "pages", "s", "с", "стр", "σ"), "page"),  # and de/no, ru/uk, el
    **dict.fromkeys(("ch", "chap", "chaps", "chapter", "chapters", "kap", "kapitel"), "chapter"),
    **dict.fromkeys(("sec", "secs", "section", "sections", "§", "§§"), "section"),
    **dict.fromkeys(("fig", "figs", "figure", "figures"), "figure"),
    **dict.fromkeys(("vol", "vols", "volume", "volumes"), "volume"),
    **dict.fromkeys(("para", "paras", "paragraph", "paragraphs", "¶", "¶¶"), "paragraph"),
    **dict.fromkeys(("l", "ll", "line", "lines"), "line"),
    **dict.fromkeys(("n", "nn", "note", "notes"), "note"),
    **dict.fromkeys(("col", "cols", "column", "columns"), "column"),
    **dict.fromkeys(("bk", "bks", "book", "books"), "book"),
    **dict.fromkeys(("pt", "pts", "part", "parts"), "part"),
    **dict.fromkeys(("v", "vv", "verse", "verses"), "verse"),
    **dict.fromkeys(("no", "nos", "number", "numbers"), "issue"),
    **dict.fromkeys(("op", "opus"), "opus"),
    **dict.fromkeys(("fol", "fols", "folio", "folios"), "folio"),
}
LOCATOR = re.compile(r"([^\W\d]+\.?|§§?|¶¶?)\s*(.+)", re.DOTALL)
# A range written the TeX way, 112--114: citeproc-py turns each hyphen of a locator into an en dash.
TEX_DASHES = re.compile(r"(?<=\w)\s*-{2,3}\s*(?=\w)")
# Language names that reference managers write instead of a tag: BibTeX's langid (babel's and polyglossia's
# names) and Zotero's free text. Tags, and ISO 639-2 codes (ger, fre), are left to langcodes.
LANGUAGE_NAMES = {
    **dict.fromkeys(("english", "anglais", "englisch"), "en"),
    **dict.fromkeys(("american", "usenglish", "usenglishmax"), "en-US"),
    **dict.fromkeys(("british", "ukenglish"), "en-GB"), "canadian": "en-CA", "australian": "en-AU",
    "newzealand": "en-NZ",
    **dict.fromkeys(("german", "ngerman", "deutsch", "allemand", "germanb", "ngermanb"), "de"),
    **dict.fromkeys(("austrian", "naustrian"), "de-AT"), **dict.fromkeys(("swissgerman", "nswissgerman"), "de-CH"),
    **dict.fromkeys(("french", "francais", "français", "französisch", "frenchb"), "fr"),
    **dict.fromkeys(("canadien", "acadian"), "fr-CA"),
    **dict.fromkeys(("spanish", "español", "espanol"), "es"), "catalan": "ca", "italian": "it", "dutch": "nl",
    **dict.fromkeys(("portuguese", "portuges", "português"), "pt"), **dict.fromkeys(("brazil", "brazilian"), "pt-BR"),
    "swedish": "sv", "danish": "da", **dict.fromkeys(("norsk", "norwegian", "bokmal"), "nb"), "nynorsk": "nn",
    "finnish": "fi", "icelandic": "is", "polish": "pl", "czech": "cs", "slovak": "sk", "slovene": "sl",
    "croatian": "hr", "serbian": "sr", "hungarian": "hu", "magyar": "hu", "romanian": "ro", "russian": "ru",
    "ukrainian": "uk", "greek": "el", "latin": "la", "turkish": "tr", "hebrew": "he", "arabic": "ar",
    "japanese": "ja", "chinese": "zh", "korean": "ko", "welsh": "cy", "irish": "ga", "estonian": "et",
    "latvian": "lv", "lithuanian": "lt", "bulgarian": "bg",
}  # fmt: skip


@dataclass(frozen=True)
class Library:
    """What an article may cite: CSL-JSON items by id, and the CSL style that formats them."""

    items: dict[str, dict] = field(hash=False)
    style: Path
    complete: bool = True  # False when the references could not be read: their keys are then not checked
    files: tuple[Path, ...] = ()  # the project's files it was read from, for incremental builds


# -- the style -----------------------------------------------------------------------------


def default_style() -> Path:
    """The bundled style used when neither an article nor its book names one."""
    return STYLE_FOLDER / f"{DEFAULT_STYLE}.csl"


@cache
def csl_style(path: Path, _mtime: int, locale: str):  # the mtime makes an edited project style load afresh
    """A CSL style file as citeproc-py reads it, in a locale; kept for the process."""
    from citeproc import CitationStylesStyle

    _fix_citeproc()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns of CSL 1.0.2 attributes it does not read
        return CitationStylesStyle(str(path), locale=locale, validate=False)


NUMERIC_LOCATOR = re.compile(r"[A-Za-z]*[0-9]+[A-Za-z]*(?:\s*[-–,&]\s*[A-Za-z]*[0-9]+[A-Za-z]*)*")
ASCII_SPACE = re.compile(r"[ \t\r\n]+")


def _fix_citeproc() -> None:
    """Correct three behaviours of citeproc-py 0.11 (pinned below 0.12 for this reason), each against CSL 1.0.

    - `is-numeric="locator"` looked for the locator among the item's data, where it never is, so every
      bundled style took "chap. 3" for a locator that needs no label and printed "3", a page to the reader.
      CSL tests the citation's locator; this does, and leaves every other test to citeproc-py.
    - A citation's items were always put in the bibliography's order, then sorted by the style's
      `<citation><sort>`. CSL keeps the order the author wrote when the citation has no sort.
    - Text-casing split words at every white space, a no-break space too, and joined them with spaces.
    """
    from citeproc.model import If, Layout
    from citeproc.string import String

    if getattr(If, "octavo_fixed", False):
        return
    original = If._is_numeric

    def is_numeric(self, item) -> list[bool]:
        if self.get("is-numeric").split() != ["locator"]:
            return original(self, item)
        return [item.has_locator and NUMERIC_LOCATOR.fullmatch(str(item.locator.identifier).strip()) is not None]

    sorted_citation = Layout.render_citation

    def render_citation(self, citation, callback):
        if self.getparent().sort is not None:
            return sorted_citation(self, citation, callback)
        return _citation_as_written(self, citation, callback)

    def words(self):
        for word in ASCII_SPACE.split(str(self)):
            if word:
                yield self.__class__(word)

    If._is_numeric = is_numeric
    Layout.render_citation = render_citation
    String.words = words
    If.octavo_fixed = True


def _citation_as_written(layout, citation, callback):
    """citeproc-py's Layout.render_citation without its sort: the cited items in the order written."""
    from citeproc.source import VariableError

    out = []
    for item in citation.cites:
        if item.is_bad():
            continue
        layout.repressed = {}
        try:
            output = layout.render_children(item)
        except VariableError:
            continue
        if output is not None:
            out.append(item.get("prefix", "") + output + item.get("suffix", ""))
            layout.getparent().cites.append(item)
    for item in citation.cites:
        if item.is_bad():
            out.append(callback(item) or f"{item.key}?")
    return layout.format(layout.wrap(layout.join(out)))


def locale_for(path: Path, language: str) -> str:
    """The CSL locale for a BCP 47 tag: the style's own default-locale, else the language's (en-US at worst)."""
    from citeproc import LOCALES_PATH, PRIMARY_DIALECTS

    forced = csl_style(path, path.stat().st_mtime_ns, "en-US").root.get("default-locale")
    primary = language.split("-")[0].lower()
    for candidate in (forced, language, PRIMARY_DIALECTS.get(primary), {"no": "nb-NO"}.get(primary)):
        if candidate and (Path(LOCALES_PATH) / f"locales-{candidate}.xml").is_file():
            return candidate
    return "en-US"


def language_tag(value: object) -> str | None:
    """The BCP 47 tag of an item's language as BibTeX or a reference manager writes it (ngerman, German, de-DE).

    A value it cannot read is kept as written: CSL counts an item with any language but English as not English.
    """
    import langcodes

    text = str(value).strip()
    first = re.split(r"\s+and\s+|[,;]", text)[0].strip()  # biblatex's `language` may be a list
    if not first:
        return None
    if first.lower() in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[first.lower()]
    try:
        return langcodes.standardize_tag(first) if langcodes.tag_is_valid(first) else text
    except ValueError:
        return text


def items_language(path: Path, language: str) -> str:
    """The language of the items that give none: the style's default-locale, else the article's (CSL's rule)."""
    forced = csl_style(path, path.stat().st_mtime_ns, "en-US").root.get("default-locale")
    return forced or language


# -- citations -----------------------------------------------------------------------------


def locator(text: str) -> tuple[str, str] | None:
    """(CSL label, locator) of what follows a key: 'p. 33' -> (page, 33); a bare '33' is a page."""
    text = TEX_DASHES.sub("-", text.strip())
    if not text:
        return None
    match = LOCATOR.fullmatch(text)
    label = LOCATOR_LABELS.get(match[1].rstrip(".").lower()) if match else None
    return (label, match[2].strip()) if label and match else ("page", text)


class Citations:
    """An article's citations in reading order, formatted together once all of them are known.

    A citation's text depends on every item the article cites (the style sorts, and may shorten
    or number them), so the article is read twice: first to collect the citations, then again with
    their texts (`formatted`), which this class hands out in the same order.
    """

    def __init__(self, library: Library, prefix: str) -> None:
        self.library = library
        self.prefix = prefix
        self.cited: list[CiteItems] = []
        self.texts: list[Citation] | None = None
        self.references: tuple[Reference, ...] = ()

    def cite(self, items: CiteItems) -> Citation:
        self.cited.append(items)
        if self.texts is not None:
            return self.texts[len(self.cited) - 1]
        return Citation(tuple(key for key, _ in items), ())  # a stand-in, until every citation is known

    def formatted(self, language: str) -> Citations:
        """The same citations with their texts and the References, ready for the second reading."""
        done = Citations(self.library, self.prefix)
        anchors = self.anchors()
        plain, _ = format_citations(self.library, self.cited, language, marked=False)
        marked, entries = format_citations(self.library, self.cited, language, marked=True)
        done.texts = [_linked(items, text, mark, anchors) for items, text, mark in zip(self.cited, plain, marked,
                                                                                        strict=True)]  # fmt: skip
        done.references = tuple(Reference(key, anchors[key], Markup(text)) for key, text in entries)
        return done

    def anchors(self) -> dict[str, str]:
        """An anchor for every cited item: ref-<key>, its characters made safe for XML ids, made unique."""
        anchors: dict[str, str] = {}
        for key in dict.fromkeys(key for items in self.cited for key, _ in items):
            base = "ref-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", key).strip("-")
            candidate, n = base, 1
            while candidate in anchors.values():
                n += 1
                candidate = f"{base}-{n}"
            anchors[key] = candidate
        return {key: self.prefix + anchor for key, anchor in anchors.items()}


def _linked(items: CiteItems, text: str, marked: str, anchors: dict[str, str]) -> Citation:
    """The citation's text cut into each cited item's part, linked to its entry, and what lies between.

    When the marks cannot be placed without changing the text, the whole citation links to its first item.
    """
    keys = tuple(key for key, _ in items)
    parts: list[tuple[Markup, str | None]] = []
    position = 0
    for match in ITEM_MARK.finditer(marked):
        if match.start() > position:
            parts.append((Markup(marked[position : match.start()]), None))
        parts.append((Markup(match[2]), anchors[keys[int(match[1])]]))
        position = match.end()
    if position < len(marked):
        parts.append((Markup(marked[position:]), None))
    if "".join(str(p) for p, _ in parts) != text or any(c in text for c in (START, MIDDLE, END)):
        parts = [(Markup(text), anchors[keys[0]])]
    return Citation(keys, tuple((p, a) for p, a in parts if p))


def format_citations(library: Library, cited: list[CiteItems], language: str,
                     marked: bool = False) -> tuple[list[str], list[tuple[str, str]]]:  # fmt: skip
    """Each citation's HTML and the bibliography's (key, HTML) entries, exactly as citeproc-py formats them.

    `marked` wraps each cited item's part in control characters, to find where it is in the citation.
    """
    from citeproc import Citation as CslCitation
    from citeproc import CitationItem, CitationStylesBibliography, formatter
    from citeproc.source import Locator
    from citeproc.source.json import CiteProcJSON

    keys = list(dict.fromkeys(key for items in cited for key, _ in items))
    style = csl_style(library.style, library.style.stat().st_mtime_ns, locale_for(library.style, language))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # CSL title-cases only English items; an item that does not say its language is in the article's.
        fallback = items_language(library.style, language)
        items = [{**library.items[k], "language": library.items[k].get("language") or fallback} for k in keys]
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.html)
        # citeproc-py formats an entry from the first citation of its item, and a page locator there
        # ("p. 118") would replace the item's own pages in the References: every item is registered
        # first without one, in the order first cited (which numeric styles number by).
        bibliography.register(CslCitation([CitationItem(key) for key in keys]))
        citations = []
        for items in cited:
            cites = []
            for index, (key, where) in enumerate(items):
                extra = {"prefix": f"{START}{index}{MIDDLE}", "suffix": END} if marked else {}
                found = locator(where)
                if found:
                    extra["locator"] = Locator(*found)
                cites.append(CitationItem(key, **extra))
            citations.append(CslCitation(cites))
            bibliography.register(citations[-1])
        bibliography.sort()
        texts = [str(bibliography.cite(c, lambda item: None)) for c in citations]
        by_lower = {key.lower(): key for key in keys}
        entries = [(by_lower[k], str(e)) for k, e in zip(bibliography.keys, bibliography.bibliography(), strict=True)]
    return texts, entries


@dataclass(frozen=True)
class CslVocabulary:
    fields: tuple[str, ...]  # the CSL-JSON fields citeproc-py reads, spelt as in CSL-JSON (with '-')
    types: tuple[str, ...]
    dates: frozenset[str]  # spelt as citeproc-py spells them (with '_')
    names: frozenset[str]


@cache
def csl() -> CslVocabulary:
    """What citeproc-py knows (imported only when an article has references: it takes a moment)."""
    import citeproc
    from citeproc import types

    variables = sorted({v.replace("_", "-") for v in citeproc.VARIABLES} | {"id", "type"})
    kinds = sorted(value for name, value in vars(types).items() if name.isupper() and isinstance(value, str))
    return CslVocabulary(tuple(variables), tuple(kinds), frozenset(citeproc.DATES), frozenset(citeproc.NAMES))
