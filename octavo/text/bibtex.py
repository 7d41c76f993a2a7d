"""BibTeX (.bib) -> CSL-JSON items: pybtex parses the file and the names, latexcodec decodes the LaTeX."""

from __future__ import annotations

import codecs
import re

# BibTeX entry types -> CSL types (as pandoc and Zotero map them).
TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "conference": "paper-conference",
    "manual": "book", "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "unpublished": "manuscript", "online": "webpage",
    "www": "webpage", "misc": "article", "proceedings": "book", "collection": "book",
}  # fmt: skip
# BibTeX fields -> CSL variables; `journal` and `booktitle` are both the container's title.
FIELDS = {
    "title": "title", "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "series": "collection-title", "publisher": "publisher",
    "address": "publisher-place", "location": "publisher-place", "school": "publisher",
    "institution": "publisher", "organization": "publisher", "volume": "volume", "edition": "edition",
    "pages": "page", "chapter": "chapter-number", "doi": "DOI", "url": "URL", "isbn": "ISBN",
    "issn": "ISSN", "note": "note", "howpublished": "medium", "shorttitle": "title-short",
}  # fmt: skip
MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}  # fmt: skip
FORMATTING = re.compile(r"\\(?:emph|textit|textbf|textsc|textrm|textsf|texttt|textup|textnormal|mbox|text)\s*(?=\{)")
LOGOS = {r"\LaTeX": "LaTeX", r"\TeX": "TeX", r"\BibTeX": "BibTeX"}


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
            item[FIELDS[name]] = delatex(value, protect=name in ("title", "booktitle", "journal", "shorttitle"))
    if "number" in fields:  # an issue of a journal, or the number of a report
        item["issue" if kind == "article-journal" else "number"] = delatex(fields["number"])
    if "year" in fields or "date" in fields:
        item["issued"] = _issued(fields)
    for role in ("author", "editor", "translator"):
        if role in entry.persons:
            item[role] = [_name(person) for person in entry.persons[role]]
    if kind == "thesis" and "genre" not in item:
        item["genre"] = "PhD diss." if entry.type.lower() == "phdthesis" else "Master's thesis"
    if "page" in item:
        item["page"] = item["page"].replace("--", "–")
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
    """Text from BibTeX's LaTeX: accents decoded, formatting commands and grouping braces dropped.

    With `protect` (titles), a braced group keeps its case in every style: a CSL-JSON nocase span.
    """
    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    for logo, text in LOGOS.items():
        value = value.replace(logo, text)
    value = FORMATTING.sub("", value)
    value = codecs.decode(value, "ulatex")
    out: list[str] = []
    depth = 0
    for char in value:
        if char == "{":
            if depth == 0 and protect:
                out.append('<span class="nocase">')
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0 and protect:
                out.append("</span>")
        else:
            out.append(char)
    text = re.sub(r"\\[A-Za-z]+\s*", "", "".join(out))  # a command it does not know: its argument stays
    return re.sub(r"\s+", " ", text).strip()
