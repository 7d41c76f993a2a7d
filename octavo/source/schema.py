"""A JSON Schema (draft 2020-12) of articles and books, generated from octavo.source.shapes for YAML editors."""

from __future__ import annotations

import json
from typing import Any

from octavo import __version__
from octavo.source import shapes
from octavo.source.blocks import registry
from octavo.source.shapes import Key, Shape, Value
from octavo.text import citations

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:octavo:schema:content"

# Why the schema does not simply say "string" where the loader wants text:
#
# The loader reads every YAML scalar as the text the author typed ("1", "no", "2020-11-20", "~").
# An editor checks the document after converting it to JSON with YAML's own typing, so the same
# scalars arrive as numbers, booleans or null: `date: 2020` is the integer 2020, a table cell
# `- 1924` an integer, a note key `1:` the key "1" (JSON keys are always strings), and a YAML 1.1
# reader turns `language: no` into false and an unquoted `aspect: 4:3` into the base-60 integer
# 243. Hence:
# - where the loader accepts any text, the schema accepts a string, a number or a boolean;
# - null (an empty value, `~` or `null`) too, where the loader accepts the empty text, as in
#   `subtitle:` with nothing after it; but not where the empty text is an error (a title, a verse,
#   a date, a language, an aspect, an id, a cover, an article path): there null is nearly always a
#   value not yet typed, rarely the text `~` or `null`;
# - a pattern (dates, ids, aspect ratios, language tags) constrains strings only, as JSON Schema
#   applies `pattern` to strings alone, so each typed value also lists the JSON types that its
#   valid texts can become: an id starts with a letter, so it is never a number, but YAML 1.1
#   reads `id: yes` as true; a date may be the integer year.
# The schema thus accepts a few values the loader refuses (`language: true`, a row of the wrong
# length), and refuses only what the loader refuses, except `~` or `null` in those places.
#
# Only keywords that mean the same in draft 7 are used (no prefixItems, unevaluatedProperties,
# dependentRequired), because YAML editors check 2020-12 schemas with a draft-7 validator.
TEXT = ["string", "number", "boolean"]
TEXT_OR_EMPTY = [*TEXT, "null"]


def json_schema() -> dict[str, Any]:
    """The schema of an article or a book file, as a JSON-ready dict."""
    defs: dict[str, Any] = {
        shapes.ARTICLE.name: _mapping(shapes.ARTICLE, level=0),
        shapes.BOOK.name: _mapping(shapes.BOOK, level=0),
        shapes.PRINT.name: _mapping(shapes.PRINT, level=0),
        shapes.ACCESSIBILITY.name: _mapping(shapes.ACCESSIBILITY, level=0),
        shapes.EPIGRAPH.name: _mapping(shapes.EPIGRAPH, level=0),
    }
    for level in range(1, shapes.MAX_SECTION_DEPTH + 1):
        defs[_section(level)] = _mapping(shapes.SECTION, level)
    for depth in range(2, shapes.MAX_LIST_DEPTH + 1):  # an item that holds a list nested `depth` deep
        defs[_list_item(depth)] = _mapping(shapes.LIST_ITEM, depth)
    defs["block"] = _block()
    for kind in registry().values():
        for form in kind.forms:
            if isinstance(form, Shape):
                defs[form.name] = _mapping(form, level=0)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "octavo article or book",
        "description": f"An octavo {__version__} article, or a book (a file with `articles`). "
        "`octavo check` also checks files, note references and ids.",
        # A book is told apart by its `articles` key: an article may not have one, a book must.
        "oneOf": [{"$ref": f"#/$defs/{shapes.ARTICLE.name}"}, {"$ref": f"#/$defs/{shapes.BOOK.name}"}],
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as the JSON text `octavo schema` prints."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _section(level: int) -> str:
    return f"{shapes.SECTION.name}-{level}"


def _list_item(depth: int) -> str:
    return f"{shapes.LIST_ITEM.name}-{depth}"


