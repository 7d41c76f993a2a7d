"""Messages for the YAML mistakes prose writers make: located exactly, the fix said in words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from octavo.core.diagnostics import Report
from octavo.source.load import load_article
from octavo.source.yamlsrc import Lines, compose, value_position

from .conftest import FIXTURES, PROJECT

PROSE = FIXTURES / "prose"


def load(name: str, root: Path = PROJECT, folder: Path = PROSE) -> tuple[object, Report]:
    report = Report()
    article = load_article(folder / name, root, report)
    return article, report


def located(report: Report) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.severity) for d in report.items]


def test_a_tab_in_the_indentation_is_reported_on_every_line_that_has_one():
    article, report = load("tab.yaml")
    assert article is None
    # One error for each line, also for the line with two tabs; the tab's own line, not the next one.
    assert located(report) == [(3, 1, "error"), (4, 1, "error"), (6, 1, "error"), (7, 1, "error"), (8, 1, "error")]
    assert all(d.message == "a tab is used to indent; YAML indents with spaces, not tabs" for d in report.items)
    assert "cannot start any token" not in str(report.items[0])


@pytest.mark.parametrize(
    ("fixture", "start", "quoted"),
    [
        ("star.yaml", "'*'", "'*Emphasis* at the start of a paragraph ...'"),
        ("star_word.yaml", "'*'", "'*Important notice for every reader.'"),
        ("bracket.yaml", "'['", "'[^1] The note comes before the words in ...'"),
        ("ampersand.yaml", "'&'", "'&Co were the publishers.'"),
        ("bang.yaml", "'!'", "'!Important news comes first.'"),
        ("percent.yaml", "'%'", "'% of readers agreed.'"),
        ("at.yaml", "'@'", "'@octavo is where we post news.'"),
        ("backtick.yaml", "'`'", "'`print()` isn''t a statement any more.'"),
        ("quotation.yaml", "a quotation mark", """'"Yes," she said, "we will."'"""),
    ],
)
def test_a_text_that_starts_with_a_yaml_indicator_must_be_quoted(fixture, start, quoted):
    article, report = load(fixture)
    assert article is None
    assert located(report) == [(3, 5, "error")]
    message = report.items[0].message
    assert message.startswith(f"a text that starts with {start} must be in quotes")
    assert message.endswith(f"; quote the text: {quoted}")
    assert "not allowed" not in message


def test_an_alias_with_no_words_after_it_keeps_its_own_message(tmp_path: Path):
    (tmp_path / "alias.yaml").write_text("title: A title\nbody:\n  - *name\n", encoding="utf-8")
    _, report = load("alias.yaml", root=tmp_path, folder=tmp_path)
    assert [(d.line, d.column, d.message) for d in report.items] == [
        (3, 5, "alias '*name' is not allowed (write the value out)")
    ]


def test_a_colon_inside_a_text_says_to_quote_it():
    article, report = load("colon.yaml")
    assert article is None
    assert located(report) == [(1, 18, "error")]
    assert report.items[0].message == (
        "': ' inside a text makes YAML read a key and a value; quote the text: 'Khrushchev: a life'"
    )


@pytest.mark.parametrize(
    ("fixture", "line", "column", "key"),
    [
        ("missing_colon.yaml", 1, 6, "title"),  # libyaml reports line 2
        ("missing_colon_key.yaml", 2, 9, "subtitle"),  # libyaml reports line 3
        ("missing_colon_table.yaml", 4, 14, "caption"),  # libyaml reports line 5
    ],
)
def test_a_missing_colon_is_located_where_it_belongs(fixture, line, column, key):
    article, report = load(fixture)
    assert article is None
    assert located(report) == [(line, column, "error")]
    assert report.items[0].message == f"missing ':' after '{key}'? (a key and its value are separated by ': ')"


def test_a_word_that_is_no_key_is_not_taken_for_a_key_without_its_colon(tmp_path: Path):
    # A badly indented line of prose: libyaml's own message stays, rather than a wrong guess.
    (tmp_path / "indent.yaml").write_text("title: A\nbody:\n  - First paragraph\n  continues here\n", encoding="utf-8")
    _, report = load("indent.yaml", root=tmp_path, folder=tmp_path)
    assert located(report) == [(5, 1, "error")]
    assert report.items[0].message.startswith("invalid YAML: while scanning a simple key")


def test_a_comment_that_cuts_a_text_short_is_a_warning_at_the_hash():
    article, report = load("comment.yaml")
    assert article is not None
    assert located(report) == [(6, 20, "warning"), (7, 15, "warning")]
    assert all(
        d.message == "the rest of the line after ' #' is a YAML comment and is left out; quote the paragraph"
        for d in report.items
    )
    assert [p.text.plain for p in article.body] == [
        "We were number",
        "Chapter 3",
        "This comment is set off by two spaces.",
    ]


def test_a_file_that_is_not_utf8_is_located_at_its_first_bad_byte(tmp_path: Path):
    # Latin-1 'é' after a UTF-8 'Ç': columns count characters, not bytes.
    (tmp_path / "latin1.yaml").write_bytes("title: A title\nbody:\n  - Ça va, caf".encode() + b"\xe9.\n")
    article, report = load("latin1.yaml", root=tmp_path, folder=tmp_path)
    assert article is None
    assert located(report) == [(3, 15, "error")]
    assert report.items[0].message == "the file is not UTF-8 text (byte 0xE9 at line 3, column 15); save it as UTF-8"


def test_a_language_tag_written_with_an_underscore_is_refused_with_the_tag_meant():
    article, report = load("language.yaml")
    assert article is None
    assert located(report) == [(2, 11, "error")]
    assert report.items[0].message == "language: 'en_GB' is not a valid BCP 47 language tag (did you mean 'en-GB'?)"


def test_a_row_with_extra_cells_in_brackets_is_told_to_quote_cells_with_commas():
    article, report = load("comma_cells.yaml")
    assert article is None
    assert located(report) == [(6, 11, "error"), (7, 11, "error")]
    too_many, too_few = (d.message for d in report.items)
    assert too_many == (
        'body[0].table.rows[0]: the row has 3 cells but the header has 2 (quote cells that contain commas: ["a, b", c])'
    )
    assert too_few == "body[0].table.rows[1]: the row has 1 cells but the header has 2"


def test_a_paragraph_read_as_a_one_key_mapping_is_told_to_quote_it():
    article, report = load("paragraph_colon.yaml")
    assert article is None
    assert located(report) == [(3, 5, "error")]
    message = report.items[0].message
    assert message.startswith("body[0]: unknown block 'Note'")
    assert message.endswith("; if this is a paragraph, quote the text: 'Note: this paragraph was read as a ...'")


def test_every_mistake_of_a_file_is_reported_together():
    article, report = load("several.yaml")
    assert article is None
    # Line 4 holds two ': ' but is one mistake; on line 9 the '*' is located as written, after the tab.
    expected = [(3, 5, "error"), (4, 23, "error"), (5, 20, "warning"), (9, 1, "error"), (9, 6, "error")]
    assert located(report) == expected
    messages = [d.message for d in report.items]
    assert "quote the text: '*Emphasis* at the start.'" in messages[0]
    assert "quote the text: 'Khrushchev: a life: and the times.'" in messages[1]
    assert "' #' is a YAML comment" in messages[2]
    assert "not tabs" in messages[3]
    assert "quote the text: '*Emphasis* after a tab.'" in messages[4]


def test_check_prints_the_mistakes_like_a_compiler(cli):
    run = cli("check", "tests/fixtures/prose/several.yaml")
    assert run.status == 1
    lines = run.err.splitlines()
    assert lines[0] == (
        "tests/fixtures/prose/several.yaml:3:5: error: a text that starts with '*' must be in quotes as a whole "
        "(YAML reads it as an alias); quote the text: '*Emphasis* at the start.'"
    )
    assert "tests/fixtures/prose/several.yaml:9:1: error: a tab is used to indent; " in run.err
    assert "Traceback" not in run.err


def test_check_passes_with_only_the_comment_warning(cli):
    run = cli("check", "tests/fixtures/prose/comment.yaml")
    assert run.status == 0
    assert (
        "tests/fixtures/prose/comment.yaml:6:20: warning: the rest of the line after ' #' is a YAML comment "
        "and is left out; quote the paragraph"
    ) in run.err


# -- a ': ' in any text field --------------------------------------------------------------------


def colon_message(where: str, key: str, quoted: str, block: str = ">-") -> str:
    return (f"{where}: expected text, found a mapping; the ': ' after '{key}' makes YAML read a key and a value; "
            f"quote the text: {quoted}, or write '{block}' and the text indented on the next line")  # fmt: skip


LONG = "'Outer layer: the part that keeps the ...'"  # cut short on a whole word


def test_a_colon_in_any_text_field_says_to_quote_the_text_as_written():
    article, report = load("colon_fields.yaml")
    assert article is None
    expected = [
        (37, 5, colon_message("notes.n", "See", "'See: page 3'")),  # notes are read first
        (3, 3, colon_message("subtitle", "Part one", "'Part one: the frame'")),
        (4, 21, colon_message("authors[1]", "Editor", "'Editor: John Roe'")),
        (8, 9, colon_message("body[0].numbered[1]", "Tip", "'Tip: tape the bag to the frame.'")),
        (9, 9, colon_message("body[0].numbered[2]", "Step 3", "'Step 3: fold the flap ...'")),  # it goes on
        (12, 9, colon_message("body[1].list[0]", "Ingredients", "'Ingredients:'")),
        (13, 9, colon_message("body[1].list[1]", "Note", """'Note: "keep it dry"'""")),  # quotes as written
        (16, 9, colon_message("body[2].table.caption", "Table", "'Table: what it costs'")),
        (17, 22, colon_message("body[2].table.header[1]", "Price", "'Price: in pounds'")),
        (20, 13, colon_message("body[2].table.rows[0][1]", "Fee", "'Fee: 3 a night'")),
        (24, 9, colon_message("body[3].quote.attribution", "Churchill", "'Churchill: in 1940'")),
        (27, 9, colon_message("body[4].definitions.Fly sheet", "Outer layer", LONG)),
        (30, 9, colon_message("body[5].box.title", "Before you start", "'Before you start: read this'")),
        (34, 7, colon_message("body[6].verse", "Roses", "'Roses: red'", block="|")),  # a verse keeps its lines
    ]
    assert [(d.line, d.column, d.message) for d in report.items] == expected


def test_a_quote_or_a_listing_read_as_a_mapping_is_told_to_quote_it():
    article, report = load("colon_quote.yaml")
    assert article is None
    advice = "makes YAML read a key and a value; quote the text: "
    assert [(d.line, d.column, d.message) for d in report.items] == [
        (4, 7, f"body[0].quote.Churchill: unknown key 'Churchill'; if this is a text, the ': ' after 'Churchill' "
               f"{advice}'Churchill: we shall fight on the beaches', or write '>-' and the text indented on the "
               "next line"),
        (6, 7, f"body[1].code.answer: unknown key 'answer'; if this is a text, the ': ' after 'answer' {advice}"
               "'answer: 42', or write '|' and the text indented on the next line"),
    ]  # fmt: skip


def test_a_misspelt_key_is_not_taken_for_a_text(tmp_path: Path):
    (tmp_path / "a.yaml").write_text("title: T\nbody:\n  - quote:\n      txt: Words.\n", encoding="utf-8")
    _, report = load("a.yaml", root=tmp_path, folder=tmp_path)
    assert [d.message for d in report.errors] == ["body[0].quote.txt: unknown key 'txt' (did you mean 'text'?)"]


# -- problems inside a text written over several lines ---------------------------------------------


def test_problems_inside_folded_literal_and_quoted_texts_are_located_where_they_are_written():
    article, report = load("folded.yaml")
    assert article is None
    assert [(d.line, d.column, d.message) for d in report.items] == [
        # A folded text, on its fourth line.
        (7, 14, "body[0]: reference to undefined note '[^nope]'"),
        # A literal text, on a line more indented than the first.
        (10, 24, "body[1]: the formula '\\(x^\\)' cannot be typeset: missing super script or subscript"),
        # Single quotes, after a doubled quote ('').
        (14, 16, "body[3]: '[@]' is not a citation (write [@key], [@key, p. 33] or [@a; @b])"),
        # A plain text over two lines.
        (16, 16, "body[4]: link target 'javascript:alert(1)' is not allowed (use http:, https: or mailto:)"),
        # Folded, more indented after a blank line.
        (21, 25, "body[5].quote.text: '[[ ]]' is not an index mark (write [[text]], [[text|Heading]] or "
                 "[[text|Heading!Sub-heading]])"),
        # A verse, on the poem's own line.
        (25, 19, "body[6].verse: reference to undefined note '[^gone]'"),
        # At the escape '\a' that stands for the character.
        (26, 8, "body[7]: the character U+0007 is not allowed in text"),
        # Inside an index mark, whose text is read on its own.
        (29, 14, "body[8]: reference to undefined note '[^lost]'"),
        # Double quotes, after an escaped line break; cross-references are checked once the article is read.
        (12, 23, "body[2]: '[#nowhere]' refers to no id of this article"),
    ]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    value=st.text(alphabet=st.sampled_from("ab é'\"\\:#-[]\n\t\u00a0\x07\x01\ufeff"), min_size=1, max_size=40),
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    width=st.sampled_from([12, 30, 80]),
)
def test_every_character_of_a_value_is_located_where_it_is_written(value, style, width):
    text = yaml.dump({"key": [value]}, default_style=style, width=width, allow_unicode=True)
    scalar = compose(text).value[0][1].value[0]
    assume(scalar.value == value)
    lines = Lines(text)
    for index, char in enumerate(value):
        if char in " \t\n":
            continue
        line, column = value_position(lines, scalar, index)
        written = lines[line - 1][column - 1]
        # Escaped ('\a', '\x01', '\\', '\"'), the character is located at the start of its escape.
        assert written == char or (scalar.style == '"' and written == "\\"), (index, text)


# -- languages -----------------------------------------------------------------------------------


def test_a_language_of_another_script_than_the_text_is_a_warning_with_the_tag_meant():
    article, report = load("language_uk.yaml")
    assert article is not None and article.language == "uk"
    assert [(d.line, d.column, d.severity, d.message) for d in report.items] == [
        (2, 11, "warning", "language: 'uk' is Ukrainian, written in Cyrillic script, but the text is in Latin "
                           "script; for British English write 'en-GB'"),
    ]  # fmt: skip


def test_a_language_also_written_in_latin_script_is_told_its_latin_tag(tmp_path: Path):
    text = "title: Srpski\nlanguage: sr\nbody:\n  - Staza ide duž litica dvanaest milja, od luke do svetionika.\n"
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    article, report = load("a.yaml", root=tmp_path, folder=tmp_path)
    assert article is not None
    assert [(d.line, d.column, d.message) for d in report.warnings] == [
        (2, 11, "language: 'sr' is Serbian, written in Cyrillic script, but the text is in Latin script; for Serbian "
                "in Latin script write 'sr-Latn'"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "title: Берег\nlanguage: uk\nbody:\n  - Стежка йде вздовж скель дванадцять миль, від гавані до маяка.\n",
        "title: Srpski\nlanguage: sr-Latn\nbody:\n  - Staza ide duž litica dvanaest milja, od luke do svetionika.\n",
        "title: A\nlanguage: uk\n",  # too few letters to say
    ],
)
def test_a_language_written_in_the_texts_script_is_no_warning(tmp_path: Path, text):
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    article, report = load("a.yaml", root=tmp_path, folder=tmp_path)
    assert article is not None and report.items == []


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("english", "did you mean 'en'?"),
        ("German", "did you mean 'de'?"),
        ("français", "did you mean 'fr'?"),
        ("British English", "did you mean 'en-GB'?"),
        ("Portugese", "did you mean 'pt'?"),  # misspelt
        ("jp", "'jp' is a country's code (Japan): did you mean 'ja-JP'?"),
        ("xx-notatag", "e.g. en, fr, pt-BR"),
    ],
)
def test_a_language_written_as_a_name_or_a_country_is_told_the_tag(tmp_path: Path, value, hint):
    (tmp_path / "a.yaml").write_text(f"title: A\nlanguage: {value}\n", encoding="utf-8")
    article, report = load("a.yaml", root=tmp_path, folder=tmp_path)
    assert article is None
    assert [(d.line, d.column, d.message) for d in report.items] == [
        (2, 11, f"language: '{value}' is not a valid BCP 47 language tag ({hint})")
    ]


def test_check_prints_a_problem_of_a_folded_text_at_its_own_line_and_a_language_warning(cli):
    run = cli("check", "tests/fixtures/prose/folded.yaml")
    assert run.status == 1
    assert "tests/fixtures/prose/folded.yaml:7:14: error: body[0]: reference to undefined note '[^nope]'" in run.err
    run = cli("check", "tests/fixtures/prose/language_uk.yaml")
    assert run.status == 0
    assert (
        "tests/fixtures/prose/language_uk.yaml:2:11: warning: language: 'uk' is Ukrainian, written in Cyrillic "
        "script, but the text is in Latin script; for British English write 'en-GB'"
    ) in run.err
