"""A project's own labels (templates/labels.yaml) in every word octavo prints: captions and cross-references."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from octavo.cli.main import main

from .conftest import FIXTURES, epub_files

# The figure is "Fig." in English and "Abb." in German here; the package says "Figure" and "Abbildung".
LABELS = """\
en:
  figure: "Fig."
de:
  figure: "Abb."
"""
# The second figure has no alt text, so its caption, cross-reference and all, describes its image.
ARTICLE = """\
title: Labelled
language: {language}
body:
  - "See [#fig-map] and [#fig-map page]."
  - figure:
      id: fig-map
      caption: A map that is not there.
      alt: A placeholder.
  - figure:
      image: drawing.png
      caption: "A detail of [#fig-map]."
"""
BOOK = """\
title: A labelled book
articles: [en.yaml]
"""
XHTML = {"x": "http://www.w3.org/1999/xhtml"}
WORDS = [("en", "Fig.", "Figure"), ("de", "Abb.", "Abbildung")]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Two articles (English and German) and a book of one, in a project that renames the figure label."""
    folder = tmp_path_factory.mktemp("labels")
    (folder / "content").mkdir()
    (folder / "templates").mkdir()
    (folder / "templates" / "labels.yaml").write_text(LABELS, encoding="utf-8")
    shutil.copy(FIXTURES / "images" / "drawing.png", folder / "content" / "drawing.png")
    for language, _word, _package_word in WORDS:
        (folder / "content" / f"{language}.yaml").write_text(ARTICLE.format(language=language), encoding="utf-8")
    (folder / "content" / "book.yaml").write_text(BOOK, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main(["build", "--format", "pdf,epub"]) == 0
    return folder / "dist"


def flat(text: str) -> str:
    return " ".join(text.split())


def alt_texts(node: object) -> list[str]:
    """The /Alt of every element in a PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, ArrayObject):
        return [alt for child in node for alt in alt_texts(child)]
    if not isinstance(node, DictionaryObject):
        return []
    own = [str(node["/Alt"])] if "/Alt" in node else []
    return own + (alt_texts(node["/K"]) if "/K" in node else [])


@pytest.mark.parametrize(("language", "word", "package_word"), WORDS)
def test_captions_and_cross_references_use_the_project_label_in_the_pdf(project, language, word, package_word):
    pdf = PdfReader(project / f"{language}.pdf")
    text = flat(" ".join(page.extract_text() for page in pdf.pages))
    assert f"See {word} 1 and {word} 1." in text  # both cross-references (the figure is on their page: no "on page")
    assert f"{word} 1. A map" in text and f"{word} 2. A detail of {word} 1." in text  # the captions
    alts = alt_texts(pdf.trailer["/Root"]["/StructTreeRoot"])
    assert f"A detail of {word}\u00a01." in alts  # the image's description, from the model's words
    assert not any(package_word in found for found in [text, *alts])


@pytest.mark.parametrize(("language", "word", "package_word"), WORDS)
def test_captions_and_cross_references_use_the_project_label_in_the_epub(project, language, word, package_word):
    documents = [etree.fromstring(data) for name, data in epub_files(project / f"{language}.epub").items()
                 if name.endswith(".xhtml") and b"fig-map" in data]  # fmt: skip
    links = [flat("".join(a.itertext())) for doc in documents
             for a in doc.iterfind(".//x:a[@href]", XHTML) if a.get("href").endswith("#fig-map")]  # fmt: skip
    captions = [flat("".join(c.itertext())) for doc in documents for c in doc.iterfind(".//x:figcaption", XHTML)]
    alts = [img.get("alt") for doc in documents for img in doc.iterfind(".//x:figure//x:img", XHTML)]
    assert links == [f"{word} 1"] * 3  # the EPUB shows no page
    assert captions == [f"{word} 1. A map that is not there.", f"{word} 2. A detail of {word} 1."]
    assert alts == [f"A detail of {word}\u00a01."]
    assert not any(package_word in found for found in links + captions + alts)


def test_a_books_chapters_use_the_project_label_too(project):
    pdf = PdfReader(project / "book.pdf")
    assert "A detail of Fig.\u00a01." in alt_texts(pdf.trailer["/Root"]["/StructTreeRoot"])
    alts = [img.get("alt") for name, data in epub_files(project / "book.epub").items() if name.endswith(".xhtml")
            for img in etree.fromstring(data).iterfind(".//x:figure//x:img", XHTML)]  # fmt: skip
    assert alts == ["A detail of Fig.\u00a01."]
