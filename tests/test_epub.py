"""The EPUB read back: EPUBCheck, XHTML parsed as XML, nav, notes both ways, metadata, package."""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from octavo.build.output import write_all
from octavo.build.pipeline import build_publication
from octavo.core.diagnostics import Report
from octavo.core.model import Paragraph, iter_sections
from octavo.core.options import BuildOptions
from octavo.source.load import load_article

from .conftest import FIXTURES, PROJECT, SAMPLE, as_read, epub_files, epubcheck_messages, squash

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}  # fmt: skip
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
FIXTURE_ARTICLES = ["all_blocks.yaml", "russian.yaml", "images.yaml", "raw_html.yaml", "norwegian.yaml"]


def build(path: Path, out: Path, root: Path = PROJECT, expect_warnings: int = 0):
    """Load and build one article's EPUB; the only warnings allowed are missing images and alt texts."""
    report = Report()
    article = load_article(path, root, report)
    assert article is not None and report.errors == []
    assert len([w for w in report.warnings if "does not exist" not in w.message]) == expect_warnings
    written, problems = build_publication(article, BuildOptions(out=out, root=root, formats=("epub",),
                                                            source_date_epoch=1700000000))  # fmt: skip
    assert problems.items == []
    write_all([(file.path, file.data) for file in written])  # the runner's job: an input's files all at once
    return article, written[0].path


def check_messages(path: Path) -> list[str]:
    return list(epubcheck_messages(path))  # usage messages too: a deprecated epub:type fails


def xml(files: dict[str, bytes], name: str) -> ET.Element:
    return ET.fromstring(files[f"EPUB/{name}"])


def test_the_sample_passes_epubcheck_with_no_errors_and_no_warnings(sample_build):
    assert check_messages(sample_build / "khrushchev.epub") == []


@pytest.mark.parametrize("fixture", FIXTURE_ARTICLES)
def test_every_fixture_passes_epubcheck(fixture, reader_epubs):
    assert check_messages(reader_epubs[Path(fixture).stem]) == []


@pytest.mark.parametrize("fixture", ["khrushchev", *FIXTURE_ARTICLES])
def test_every_xhtml_file_parses_as_xml(fixture, tmp_path, sample_build):
    epub = sample_build / "khrushchev.epub" if fixture == "khrushchev" else build(FIXTURES / fixture, tmp_path)[1]
    files = epub_files(epub)
    documents = [n for n in files if n.endswith((".xhtml", ".opf", ".ncx", ".svg"))]
    assert len(documents) >= 5
    for name in documents:
        ET.fromstring(files[name])  # raises on malformed XML


@pytest.fixture(scope="module")
def sample(sample_build):
    return load_article(SAMPLE, PROJECT, Report()), epub_files(sample_build / "khrushchev.epub")


def test_nav_lists_every_section_with_landmarks(sample):
    article, files = sample
    nav = xml(files, "nav.xhtml")
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    hrefs = [a.get("href") for a in toc.iterfind(".//x:a", NS)]
    expected = [f"section-{number}.xhtml#{s.id}" for number, top in enumerate(article.sections, start=1)
                for s in iter_sections((top,))]  # fmt: skip
    assert [h for h in hrefs if h in expected] == expected
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    assert [a.get(EPUB_TYPE) for a in landmarks.iterfind(".//x:a", NS)] == [
        "cover", "toc", "bodymatter", "endnotes", "index"]  # fmt: skip
    ncx_targets = [c.get("src") for c in xml(files, "toc.ncx").iterfind(".//ncx:content", NS)]
    assert all(h in ncx_targets for h in expected)


def test_one_document_per_top_level_section(sample):
    article, files = sample
    for index, section in enumerate(article.sections, start=1):
        doc = xml(files, f"section-{index}.xhtml")
        assert doc.find(f".//x:section[@id='{section.id}']", NS) is not None


def ids_in(files: dict[str, bytes], name: str) -> set[str]:
    return {e.get("id") for e in xml(files, name).iter() if e.get("id")}


