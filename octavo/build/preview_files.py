"""The live preview's reading of the outputs: each file read once per build, and never through a symbolic link or
outside the output folder; a PDF's pages rendered to PNG on request, an EPUB's files looked up by exact name."""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import stat
import threading
import xml.etree.ElementTree as ElementTree
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

SCALE = 1.5  # 108 dots per inch: an A4 page is 893 pixels wide, readable beside the EPUB and quick to render
RENDERED = 96  # pages kept as PNG, the most recently asked for
# pdfium is not safe to call from two threads at once; the requests come on many.
PDFIUM = threading.Lock()
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"


@dataclass(frozen=True)
class Snapshot:
    """One output as one build left it: its bytes, their hash (`version`), and what the page needs to know."""

    kind: str  # "pdf" or "epub"
    data: bytes
    version: str
    title: str | None
    pages: tuple[tuple[int, int], ...] = ()  # a PDF's pages: width and height of each PNG, in pixels
    documents: tuple[str, ...] = ()  # an EPUB's spine: its XHTML documents' names in the zip, in reading order
    start: str | None = None  # the EPUB's document shown first: the spine's first after the cover and contents
    members: frozenset[str] = frozenset()  # every file in the EPUB that may be served


def read_output(path: Path, out: Path) -> bytes | None:
    """The bytes of an output file; None when it is missing, not a plain file, a symbolic link, or not inside the
    output folder `out` (whatever its name says)."""
    try:
        folder = path.parent.resolve(strict=True)
        if not folder.is_relative_to(out.resolve()) or os.path.islink(folder / path.name):
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(folder / path.name, flags)  # O_NOFOLLOW: a link swapped in after the check fails
    except (OSError, ValueError):
        return None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        return file.read()


def snapshot(path: Path | None, out: Path) -> Snapshot | None:
    """The output at `path` read and described; None when it cannot be read or is not what its name says."""
    if path is None:
        return None
    data = read_output(path, out)
    if data is None:
        return None
    version = hashlib.sha256(data).hexdigest()[:16]
    try:
        return pdf_snapshot(data, version) if path.suffix == ".pdf" else epub_snapshot(data, version)
    except Exception:  # a damaged file is left out of the preview, which goes on serving the others
        return None


def pdf_snapshot(data: bytes, version: str) -> Snapshot:
    """A PDF: the size of each page's picture, and its title."""
    import pypdfium2 as pdfium

    with PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            sizes = [document.get_page_size(index) for index in range(len(document))]
            title = document.get_metadata_dict().get("Title") or None
        finally:
            document.close()
    pages = tuple((round(width * SCALE), round(height * SCALE)) for width, height in sizes)
    return Snapshot("pdf", data, version, title, pages=pages)


def epub_snapshot(data: bytes, version: str) -> Snapshot:
    """An EPUB: its files with safe names, its spine's documents, and its title (from the package document)."""
    with zipfile.ZipFile(io.BytesIO(data)) as epub:
        members = frozenset(name for name in epub.namelist() if safe_member(name))
        container = ElementTree.fromstring(epub.read("META-INF/container.xml"))
        opf = next(e.get("full-path") for e in container.iter() if e.tag.endswith("rootfile") and e.get("full-path"))
        package = ElementTree.fromstring(epub.read(opf))
    base = posixpath.dirname(opf)
    items = {item.get("id"): item for item in package.iter(f"{OPF}item")}
    documents, text = [], []
    for reference in package.iter(f"{OPF}itemref"):
        item = items.get(reference.get("idref"))
        if item is not None and item.get("media-type") == "application/xhtml+xml":
            name = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
            if name in members:
                documents.append(name)
                if "nav" not in (item.get("properties") or "").split() and "cover" not in (item.get("id") or ""):
                    text.append(name)
    title = next((e.text.strip() for e in package.iter(f"{DC}title") if e.text and e.text.strip()), None)
    start = text[0] if text else (documents[0] if documents else None)
    return Snapshot("epub", data, version, title, documents=tuple(documents), start=start, members=members)


def safe_member(name: str) -> bool:
    """Whether a file in a zip has a name the preview may serve: relative, with no empty, `.` or `..` part."""
    parts = name.split("/")
    return not (name.startswith("/") or "\\" in name or ":" in parts[0] or "\0" in name
                or any(part in ("", ".", "..") for part in parts))  # fmt: skip


def member(epub: Snapshot, name: str) -> bytes | None:
    """The EPUB's file of exactly this name, if it is one that may be served."""
    if name not in epub.members:
        return None
    with zipfile.ZipFile(io.BytesIO(epub.data)) as archive:  # one per request: reading it is thread-safe so
        return archive.read(name)


class Pages:
    """PDF pages as PNG pictures, rendered when first asked for and kept by the PDF's version."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rendered: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self.document: tuple[str, object] | None = None  # the PDF last rendered from, kept open (under PDFIUM)

    def png(self, pdf: Snapshot, index: int) -> bytes | None:
        """Page `index` (from 0) of the PDF as a PNG picture; None when it has no such page."""
        if not 0 <= index < len(pdf.pages):
            return None
        key = (pdf.version, index)
        with self.lock:
            if key in self.rendered:
                self.rendered.move_to_end(key)
                return self.rendered[key]
        picture = self.render(pdf, index)
        with self.lock:
            self.rendered[key] = picture
            while len(self.rendered) > RENDERED:
                self.rendered.popitem(last=False)
        return picture

    def render(self, pdf: Snapshot, index: int) -> bytes:
        """One page of a PDF as a PNG picture, at SCALE."""
        import pypdfium2 as pdfium

        with PDFIUM:
            if self.document is None or self.document[0] != pdf.version:
                if self.document is not None:
                    self.document[1].close()  # type: ignore[attr-defined]
                self.document = (pdf.version, pdfium.PdfDocument(pdf.data))
            image = self.document[1][index].render(scale=SCALE).to_pil()  # type: ignore[index]
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=3)  # quick: the picture goes to this machine's own browser
        return buffer.getvalue()
