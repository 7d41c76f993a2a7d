"""The JSON Schema for editors: valid, generated from the loader's own keys, and agreeing with the loader."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from octavo.core.diagnostics import Report
from octavo.source import shapes
from octavo.source.blocks import box, code, figure, quote, registry, table
from octavo.source.load import load_document
from octavo.source.schema import TEXT, json_schema, schema_text

from .conftest import FIXTURES, PROJECT

SCHEMA = json_schema()
VALIDATOR = Draft202012Validator(SCHEMA)


class EditorLoader(yaml.SafeLoader):
    """YAML typed as an editor types it: numbers, booleans and null, but dates as text (JSON has no dates)."""


EditorLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def as_editor_reads(path: Path) -> object:
    """The document as a YAML language server checks it: JSON, where every mapping key is a string."""
    return json.loads(json.dumps(yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)))


def loader_errors(path: Path) -> list[str]:
    report = Report()
    document = load_document(path, PROJECT, report)
    assert (document is None) == bool(report.errors)
    return [d.message for d in report.errors]


def leaf_paths(errors) -> list[list[object]]:
    """Where each innermost schema error is (an anyOf error holds its branches' errors)."""
    found = []
    for error in errors:
        found.extend(leaf_paths(error.context) if error.context else [list(error.absolute_path)])
    return found


def loader_path(message: str) -> list[object]:
    """The location a loader message starts with, 'sections[0].titel: ...' -> ['sections', 0, 'titel']."""
    where = re.match(r"([\w.\[\]-]+): ", message)
    parts = re.findall(r"\[(\d+)\]|([^.\[\]]+)", where[1]) if where else []
    return [int(index) if index else key for index, key in parts]


ALL_FILES = sorted([*(PROJECT / "content").glob("*.yaml"), *FIXTURES.glob("*.yaml")])
GOOD = [path for path in ALL_FILES if not loader_errors(path)]
# Files the loader refuses for a misspelled or unknown key, a missing required key, a wrong type or
# an unknown block, or a nesting too deep: the schema must refuse them too, at the same place.
REFUSED = [
    FIXTURES / "misspelled_key.yaml",
    FIXTURES / "unknown_block.yaml",
    FIXTURES / "no_title.yaml",
    FIXTURES / "deep_sections.yaml",
    FIXTURES / "bad_values.yaml",
    *sorted((FIXTURES / "schema").glob("*.yaml")),
]
# Values only the loader can judge: a well-formed date that is not in the calendar, a tag that has
# the form of a language tag but is not registered.
UNSEEN = {"bad_values.yaml": ("date: '2021-02-30'", "language: 'english'")}
# What only `octavo check` finds: the schema cannot see row lengths, note references or link targets.
# Nor which languages Pygments knows, nor a glossary's term given twice (JSON keeps one of the two).
CHECK_ONLY = ["ragged_table.yaml", "dangling_note.yaml", "bad_link.yaml", "code_unknown_language.yaml",
              "duplicate_term.yaml"]  # fmt: skip


def test_the_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] and SCHEMA["title"] and SCHEMA["description"]


def test_schema_text_is_the_schema_as_readable_json():
    text = schema_text()
    assert text.endswith("}\n") and json.loads(text) == SCHEMA
    assert "…" in text  # not escaped: descriptions read as written
    assert text == schema_text()


def test_the_good_files_are_the_ones_expected():
    names = {path.name for path in GOOD}
    assert {"khrushchev.yaml", "berlin-wall.yaml", "reader.yaml", "all_blocks.yaml", "book.yaml"} <= names
    assert {"norwegian.yaml", "russian.yaml", "images.yaml", "missing_image.yaml", "raw_html.yaml"} <= names


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_every_file_the_loader_accepts_passes_the_schema(path):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(as_editor_reads(path))]
    assert errors == []


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_what_the_loader_refuses_the_schema_refuses_at_the_same_place(path):
    messages = loader_errors(path)
    assert messages, "the loader accepts this file"
    document = as_editor_reads(path)
    # Choose the article or book definition as the loader does, so that errors are not a oneOf's.
    name = "book" if isinstance(document, dict) and "articles" in document else "article"
    validator = Draft202012Validator({**SCHEMA, "oneOf": [{"$ref": f"#/$defs/{name}"}]})
    found = leaf_paths(validator.iter_errors(document))
    assert found, f"the schema accepts what the loader refuses: {messages}"
    wheres = [loader_path(message) for message in messages]

    def near(a: list[object], b: list[object]) -> bool:
        """One is inside the other: the loader names the key ('titel'), the schema its mapping."""
        return a[: len(b)] == b or b[: len(a)] == a

    for path_found in found:
        assert any(near(path_found, where) for where in wheres), (path_found, messages)
    for message, where in zip(messages, wheres, strict=True):
        if not message.startswith(UNSEEN.get(path.name, ())):
            assert any(near(path_found, where) for path_found in found), (message, found)