def test_every_noteref_resolves_to_an_endnote_and_back(sample):
    article, files = sample
    notes = xml(files, "notes.xhtml")
    endnotes = {li.get("id"): li for li in notes.iterfind(".//x:ol[@class='endnotes']/x:li", NS)}
    assert len(endnotes) == len(article.notes) == 7
    refs_seen = 0
    for name in [n for n in files if n.endswith(".xhtml") and n != "EPUB/notes.xhtml"]:
        for a in ET.fromstring(files[name]).iterfind(".//x:a", NS):
            if a.get(EPUB_TYPE) != "noteref":
                continue
            refs_seen += 1
            assert a.get("role") == "doc-noteref"
            target_file, anchor = a.get("href").split("#")
            assert target_file == "notes.xhtml" and anchor in endnotes
            backlinks = [b.get("href") for b in endnotes[anchor].iterfind(".//x:a[@role='doc-backlink']", NS)]
            assert f"{Path(name).name}#{a.get('id')}" in backlinks
    assert refs_seen == sum(len(n.refs) for n in article.notes)


def test_spine_documents_contain_every_paragraph_in_order(sample):
    article, files = sample
    opf = xml(files, "content.opf")
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", NS)}
    spine = [manifest[r.get("idref")] for r in opf.iterfind(".//opf:itemref", NS)]
    assert spine[0] == "cover.xhtml" and spine[-2:] == ["notes.xhtml", "index.xhtml"]  # the sample has an index
    text = squash("".join("".join(xml(files, name).itertext()) for name in spine))
    position = 0
    blocks = list(article.body) + [b for s in iter_sections(article.sections) for b in s.blocks]
    for paragraph in [b for b in blocks if isinstance(b, Paragraph)]:
        found = text.find(squash(as_read(paragraph.text)), position)
        assert found >= 0
        position = found


