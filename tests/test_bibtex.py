"""References as Zotero (Better BibTeX), JabRef and Zotero's CSL-JSON export them: decoded, cased and ordered."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from octavo.core.diagnostics import Report
from octavo.core.model import Citation, Inline, iter_blocks
from octavo.source.load import load_article
from octavo.text.bibtex import bibtex_items, delatex
from octavo.text.citations import language_tag, locator

from .conftest import FIXTURES, body_text, build_into, epub_files, epubcheck_messages, squash

XHTML = "{http://www.w3.org/1999/xhtml}"
NBSP = "\u00a0"
# Each article's citations and References, as a reader sees them. English items are title-cased (the
# styles ask for it); German and French ones keep their case; a citation keeps the order its author wrote
# (neither Chicago nor MLA sorts a citation's items); LaTeX's dashes, ties and escapes are characters.
EXPECTED = {
    "citations_bbt": (
        ["(Sørensen and Okafor 2021; Müller and Schröder 2019; Dubois 2020)",
         "(Müller and Schröder 2019, 112–114)", "(Schröder 2017)"],
        ["Dubois, Françoise. 2020. “L'école et la mémoire : une enquête à Montréal”. Revue française de "
         "pédagogie 210 (March): 45–67.",
         "Müller, Hans, and Eva Schröder. 2019. “Über die Straße—Messungen für den Verkehr”. Zeitschrift für "
         "Angewandte Mathematik und Mechanik 99 (3): 112–30. https://doi.org/10.1000/zamm.2019.99.3.",
         "Schröder, Eva. 2017. Straßenbäume in Köln: ein Leitfaden für Schulen. Verlag am Rhein.",
         "Sørensen, Kirsten, and Tom Okafor. 2021. The NASA Survey of Rivers & Lakes in Münster: Water Quality, "
         "1990–2010. Riverside Teaching Press."],
    ),
    "citations_jabref": (  # a German article: its items that name no language are German too
        ["(Müller und Weiß; Košir; Lefèvre und Garçon; Hartmann)", "(Müller und Weiß 77–79)"],
        ["Hartmann, Lena. Naturkunde für die Schule. Greenway Verlag, 2012.",
         f"Košir, Maša. Birds of the Baltic: A Guide for 10{NBSP}to 12 Year Olds Costing $5 or 40% Less. Baltic "
         "Field Press, 2015.",
         "Lefèvre, André, und Lucie Garçon. „L'été des abeilles : observations à l'école“. Actes du congrès de "
         "l'enseignement des sciences [Lyon], 2016, S. 12–19.",
         "Müller, Hans, und Anna Weiß. „Über die Zählung von Vögeln im Stadtpark“. Die Vogelwelt, Bd. 139, Nr. 2, "
         "2018, S. 77–89."],
    ),
    "citations_zotero": (
        ["(Weber 2019; Ng 2020; Garnier 2018; Ahmed 2021)"],
        ["Ahmed, Sara. 2021. Counting Birds with Children. Riverside Teaching Press.",
         "Garnier, Hélène. 2018. Le carnet de terrain à l'école primaire. Éditions du Lac.",
         "Ng, Mei. 2020. Pond Life in Bristol Schools. Greenway Books.",
         "Weber, Jürgen. 2019. “Vögel zählen mit Schülerinnen und Schülern”. Zeitschrift für Didaktik der Biologie "
         "23 (1): 23–41. https://doi.org/10.1000/zdb.2019.23."],
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The three articles, each citing one export, built as PDF and EPUB."""
    articles = [str(FIXTURES / f"{name}.yaml") for name in EXPECTED]
    return build_into(tmp_path_factory.mktemp("exports"), *articles, "--format", "pdf,epub")


def epub_text(path: Path) -> tuple[list[str], list[str]]:
    """The citations and the References' entries of an EPUB, in reading order, read with lxml."""
    files = epub_files(path)
    citations, entries = [], []
    for name in ("EPUB/title.xhtml", "EPUB/references.xhtml"):
        root = etree.fromstring(files[name])
        citations += ["".join(s.itertext()) for s in root.iter(f"{XHTML}span") if s.get("class") == "citation"]
        entries += ["".join(li.itertext()) for li in root.iter(f"{XHTML}li") if li.get("id", "").startswith("ref-")]
    return citations, entries


# -- the outputs -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_epub_reads_every_accent_case_and_order_right(built, name):
    assert epub_text(built / f"{name}.epub") == EXPECTED[name]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_pdf_reads_every_accent_case_and_order_right(built, name):
    text = squash("".join(body_text(page) for page in PdfReader(built / f"{name}.pdf").pages))
    citations, entries = EXPECTED[name]
    positions = [text.find(squash(part)) for part in [*citations, *entries]]
    assert -1 not in positions and positions == sorted(positions), [p for p in [*citations, *entries]
                                                                      if squash(p) not in text]  # fmt: skip
    assert [mark for mark in ("{", "}", "\\", "nocase") if mark in text] == []  # no brace or markup printed


def test_the_exports_epubs_are_valid(built):
    for name in EXPECTED:
        assert epubcheck_messages(built / f"{name}.epub") == (), name


# -- the model -------------------------------------------------------------------------------


