"""A book laid out in pieces, in parallel, gives the PDF it would get laid out whole: same pages, same text on
each, same contents numbers, outline, links, named destinations and structure tree."""

from __future__ import annotations

import dataclasses
import functools
import logging
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest
import yaml

from octavo.core.diagnostics import Report
from octavo.core.options import BuildOptions
from octavo.pdf import prepress
from octavo.pdf import writer as pdf
from octavo.pdf.pieces import split_book, splittable
from octavo.source.load import load_document
from tests import pdfx
from tests.conftest import FIXTURES, PROJECT, build_into, need
from tests.test_prepress import BLEED

EPOCH = 1700000000
FILLER = ("The council met in the long hall above the market, as it had every spring since the town received "
          "its charter, and the minutes record who came, who spoke and what was decided. ")  # fmt: skip


def chapter(number: int) -> dict:
    """A chapter a few pages long: notes, a figure referred to with its page, index marks, a table."""
    sections = []
    for section in range(1, 5):
        body: list = [f"Section {section} of chapter {number} names the [[Council]] and the [[Market|Town!Market]]. "
                      + FILLER * 6 + f"[^n{section}]"]  # fmt: skip
        if section == 1:
            body.append(f"The map is [#map-{number} page], and the table [#prices-{number} page].")
        body += [FILLER * 5, FILLER * 4]
        if section == 2:
            body.insert(1, {"figure": {"id": f"map-{number}", "caption": f"A map, chapter {number}.", "alt": "A map."}})
        if section == 3:
            body.append({"table": {"id": f"prices-{number}", "caption": "Prices.", "header": ["Item", "Price"],
                                   "rows": [["Bread", "1.20"], ["Salt", "0.40"]]}})  # fmt: skip
        sections.append({"title": f"Part {section}", "body": body})
    notes = {f"n{s}": f"Note {s} of chapter {number}, on the council. " + FILLER for s in range(1, 5)}
    return {"title": f"Chapter {number}", "language": "en", "sections": sections, "notes": notes}


@pytest.fixture(scope="session")
def generated_book(tmp_path_factory) -> Path:
    """A book of five chapters (about 30 pages), written to a folder inside the project's tests."""
    folder = tmp_path_factory.mktemp("parallel-book")
    chapters = []
    for number in range(1, 6):
        (folder / f"c{number}.yaml").write_text(yaml.safe_dump(chapter(number), allow_unicode=True))
        chapters.append(f"c{number}.yaml")
    book = {"title": "A Generated Book", "language": "en", "authors": ["Ada Editor"], "articles": chapters}
    (folder / "book.yaml").write_text(yaml.safe_dump(book))
    return folder / "book.yaml"


