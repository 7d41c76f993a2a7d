"""The index ([[text|Heading!Sub-heading]]): collation order, letter groups, PDF page ranges, EPUB links."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Article, articles_of
from octavo.source.load import load_document
from octavo.text.index import LetterGroup, build_index, page_links

from .conftest import FIXTURES, PROJECT, SAMPLE, build_into, epub_files, squash

FIXTURE = FIXTURES / "index.yaml"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="session")
def index_build(tmp_path_factory) -> Path:
    """The index fixture and the Khrushchev sample (an index of its names), each built once."""
    return build_into(tmp_path_factory.mktemp("index"), str(FIXTURE), str(SAMPLE), "--format", "pdf,epub")


def load(path: Path):
    publication = load_document(path, path.parent if path.parent != FIXTURES else PROJECT, Report())
    assert publication is not None
    return publication


def entries(index: tuple[LetterGroup, ...]) -> list[str]:
    return [entry.heading for group in index for entry in group.entries]


def ranges(numbers: set[int]) -> str:
    """What the index should print for a set of pages, written independently of octavo.text.index."""
    out: list[str] = []
    for number in sorted(numbers):
        if out and number - 1 in numbers:
            out[-1] = out[-1].split("–")[0] + f"–{number}"
        else:
            out.append(str(number))
    return ", ".join(out)


def article(tmp_path: Path, language: str, text: str) -> Article:
    source = tmp_path / f"{language}.yaml"
    source.write_text(f"title: T\nlanguage: {language}\nbody:\n  - '{text}'\n", encoding="utf-8")
    found = load_document(source, tmp_path, Report())
    assert isinstance(found, Article)
    return found


def test_german_collation_puts_umlauts_beside_their_letters(tmp_path):
    index = build_index(article(tmp_path, "de", "[[Zebra]] [[Öl]] [[Azur]] [[Ober]] [[Äpfel]] [[Ahorn]] [[apfel]] "
                                "[[Apfelbaum]] [[Birne]] [[Oase]]"))  # fmt: skip
    assert entries(index) == ["Ahorn", "apfel", "Äpfel", "Apfelbaum", "Azur", "Birne", "Oase", "Ober", "Öl", "Zebra"]
    assert [group.letter for group in index] == ["A", "B", "O", "Z"]


def test_russian_collation_puts_yo_beside_ye(tmp_path):
    index = build_index(article(tmp_path, "ru", "[[жук]] [[ёлка]] [[Ежов]] [[ель]] [[Берия]] [[есть]] [[Ёж]]"))
    assert entries(index) == ["Берия", "Ёж", "Ежов", "ёлка", "ель", "есть", "жук"]
    assert [group.letter for group in index] == ["Б", "Е", "Ж"]


def test_headings_and_sub_headings(tmp_path):
    found = article(tmp_path, "en", "[[Nikita|Khrushchev, Nikita!early life]] [[Khrushchev|Khrushchev, Nikita]] "
                    "[[Berlin]] [[wall|Berlin!Wall]] [[crisis|Berlin!crisis]]")  # fmt: skip
    index = build_index(found)
    berlin, khrushchev = (entry for group in index for entry in group.entries)
    assert (berlin.heading, [s.heading for s in berlin.subs]) == ("Berlin", ["crisis", "Wall"])
    assert (khrushchev.heading, len(khrushchev.marks), [s.heading for s in khrushchev.subs]) == (
        "Khrushchev, Nikita", 1, ["early life"])
    assert found.body[0].text.plain == "Nikita Khrushchev Berlin wall crisis"  # the shown text stays


def test_page_numbers_are_deduplicated_and_joined_into_ranges():
    ids = ["a", "b", "c", "d", "e", "f", "g"]
    pages = dict(zip(ids, [3, 1, 2, 3, 5, 7, 8], strict=True))
    links = page_links(ids, pages)
    assert links.striptags() == "1–3, 5, 7–8"
    assert str(links).count("<a ") == 5 and 'href="#b"' in links


@pytest.mark.parametrize("source", [FIXTURE, SAMPLE], ids=["fixture", "khrushchev"])
def test_each_entry_lists_the_pages_where_its_marks_land(index_build, source):
    publication = load(source)
    reader = PdfReader(index_build / f"{source.stem}.pdf")
    page_of = {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}
    index_page = page_of["index"]
    text = squash("".join(reader.pages[n].extract_text() for n in range(index_page - 1, len(reader.pages))))
    expected = []
    for group in build_index(publication):
        for entry in group.entries:
            line = entry.heading + (ranges({page_of[m.id] for m in entry.marks}) if entry.marks else "")
            expected.append(line)
            expected += [sub.heading + ranges({page_of[m.id] for m in sub.marks}) for sub in entry.subs]
    position = 0
    for line in expected:  # in collation order, each with its pages
        found = text.find(squash(line), position)
        assert found >= 0, line
        position = found + 1
    # Every number is a link to a marked place on that page.
    for number in range(index_page - 1, len(reader.pages)):
        for annot in reader.pages[number].get("/Annots", []):
            dest = annot.get_object().get("/Dest")
            if isinstance(dest, str) and dest.startswith(articles_of(publication)[0].id_prefix + "idx-"):
                assert dest in page_of
    assert page_of["index"] == len(reader.pages) or page_of["index"] > max(page_of[m.id] for m in publication.index)


def test_filling_in_the_index_moves_nothing_before_it(index_build, tmp_path):
    """The marks land where they land without the index's page numbers: the HTML build has none."""
    reader = PdfReader(index_build / "index.pdf")
    publication = load(FIXTURE)
    pages = {m.id: reader.get_destination_page_number(reader.named_destinations[m.id]) for m in publication.index}
    assert sorted(set(pages.values())) == [0, 1, 2, 4, 5]  # the fixture spreads its marks over pages 1–6