def _mapping(shape: Shape, level: int) -> dict[str, Any]:
    """A mapping's schema; `level` is the depth of a section, or of the list a list item holds (0 for others)."""
    schema: dict[str, Any] = {
        "type": "object",
        "description": shape.description,
        "properties": {key.name: {"description": key.description, **_key(key, level)} for key in shape.keys},
        "additionalProperties": False,
    }
    if shape.required:
        schema["required"] = list(shape.required)
    if shape.needs_one_of:  # oneOf: a mapping with two of them matches two
        schema["oneOf" if shape.only_one_of else "anyOf"] = [{"required": [name]} for name in shape.needs_one_of]
    return schema


def _key(key: Key, level: int) -> dict[str, Any]:
    """A key's value; a choice lists its words (editors offer them as completions)."""
    if key.value is Value.CHOICE:
        return {"type": "string", "enum": list(key.choices)}
    return _value(key.value, level)


def _value(value: Value, level: int) -> dict[str, Any]:
    """The schema of one kind of value; see the comment at the top for the JSON types."""
    cells = {"type": "array", "items": {"type": TEXT_OR_EMPTY}}
    match value:
        case Value.TEXT | Value.INLINE | Value.IMAGE:
            return {"type": TEXT_OR_EMPTY}
        case Value.HEADING | Value.VERSE | Value.LISTING | Value.LEXER | Value.TEX:
            return {"type": TEXT, "pattern": r"\S"}  # not empty or blank
        case Value.COVER:
            return {"type": TEXT}
        case Value.NAMES:  # one name stands for a list of one
            return {"type": [*TEXT_OR_EMPTY, "array"], "items": {"type": TEXT_OR_EMPTY}}
        case Value.DATE:
            return {"type": ["string", "integer"], "pattern": shapes.DATE_PATTERN, "minimum": 1, "maximum": 9999}
        case Value.LANGUAGE:  # langcodes accepts a bare region such as 419
            return {"type": ["string", "integer", "boolean"], "pattern": shapes.LANGUAGE_PATTERN}
        case Value.ID:
            return {"type": ["string", "boolean"], "pattern": shapes.ID_PATTERN}
        case Value.ASPECT:  # YAML 1.1 reads an unquoted 4:3 as 4 * 60 + 3; 1:1 is the least, 61
            return {"type": ["string", "integer"], "pattern": shapes.ASPECT_PATTERN, "minimum": 61}
        case Value.ITEMS if max(level, 1) >= shapes.MAX_LIST_DEPTH:  # the deepest list's items are texts
            return {"type": "array", "minItems": 1, "items": {"type": TEXT_OR_EMPTY}}
        case Value.ITEMS:  # a text, or an item that holds a list one level deeper
            item = {"anyOf": [{"type": TEXT_OR_EMPTY}, {"$ref": f"#/$defs/{_list_item(max(level, 1) + 1)}"}]}
            return {"type": "array", "minItems": 1, "items": item}
        case Value.CELLS:
            return cells
        case Value.ROWS:
            return {"type": "array", "minItems": 1, "items": cells}
        case Value.BLOCKS:
            return {"type": "array", "items": {"$ref": "#/$defs/block"}}
        case Value.SECTIONS if level >= shapes.MAX_SECTION_DEPTH:
            return {"type": "array", "maxItems": 0}
        case Value.SECTIONS:
            return {"type": "array", "items": {"$ref": f"#/$defs/{_section(level + 1)}"}}
        case Value.NOTES:
            return {
                "type": "object",
                "propertyNames": {"pattern": shapes.NOTE_KEY_PATTERN},
                "additionalProperties": {"type": TEXT_OR_EMPTY},
            }
        case Value.ARTICLE_FILES:
            return {"type": "array", "minItems": 1, "items": {"type": TEXT}}
        case Value.REFERENCES:
            return _references()
        case Value.CITATION_STYLE:
            csl_file = {"type": "string", "pattern": r"\.[Cc][Ss][Ll]$"}
            return {"anyOf": [{"enum": list(citations.BUNDLED_STYLES)}, csl_file]}
        case Value.SWITCH:  # an editor reads a bare true or False as a boolean
            return {"type": ["string", "boolean"], "pattern": shapes.SWITCH_PATTERN}
        case Value.FLAG:
            return {"type": ["string", "boolean"], "pattern": shapes.FLAG_PATTERN}
        case Value.WIDTH:
            return {"type": "string", "pattern": shapes.WIDTH_PATTERN}
        case Value.INDEX_SEE:  # one heading stands for a list of one
            heading = {"type": TEXT, "pattern": r"\S"}
            return {"type": "object", "additionalProperties": {"anyOf": [heading, {"type": "array", "minItems": 1,
                                                                                   "items": heading}]}}
        case Value.ACCESSIBILITY:
            return {"$ref": f"#/$defs/{shapes.ACCESSIBILITY.name}"}
        case Value.PRINT:
            return {"$ref": f"#/$defs/{shapes.PRINT.name}"}
        case Value.TRIM:
            return {"type": "string", "pattern": shapes.TRIM_PATTERN}
        case Value.ISBN:  # an editor reads 9781234567897 written bare as a number
            return {"type": ["string", "integer"], "pattern": shapes.ISBN_PATTERN, "minimum": 9780000000000,
                    "maximum": 9799999999999}
        case Value.ISBNS:  # one ISBN, or one per edition
            isbn = _value(Value.ISBN, level)
            return {"anyOf": [isbn, {"type": "object", "minProperties": 1, "additionalProperties": False,
                                     "properties": {name: {"description": f"The {name} edition's ISBN-13.", **isbn}
                                                    for name in shapes.ISBN_FORMATS}}]}  # fmt: skip
        case Value.PRINTING:
            return {"type": ["string", "integer"], "pattern": shapes.PRINTING_PATTERN, "minimum": 1, "maximum": 999}
        case Value.PARAGRAPHS:
            return {"type": [*TEXT, "array"], "items": {"type": TEXT}}
        case Value.EPIGRAPH:
            return {"anyOf": [{"type": TEXT}, {"$ref": f"#/$defs/{shapes.EPIGRAPH.name}"}]}
        case Value.COLOPHON:  # true: octavo's own; a text
            return {"type": TEXT_OR_EMPTY}
        case Value.DEFINITIONS:  # an empty definition is an error, so null is not one
            return {"type": "object", "minProperties": 1, "additionalProperties": {"type": TEXT, "pattern": r"\S"}}
    raise AssertionError(f"no schema for {value!r}")