@pytest.fixture(scope="session")
def indexed_article(tmp_path_factory) -> Path:
    """An article with a contents list and an index long enough to have left-hand pages."""
    folder = tmp_path_factory.mktemp("indexed-article")
    words = ["Almond", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Juniper", "Larch"]
    sections = []
    for section in range(1, 7):
        marks = " ".join(f"[[{word} {section}{n}]]" for n, word in enumerate(words))
        sections.append({"title": f"Part {section}", "body": [marks + ". " + FILLER * 8, FILLER * 6]})
    article = {"title": "An Indexed Article", "language": "en", "sections": sections}
    (folder / "indexed.yaml").write_text(yaml.safe_dump(article))
    return folder / "indexed.yaml"


@contextmanager
def layouts(read: Callable[[logging.LogRecord], Any] = lambda record: (record.pieces, record.jobs)) -> Iterator[list]:
    """What `read` takes from each of octavo.pdf.bookpdf's log records while the block runs, one per PDF laid out:
    by default (pieces, jobs) ((0, 1): laid out whole after all); nothing for a PDF that never tried pieces."""
    found: list = []
    logger = logging.getLogger("octavo.pdf.bookpdf")
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: found.append(read(record))  # type: ignore[method-assign]
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield found
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@dataclass(frozen=True)
class Pair:
    """A book's PDF laid out whole and in pieces, and how the second was really laid out: (pieces, jobs)."""

    whole: bytes
    pieces: bytes
    laid: list[tuple[int, int]]


def whole_and_pieces(source: Path, root: Path, out: Path, print_ready: bool = False) -> Pair:
    """The book's PDF laid out whole (one WeasyPrint layout) and in pieces (in two processes); print-ready:
    PDF/X-4 with bleed and crop marks, as `--print-ready --marks crop` makes it."""
    report = Report()
    publication = load_document(source, root, report)
    assert not report.errors, report.items
    options = BuildOptions(out=out, root=root, source_date_epoch=EPOCH, layout_jobs=2)
    if print_ready:
        options = dataclasses.replace(options, pdf_variant=prepress.PRINT_VARIANT)
        document = pdf.print_html(publication, options)
        document = prepress.with_stylesheets(document, ["duplex.css", "print-ready.css", "crop-marks.css"])
        document = prepress.with_output_intent(document, None)
    else:
        document = pdf.print_html(publication, options)
    assert document.book or 'class="index-pages"' in document.html
    with layouts() as laid:
        whole, _ = pdf.render_pdf(dataclasses.replace(document, pieces=False), options)
    assert laid == [], "laid out whole, the PDF should never have been cut"
    with layouts() as laid:
        pieces, _ = pdf.render_pdf(document, options)
    return Pair(whole, pieces, laid)


# How each case must be cut, and laid out with how many jobs (--jobs 2 for a book; an article's index waits on
# the article). The generated book: its front matter, five chapters, the notes, the index; the reader: front
# matter, two articles, notes, index; the apparatus fixture: front matter, seven chapters, references, notes,
# index; the indexed article: the article, then its index. Laid out whole after all, a case records (0, 1).
PIECES = {"generated": (8, 2), "reader": (5, 2), "apparatus": (11, 2), "indexed-article": (2, 1), "print-ready": (5, 2)}


@pytest.fixture(scope="session")
def pairs(tmp_path_factory, generated_book, indexed_article) -> dict[str, Pair]:
    """Each book laid out whole and in pieces, once per test run."""
    made = {}
    cases = {
        "generated": (generated_book, generated_book.parent),
        "reader": (PROJECT / "content" / "reader.yaml", PROJECT),
        "apparatus": (FIXTURES / "book_apparatus.yaml", PROJECT),
        "indexed-article": (indexed_article, indexed_article.parent),
    }
    for name, (source, root) in cases.items():
        made[name] = whole_and_pieces(source, root, tmp_path_factory.mktemp(name))
    reader = PROJECT / "content" / "reader.yaml"
    made["print-ready"] = whole_and_pieces(reader, PROJECT, tmp_path_factory.mktemp("print-ready"), print_ready=True)
    return made


@functools.cache  # several tests read the same PDF: it is read once (the tests only compare what it holds)
def summary(data: bytes) -> dict[str, object]:
    """What a reader sees of a PDF: pages and their text, outline, links, named destinations, structure."""
    reader = pypdf.PdfReader(_stream(data))
    names = reader.named_destinations

    def outline(items, level=0) -> list:
        found = []
        for item in items:
            if isinstance(item, list):
                found += outline(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))
        return found

    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            target = str(annotation.get("/Dest"))
            landing = reader.get_destination_page_number(names[target]) if target in names else None
            uri = annotation["/A"].get("/URI") if "/A" in annotation else None
            rect = tuple(round(float(v), 1) for v in annotation["/Rect"])
            links.append((number, rect, target, landing, uri, str(annotation.get("/Contents"))))
    with pikepdf.open(_stream(data)) as document:
        roles = []

        def walk(element, depth: int) -> None:
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                roles.append((depth, str(element.S), str(element.get("/Lang", ""))))
                kids = element.get("/K")
                for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                    walk(kid, depth + 1)

        for kid in document.Root.StructTreeRoot.K:
            walk(kid, 0)
        catalog = {key: str(document.Root.get(key)) for key in ("/Lang", "/MarkInfo", "/ViewerPreferences")}
        catalog["intents"] = str([str(intent.get("/OutputConditionIdentifier")) for intent in
                                  document.Root.get("/OutputIntents", [])])  # fmt: skip
        info = {key: str(value) for key, value in document.docinfo.items()}
    return {
        "pages": len(reader.pages),
        "text": [page.extract_text() for page in reader.pages],
        "boxes": [_boxes(page) for page in reader.pages],
        "drawn": [_drawn(page) for page in reader.pages],
        "outline": outline(reader.outline),
        "links": links,
        "names": sorted((name, reader.get_destination_page_number(d)) for name, d in names.items()),
        "roles": roles,
        "catalog": catalog,
        "info": info,
    }


def _boxes(page) -> tuple:
    """A page's media, trim and bleed boxes (None where it has none)."""
    return tuple(tuple(page[box]) if box in page else None for box in ("/MediaBox", "/TrimBox", "/BleedBox"))


def _drawn(page) -> bool:
    """Whether anything is drawn on the page (a blank page of a print-ready PDF has its crop marks)."""
    contents = page.get_contents()
    return contents is not None and len(contents.get_data()) > 0


def _stream(data: bytes):
    import io

    return io.BytesIO(data)


@pytest.mark.parametrize("name", ["generated", "reader", "apparatus", "indexed-article", "print-ready"])
def test_pieces_give_the_pdf_laid_out_whole(pairs, name):
    assert pairs[name].laid == [PIECES[name]], f"{name}: not laid out in the pieces expected"
    whole, pieces = summary(pairs[name].whole), summary(pairs[name].pieces)
    for key in whole:
        assert pieces[key] == whole[key], f"{name}: the {key} differ"


def test_the_generated_book_is_long_enough_to_test_page_numbers(pairs):
    whole = summary(pairs["generated"].whole)
    assert whole["pages"] >= 25
    # Numbers that only a book laid out with the right offsets shows: folios, "on page N", back-links, index.
    assert any(text.rstrip().endswith(str(whole["pages"] - 1)) for text in whole["text"])
    assert sum(1 for link in whole["links"] if link[3] is not None and link[3] > 10) > 20