def cited(path: Path, root: Path) -> tuple[list[str], list[str]]:
    """An article's citations and References as plain text, from the model."""
    report = Report()
    article = load_article(path, root, report)
    assert article is not None and report.errors == [], report.items
    citations = [str(part.text) for block in iter_blocks(article) if isinstance(getattr(block, "text", None), Inline)
                 for part in block.text.parts if isinstance(part, Citation)]  # fmt: skip
    return citations, [etree.fromstring(f"<li>{r.text}</li>").xpath("string()") for r in article.references]


def article(tmp_path: Path, references: str, language: str, style: str, body: str) -> Path:
    (tmp_path / "refs").mkdir(exist_ok=True)
    (tmp_path / "refs" / references).write_bytes((FIXTURES / "refs" / references).read_bytes())
    path = tmp_path / f"article-{language}-{style}.yaml"
    path.write_text(f"title: T\nlanguage: {language}\nreferences: refs/{references}\ncitation-style: {style}\n"
                    f"body:\n  - {body}\n", encoding="utf-8")  # fmt: skip
    return path


@pytest.mark.parametrize(("language", "title"), [("en", "Naturkunde Für Die Schule"),
                                                 ("de", "Naturkunde für die Schule")])  # fmt: skip
def test_an_item_that_names_no_language_is_in_the_articles(tmp_path, language, title):
    path = article(tmp_path, "jabref.bib", language, "chicago-author-date", "See [@Hartmann2012].")
    _, (entry,) = cited(path, tmp_path)
    assert title in entry


def test_a_style_that_sorts_a_citations_items_still_sorts_them(tmp_path):
    # APA's <citation> has a <sort> (by author, then date): its order is the style's, not the author's.
    path = article(tmp_path, "better-bibtex.bib", "en", "apa", "See [@sorensen2021; @muller2019; @dubois2020].")
    (citation,), _ = cited(path, tmp_path)
    assert citation == "(Dubois, 2020; Müller &amp; Schröder, 2019; Sørensen &amp; Okafor, 2021)"


# -- the LaTeX -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "text"),
    [(r'f{\"u}r', "für"), (r'f\"{u}r', "für"), (r'f\"ur', "für"), (r'{\"U}ber', "Über"), (r'\"Uber', "Über"),
     (r"Stra{\ss}e", "Straße"), (r"Wei\ss{}", "Weiß"), (r"\'{e}t\'e", "été"), (r"S{\o}ren", "Søren"),
     (r"gar\c{c}on", "garçon"), (r"Fran{\c c}oise", "Françoise"), (r"Ko\v{s}ir", "Košir"), (r"h\^{o}tel", "hôtel"),
     (r"na\"{\i}ve", "naïve"), ("1990--2010", "1990–2010"), ("yes---no", "yes—no"), ("p.~3", f"p.{NBSP}3"),
     (r"R \& D", "R & D"), (r"40\%", "40%"), (r"\$5", "$5"), ("100%", "100%"), (r"\emph{Homo} \LaTeX{}", "Homo LaTeX"),
     (r"\mkbibquote{quoted}", "quoted")],
)  # fmt: skip
def test_every_latex_form_is_decoded(written, text):
    assert delatex(written) == text
    assert delatex(written, protect=True) == text  # accents in braces are BibTeX's special characters


@pytest.mark.parametrize(
    ("written", "text"),
    [("The {NASA} way", 'The <span class="nocase">NASA</span> way'),
     ("{B}erlin", '<span class="nocase">B</span>erlin'),
     (r'{{\"U}ber} alles', '<span class="nocase">Über</span> alles'),
     ("{World Health Organization}", '<span class="nocase">World Health Organization</span>')],
)  # fmt: skip
def test_braces_keep_the_case_of_what_they_hold_and_are_never_printed(written, text):
    assert delatex(written, protect=True) == text
    assert delatex(written) == text.replace('<span class="nocase">', "").replace("</span>", "")


def test_every_field_of_every_export_is_decoded():
    for name in ("better-bibtex.bib", "jabref.bib"):
        for item in bibtex_items((FIXTURES / "refs" / name).read_text(encoding="utf-8")):
            for value in [*(v for v in item.values() if isinstance(v, str)),
                          *(part for person in item.get("author", []) for part in person.values())]:  # fmt: skip
                assert not {"{", "}", "\\", "~"} & set(value), (item["id"], value)


@pytest.mark.parametrize(
    ("written", "tag"),
    [("ngerman", "de"), ("german", "de"), ("German", "de"), ("french", "fr"), ("english", "en"),
     ("american", "en-US"), ("British", "en-GB"), ("de", "de"), ("en-US", "en-US"), ("fr-FR", "fr-FR"),
     ("de_DE", "de-DE"), ("ger", "de"), ("english and german", "en"), ("", None), ("Klingon", "Klingon")],
)  # fmt: skip
def test_languages_as_bibtex_and_reference_managers_write_them(written, tag):
    assert language_tag(written) == tag


def test_a_langid_is_the_items_language():
    items = {item["id"]: item for item in bibtex_items((FIXTURES / "refs" / "better-bibtex.bib").read_text("utf-8"))}
    assert {key: item.get("language") for key, item in items.items()} == {
        "muller2019": "de", "sorensen2021": "en", "dubois2020": "fr", "schroder2017": "de"}  # fmt: skip


def test_a_locator_written_the_tex_way_is_one_range():
    assert locator("pp. 112--114") == ("page", "112-114")  # citeproc-py makes each hyphen an en dash
    assert locator("112---114") == ("page", "112-114")
