"""References read from YAML, .bib or CSL-JSON files, and the citation style, each problem located."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from urllib.parse import urlsplit

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from octavo.source.reader import NodeReader, kind_name, suggestion
from octavo.text.bibtex import BibtexError, bibtex_items
from octavo.text.citations import (
    BUNDLED_STYLES,
    STYLE_FOLDER,
    Library,
    csl,
    csl_style,
    default_style,
    language_tag,
)

__all__ = ["BookReferences", "Library", "read_book_references", "read_library", "read_references", "read_style"]

REFERENCE_SUFFIXES = (".json", ".bib")
MAX_BYTES = 20 * 2**20
# More references than any article cites, and items deeper than CSL-JSON's: refused, so that a hostile
# file costs neither minutes of parsing nor the reader's recursion.
MAX_REFERENCES = 10_000
MAX_ITEM_DEPTH = 8  # CSL-JSON needs four: item, names, name, value (or dates, date-parts, part, number)
BIBTEX_ENTRY = re.compile(r"@\s*[A-Za-z]+\s*[{(]")
NOCASE_ESCAPED = re.compile(r'&lt;span class="nocase"&gt;(.*?)&lt;/span&gt;', re.DOTALL)
NOCASE = re.compile(r'<span class="nocase">(.*?)</span>', re.DOTALL)
YEAR_MONTH_DAY = re.compile(r"(-?[0-9]{1,4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")


@dataclass(frozen=True)
class BookReferences:
    """A book's `references` and `citation-style`, read once for all its articles."""

    items: dict[str, dict] | None = field(default=None, hash=False)  # for articles that give none of their own
    style: Path | None = None  # every article's style, when the book names one
    items_file: Path | None = None


def read_book_references(reader: NodeReader, fields: dict[str, Node]) -> BookReferences:
    """A book's own `references` and `citation-style`, which its articles inherit."""
    items = read_references(reader, fields["references"]) if "references" in fields else None
    style = read_style(reader, fields["citation-style"]) if "citation-style" in fields else None
    return BookReferences(items, style, _named_file(reader, fields.get("references")))


def read_library(reader: NodeReader, fields: dict[str, Node], book: BookReferences | None = None) -> Library | None:
    """An article's library: its own references, else its book's; the book's style, else its own, else the default."""
    own_style = read_style(reader, fields["citation-style"]) if "citation-style" in fields else None
    style = (book.style if book else None) or own_style or default_style()
    own_style_file = (style,) if style.parent != STYLE_FOLDER else ()
    if "references" in fields:
        items = read_references(reader, fields["references"])
        named = _named_file(reader, fields["references"])
        return Library(items or {}, style, items is not None, (*own_style_file, *((named,) if named else ())))
    if book is not None and book.items is not None:
        return Library(book.items, style, files=(*own_style_file, *((book.items_file,) if book.items_file else ())))
    return None


def _named_file(reader: NodeReader, node: Node | None) -> Path | None:
    """The file a `references` value names (not a list of items), whether or not it could be read."""
    if not isinstance(node, ScalarNode) or not node.value.lower().endswith(REFERENCE_SUFFIXES):
        return None
    return (reader.path.parent / node.value).resolve()


# -- reading references --------------------------------------------------------------------


def read_references(reader: NodeReader, node: Node, where: str = "references") -> dict[str, dict] | None:
    """A `references` value: a .json or .bib file relative to the file, or a list of CSL-JSON items in YAML."""
    if isinstance(node, SequenceNode):
        return _yaml_items(reader, node, where)
    name = reader.string(node, where)
    if name is None:
        return None
    path = _project_file(reader, node, where, name, REFERENCE_SUFFIXES, "references")
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        reader.error(node, f"{where}: '{name}' is not UTF-8 text")
        return None
    if path.suffix.lower() == ".bib" and len(BIBTEX_ENTRY.findall(text)) > MAX_REFERENCES:
        reader.error(node, f"{where}: '{name}' has more than {MAX_REFERENCES:,} entries")
        return None
    try:
        items = json.loads(text) if path.suffix.lower() == ".json" else bibtex_items(text)
    except json.JSONDecodeError as exc:
        _file_error(reader, path, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}")
        return None
    except RecursionError:  # the C decoder gives up on arrays in arrays some thousands deep
        _file_error(reader, path, 1, 1, "not usable JSON: it is nested too deeply")
        return None
    except BibtexError as exc:
        _file_error(reader, path, exc.line, 0, str(exc))
        return None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        reader.error(node, f"{where}: '{name}' is not CSL-JSON (a list of items, each a mapping)")
        return None
    if len(items) > MAX_REFERENCES:
        reader.error(node, f"{where}: '{name}' has more than {MAX_REFERENCES:,} entries")
        return None
    return _checked_items(reader, node, where, items)


