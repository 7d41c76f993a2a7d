"""Saddle-stitch imposition with pypdf: pages two-up, centred on sheets of an exact paper size, links kept."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from octavo.core.pagesizes import parse


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """The (left, right) page indexes of each printed side, in printing order; None is a blank.

    Sheet k carries, on its front, the k-th page from the end and the k-th from the start, and on
    its back the next page from the start and the next from the end, so that the folded stack
    reads in order.
    """
    padded = -(-max(pages, 1) // 4) * 4

    def real(index: int) -> int | None:
        return index if index < pages else None

    sides = []
    for sheet in range(padded // 4):
        first, last = 2 * sheet, padded - 1 - 2 * sheet
        sides.append((real(last), real(first)))
        sides.append((real(first + 1), real(last - 1)))
    return sides


@dataclass(frozen=True)
class _Link:
    """A link annotation of an original page, before imposition."""

    rect: tuple[float, float, float, float]
    uri: str | None  # an outside link's address
    target: tuple[int, float, float] | None  # an inside link's page index and point


def impose(pdf: bytes, sheet: str = "A4", creep: float = 0.0) -> bytes:
    """The booklet PDF: each side is one sheet (any size octavo.core.pagesizes reads), laid across, holding two
    of the original pages.

    `creep` (in points) moves the pages of the innermost sheet that far toward the fold, and those of
    the sheets between proportionally less: folded, inner sheets stick out at the fore-edge and lose
    more of it when the booklet is trimmed.
    """
    reader = PdfReader(io.BytesIO(pdf))
    paper = parse(sheet, "sheet")
    width, height = max(paper.width, paper.height), min(paper.width, paper.height)  # the side lies across it
    names = reader.named_destinations  # read once: pypdf walks the whole name tree each time
    links = [_links(reader, page, names) for page in reader.pages]
    for page in reader.pages:  # links are re-made below; pypdf would copy them unmoved
        if "/Annots" in page:
            del page[NameObject("/Annots")]
    writer = PdfWriter()
    order = booklet_order(len(reader.pages))
    sheets = len(order) // 2
    placed: dict[int, tuple[int, float, float]] = {}  # original page -> (side, x offset, y offset)
    for number, pair in enumerate(order):
        side = PageObject.create_blank_page(width=width, height=height)
        shift = creep * (number // 2) / (sheets - 1) if sheets > 1 else 0.0
        forms, drawing = DictionaryObject(), []
        for index, half in zip(pair, (0, 1), strict=True):
            if index is None:
                continue
            page = reader.pages[index]
            box = page.mediabox
            # Centred in its half of the sheet, then moved toward the fold by this sheet's creep.
            tx = half * width / 2 + (width / 2 - float(box.width)) / 2 - float(box.left)
            tx += shift if half == 0 else -shift
            ty = (height - float(box.height)) / 2 - float(box.bottom)
            forms[NameObject(f"/Page{half}")] = _as_form(page, writer)
            drawing.append(f"q 1 0 0 1 {tx:.4f} {ty:.4f} cm /Page{half} Do Q")
            placed[index] = (number, tx, ty)
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): forms})
        side[NameObject("/Contents")] = writer._add_object(_stream("\n".join(drawing).encode("ascii")))
        writer.add_page(side)
    for index, page_links in enumerate(links):
        number, tx, ty = placed[index]
        for link in page_links:
            annotation = _moved(link, (tx, ty), placed, writer)
            if annotation is not None:
                writer.add_annotation(number, annotation)
    _copy_metadata(reader, writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _as_form(page: PageObject, writer: PdfWriter):
    """The page as a form XObject, clipped to its box: placed with one `Do`, its drawing copied, never parsed.

    pypdf's merge_transformed_page parses and rewrites every content stream, which takes seconds for a
    long article; a form keeps the page's own stream and resources as they are.
    """
    form = _stream(page.get_contents().get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(float(v)) for v in page.mediabox),
        NameObject("/Resources"): page["/Resources"].clone(writer),
    })  # fmt: skip
    return writer._add_object(form)


def _stream(data: bytes):
    stream = StreamObject()
    stream.set_data(data)
    return stream.flate_encode()


def _links(reader: PdfReader, page: PageObject, names: dict) -> list[_Link]:
    """The page's link annotations, each with its target resolved to a page index and point."""
    found = []
    for ref in page.get("/Annots", []):
        annotation = ref.get_object()
        if annotation.get("/Subtype") != "/Link":
            continue
        x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
        rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        action = annotation.get("/A")
        if action is not None and action.get_object().get("/S") == "/URI":
            found.append(_Link(rect, str(action.get_object()["/URI"]), None))
            continue
        dest = annotation.get("/Dest")
        target = None
        if isinstance(dest, str) and dest in names:
            named = names[dest]
            target = (reader.get_page_number(named.page.get_object()), float(named.left), float(named.top))
        elif isinstance(dest, ArrayObject) and len(dest) >= 4 and dest[1] == "/XYZ":
            target = (reader.get_page_number(dest[0].get_object()), float(dest[2] or 0), float(dest[3] or 0))
        found.append(_Link(rect, None, target))  # a target that cannot be resolved is left out below
    return found


def _moved(link: _Link, offset: tuple[float, float], placed: dict, writer: PdfWriter) -> DictionaryObject | None:
    """The link on its imposed side, pointing at where its target now lies; None when it cannot be moved."""
    tx, ty = offset
    x1, y1, x2, y2 = link.rect
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject(FloatObject(round(v, 3)) for v in (x1 + tx, y1 + ty, x2 + tx, y2 + ty)),
        NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
    })
    if link.uri is not None:
        annotation[NameObject("/A")] = DictionaryObject({
            NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(link.uri)})
        return annotation
    if link.target is None or link.target[0] not in placed:
        return None  # a link to nowhere, or to a page the booklet does not hold: removed, not left wrong
    page, left, top = link.target
    side, page_tx, page_ty = placed[page]
    annotation[NameObject("/Dest")] = ArrayObject([
        writer.pages[side].indirect_reference, NameObject("/XYZ"),
        FloatObject(round(left + page_tx, 3)), FloatObject(round(top + page_ty, 3)), NumberObject(0)])
    return annotation


def _copy_metadata(reader: PdfReader, writer: PdfWriter) -> None:
    """Title, authors, language and XMP, so that the booklet is named like its publication.

    The structure tree is not carried over: the pages are cut and moved, so the tags would no longer
    match the content; the booklet is for printing, the PDF beside it for reading.
    """
    info = reader.metadata or {}
    writer.add_metadata({key: info[key] for key in ("/Title", "/Author", "/Subject", "/Keywords",
                                                     "/Creator", "/Producer", "/CreationDate", "/ModDate")
                         if key in info})  # fmt: skip
    if reader.xmp_metadata is not None:
        writer.xmp_metadata = reader.xmp_metadata.stream.get_data()
    root = reader.trailer["/Root"]
    if "/Lang" in root:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(root["/Lang"]))
    writer.root_object[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
