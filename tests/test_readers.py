"""The EPUBs as their readers see them: DAISY Ace, EPUBCheck's usage report, pandoc, Chromium at phone width."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from octavo.core.diagnostics import Report
from octavo.core.model import Paragraph, articles_of, iter_blocks
from octavo.source.load import load_document

from .conftest import (
    FORMULA,
    PROJECT,
    READER_INPUTS,
    as_read,
    epub_files,
    epubcheck_messages,
    need,
    node_tool,
    pandoc,
    squash,
)

EPUBS = list(READER_INPUTS)
PHONE = (360, 640)  # CSS pixels of a small phone, held upright
WHITE = "rgb(255, 255, 255)"


# -- DAISY Ace ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ace(reader_epubs) -> dict[str, list[dict]]:
    """Ace's failed assertions for every EPUB, from one run of tools/ace.js."""
    return {Path(r["epub"]).stem: r["violations"] for r in node_tool("ace.js", *map(str, reader_epubs.values()))}


@pytest.mark.parametrize("name", EPUBS)
def test_ace_finds_no_violation_of_any_impact(name, ace):
    assert [f"{v['impact']} {v['rule']} in {v['document']} {v['where']}" for v in ace[name]] == []


# -- EPUBCheck, usage included --------------------------------------------------------------


@pytest.fixture(scope="session")
def epubcheck(reader_epubs) -> dict[str, tuple[str, ...]]:
    """EPUBCheck on every EPUB: one after the other in the run's JVM, or two at a time where each is a JVM."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(reader_epubs, pool.map(epubcheck_messages, reader_epubs.values()), strict=True))


@pytest.mark.parametrize("name", EPUBS)
def test_epubcheck_reports_nothing_not_even_a_deprecated_term(name, epubcheck):
    assert epubcheck[name] == ()


# -- pandoc reading the EPUB ----------------------------------------------------------------


def in_order(text: str, pieces: list[str]) -> list[str]:
    """The pieces that are not found in `text` in the given order."""
    missing, position = [], 0
    for piece in pieces:
        found = text.find(squash(piece), position)
        if found < 0:
            missing.append(piece)
        else:
            position = found
    return missing


@pytest.mark.parametrize("name", EPUBS)
def test_pandoc_keeps_every_paragraph_and_every_note(name, reader_epubs):
    need("pandoc", pandoc(), "pip install pypandoc-binary")
    run = subprocess.run([str(pandoc()), str(reader_epubs[name]), "-t", "plain", "--wrap=none"],
                         capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
    # pandoc reads pop-up footnotes as notes, and writes their references as "[1]": the number is kept. It counts
    # each document's copy of a note as a note of its own: the note's text starts with its number as printed.
    printed = dict(re.findall(r"^\[(\d+)\] (\d+) ", run.stdout, re.MULTILINE))
    text = squash(re.sub(r"\[(\d+)\]", lambda mark: printed.get(mark[1], mark[1]), run.stdout))
    publication = load_document(READER_INPUTS[name], PROJECT, Report())
    assert publication is not None
    articles = articles_of(publication)
    # pandoc writes a formula in its own way: the words around each formula are compared.
    paragraphs = [words for a in articles for b in iter_blocks(a) if isinstance(b, Paragraph)
                  for words in as_read(b.text).split(FORMULA) if squash(words)]  # fmt: skip
    notes = [words for a in articles for n in (*a.notes, *a.footnotes)
             for words in as_read(n.text).split(FORMULA) if squash(words)]  # fmt: skip
    assert in_order(text, paragraphs) == []
    assert in_order(text, notes) == []


# -- Chromium at phone width, light and dark ------------------------------------------------


@pytest.fixture(scope="session")
def phone(reader_epubs, tmp_path_factory) -> dict[str, dict[str, list[dict]]]:
    """Every content document measured at 360 × 640 and at 640 × 360: one run of tools/phone.js for each."""
    unpacked = tmp_path_factory.mktemp("unpacked")
    for name, epub in reader_epubs.items():
        with zipfile.ZipFile(epub) as archive:
            archive.extractall(unpacked / name)
    dirs = [str(unpacked / name) for name in reader_epubs]
    found: dict[str, dict[str, list[dict]]] = {name: {} for name in reader_epubs}
    orientations = {"upright": PHONE, "sideways": PHONE[::-1]}

    def measure(size: tuple[int, int]) -> list[dict]:
        return node_tool("phone.js", "--width", str(size[0]), "--height", str(size[1]), *dirs)

    # The two orientations in two browsers at once: each waits on its pages' loading as much as it computes.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for orientation, documents in zip(orientations, pool.map(measure, orientations.values()), strict=True):
            for document in documents:
                found[Path(document["epub"]).name].setdefault(orientation, []).append(document)
    return found


@pytest.mark.parametrize("name", EPUBS)
def test_no_document_is_wider_than_a_phone(name, phone):
    for document in phone[name]["upright"]:
        assert document["contentWidth"] <= document["pageWidth"], (document["document"], document["culprits"])


@pytest.mark.parametrize("orientation", ["upright", "sideways"])
def test_placeholders_take_at_most_60_percent_of_the_screen_in_the_readers_type(orientation, phone):
    seen = 0
    for document in (d for documents in phone.values() for d in documents[orientation]):
        for box in document["placeholders"]:
            seen += 1
            assert box["height"] <= 0.6 * document["pageHeight"] + 1, document["document"]
            assert box["right"] <= document["pageWidth"] + 1, document["document"]
        for text in document["placeholderTexts"]:
            assert (text["fontSize"], text["fontFamily"]) == (document["body"]["fontSize"],
                                                              document["body"]["fontFamily"])  # fmt: skip
    assert seen >= 5


@pytest.mark.parametrize("orientation", ["upright", "sideways"])
def test_the_whole_cover_shows_in_either_orientation(orientation, phone):
    for documents in phone.values():
        (cover,) = [d for d in documents[orientation] if d["document"].endswith("cover.xhtml")]
        (image,) = cover["covers"]
        assert image["width"] > 0.5 * min(cover["pageWidth"], cover["pageHeight"])
        assert image["right"] <= cover["pageWidth"] + 1 and image["bottom"] <= cover["pageHeight"] + 1


def test_a_dark_theme_keeps_rules_line_art_and_placeholders_visible(phone):
    documents = [d["dark"] for documents in phone.values() for d in documents["upright"]]
    tables = [t for d in documents for t in d["tables"]]
    placeholders = [p for d in documents for p in d["placeholders"]]
    images = [i for d in documents for i in d["images"]]
    assert tables and placeholders and images
    assert all(t["borderColor"] == t["color"] for t in tables)  # rules in the reader's text colour
    assert all(p["borderColor"] == p["color"] != "rgb(0, 0, 0)" for p in placeholders)  # no light panel
    assert all(i["background"] == WHITE for i in images)  # a light ground under transparent line art


# -- stylesheets that every reading system parses -------------------------------------------


def test_stylesheets_declare_the_epub_namespace_and_hide_what_is_hidden(reader_epubs):
    import tinycss2

    for name, path in reader_epubs.items():
        for sheet, data in epub_files(path).items():
            if not sheet.endswith(".css"):
                continue
            rules = tinycss2.parse_stylesheet(data.decode("utf-8"), skip_comments=True, skip_whitespace=True)
            css = data.decode("utf-8")
            if "epub|" in css:  # calibre drops such rules, or the whole sheet, without the declaration
                assert any(r.type == "at-rule" and r.lower_at_keyword == "namespace" for r in rules), (name, sheet)
    css = (PROJECT / "styles" / "epub.css").read_text(encoding="utf-8")
    # Readers without HTML5 defaults: captions as blocks, and the hidden landmarks hidden.
    assert re.search(r"figure,\s*figcaption[^{]*\{[^}]*display:\s*block", css)
    assert re.search(r"\[hidden\][^{]*\{[^}]*display:\s*none", css)


# -- calibre converting the EPUB ------------------------------------------------------------


@pytest.fixture(scope="session")
def calibre(reader_epubs, tmp_path_factory) -> dict[str, tuple[str, str]]:
    """calibre's plain-text conversion of every EPUB, with what it logged: two conversions at a time."""
    need("calibre", shutil.which("ebook-convert"), "apt-get install calibre")
    out = tmp_path_factory.mktemp("calibre")

    def convert(name: str) -> tuple[str, str]:
        run = subprocess.run(["ebook-convert", str(reader_epubs[name]), str(out / f"{name}.txt")],
                             capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
        return run.stdout + run.stderr, (out / f"{name}.txt").read_text(encoding="utf-8")

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(reader_epubs, pool.map(convert, reader_epubs), strict=True))


