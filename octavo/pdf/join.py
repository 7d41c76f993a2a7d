"""The PDFs of a book's pieces joined into one, as if WeasyPrint had written the book in one piece.

pikepdf (qpdf) copies the pages; what WeasyPrint wrote per piece is then made one again: the
structure tree (one /Document whose kids are every piece's, the parent tree renumbered), the named
destinations (only each piece's real anchors: the links to other pieces point there by name), the
outline, the words that describe links ("Note 3, page 212"), and the catalogue and metadata of the
first piece (language, XMP, PDF/UA and PDF/A claims).
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from octavo.pdf.finish import PAGE_LATER


@dataclass(frozen=True)
class Part:
    """A piece's PDF file and its own anchors, or (path None) a blank page of the given size in points."""

    path: Path | None
    anchors: frozenset[str] = frozenset()
    size: tuple[float, float] = (0.0, 0.0)


_CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata", "/OutputIntents")


def join_parts(parts: list[Part], anchor_pages: dict[str, int], identifier: bytes) -> bytes:
    """One PDF of every part in order; `anchor_pages` gives each anchor's page (1-based) in the whole book."""
    # Through a temporary file rather than memory: a book's PDF is held once, not twice (BytesIO's copy).
    with tempfile.TemporaryFile() as file:
        _write_joined(parts, anchor_pages, identifier, file)
        # qpdf has let go of the pages it copied (a book's images, read into memory as they are copied): give
        # that memory back before the joined PDF's bytes are read, which would otherwise come on top of it.
        _release_freed_memory()
        file.seek(0)
        return file.read()


def _release_freed_memory() -> None:
    """Return the C library's freed memory to the system (glibc keeps it for the process otherwise)."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc: its allocator gives memory back on its own terms
        return
    trim(0)


def _write_joined(parts: list[Part], anchor_pages: dict[str, int], identifier: bytes, file: IO[bytes]) -> None:
    """Write the joined PDF to `file`."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    nums: list[tuple[int, object]] = []
    annotations: list[tuple[object, object]] = []  # (annotation, its structure element), numbered at the end
    destinations: dict[str, object] = {}
    outline: list[tuple[str, object, bool, list]] = []
    first = None
    for part in parts:
        base = len(out.pages)
        if part.path is None:
            out.add_blank_page(page_size=part.size)
            blank = out.pages[base].obj
            if base:  # the same boxes as the page before: media, trim and bleed (print-ready), crop
                for box in ("/MediaBox", "/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
                    if box in out.pages[base - 1].obj:
                        blank[box] = _copy(out, out.pages[base - 1].obj[box])
            blank.StructParents = base
            nums.append((base, Array()))
            continue
        # Read from the file as it is needed (not mapped into memory, where a book's images would add up).
        source = pikepdf.open(part.path, access_mode=pikepdf.AccessMode.stream)
        first = first or source
        with warnings.catch_warnings():  # pikepdf warns that named destinations stay behind: _copy_destinations
            warnings.simplefilter("ignore")
            out.pages.extend(source.pages)
        _copy_structure(out, source, base, document, nums, annotations)
        _copy_destinations(out, source, part.anchors, destinations)
        outline += _read_outline(out, source.Root.get("/Outlines"))
        if source is not first:  # its pages are copied, images and all (pikepdf copies at once): let it go
            source.close()
    next_key = len(out.pages)
    for annotation, element in annotations:
        annotation.StructParent = next_key
        nums.append((next_key, element))
        next_key += 1
    _describe_pages(out, anchor_pages)
    parent_tree = out.make_indirect(Dictionary(Nums=Array([item for key, value in nums for item in (key, value)])))
    root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document]), ParentTree=parent_tree,
                                        ParentTreeNextKey=next_key))  # fmt: skip
    document.P = root
    out.Root.StructTreeRoot = root
    if destinations:  # one flat, sorted name tree, as WeasyPrint writes it
        pairs = [item for name in sorted(destinations) for item in (pikepdf.String(name), destinations[name])]
        out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Names=Array(pairs))))
    if outline:
        out.Root.Outlines = _write_outline(out, outline)
        out.Root.PageMode = Name.UseOutlines
    if first is not None:
        for key in _CATALOG_KEYS:
            if key in first.Root:
                out.Root[key] = _copy(out, first.Root[key])
        out.trailer.Info = _copy(out, first.trailer.Info) if "/Info" in first.trailer else Dictionary()
    # The /ID: its first half names the publication, as in a PDF written in one piece; qpdf makes the
    # second from the file's contents (deterministic_id), so that the same book gives the same bytes.
    name = identifier or b"octavo"
    out.trailer.ID = Array([pikepdf.String(name), pikepdf.String(name)])
    version = first.pdf_version if first is not None else "1.7"
    out.save(file, min_version=version, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             deterministic_id=True)  # fmt: skip
    out.close()
    if first is not None:
        first.close()