def _references() -> dict[str, Any]:
    """A .json or .bib file, or CSL-JSON items: an id and a type each; other CSL fields are not listed."""
    item = {
        "type": "object",
        "required": ["id", "type"],
        "properties": {
            "id": {"description": "The key that cites the item: [@id].", "type": ["string", "number"]},
            "type": {"description": "The CSL type of the item.", "enum": list(citations.csl().types)},
        },
    }
    return {
        "anyOf": [
            {"type": "string", "pattern": r"\.([Jj][Ss][Oo][Nn]|[Bb][Ii][Bb])$"},
            {"type": "array", "items": item},
        ]
    }


def _block() -> dict[str, Any]:
    """A block: a text (a paragraph), or a mapping with one key, the kind of block."""
    kinds = {}
    for kind in registry().values():
        forms = [_value(f, 0) if isinstance(f, Value) else {"$ref": f"#/$defs/{f.name}"} for f in kind.forms]
        kinds[kind.name] = {"description": kind.description, **(forms[0] if len(forms) == 1 else {"anyOf": forms})}
    return {
        "description": "A block: a text is a paragraph; a mapping with one key is the kind of block it names.",
        "anyOf": [
            {"description": shapes.PARAGRAPH, "type": TEXT_OR_EMPTY},
            {
                "type": "object",
                "properties": kinds,
                "propertyNames": {"enum": list(kinds)},
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": False,
            },
        ],
    }