def _file_error(reader: NodeReader, path: Path, line: int, column: int, message: str) -> None:
    """A problem inside a references file, located in that file."""
    reader.errors += 1
    reader.report.add(path, line, column, "error", message)


def _project_file(reader: NodeReader, node: Node, where: str, name: str, suffixes: tuple[str, ...],
                  what: str) -> Path | None:  # fmt: skip
    """A file named relative to the article, checked like an image: inside the project, a regular file."""
    if urlsplit(name).scheme and len(urlsplit(name).scheme) > 1:
        reader.error(node, f"{where}: '{name}' is a URL; {what} are read from files inside the project folder")
        return None
    path = (reader.path.parent / name).resolve()  # resolve() follows symlinks, so a link cannot lead outside
    problem = None
    if path.suffix.lower() not in suffixes:
        problem = f"'{name}' is not a {' or '.join(suffixes)} file"
    elif not path.is_relative_to(reader.root.resolve()):
        problem = f"'{name}' is outside the project folder"
    elif not path.exists():
        problem = f"the file '{name}' does not exist"
    elif not path.is_file():
        problem = f"'{name}' is not a regular file"
    elif path.stat().st_size > MAX_BYTES:
        problem = f"'{name}' is larger than {MAX_BYTES // 2**20} MB"
    if problem:
        reader.error(node, f"{where}: {problem}")
        return None
    return path


def _yaml_items(reader: NodeReader, node: SequenceNode, where: str) -> dict[str, dict] | None:
    """CSL-JSON items written in YAML, each problem located at its item or field."""
    errors = reader.errors
    if len(node.value) > MAX_REFERENCES:
        reader.error(node, f"{where}: more than {MAX_REFERENCES:,} references")
        return None
    for index, item in enumerate(node.value):
        if _deeper_than(item, MAX_ITEM_DEPTH):  # before _data, which recurses
            reader.error(item, f"{where}[{index}]: the reference is nested more than {MAX_ITEM_DEPTH} levels deep")
            continue
        if not isinstance(item, MappingNode):
            reader.error(item, f"{where}[{index}]: a reference is a mapping of CSL-JSON fields, found a "
                         f"{kind_name(item)}")  # fmt: skip
            continue
        for key_node, _value in item.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else ""
            if key not in csl().fields:
                reader.warning(key_node, f"{where}[{index}].{key}: not a CSL variable that the citation style "
                               f"reads (it is ignored){suggestion(key, csl().fields)}")  # fmt: skip
    if reader.errors > errors:
        return None
    return _checked_items(reader, node, where, [_data(item) for item in node.value], node.value)