def _copy(out, obj):
    """An object of another PDF in `out`; what it refers to is copied once (pages already copied are reused)."""
    import pikepdf

    if not isinstance(obj, pikepdf.Object) or obj.is_indirect:
        return out.copy_foreign(obj) if isinstance(obj, pikepdf.Object) else obj
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(out, item) for item in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(out, value) for key, value in obj.items()})
    return obj


def _copy_structure(out, source, base: int, document, nums: list, annotations: list) -> None:
    """The piece's structure elements under the book's /Document, its pages' parent-tree entries renumbered."""
    from pikepdf import Array

    tree = source.Root.get("/StructTreeRoot")
    if tree is None:
        return
    kids = tree.K if isinstance(tree.K, Array) else Array([tree.K])
    pieces_document = kids[0]
    if "/P" in pieces_document:
        del pieces_document["/P"]  # so that copying it does not bring the piece's own tree root along
    copied = _copy(out, pieces_document)
    for kid in copied.get("/K", Array()):
        kid.P = document
        document.K.append(kid)
    count = len(source.pages)
    entries = list(tree.ParentTree.get("/Nums", Array()))
    by_key = {int(entries[i]): entries[i + 1] for i in range(0, len(entries) - 1, 2)}
    for number in range(count):
        page = out.pages[base + number].obj
        if "/StructParents" in page:
            key = int(page.StructParents)
            page.StructParents = base + number
            nums.append((base + number, _copy(out, by_key.get(key, Array()))))
        for annotation in page.get("/Annots", Array()):
            if "/StructParent" in annotation and int(annotation.StructParent) in by_key:
                annotations.append((annotation, _copy(out, by_key[int(annotation.StructParent)])))


def _copy_destinations(out, source, anchors: frozenset[str], destinations: dict) -> None:
    """The piece's named destinations that are its own anchors (not the stand-ins for other pieces')."""
    import pikepdf

    names = source.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return
    for name, destination in pikepdf.NameTree(names.Dests).items():
        if name in anchors and name not in destinations:
            destinations[name] = _copy(out, destination)


def _read_outline(out, outlines) -> list:
    """The piece's outline as (title, destination, open, children), destinations copied into `out`."""
    items = []
    item = outlines.get("/First") if outlines is not None else None
    while item is not None:
        children = _read_outline(out, item)
        count = int(item.get("/Count", 0))
        items.append((str(item.Title), _copy(out, item.Dest), count >= 0, children))
        item = item.get("/Next")
    return items


def _write_outline(out, items: list):
    """An outline dictionary for these items (as _read_outline gives them)."""
    from pikepdf import Dictionary, Name

    root = out.make_indirect(Dictionary(Type=Name.Outlines))
    _link_items(out, root, items)
    root.Count = _visible(items)
    return root


def _link_items(out, parent, items: list) -> None:
    from pikepdf import Dictionary, String

    made = [out.make_indirect(Dictionary(Title=String(title), Dest=dest, Parent=parent))
            for title, dest, _, _ in items]  # fmt: skip
    for index, (item, (_, _, is_open, children)) in enumerate(zip(made, items, strict=True)):
        if index:
            item.Prev = made[index - 1]
        if index + 1 < len(made):
            item.Next = made[index + 1]
        if children:
            _link_items(out, item, children)
            item.Count = _visible(children) if is_open else -_visible(children)
    if made:
        parent.First, parent.Last = made[0], made[-1]


def _visible(items: list) -> int:
    """How many outline entries show when these items are shown (open ones show their children)."""
    return sum(1 + (_visible(children) if is_open else 0) for _, _, is_open, children in items)


def _describe_pages(out, anchor_pages: dict[str, int]) -> None:
    """Put each link's page number, now known, into its description (finish.py left PAGE_LATER there)."""
    import pikepdf

    for page in out.pages:
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            contents = annotation.get("/Contents")
            if contents is None or PAGE_LATER not in str(contents):
                continue
            target = str(annotation.get("/Dest", ""))
            number = anchor_pages.get(target)
            text = str(contents).replace(PAGE_LATER, str(number) if number is not None else "")
            annotation.Contents = pikepdf.String(text.rstrip(", "))
