"""The EPUB's accessibility metadata: what is true of it (schema.org), and its EPUB Accessibility 1.1 claim."""

from __future__ import annotations

from ebooklib import epub

from octavo.core.model import Publication

# The `a11y:` prefix is reserved, but EPUBCheck and older readers want it declared (DAISY's knowledge base).
A11Y_PREFIX = ("a11y", "http://www.idpf.org/epub/vocab/package/a11y/#")
# The form EPUB Accessibility 1.1 (section 5.1) gives a conformance claim: the specification and the WCAG level.
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF = "http://www.idpf.org/2007/opf"


def add_accessibility(book: epub.EpubBook, publication: Publication, mathml: bool, page_list: bool) -> None:
    """Every accessibility property, written once the documents are made (they say whether there is MathML)."""
    # What is written already (the page list may declare its own features) is not written twice.
    present = {(attributes.get("property"), value) for value, attributes in book.metadata.get(OPF, {}).get("meta", [])}
    certifier = certified_by(publication)
    for prop, value in _properties(publication, mathml, page_list, certifier):
        if (prop, value) in present:
            continue
        attributes = {"property": prop}
        if prop == "schema:accessibilitySummary" and not publication.language.lower().startswith("en"):
            attributes[XML_LANG] = "en"  # the summary is in English, whatever the text's language
        book.add_metadata(None, "meta", value, attributes)
    if certifier is not None:
        book.add_prefix(*A11Y_PREFIX)


def certified_by(publication: Publication) -> str | None:
    """Who vouches for the conformance claim: `accessibility.certified-by`, else the publisher, else the
    authors (a publication certifies itself); None when no claim is made."""
    claim = publication.accessibility
    if not claim.conforms or not _described(publication):
        return None
    return claim.certified_by or publication.publisher or (", ".join(publication.authors) or None)


def _described(publication: Publication) -> bool:
    """Every figure has a text description of its own (WCAG 1.1.1): a caption alone is not claimed as one."""
    return all(figure.alt for figure in publication.figures)


def _properties(publication: Publication, mathml: bool, page_list: bool,
                certifier: str | None) -> list[tuple[str, str]]:  # fmt: skip
    """The properties, derived from the content: nothing is said that octavo does not make true."""
    figures = publication.figures
    described = _described(publication)
    features = ["tableOfContents", "readingOrder", "structuralNavigation"]
    if figures and described:
        features.append("alternativeText")
    if publication.notes:
        features.append("displayTransformability")
    if mathml:
        features.append("MathML")
    if page_list:
        features += ["pageBreakMarkers", "pageNavigation"]
    modes = [("schema:accessMode", "textual")] + ([("schema:accessMode", "visual")] if figures else [])
    sufficient = [("schema:accessModeSufficient", "textual")] if not figures or described else []
    if figures:
        sufficient.append(("schema:accessModeSufficient", "textual,visual"))
    claim = []
    if certifier is not None:
        claim = [("dcterms:conformsTo", CONFORMANCE), ("a11y:certifiedBy", certifier)]
        credential = publication.accessibility.certifier_credential
        claim += [("a11y:certifierCredential", credential)] if credential else []
    return [
        *modes,
        *sufficient,
        *[("schema:accessibilityFeature", f) for f in features],
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary(publication, mathml, page_list, certifier)),
        *claim,
    ]


def summary(publication: Publication, mathml: bool, page_list: bool, certifier: str | None) -> str:
    """What a reader can rely on, in plain words: only what octavo makes so, and who vouches for the rest."""
    figures = publication.figures
    said = []
    if certifier is not None:
        said.append(f"This publication meets {CONFORMANCE.replace(' - ', ' and ')}, as certified by {certifier}.")
    else:
        said.append("This publication makes no claim of conformance to an accessibility standard.")
    said.append("Its text is in reading order, its language is declared, and its headings nest by level, with a "
                "navigable table of contents.")  # fmt: skip
    if publication.notes:
        said.append("Notes link to their references and back.")
    if figures and _described(publication):
        said.append("Every figure has a text description.")
    elif figures:
        said.append("Some figures are described only by their caption.")
    if any(figure.image is None for figure in figures):
        said.append("Figures still to come are shown as placeholders that describe them in words.")
    if mathml:
        said.append("Mathematics is in MathML, with its LaTeX source as a text alternative.")
    if page_list:
        said.append("Page break markers and a page list give the page numbers of the print edition.")
    said.append("There are no flashing, motion or sound hazards.")
    return " ".join(said)