def _deeper_than(value: object, limit: int) -> bool:
    """Whether data, or a YAML node, nests more than `limit` levels; found without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, MappingNode):
            children: list = [child for _key, child in item.value]
        elif isinstance(item, SequenceNode):
            children = item.value
        elif isinstance(item, dict):
            children = list(item.values())
        else:
            children = item if isinstance(item, list) else []
        stack.extend((child, depth + 1) for child in children)
    return False


def _data(node: Node) -> object:
    """A YAML node as plain data: every scalar stays the text the author typed."""
    if isinstance(node, MappingNode):
        return {str(k.value): _data(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [_data(v) for v in node.value]
    return node.value


def _checked_items(reader: NodeReader, node: Node, where: str, items: list[dict],
                   nodes: list[Node] | None = None) -> dict[str, dict] | None:  # fmt: skip
    """Items by id: each has an id, once (citeproc-py ignores case in ids), and a type it knows."""
    found: dict[str, dict] = {}
    folded: dict[str, str] = {}
    errors = reader.errors
    for index, item in enumerate(items):
        at = nodes[index] if nodes else node
        here = f"{where}[{index}]"
        if _deeper_than(item, MAX_ITEM_DEPTH):  # a JSON item: str() of it would recurse
            reader.error(at, f"{here}: the reference is nested more than {MAX_ITEM_DEPTH} levels deep")
            continue
        key = str(item.get("id", "")).strip()
        if not key:
            reader.error(at, f"{here}: a reference needs an 'id' (the key that cites it)")
            continue
        if key.lower() in folded:
            reader.error(at, f"{here}: the id '{key}' is already used by '{folded[key.lower()]}'"
                         " (ids that differ only in case are the same id)")  # fmt: skip
            continue
        kind = str(item.get("type", ""))
        if kind not in csl().types:
            given = f"'{kind}' is not a CSL type" if kind else "a reference needs a 'type'"
            reader.error(at, f"{here} ({key}): {given}{suggestion(kind, csl().types) if kind else ''}"
                         " (such as book, article-journal, chapter, webpage)")  # fmt: skip
            continue
        folded[key.lower()] = key
        found[key] = _normalised(key, item)
    return found if reader.errors == errors else None


def _normalised(key: str, item: dict) -> dict:
    """The item as citeproc-py reads it: dates as date-parts, only the variables it knows, text escaped."""
    out = {"id": key, "type": str(item["type"])}
    for key, value in item.items():
        if key in ("id", "type") or key not in csl().fields:
            continue
        if key.replace("-", "_") in csl().dates:
            out[key] = _date(value)
        elif key.replace("-", "_") in csl().names:
            names = [name if isinstance(name, dict) else {"literal": name}
                     for name in (value if isinstance(value, list) else [value])]  # fmt: skip
            out[key] = [{part: _escaped(text) for part, text in name.items()} for name in names]
        elif key == "language":  # "ngerman", "German", "de-DE": a tag, for CSL title-cases only English items
            tag = language_tag(value)
            if tag:
                out[key] = tag
        elif not isinstance(value, (list, dict)):  # the other variables are text; a structure cannot be shown
            out[key] = _escaped(value)
    return out


def _escaped(value: object) -> str:
    """Text as HTML, for citeproc-py's HTML formatter writes the items' own text as it finds it.

    Only CSL-JSON's one markup that citeproc-py reads, a <span class="nocase"> (a word that keeps its
    case), stays markup; it is never written out.
    """
    text = html.escape(str(value), quote=False)
    return _nocase_words(NOCASE_ESCAPED.sub(r'<span class="nocase">\1</span>', text))


def _nocase_words(text: str) -> str:
    """Each word with a case-protected part protected whole ({B}erlin: Berlin).

    citeproc-py title-cases the pieces of a word on either side of a nocase span as words of their own,
    and joins them with spaces: "B Erlin".
    """
    if "<span" not in text:
        return text
    chars: list[str] = []
    kept: list[bool] = []
    position = 0
    for match in [*NOCASE.finditer(text), None]:
        plain = text[position : match.start() if match else len(text)]
        chars += plain
        kept += [False] * len(plain)
        if match:
            chars += match[1]
            kept += [True] * len(match[1])
            position = match.end()
    for word in re.finditer(r"[^ \t\r\n]+", "".join(chars)):  # words as octavo has citeproc-py split them
        if any(kept[word.start() : word.end()]):
            kept[word.start() : word.end()] = [True] * (word.end() - word.start())
    out = []
    for protected, group in groupby(zip(chars, kept, strict=True), key=lambda pair: pair[1]):
        part = "".join(char for char, _ in group)
        out.append(f'<span class="nocase">{part}</span>' if protected else part)
    return "".join(out)


def _date(value: object) -> dict:
    """A CSL date: date-parts as given, or parsed from YYYY, YYYY-MM or YYYY-MM-DD text; else a literal."""
    if isinstance(value, dict):
        if "date-parts" in value:
            parts = [[_number(p) for p in part] for part in value["date-parts"] if isinstance(part, list)]
            return {**value, "date-parts": parts}
        value = value.get("raw") or value.get("literal") or ""
    text = str(value).strip()
    ranges = text.split("/")
    parsed = [YEAR_MONTH_DAY.fullmatch(t.strip()) for t in ranges]
    if text and all(parsed) and len(parsed) <= 2:
        return {"date-parts": [[int(p) for p in m.groups() if p] for m in parsed if m]}
    return {"literal": text}


def _number(part: object) -> object:
    try:
        return int(str(part))
    except ValueError:
        return part


# -- the style -----------------------------------------------------------------------------


def read_style(reader: NodeReader, node: Node, where: str = "citation-style") -> Path | None:
    """A `citation-style`: the name of a bundled style, or a .csl file relative to the file."""
    name = reader.string(node, where)
    if name is None:
        return None
    if name in BUNDLED_STYLES:
        return STYLE_FOLDER / f"{name}.csl"
    if not name.lower().endswith(".csl"):
        reader.error(node, f"{where}: '{name}' is not a citation style octavo has{suggestion(name, BUNDLED_STYLES)}"
                     f" (it has {', '.join(BUNDLED_STYLES)}; or name a .csl file)")  # fmt: skip
        return None
    path = _project_file(reader, node, where, name, (".csl",), "citation styles")
    if path is None:
        return None
    try:
        root = csl_style(path, path.stat().st_mtime_ns, "en-US").root
    except Exception as exc:  # lxml and citeproc-py raise many kinds: any of them means the file is unusable
        reader.error(node, f"{where}: '{name}' is not a CSL style ({exc})")
        return None
    if root.get("class") != "in-text":
        reader.error(node, f"{where}: '{name}' is a note style; octavo places citations in the text, so it "
                     "needs an in-text style (author-date, author or numeric)")  # fmt: skip
        return None
    return path
