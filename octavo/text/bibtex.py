"""BibTeX (.bib) -> CSL-JSON items: pybtex parses the entries and the names, pylatexenc decodes the LaTeX."""

from __future__ import annotations

import re
from functools import cache

from octavo.text.citations import language_tag

# BibTeX entry types -> CSL types (as pandoc and Zotero map them).
TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "conference": "paper-conference",
    "manual": "book", "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "unpublished": "manuscript", "online": "webpage",
    "www": "webpage", "misc": "article", "proceedings": "book", "collection": "book",
}  # fmt: skip
# BibTeX and biblatex fields -> CSL variables; `journal` and `booktitle` are both the container's title.
# Text fields keep the case their braces protect ({NASA}); numbers lose their braces; identifiers are verbatim.
FIELDS = {
    "title": "title", "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "series": "collection-title", "publisher": "publisher",
    "address": "publisher-place", "location": "publisher-place", "school": "publisher",
    "institution": "publisher", "organization": "publisher", "note": "note", "howpublished": "medium",
    "shorttitle": "title-short", "shortjournal": "container-title-short",
}  # fmt: skip
NUMBERS = {"volume": "volume", "edition": "edition", "pages": "page", "chapter": "chapter-number",
           "pagetotal": "number-of-pages"}  # fmt: skip
VERBATIM = {"doi": "DOI", "url": "URL", "isbn": "ISBN", "issn": "ISSN"}
NOCASE_START, NOCASE_END = '<span class="nocase">', "</span>"
BARE_PERCENT = re.compile(r"(?<!\\)%")  # in a .bib field a % is text, but LaTeX would start a comment
MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}  # fmt: skip


