"""The loader: one fixture per behaviour or error, asserting the message and where it points."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo.core.diagnostics import Report
from octavo.core.model import Paragraph, iter_blocks, iter_sections
from octavo.epub.writer import anchor_files
from octavo.source.blocks.figure import Figure
from octavo.source.blocks.table import Table
from octavo.source.blocks.verse import Verse
from octavo.source.load import load_article

from .conftest import FIXTURES, PROJECT


def load(name: str) -> tuple[object, Report]:
    report = Report()
    article = load_article(FIXTURES / name, PROJECT, report)
    return article, report


@pytest.mark.parametrize(
    ("fixture", "line", "column", "message"),
    [
        ("misspelled_key.yaml", 3, 5, "sections[0].titel: unknown key 'titel' (did you mean 'title'?)"),
        ("unknown_block.yaml", 4, 5, "body[1]: unknown block 'figrue'"),
        ("dangling_note.yaml", 3, 28, "body[0]: reference to undefined note '[^9]'"),
        ("yaml_syntax.yaml", 4, 1, "invalid YAML: while parsing a flow sequence"),
        ("duplicate_key.yaml", 3, 1, "title: duplicate key (first given on line 1)"),
        ("ragged_table.yaml", 7, 11, "rows[1]: the row has 3 cells but the header has 2"),
        ("bad_link.yaml", 3, 7, "link target 'javascript:alert(1)' is not allowed"),
        ("no_title.yaml", 1, 1, "missing required key 'title'"),
        ("deep_sections.yaml", 9, 17, "sections nest at most 3 levels deep"),
    ],
)
def test_each_error_is_reported_once_with_its_position(fixture, line, column, message):
    article, report = load(fixture)
    assert article is None
    assert len(report.errors) == 1, [str(d) for d in report.errors]
    error = report.errors[0]
    assert (error.line, error.column) == (line, column)
    assert message in error.message
    assert f"{fixture}:{line}:{column}: error: " in str(error)


def test_all_problems_of_a_file_are_reported_together():
    article, report = load("bad_values.yaml")
    assert article is None
    messages = sorted((d.line, d.message) for d in report.errors)
    assert [line for line, _ in messages] == [2, 3, 7]
    assert "not a date" in messages[0][1]
    assert "not a valid BCP 47 language tag" in messages[1][1]
    assert "not an aspect ratio" in messages[2][1]


def test_missing_image_is_a_warning_and_becomes_a_placeholder():
    article, report = load("missing_image.yaml")
    assert article is not None
    assert [(d.line, d.column) for d in report.warnings] == [(4, 14)]
    assert "does not exist (a placeholder is used)" in report.warnings[0].message
    figure = article.figures[0]
    assert figure.is_placeholder and figure.image_name == "images/nowhere.png"


def test_unreferenced_note_is_a_warning():
    _, report = load("dangling_note.yaml")
    assert [d.message for d in report.warnings] == ["notes.1: note is never referenced (it is left out)"]


def test_notes_are_numbered_by_first_reference_and_every_reference_has_its_own_anchor():
    article, report = load("all_blocks.yaml")
    assert report.errors == []
    notes = {n.key: n for n in article.notes}
    assert (notes["a"].number, notes["b"].number) == (1, 2)
    assert [r.ref_id for r in notes["a"].refs] == ["noteref-1", "noteref-1-2"]
    # The model knows no files; the EPUB writer finds each reference in the lead, then in the first section.
    files = anchor_files(article)
    assert [files[r.ref_id] for r in notes["a"].refs] == ["title.xhtml", "section-1.xhtml"]


def test_ids_numbers_and_toc_are_resolved_in_the_model():
    article, _ = load("all_blocks.yaml")
    assert [s.id for s in article.sections] == ["blocks", "second"]
    assert [e.id for e in article.toc[0].children] == ["nested"]
    blocks = list(iter_blocks(article))
    kinds = [b.kind for b in blocks]
    assert kinds == ["paragraph", "figure", "paragraph", "quote", "list", "numbered", "verse", "table",
                     "paragraph", "numbered", "paragraph"]  # fmt: skip
    figure = next(b for b in blocks if isinstance(b, Figure))
    assert (figure.number, figure.id, figure.aspect) == (1, "figure-1", (4, 3))
    table = next(b for b in blocks if isinstance(b, Table))
    assert (table.number, table.id, len(table.rows)) == (1, "table-1", 2)
    verse = next(b for b in blocks if isinstance(b, Verse))
    assert [[line.plain for line in stanza] for stanza in verse.stanzas] == [
        ["First line of a stanza,", "second line."], ["A new stanza."]]  # fmt: skip


def test_scalars_keep_what_the_author_wrote():
    article, report = load("norwegian.yaml")
    assert report.errors == []
    assert article.language == "no"  # not False, as YAML 1.1 would read it


def test_raw_html_stays_text():
    article, _ = load("raw_html.yaml")
    paragraph = article.body[0]
    assert isinstance(paragraph, Paragraph)
    html = "".join(paragraph.text.parts)
    assert "<b>" not in html and "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html
    assert article.title.plain == "<script>alert(“title”)</script>"  # as text, its quotes made smart


def test_default_identifier_is_stable(tmp_path: Path):
    first, _ = load("all_blocks.yaml")
    second, _ = load("all_blocks.yaml")
    assert first.identifier == second.identifier
    assert first.identifier.startswith("urn:uuid:")


def test_ids_made_from_titles_are_ascii_whatever_the_script():
    """Readers such as Adobe's drop non-ASCII fragment identifiers, so slugs are transliterated."""
    article, report = load("russian.yaml")
    assert report.errors == []
    ids = [s.id for s in iter_sections(article.sections)]
    assert ids and all(i.isascii() and i[0].isalpha() for i in ids), ids
    assert ids[0] == "tekst"  # "Текст"


def test_the_common_languages_that_skip_langcodes_are_valid_tags():
    """The tags octavo accepts without asking langcodes (to spare its import) are ones langcodes accepts."""
    import langcodes

    from octavo.source.languages import COMMON_LANGUAGES, valid_language

    assert all(langcodes.tag_is_valid(tag) for tag in COMMON_LANGUAGES)
    assert valid_language("gsw-CH") and not valid_language("xx-notatag")  # the rest still asks langcodes
