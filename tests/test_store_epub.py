"""A store-ready EPUB: the ISBN as identifier, the accessibility claim, images and cover at the sizes stores ask."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from PIL import Image, ImageChops

from .conftest import FIXTURES, build_into, epubcheck_messages, node_tool

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
A11Y = "a11y: http://www.idpf.org/epub/vocab/package/a11y/#"
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
PHOTO = (6000, 4000)
IMAGE_BUDGET = (1600, 2 * 1024 * 1024)  # the default longest side; far below the 5 MB a store takes per image


def photograph(size: tuple[int, int], seed: int) -> Image.Image:
    """A photograph's worth of detail: colour blotches and fine grain, which JPEG cannot make small."""
    width, height = size
    coarse = Image.frombytes("RGB", (width // 16, height // 16),
                             random.Random(seed).randbytes(width // 16 * (height // 16) * 3))  # fmt: skip
    coarse = coarse.resize(size, Image.Resampling.BICUBIC)
    grain = Image.merge("RGB", [Image.effect_noise(size, 12)] * 3)
    return ImageChops.add(coarse, grain, offset=-128)


def project(folder: Path, cover: tuple[int, int] | None = (3200, 5120), toml: str = "") -> Path:
    """The store_epub fixture with its images made here (large files stay out of the repository)."""
    shutil.copytree(FIXTURES / "store_epub", folder)
    (folder / "images").mkdir()
    photograph(PHOTO, 1).save(folder / "images" / "photo.jpg", quality=92)
    if cover is not None:
        photograph(cover, 2).save(folder / "images" / "cover.jpg", quality=92)
    if toml:
        (folder / "octavo.toml").write_text(toml, encoding="utf-8")
    return folder / "book.yaml"


def build(book: Path, out: Path, *formats: str) -> Path:
    return build_into(out, str(book), "--root", str(book.parent), "--format", ",".join(formats or ("epub",)))


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> Path:
    """The fixture book built once to PDF and EPUB: its output folder."""
    book = project(tmp_path_factory.mktemp("store") / "project")
    return build(book, tmp_path_factory.mktemp("store-out"), "pdf", "epub")


def files(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def package(epub: Path) -> etree._Element:
    return etree.fromstring(files(epub)["EPUB/content.opf"])


def unique_identifier(opf: etree._Element) -> str:
    (found,) = opf.xpath("//dc:identifier[@id=$id]/text()", namespaces=OPF, id=opf.get("unique-identifier"))
    return found


def metas(opf: etree._Element, prop: str) -> list[str]:
    return [m.text for m in opf.xpath("//opf:meta[@property=$p]", namespaces=OPF, p=prop)]


def image_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def small_book(folder: Path, extra: str = "", figure_alt: bool = True) -> Path:
    """A book of one short chapter with a small figure, quick to build; `extra` adds keys to the book."""
    folder.mkdir(parents=True)
    Image.new("RGB", (300, 200), (90, 120, 150)).save(folder / "small.png")
    alt = "      alt: A blue rectangle\n" if figure_alt else ""
    (folder / "chapter.yaml").write_text("title: One\nbody:\n  - Text.\n  - figure:\n      image: small.png\n"
                                         f"{alt}      caption: A rectangle.\n", encoding="utf-8")  # fmt: skip
    (folder / "book.yaml").write_text(f"title: Small\nauthors: [Ana Lima]\n{extra}articles: [chapter.yaml]\n",
                                      encoding="utf-8")  # fmt: skip
    return folder / "book.yaml"


# -- the identifier -----------------------------------------------------------------------------


def test_the_isbn_is_the_packages_unique_identifier(store):
    assert unique_identifier(package(store / "book.epub")) == "urn:isbn:9780306406157"


def test_the_epub_editions_isbn_wins_over_the_paperbacks(tmp_path):
    book = small_book(tmp_path / "p", "isbn:\n  paperback: 978-0-306-40615-7\n  epub: 978-1-4028-9462-6\n")
    assert unique_identifier(package(build(book, tmp_path / "out") / "book.epub")) == "urn:isbn:9781402894626"


def test_without_an_isbn_the_identifier_is_a_stable_uuid(tmp_path):
    book = small_book(tmp_path / "p")
    first = unique_identifier(package(build(book, tmp_path / "a") / "book.epub"))
    again = unique_identifier(package(build(book, tmp_path / "b") / "book.epub"))
    assert first.startswith("urn:uuid:") and first == again


# -- accessibility ------------------------------------------------------------------------------


def test_the_conformance_claim_and_its_certifier(store):
    opf = package(store / "book.epub")
    assert A11Y in opf.get("prefix")
    assert metas(opf, "dcterms:conformsTo") == [CONFORMANCE]
    assert metas(opf, "a11y:certifiedBy") == ["Coastal Accessibility Review"]
    assert metas(opf, "a11y:certifierCredential") == ["Accessibility reviewer certification"]
    (summary,) = metas(opf, "schema:accessibilitySummary")
    assert "Every figure has a text description." in summary and "Coastal Accessibility Review" in summary
    assert "alternativeText" in metas(opf, "schema:accessibilityFeature")


def test_the_publisher_certifies_by_default_and_no_claim_without_descriptions(tmp_path):
    opf = package(build(small_book(tmp_path / "a", "publisher: Tidewater Press\n"), tmp_path / "oa") / "book.epub")
    assert metas(opf, "a11y:certifiedBy") == ["Tidewater Press"] and metas(opf, "dcterms:conformsTo") == [CONFORMANCE]
    undescribed = small_book(tmp_path / "b", "publisher: Tidewater Press\n", figure_alt=False)
    opf = package(build(undescribed, tmp_path / "ob") / "book.epub")
    assert metas(opf, "dcterms:conformsTo") == [] and metas(opf, "a11y:certifiedBy") == []
    assert "no claim of conformance" in metas(opf, "schema:accessibilitySummary")[0]
    declined = small_book(tmp_path / "c", "accessibility:\n  conforms: false\n")
    assert metas(package(build(declined, tmp_path / "oc") / "book.epub"), "dcterms:conformsTo") == []


def test_epubcheck_reports_nothing_usage_included(store):
    assert epubcheck_messages(store / "book.epub") == ()


def test_ace_finds_no_violation(store):
    (report,) = node_tool("ace.js", str(store / "book.epub"))
    assert report["violations"] == []


# -- images and cover ---------------------------------------------------------------------------


def test_a_large_photograph_is_stored_within_the_budget(store):
    found = files(store / "book.epub")
    (photo,) = [data for name, data in found.items() if "figure" in name and name.startswith("EPUB/images/")]
    width, height = image_size(photo)
    assert max(width, height) == IMAGE_BUDGET[0] and width / height == pytest.approx(1.5, abs=0.01)
    assert len(photo) <= IMAGE_BUDGET[1]


def test_the_pdf_keeps_the_photograph_at_full_resolution(store):
    with pikepdf.open(store / "book.pdf") as pdf:
        sizes = {(int(image.Width), int(image.Height)) for page in pdf.pages
                 for image in page.get_images().values()}  # fmt: skip
    assert PHOTO in sizes


def test_the_cover_is_at_store_size(store):
    opf = package(store / "book.epub")
    (href,) = opf.xpath("//opf:item[@properties='cover-image']/@href", namespaces=OPF)
    assert image_size(files(store / "book.epub")[f"EPUB/{href}"]) == (1600, 2560)


def test_the_generated_cover_is_drawn_at_store_size(tmp_path):
    found = files(build(small_book(tmp_path / "p"), tmp_path / "out") / "book.epub")
    assert image_size(found["EPUB/images/cover.png"]) == (1600, 2560)


def test_a_small_cover_is_kept_and_warned_of_at_its_key(tmp_path, cli):
    book = project(tmp_path / "p", cover=(1000, 1600), toml="[build]\nepub-image-max = 800\nepub-size-budget = 1\n")
    run = cli("build", book, "--root", book.parent, "--format", "epub", "--out", tmp_path / "out")
    assert run.status == 0
    assert "book.yaml:8:8: warning: cover: the image is 1000 × 1600 px; stores ask for at least 1400 px" in run.err
    assert "over epub-size-budget (1 MB)" in run.err
    found = files(tmp_path / "out" / "book.epub")
    assert image_size(found["EPUB/images/cover.jpg"]) == (1000, 1600)  # never enlarged
    (photo,) = [data for name, data in found.items() if "figure" in name]
    assert max(image_size(photo)) == 800  # octavo.toml's epub-image-max