def metadata(files: dict[str, bytes]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for element in xml(files, "content.opf").find("opf:metadata", NS):
        key = element.get("property") or element.tag.split("}")[-1]
        found.setdefault(key, []).append(element.text or "")
    return found


def test_metadata_is_complete_and_stable(sample, tmp_path):
    _, files = sample
    meta = metadata(files)
    assert meta["title"] == ["Why was Nikita Khrushchev deposed as the leader of the USSR"]
    assert meta["publisher"] == ["DailyHistory.org"] and meta["date"] == ["2020-11-20"]
    assert meta["identifier"][0].startswith("urn:uuid:")
    assert meta["dcterms:modified"] == ["2023-11-14T22:13:20Z"]  # from SOURCE_DATE_EPOCH
    assert "visual" in meta["schema:accessMode"]
    assert "alternativeText" in meta["schema:accessibilityFeature"]


def test_accessibility_metadata_follows_the_content(tmp_path):
    source = (FIXTURES / "images.yaml").read_text(encoding="utf-8")
    without_alt = tmp_path / "images.yaml"
    without_alt.write_text(source.replace("      alt: A red triangle\n", ""), encoding="utf-8")
    shutil.copytree(FIXTURES / "images", tmp_path / "images")
    _, with_alt_epub = build(FIXTURES / "images.yaml", tmp_path / "a")
    _, without_alt_epub = build(without_alt, tmp_path / "b", root=tmp_path, expect_warnings=1)
    with_alt = metadata(epub_files(with_alt_epub))["schema:accessibilityFeature"]
    without = metadata(epub_files(without_alt_epub))["schema:accessibilityFeature"]
    assert "alternativeText" in with_alt and "alternativeText" not in without


def test_images_placeholders_and_cover_in_the_manifest(tmp_path):
    _, epub = build(FIXTURES / "images.yaml", tmp_path)
    files = epub_files(epub)
    items = {i.get("href"): i for i in xml(files, "content.opf").iterfind(".//opf:item", NS)}
    assert items["images/figure-1.jpg"].get("media-type") == "image/jpeg"
    assert items["images/figure-2.png"].get("media-type") == "image/png"
    assert items["images/figure-3.svg"].get("media-type") == "image/svg+xml"
    assert items["images/cover.png"].get("properties") == "cover-image"
    assert items["nav.xhtml"].get("properties") == "nav"
    # A placeholder is HTML in the text (its words in the reader's type), so no image stands for it.
    assert not [name for name in items if "placeholder" in name]
    assert items["title.xhtml"].get("properties") == "svg"  # the placeholder's small mark is inline SVG
    title = xml(files, "title.xhtml")
    (box,) = title.iterfind(".//x:figure[@id='figure-4']//x:div[@role='img']", NS)
    assert box.get("aria-label") == "The picture the author has not supplied yet"
    assert "images/not-yet.jpg" in "".join(box.itertext())
    with Image.open(io.BytesIO(files["EPUB/images/cover.png"])) as cover:
        assert cover.size[0] >= 1600 and cover.size[1] >= 2400


def test_large_images_are_scaled_down(tmp_path):
    Image.new("RGB", (4000, 1000), (10, 20, 30)).save(tmp_path / "wide.jpg")
    (tmp_path / "big.yaml").write_text("title: Big\nbody:\n  - figure:\n      image: wide.jpg\n"
                                       "      alt: A dark band\n", encoding="utf-8")  # fmt: skip
    _, epub = build(tmp_path / "big.yaml", tmp_path / "out", root=tmp_path)
    with Image.open(io.BytesIO(epub_files(epub)["EPUB/images/figure-1.jpg"])) as image:
        assert image.size == (1600, 400)  # epub-image-max


def test_package_is_reproducible_with_mimetype_first_and_stored(tmp_path):
    _, first = build(FIXTURES / "all_blocks.yaml", tmp_path / "one")
    _, second = build(FIXTURES / "all_blocks.yaml", tmp_path / "two")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        info = archive.infolist()[0]
        assert info.filename == "mimetype" and info.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"


def test_russian_verse_keeps_its_lines_and_language(tmp_path):
    _, epub = build(FIXTURES / "russian.yaml", tmp_path)
    files = epub_files(epub)
    doc = xml(files, "section-1.xhtml")
    assert doc.get("lang") == "ru"
    stanzas = doc.findall(".//x:p[@class='stanza']", NS)
    assert [len(s.findall("x:span[@class='line']", NS)) for s in stanzas] == [4, 4]
    assert metadata(files)["language"] == ["ru"]


def test_the_package_states_its_language(reader_epubs):
    for name in ("khrushchev", "russian", "norwegian"):
        package = xml(epub_files(reader_epubs[name]), "content.opf")
        assert package.get("{http://www.w3.org/XML/1998/namespace}lang") == metadata(epub_files(reader_epubs[name]))[
            "language"][0]  # fmt: skip


def test_the_opening_is_text_after_the_contents_not_a_title_page(sample):
    article, files = sample
    opf = xml(files, "content.opf")
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", NS)}
    spine = [manifest[r.get("idref")] for r in opf.iterfind(".//opf:itemref", NS)]
    assert spine[:3] == ["cover.xhtml", "nav.xhtml", "title.xhtml"]
    opening = xml(files, "title.xhtml")
    assert opening.find("x:body", NS).get(EPUB_TYPE) == "bodymatter"
    assert [e for e in opening.iter() if e.get(EPUB_TYPE) == "titlepage"] == []
    assert squash(as_read(article.body[1].text)) in squash("".join(opening.itertext()))


def toc_tree(element: ET.Element, item: str, link: str, children: str) -> list:
    """A navigation tree as nested [href, [children]] lists, for the nav and the NCX alike."""
    return [[entry.find(link, NS).get("href" if link == "x:a" else "src"),
             toc_tree(entry.find(children, NS), item, link, children) if entry.find(children, NS) is not None else []]
            for entry in element.findall(item, NS)]  # fmt: skip


def depth(tree: list) -> int:
    return max((1 + depth(children) for _href, children in tree), default=0)


@pytest.mark.parametrize("name", ["khrushchev", "all_blocks", "book"])
def test_the_ncx_nests_like_the_nav_and_states_its_depth(name, reader_epubs):
    files = epub_files(reader_epubs[name])
    nav = toc_tree(xml(files, "nav.xhtml").find(".//x:nav[@epub:type='toc']/x:ol", NS), "x:li", "x:a", "x:ol")
    ncx = xml(files, "toc.ncx")
    tree = toc_tree(ncx.find("ncx:navMap", NS), "ncx:navPoint", "ncx:content", ".")
    assert tree == nav and depth(nav) >= 2
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:depth']", NS).get("content") == str(depth(nav))


def test_adjacent_note_references_are_kept_apart(reader_epubs):
    files = epub_files(reader_epubs["long_words"])
    paragraph = next(p for p in xml(files, "title.xhtml").iterfind(".//x:p", NS) if p.find("x:a", NS) is not None)
    marks = [(e.tag.split("}")[1], e.get("class"), e.text) for e in paragraph if e.get("class")]
    assert marks == [("a", "noteref", "1"), ("span", "noteref-sep", ","), ("a", "noteref", "2")]


def test_an_image_shown_twice_is_stored_once(tmp_path):
    shutil.copytree(FIXTURES / "images", tmp_path / "images")
    (tmp_path / "twice.yaml").write_text("title: Twice\nbody:\n" + "".join(
        f"  - figure:\n      image: images/{name}\n      alt: A picture\n"
        for name in ("photo.jpg", "drawing.png", "photo.jpg")), encoding="utf-8")  # fmt: skip
    _, epub = build(tmp_path / "twice.yaml", tmp_path / "out", root=tmp_path)
    files = epub_files(epub)
    assert sorted(n for n in files if n.startswith("EPUB/images/figure")) == [
        "EPUB/images/figure-1.jpg", "EPUB/images/figure-2.png"]  # fmt: skip
    sources = [i.get("src") for i in xml(files, "title.xhtml").iterfind(".//x:figure//x:img", NS)]
    assert sources == ["images/figure-1.jpg", "images/figure-2.png", "images/figure-1.jpg"]


def test_a_footnote_opens_in_every_document_that_calls_it_and_links_back_there(tmp_path):
    """A note called from several documents has a copy in each: a pop-up never leaves the page it is read on."""
    from lxml import etree

    article, epub = build(FIXTURES / "footnotes_shared.yaml", tmp_path)
    assert check_messages(epub) == []  # no duplicate id, every fragment resolves
    files = {Path(n).name: etree.fromstring(d) for n, d in epub_files(epub).items() if n.endswith(".xhtml")}
    copies: dict[str, list[str]] = {}
    for name, root in files.items():
        ids = [e.get("id") for e in root.iter() if e.get("id")]
        assert len(ids) == len(set(ids)), name
        by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
        refs = root.xpath("//x:a[@role='doc-noteref']", namespaces=NS)
        for ref in refs:
            assert ref.get(EPUB_TYPE) == "noteref" and ref.get("href").startswith("#"), (name, ref.get("href"))
            aside = by_id[ref.get("href")[1:]]
            assert aside.tag == f"{{{NS['x']}}}aside" and aside.get(EPUB_TYPE) == "footnote", name
            assert aside.get("role") == "doc-footnote"
            assert aside.xpath("string(.//x:a[@class='footnote-number'])", namespaces=NS) == ref.text, name
        for aside in root.xpath("//x:aside[@role='doc-footnote']", namespaces=NS):
            copies.setdefault(aside.get("id"), []).append(name)
            back = [a.get("href") for a in aside.xpath(".//x:a[@role='doc-backlink']", namespaces=NS)]
            calls = [r.get("id") for r in refs if r.get("href") == f"#{aside.get('id')}"]
            # Each call in this document, in order, and nothing else: the number goes back to the first.
            assert back == [f"#{call}" for call in calls], (name, aside.get("id"))
    notes = {note.key: note for note in article.footnotes}
    assert sorted(copies[notes["source"].id]) == ["section-1.xhtml", "section-2.xhtml", "title.xhtml"]
    assert sorted(copies[notes["twice"].id]) == ["section-1.xhtml", "section-3.xhtml"]
    assert sorted(copies[notes["first"].id]) == ["section-1.xhtml", "section-2.xhtml"]
    assert sum(map(len, copies.values())) == 9  # five notes, four of them called from two or three documents