@pytest.mark.parametrize("name", CHECK_ONLY)
def test_what_only_check_finds_passes_the_schema(name):
    path = FIXTURES / name
    assert loader_errors(path)
    assert list(VALIDATOR.iter_errors(as_editor_reads(path))) == []


@pytest.mark.parametrize(
    ("definition", "keys"),
    [
        # The keys the loader reads with: the article, book and section shapes, and each block module's own.
        ("article", shapes.ARTICLE.names),
        ("book", shapes.BOOK.names),
        *((f"section-{level}", shapes.SECTION.names) for level in range(1, shapes.MAX_SECTION_DEPTH + 1)),
        ("figure", figure.SHAPE.names),
        ("quote", quote.SHAPE.names),
        ("table", table.SHAPE.names),
        ("code", code.SHAPE.names),
        ("box", box.SHAPE.names),
        *((f"list-item-{depth}", shapes.LIST_ITEM.names) for depth in range(2, shapes.MAX_LIST_DEPTH + 1)),
    ],
)
def test_each_mapping_has_exactly_the_loaders_keys(definition, keys):
    schema = SCHEMA["$defs"][definition]
    assert list(schema["properties"]) == list(keys)
    assert schema["additionalProperties"] is False


def test_the_new_blocks_state_what_the_loader_accepts():
    kinds = SCHEMA["$defs"]["block"]["anyOf"][1]["properties"]
    assert SCHEMA["$defs"]["box"]["properties"]["kind"]["enum"] == list(box.KINDS)  # offered as completions
    assert SCHEMA["$defs"]["box"]["required"] == ["body"] and SCHEMA["$defs"]["code"]["required"] == ["text"]
    # A listing is a text or a mapping; a glossary a mapping of terms to definitions that are not empty.
    assert [form.get("$ref") or form["type"] for form in kinds["code"]["anyOf"]] == [TEXT, "#/$defs/code"]
    assert kinds["definitions"]["type"] == "object" and kinds["definitions"]["minProperties"] == 1
    assert kinds["definitions"]["additionalProperties"]["pattern"] == r"\S"


def nested_list(depth: int, kind: str = "numbered") -> object:
    """A list `depth` levels deep: each list's second item holds the next one."""
    items: list[object] = ["Last"]
    for level in range(depth - 1, 0, -1):
        items = [f"Item {level}", {"text": f"Holds level {level + 1}", kind: items}]
    return {"title": "Lists", "body": [{kind: items}]}


def test_lists_nest_three_levels_deep_in_the_schema_and_not_four():
    for kind in ("list", "numbered"):
        for depth in (1, 2, 3):
            assert list(VALIDATOR.iter_errors(nested_list(depth, kind))) == [], (kind, depth)
        assert list(VALIDATOR.iter_errors(nested_list(4, kind)))
    inner = {"text": "b", "list": ["c"]}
    mixed = {"title": "Lists", "body": [{"list": ["One", {"text": "Two", "numbered": ["a", inner]}]}]}
    assert list(VALIDATOR.iter_errors(mixed)) == []
    both = {"title": "Lists", "body": [{"list": [{"text": "One", "list": ["a"], "numbered": ["b"]}]}]}
    assert list(VALIDATOR.iter_errors(both))  # an item holds one list
    assert list(VALIDATOR.iter_errors({"title": "Lists", "body": [{"list": [{"list": ["a"]}]}]}))  # and its text


def test_the_block_kinds_are_the_loaders():
    kinds = next(branch for branch in SCHEMA["$defs"]["block"]["anyOf"] if branch["type"] == "object")
    assert list(kinds["properties"]) == kinds["propertyNames"]["enum"] == list(registry())
    assert (kinds["minProperties"], kinds["maxProperties"], kinds["additionalProperties"]) == (1, 1, False)


