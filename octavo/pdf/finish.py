"""What WeasyPrint's PDF lacks: build dates, XMP, a stable /ID, link descriptions; a WeasyPrint finisher.

The tags for screen readers (/Lang, /Scope, /Formula) are added while WeasyPrint builds its structure tree:
octavo/pdf/engine/tagging.py.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from octavo.core.model import Publication
from octavo.core.options import BuildOptions

Labels = Callable[[str], dict[str, str]]


def build_time(options: BuildOptions) -> str:
    """The moment the PDF says it was made: SOURCE_DATE_EPOCH, else now (never the article's own date)."""
    epoch = options.source_date_epoch if options.source_date_epoch is not None else int(time.time())
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_identifier(publication: Publication) -> bytes:
    """The first half of the trailer /ID: the same for every build of one publication (PDF 14.4).

    pydyf makes the second half from a hash of the file's bytes, so a changed file gets a new one.
    """
    return hashlib.md5(publication.identifier.encode("utf-8")).hexdigest().encode("ascii")


# In a piece of a book, where a link's target lands is known only when the pieces are joined: the join puts
# the page number in place of this character (octavo/join.py).
PAGE_LATER = "\ue000"


def finisher(labels_for: Labels, variant: str | None, pages_later: bool = False) -> Callable[[Any, Any], None]:
    """A WeasyPrint finisher: it edits the PDF's objects after layout, before they are written.

    `pages_later`: the document is one piece of a book, and link descriptions leave the page number to the join.
    """

    def finish(document, pdf) -> None:
        if variant is None:  # a variant writes its own XMP, with its conformance claim
            document.metadata.include_in_pdf(pdf, None, None, None, compress=True)
        if variant is not None and variant.startswith(("pdf/a", "pdf/x")):
            _no_interpolation(pdf)
        if variant is not None and variant.startswith("pdf/x"):
            _finish_pdfx(pdf, variant)
        _describe_links(document, labels_for, pages_later)

    return finish


# How far the print-ready PDF's BleedBox reaches beyond its TrimBox: 3 mm, what printers ask for.
PRINT_BLEED = 3 * 72 / 25.4


def _finish_pdfx(pdf, variant: str) -> None:
    """What WeasyPrint's PDF/X lacks: the version in /Info, the exact bleed, and an XMP that is the same in every build.

    WeasyPrint writes GTS_PDFXVersion only in the XMP for PDF/X-4, while many prepress checks look in
    /Info; it caps the BleedBox at 10 pt, or puts it at the media's edge, where crop marks need room
    beyond the bleed; and its XMP DocumentID is a random UUID, which would make every build differ.
    """
    import uuid

    from octavo.pdf.engine.documents import pdf_array, pdf_string

    pdf.info["GTS_PDFXVersion"] = pdf_string(variant.upper())
    for obj in pdf.objects:
        if not isinstance(obj, dict) or obj.get("Type") != "/Page" or "TrimBox" not in obj:
            continue
        media, (left, top, right, bottom) = obj["MediaBox"], obj["TrimBox"]
        obj["BleedBox"] = pdf_array([max(media[0], left - PRINT_BLEED), max(media[1], top - PRINT_BLEED),
                                       min(media[2], right + PRINT_BLEED), min(media[3], bottom + PRINT_BLEED)])
    for obj in pdf.objects:
        extra = getattr(obj, "extra", None)
        if isinstance(extra, dict) and extra.get("Type") == "/Metadata":
            data = b"".join(part if isinstance(part, bytes) else str(part).encode() for part in obj.stream)
            stable = uuid.uuid5(uuid.NAMESPACE_URL, hashlib.sha256(re.sub(rb"xmp\.did:[0-9a-f-]+", b"", data))
                                .hexdigest())
            obj.stream = [re.sub(rb"xmp\.did:[0-9a-f-]+", f"xmp.did:{stable}".encode(), data)]


def _no_interpolation(pdf) -> None:
    """PDF/A forbids /Interpolate true (ISO 19005-3, 6.2.8), which WeasyPrint writes for smooth scaling."""
    for obj in pdf.objects:
        extra = getattr(obj, "extra", None)
        if isinstance(extra, dict) and extra.get("Subtype") == "/Image" and "Interpolate" in extra:
            del extra["Interpolate"]


def _describe_links(document, labels_for: Labels, pages_later: bool = False) -> None:
    """Every link's /Contents in words ("Note 3, page 8"), where WeasyPrint writes the raw target ("note-3").

    The links' annotations are read from WeasyPrint's boxes (octavo/pdf/engine/boxes.py); should those not be as
    expected, the links keep WeasyPrint's descriptions.
    """
    from octavo.pdf.engine import link_annotations, readable, root_element
    from octavo.pdf.engine.documents import pdf_string

    root = root_element(document) if readable() else None
    if root is None:
        return
    parents = {child: parent for parent in root.iter() for child in parent}
    anchor_pages: dict[str, int | str] = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            anchor_pages.setdefault(name, PAGE_LATER if pages_later else number)
    for kind, target, element, annotation in link_annotations(document):
        link = element  # a box inside a link (a raised number in a back-link) has a link of its own
        while link is not None and link.tag != "a":
            link = parents.get(link)
        link = element if link is None else link
        labels = labels_for(_language(link, parents, root))
        words = link_words(link, labels)
        if kind == "internal" and target in anchor_pages and words.isdigit():
            words = f"{labels['page_word']} {anchor_pages[target]}"  # a bare number: a page (the index's)
        elif kind == "internal" and target in anchor_pages:
            words = f"{words}, {labels['page_word']} {anchor_pages[target]}"
        elif kind == "external" and target != words:
            words = f"{words}: {target}"
        annotation["Contents"] = pdf_string(words)


def link_words(element, labels: dict[str, str]) -> str:
    """What a link says: its aria-label or title, else its text; a note reference's number becomes "Note 3"."""
    words = element.get("aria-label") or element.get("title") or " ".join("".join(element.itertext()).split())
    if element.get("role") == "doc-noteref" and not element.get("aria-label"):
        return f"{labels['note']} {words}"
    return words


def _language(element, parents: dict, root) -> str:
    while element is not None:
        if element.get("lang"):
            return element.get("lang")
        element = parents.get(element)
    return root.get("lang") or "en"