def test_an_article_with_an_index_is_cut_before_it(pairs):
    """The index laid out on its own: its left-hand pages still carry the article's title."""
    whole = summary(pairs["indexed-article"].whole)
    index_pages = [number for number, text in enumerate(whole["text"]) if "Almond 1" in text and "Birch 1" in text]
    assert len(index_pages) >= 2, "the index should fill more than one page"
    assert any("An Indexed Article" in whole["text"][number] for number in index_pages if number % 2 == 1)


def test_jobs_one_and_two_give_the_same_bytes_and_verbose_says_how(tmp_path_factory, generated_book, capsys):
    """Reproducible: the same book, built with one layout process or two, is the same file. --verbose says how
    the book was laid out; without it nothing is said."""
    out = tmp_path_factory.mktemp("same-bytes")
    built = []
    for jobs, verbose in (("1", ()), ("2", ("--verbose",))):
        with layouts() as laid:
            build_into(out, str(generated_book), "--format", "pdf", "--jobs", jobs, "--force", *verbose)
        assert laid == [(PIECES["generated"][0], int(jobs))]
        said = [line for line in capsys.readouterr().err.splitlines() if "laid out" in line]
        assert said == ([f"octavo: book: laid out in {PIECES['generated'][0]} pieces, 2 jobs"] if verbose else [])
        built.append((out / "book.pdf").read_bytes())
    assert built[0] == built[1]


def test_one_job_lays_out_in_a_forked_process_or_else_here_with_the_same_bytes(tmp_path, generated_book,
                                                                                 monkeypatch):  # fmt: skip
    """With one job the pieces are laid out in a forked process (the build's own heap stays small for the
    join); where processes cannot be forked, in the build's own process, giving the same file."""
    import multiprocessing

    from octavo.pdf.piecework import PieceWorker

    report = Report()
    publication = load_document(generated_book, generated_book.parent, report)
    options = BuildOptions(out=tmp_path, root=generated_book.parent, source_date_epoch=EPOCH, layout_jobs=1)
    document = pdf.print_html(publication, options)
    laid_here: list[int] = []  # a forked process's layouts are not counted here
    real = PieceWorker.lay_out

    def lay_out(self, index, *args, **kwargs):
        laid_here.append(index)
        return real(self, index, *args, **kwargs)

    monkeypatch.setattr(PieceWorker, "lay_out", lay_out)
    with layouts() as laid:
        forked, _ = pdf.render_pdf(document, options)
    assert laid == [(PIECES["generated"][0], 1)] and laid_here == []
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    with layouts() as laid:
        here, _ = pdf.render_pdf(document, options)
    assert laid == [(PIECES["generated"][0], 1)]
    assert sorted(set(laid_here)) == list(range(PIECES["generated"][0])) and here == forked


def test_the_print_ready_book_passes_a_pdf_x_4_preflight_laid_out_whole_and_in_pieces(pairs):
    """The join keeps what a print service checks: boxes and bleed, embedded fonts, the output intent, trapping."""
    for data in (pairs["print-ready"].whole, pairs["print-ready"].pieces):
        assert pdfx.problems(data, "pdf/x-4", bleed=BLEED) == []


def test_the_joined_pdf_passes_qpdf(pairs, tmp_path):
    need("qpdf", shutil.which("qpdf"), "apt-get install qpdf")
    for name, pair in pairs.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pair.pieces)
        run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert run.returncode == 0, f"{name}: {run.stdout[-500:]} {run.stderr[-500:]}"


def test_the_book_is_cut_at_its_chapters():
    html = (
        "<!DOCTYPE html><html lang=en><head><title>B</title></head><body class=book>"
        "<div class=title>B</div><nav class=toc><a href='#c1'>One</a></nav>"
        "<main><article id=c1>One <a href='#n1'>1</a></article><article id=c2>Two</article></main>"
        "<section id=notes><p id=n1>Note</p></section></body></html>"
    )
    pieces = split_book(html)
    assert [piece.name for piece in pieces] == ["front", "chapter 1", "chapter 2", "notes"]
    assert pieces[0].links == {"c1"} and pieces[1].links == {"n1"}
    chapter = pieces[1].tree.find("body/main/article")
    assert chapter.get("id") == "c1" and pieces[1].tree.find("head/title").text == "B"
    assert split_book("<html><body><main><p>no chapters</p></main></body></html>") is None


@pytest.mark.parametrize("css", [
    "@page { @bottom-center { content: counter(page) ' of ' counter(pages) } }",
    "a::after { content: target-counter(url(#x), page) }",
    "a::after { content: target-text(attr(href)) }",
    "@page :nth(3) { margin: 1in }",
    "p::before { content: counter(page) }",
])  # fmt: skip
def test_stylesheets_that_need_the_whole_book_keep_it_whole(css):
    assert not splittable([css])


def test_the_themes_own_stylesheets_allow_pieces():
    sheets = [path.read_text() for path in (PROJECT / "styles").glob("*.css")]
    assert splittable(sheets)
    assert splittable(["@page :nth(1 of chapter) { margin: 0 } @page { @bottom-center { content: counter(page) } }"])