class BibtexError(ValueError):
    """A .bib file that cannot be read, with the line of the problem (0 when unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def bibtex_items(text: str) -> list[dict]:
    """Every entry of a .bib file as a CSL-JSON item."""
    import pybtex.errors
    from pybtex.database import parse_string
    from pybtex.scanner import PybtexError

    pybtex.errors.set_strict_mode(True)  # a malformed entry is an error, not a message on stderr
    try:
        database = parse_string(text, "bibtex")
    except PybtexError as exc:
        line = getattr(exc, "lineno", 0) or 0
        raise BibtexError(f"not valid BibTeX: {re.sub(r' in line [0-9]+', '', str(exc))}", line) from None
    return [_item(key, entry) for key, entry in database.entries.items()]


def _item(key: str, entry) -> dict:
    fields = {name.lower(): value for name, value in entry.fields.items()}
    kind = TYPES.get(entry.type.lower(), "article")
    item: dict = {"id": key, "type": kind}
    for name, value in fields.items():
        if name in FIELDS and FIELDS[name] not in item:
            item[FIELDS[name]] = delatex(value, protect=True)
        elif name in NUMBERS:
            item[NUMBERS[name]] = delatex(value)
        elif name in VERBATIM:
            item[VERBATIM[name]] = value.strip()
    if "subtitle" in fields and "title" in item:  # biblatex keeps the subtitle apart
        item["title"] += ": " + delatex(fields["subtitle"], protect=True)
    if "number" in fields or "issue" in fields:  # an issue of a journal, or the number of a report
        number = delatex(fields.get("number") or fields["issue"])
        item["issue" if kind == "article-journal" else "number"] = number
    if "year" in fields or "date" in fields:
        item["issued"] = _issued(fields)
    if "urldate" in fields:
        item["accessed"] = {"raw": delatex(fields["urldate"])}
    language = fields.get("langid") or fields.get("language")  # biblatex's langid names the babel language
    if language and language_tag(delatex(language)):
        item["language"] = language_tag(delatex(language))
    for role in ("author", "editor", "translator"):
        if role in entry.persons:
            item[role] = [_name(person) for person in entry.persons[role]]
    if kind == "thesis" and "genre" not in item:
        item["genre"] = "PhD diss." if entry.type.lower() == "phdthesis" else "Master's thesis"
    return item


def _issued(fields: dict[str, str]) -> dict:
    if "date" in fields:  # biblatex: YYYY-MM-DD
        return {"raw": delatex(fields["date"])}
    year = delatex(fields["year"])
    month = MONTHS.get(delatex(fields.get("month", "")).lower().rstrip("."))
    if not year.isdigit():
        return {"literal": year}
    return {"date-parts": [[int(year), month] if month else [int(year)]]}


def _name(person) -> dict:
    """A pybtex person as a CSL name; a name in braces ({World Health Organization}) is kept whole."""
    family = delatex(" ".join(person.last_names))
    given = delatex(" ".join(person.first_names + person.middle_names))
    if not given and len(person.last_names) == 1 and person.last_names[0].startswith("{"):
        return {"literal": family}
    name = {"family": family}
    if given:
        name["given"] = given
    if person.prelast_names:
        name["non-dropping-particle"] = delatex(" ".join(person.prelast_names))
    if person.lineage_names:
        name["suffix"] = delatex(" ".join(person.lineage_names))
    return name


def delatex(value: str, protect: bool = False) -> str:
    """Text from BibTeX's LaTeX, every accent and command decoded by pylatexenc ({\\"u}, \\"{u}, \\"u, {\\ss}, --).

    With `protect`, a braced group that is not a special character ({NASA}, {B}erlin, but not {\\"U}ber)
    keeps its case in every style: a CSL-JSON nocase span, as BibTeX keeps it when it changes case.
    """
    from pylatexenc.latexwalker import LatexGroupNode, LatexMacroNode, LatexWalker

    value = BARE_PERCENT.sub(r"\\%", value)
    nodes, _, _ = LatexWalker(value, tolerant_parsing=True).get_latex_nodes()
    out: list[str] = []
    run: list = []  # the nodes since the last protected group, decoded together
    for index, node in enumerate(nodes or []):
        before = nodes[index - 1] if index else None  # a group after a command it does not know is its argument
        after_macro = isinstance(before, LatexMacroNode) and not (before.nodeargd and before.nodeargd.argnlist)
        if protect and isinstance(node, LatexGroupNode) and node.delimiters == ("{", "}") and not after_macro \
                and not _special_character(node):  # fmt: skip
            out += [_text(run), NOCASE_START, _text(node.nodelist), NOCASE_END]
            run = []
        else:
            run.append(node)
    out.append(_text(run))
    text = re.sub(f"{re.escape(NOCASE_START)}{re.escape(NOCASE_END)}", "", "".join(out))
    return re.sub(r"[ \t\r\n]+", " ", text).strip()  # a no-break space (~) stays


def _special_character(group) -> bool:
    """Whether a braced group starts with a command: BibTeX's special character, whose case it does change."""
    from pylatexenc.latexwalker import LatexCharsNode, LatexMacroNode

    for node in group.nodelist:
        if isinstance(node, LatexCharsNode) and not node.chars.strip():
            continue
        return isinstance(node, LatexMacroNode)
    return False


def _text(nodes: list) -> str:
    return _converter().nodelist_to_text(nodes) if nodes else ""


@cache
def _converter():
    """pylatexenc's LaTeX-to-text, with the logos, links and citations' own commands that it does not know."""
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    database = get_default_latex_context_db()
    database.add_context_category("bibtex", prepend=True, macros=[
        MacroTextSpec("LaTeX", "LaTeX"), MacroTextSpec("TeX", "TeX"), MacroTextSpec("BibTeX", "BibTeX"),
        MacroTextSpec("LaTeXe", "LaTeX2e"), MacroTextSpec("url", "%s"), MacroTextSpec("href", "%(2)s"),
    ])  # fmt: skip
    return LatexNodes2Text(latex_context=database, math_mode="text", keep_comments=False)