def test_every_property_and_definition_has_a_description():
    def visit(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, child in node.get("properties", {}).items():
                assert child.get("description"), f"{where}.{key}"
            for key, child in node.items():
                visit(child, f"{where}.{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                visit(child, f"{where}[{index}]")

    visit(SCHEMA, "")
    assert all(definition.get("description") for definition in SCHEMA["$defs"].values())


def test_messages_list_the_keys_in_their_documented_order():
    """The key order in shapes is part of the messages authors read."""
    assert loader_errors(FIXTURES / "unknown_block.yaml") == [
        "body[1]: unknown block 'figrue' (did you mean 'figure'?) "
        "(expected figure, quote, list, numbered, verse, table, code, math, box, definitions)"
    ]
    assert "sections[0]: expected a mapping with keys title, id, body, sections" in loader_errors(
        FIXTURES / "schema" / "section_as_text.yaml"
    )


# Typed values, each written quoted (text to YAML as to octavo) and bare (typed by YAML for the
# editor: 2020 an integer, no false, 4:3 the base-60 integer 243). Each field draws values of roughly
# the right form (many valid, many nearly so) and any short text; whatever the loader accepts must
# pass the schema, or the editor would underline a value that builds.
SUBTAGS = ["en", "fr", "no", "pt", "zh", "sgn", "und", "x", "i", "GB", "BR", "Hant", "Latn", "419", "1901", "klingon"]
noise = st.text(alphabet="0123456789-:/x. aAnoz_\n\t[^", max_size=12)
FIELDS = {
    "date": (
        "date: {}",
        st.one_of(  # real dates, cut to YYYY-MM-DD, YYYY-MM or YYYY, and dates of the right form only
            st.tuples(st.dates(), st.sampled_from([10, 7, 4])).map(lambda d: d[0].isoformat()[: d[1]]),
            st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True),
            st.sampled_from(["0001-01-01", "0777", "1999-10-31", "2024-02-29", "2020-12", "9999-12-31"]),  # edges
        ),
    ),
    "language": (
        "language: {}",
        st.one_of(
            st.lists(st.sampled_from(SUBTAGS), min_size=1, max_size=4).flatmap(
                lambda parts: st.sampled_from(["-", "_", "--", " "]).map(lambda glue: glue.join(parts))
            ),
            st.sampled_from(["no", "NO", "yes", "419", "0777"]),  # a boolean, an integer to YAML
        ),
    ),
    "aspect": (
        "body:\n  - figure:\n      caption: A figure\n      aspect: {}",
        st.from_regex(r" ?[0-9]{1,5} ?[:/x] ?[0-9]{1,5} ?", fullmatch=True),
    ),
    "id": (
        "sections:\n  - title: A section\n    id: {}",
        st.one_of(
            st.from_regex(r"[A-Za-z0-9_.-]{1,8}", fullmatch=True),
            st.sampled_from(["yes", "No", "on", "OFF", "True", "false", "e1", "E.5", "x1.0"]),
        ),
    ),
    "note key": ("notes:\n  {}: A note.", st.from_regex(r"[a-z0-9:]{1,4}", fullmatch=True)),
    "toc": ("toc: {}", st.sampled_from(["auto", "true", "false", "True", "FALSE", "Auto", "yes", "on", "1"])),
    "width": (
        "body:\n  - figure:\n      caption: A figure\n      width: {}",
        st.from_regex(r" ?[0-9]{1,3} ?% ?", fullmatch=True),
    ),
}
# Bare, these are null to the editor but the text "~" or "null" to octavo (see octavo.source.schema).
NULLS = {"~", "null", "Null", "NULL"}


@pytest.mark.parametrize("written", ["quoted", "bare"])
@pytest.mark.parametrize("field", FIELDS)
@given(data=st.data())
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
def test_a_typed_value_the_loader_accepts_passes_the_schema(field, written, data):
    template, likely = FIELDS[field]
    value = data.draw(st.one_of(likely, noise))
    if written == "bare" and value.strip() in NULLS:
        return
    text = "title: A title\n" + template.format(json.dumps(value) if written == "quoted" else value) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.yaml"
        path.write_text(text, encoding="utf-8")
        report = Report()
        load_document(path, Path(folder), report)
        if report.errors:
            return
        document = as_editor_reads(path)
    assert list(VALIDATOR.iter_errors(document)) == [], (field, text)