def css_messages(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.startswith(("CSS", "Selector", "Property"))]


@pytest.mark.parametrize("name", EPUBS)
def test_calibre_reads_every_selector_and_shows_no_landmarks(name, calibre, reader_epubs):
    log, text = calibre[name]
    assert [m for m in css_messages(log) if "Selector" in m or "namespace" in m.lower()] == []
    nav = ET.fromstring(epub_files(reader_epubs[name])["EPUB/nav.xhtml"])
    heading = "".join(nav.find(".//x:nav[@id='landmarks']/x:h2", {"x": "http://www.w3.org/1999/xhtml"}).itertext())
    assert heading not in text  # the hidden landmarks stay hidden in the conversion


def test_calibre_finds_no_css_error_at_all(calibre):
    assert {name: css_messages(log) for name, (log, _text) in calibre.items() if css_messages(log)} == {}


def test_epubcheck_reports_a_broken_epub_and_carries_nothing_over_to_the_next(reader_epubs, tmp_path):
    """The checks above may share one JVM: a broken file must still fail, and the next clean one still pass."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(reader_epubs["khrushchev"]) as source, zipfile.ZipFile(broken, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            out.writestr(name, data.replace(b"</body>", b'<p><a href="missing.xhtml">x</a></p></body>')
                         if name.endswith("title.xhtml") else data)  # fmt: skip
    clean = tmp_path / "clean.epub"
    clean.write_bytes(reader_epubs["khrushchev"].read_bytes())
    assert [m for m in epubcheck_messages(broken) if "missing.xhtml" in m]
    assert epubcheck_messages(clean) == ()