def test_the_epub_index_links_to_every_marked_place(index_build):
    for source in (FIXTURE, SAMPLE):
        files = epub_files(index_build / f"{source.stem}.epub")
        documents = {Path(name).name: ET.fromstring(data) for name, data in files.items() if name.endswith(".xhtml")}
        index = documents["index.xhtml"]
        section = next(e for e in index.iter(f"{XHTML}section") if e.get("id") == "index")
        assert section.get(EPUB_TYPE) == "index" and section.get("role") == "doc-index"
        links = [a.get("href") for a in section.iter(f"{XHTML}a")]
        publication = load(source)
        assert sorted(link.split("#")[1] for link in links) == sorted(m.id for m in publication.index)
        for link in links:
            name, anchor = link.split("#")
            span = next(e for e in documents[name].iter(f"{XHTML}span") if e.get("id") == anchor)
            assert span.get("class") == "index-mark"


def test_a_book_has_one_index_for_all_its_articles(tmp_path):
    for name, text in (("one", "[[Zebra]] and [[Apfel]]"), ("two", "[[Apfel]] again")):
        (tmp_path / f"{name}.yaml").write_text(f"title: {name}\nbody: ['{text}']\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text("title: B\narticles: [one.yaml, two.yaml]\n", encoding="utf-8")
    book = load_document(tmp_path / "book.yaml", tmp_path, Report())
    assert book is not None
    index = build_index(book)
    assert entries(index) == ["Apfel", "Zebra"]
    assert [m.id for m in index[0].entries[0].marks] == ["one--idx-2", "two--idx-1"]


@pytest.mark.parametrize(("text", "message"), [
    ("title: '[[T]]'\nbody: [x]\n", "title: index marks [[…]] are not allowed here"),
    ("title: T\nbody: ['a [[|b]]']\n", "'[[|b]]' is not an index mark"),
    ("title: T\nbody: ['a [[b|c!d!e]]']\n", "'[[b|c!d!e]]' is not an index mark"),
    ("title: T\nbody: ['a[^n]']\nnotes:\n  n: 'a [[b]]'\n", "notes.n: index marks [[…]] are not allowed in notes"),
])  # fmt: skip
def test_a_malformed_or_misplaced_mark_is_an_error(tmp_path, text, message):
    source = tmp_path / "a.yaml"
    source.write_text(text, encoding="utf-8")
    report = Report()
    assert load_document(source, tmp_path, report) is None
    assert any(message in d.message for d in report.errors), [d.message for d in report.errors]


SEE_ARTICLE = """title: Cold War terms
language: en
index-see:
  USSR: Soviet Union
  Soviet Union: [Cold War, Warsaw Pact]
body:
  - The [[Soviet Union]] and the [[Warsaw Pact]] shaped the [[Cold War]].
  - Later the [[Soviet Union]] changed.
"""


@pytest.fixture(scope="session")
def see_build(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("see")
    (folder / "see.yaml").write_text(SEE_ARTICLE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        from octavo.cli.main import main

        assert main(["build", "see.yaml", "--format", "pdf,epub", "--out", str(folder / "out")]) == 0
    return folder


def test_see_references_in_the_index(see_build):
    """`index-see`: "USSR, see Soviet Union" (not marked itself); "Soviet Union …; see also Cold War; Warsaw Pact"."""
    index = build_index(load(see_build / "see.yaml"))
    assert entries(index) == ["Cold War", "Soviet Union", "USSR", "Warsaw Pact"]
    by_heading = {entry.heading: entry for group in index for entry in group.entries}
    assert [t.heading for t in by_heading["USSR"].see] == ["Soviet Union"] and not by_heading["USSR"].see_also
    assert [t.heading for t in by_heading["Soviet Union"].see] == ["Cold War", "Warsaw Pact"]
    assert by_heading["Soviet Union"].see_also
    reader = PdfReader(see_build / "out" / "see.pdf")
    text = squash(reader.pages[-1].extract_text())
    assert squash("USSR, see Soviet Union") in text
    assert squash("Soviet Union 1; see also Cold War; Warsaw Pact") in text
    # Each name after "see" links to its entry, which the PDF has as a named destination on the index page.
    targets = {str(a.get_object().get("/Dest")) for a in reader.pages[-1].get("/Annots", [])}
    assert {"index-entry-soviet-union", "index-entry-cold-war", "index-entry-warsaw-pact"} <= targets
    page_of = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    assert page_of["index-entry-soviet-union"] == len(reader.pages) - 1


def test_see_references_in_the_epub(see_build):
    files = epub_files(see_build / "out" / "see.epub")
    index = ET.fromstring(next(data for name, data in files.items() if name.endswith("index.xhtml")))
    ids = {e.get("id") for e in index.iter() if e.get("id")}
    see = [a.get("href") for span in index.iter(f"{XHTML}span") if span.get("class") == "index-see"
           for a in span.iter(f"{XHTML}a")]  # fmt: skip
    assert see == ["#index-entry-cold-war", "#index-entry-warsaw-pact", "#index-entry-soviet-union"]
    assert all(href[1:] in ids for href in see)


@pytest.mark.parametrize(("see", "message"), [
    ("  USSR: Soviet Unoin\n",
     "index-see.USSR: 'Soviet Unoin' is not a heading of the index (did you mean 'Soviet Union'?)"),
    ("  Soviet Union: Soviet Union\n", "index-see.Soviet Union: a heading cannot refer to itself"),
    ("  USSR: []\n", "index-see.USSR: expected an index heading and the heading, or list of headings, it refers to"),
])  # fmt: skip
def test_a_see_reference_to_no_heading_is_an_error(tmp_path, see, message):
    source = tmp_path / "a.yaml"
    source.write_text(f"title: T\nbody: ['The [[Soviet Union]].']\nindex-see:\n{see}", encoding="utf-8")
    report = Report()
    assert load_document(source, tmp_path, report) is None
    assert [d.message for d in report.errors] == [message]
    assert report.errors[0].line == 4


def test_a_book_may_refer_to_headings_of_any_article(tmp_path):
    (tmp_path / "one.yaml").write_text("title: one\nbody: ['[[Apfel]]']\n", encoding="utf-8")
    (tmp_path / "two.yaml").write_text("title: two\nbody: ['[[Zebra]]']\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text("title: B\narticles: [one.yaml, two.yaml]\nindex-see:\n  Obst: [Apfel]\n"
                                        "  Pferd: Zebra\n", encoding="utf-8")  # fmt: skip
    book = load_document(tmp_path / "book.yaml", tmp_path, Report())
    assert book is not None
    assert entries(build_index(book)) == ["Apfel", "Obst", "Pferd", "Zebra"]
