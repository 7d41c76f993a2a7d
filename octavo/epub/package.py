"""The EPUB package around the documents: its metadata, the EPUB 2 NCX, and a reproducible zip."""

from __future__ import annotations

import datetime
import io
import zipfile

from ebooklib import epub
from lxml import etree

from octavo.core.model import Article, Book, Publication, TocEntry
from octavo.core.options import BuildOptions

ZIP_EPOCH_MIN = 315532800  # 1980-01-01: the earliest time a zip entry can hold
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REFERENCES_FILE = "references.xhtml"
INDEX_FILE = "index.xhtml"
NCX = {"ncx": "http://www.daisy.org/z3986/2005/ncx/"}
NCX_POINT = "{http://www.daisy.org/z3986/2005/ncx/}navPoint"


def add_metadata(book: epub.EpubBook, publication: Publication) -> None:
    """The package's Dublin Core metadata and its creators' roles (a11y.py adds the accessibility metadata)."""
    book.set_identifier(identifier(publication))
    book.set_title(publication.title.plain)
    book.set_language(publication.language)
    role = "edt" if isinstance(publication, Book) else "aut"  # a book's authors are its editors
    for index, author in enumerate(publication.authors, start=1):
        book.add_metadata("DC", "creator", author, {"id": f"creator-{index}"})
        book.add_metadata(None, "meta", role, {"refines": f"#creator-{index}", "property": "role",
                                               "scheme": "marc:relators"})  # fmt: skip
    optional = {"date": publication.date, "publisher": publication.publisher,
                "description": publication.description, "rights": publication.rights}  # fmt: skip
    for name, value in optional.items():
        if value:
            book.add_metadata("DC", name, value)
    for keyword in publication.keywords:
        book.add_metadata("DC", "subject", keyword)


def identifier(publication: Publication) -> str:
    """The package's unique identifier: the e-book's ISBN as urn:isbn: when the book has one, else the
    `identifier` (given, or the urn:uuid the loader derives from the publisher and title: the same every build).

    The e-book's ISBN is the `isbn` mapping's `epub` edition, else a book's one ISBN; never the ISBN of another
    edition (stores refuse an e-book that carries its paperback's).
    """
    if not isinstance(publication, Book):
        return publication.identifier
    isbns = {edition: digits for edition, digits, _written in publication.front.isbns}
    isbn = isbns.get("epub") or isbns.get("")
    return f"urn:isbn:{isbn}" if isbn else publication.identifier


def ncx_toc(publication: Publication, notes_label: str, files: dict[str, str], references_label: str,
             index_label: str = "Index") -> list:  # fmt: skip
    """The EPUB 2 NCX tree for older readers (ebooklib writes it from book.toc)."""
    counter = iter(range(1, 100_000))

    def link(target: str, title: str) -> epub.Link:
        # Positional ids: the NCX's DTD allows fewer characters in an id than XHTML does.
        return epub.Link(target, title, f"toc-{next(counter)}")

    def entry(article: Article, e: TocEntry) -> object:
        target = link(f"{files[e.id]}#{e.id}", e.title.plain)
        children = [entry(article, c) for c in e.children]
        return (epub.Section(e.title.plain, target.href), children) if children else target

    def chapter(article: Article) -> object:
        opening = link(f"{files[article.anchor]}#{article.anchor}", article.title.plain)
        children = [entry(article, e) for e in article.toc]
        return (epub.Section(article.title.plain, opening.href), children) if children else opening

    if isinstance(publication, Book):
        toc: list = [link("title.xhtml#title", publication.title.plain)]
        toc += [chapter(a) for a in publication.articles]
    else:
        toc = [chapter(publication)]  # the article's sections beneath its title, as in the nav
    if publication.references:
        toc.append(link(f"{REFERENCES_FILE}#references", references_label))
    if publication.notes:
        toc.append(link("notes.xhtml#notes", notes_label))
    if publication.index:
        toc.append(link(f"{INDEX_FILE}#index", index_label))
    return toc


class _Writer(epub.EpubWriter):
    """ebooklib's writer, completed: the package's language, and the NCX's real depth (ebooklib writes 0)."""

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set(XML_LANG, self.book.language)  # Ace and reading systems read the package's language here
        super()._write_opf_file(root)

    def _get_ncx(self) -> bytes:
        ncx = etree.fromstring(super()._get_ncx())
        depth = max((len(p.xpath("ancestor-or-self::ncx:navPoint", namespaces=NCX)) for p in ncx.iter(NCX_POINT)),
                    default=1)  # fmt: skip
        for meta in ncx.iterfind("ncx:head/ncx:meta[@name='dtb:depth']", NCX):
            meta.set("content", str(depth))
        return etree.tostring(ncx, encoding="utf-8", xml_declaration=True)


def write_package(book: epub.EpubBook, options: BuildOptions) -> bytes:
    """Let ebooklib write the package, then re-pack it with fixed timestamps and order."""
    epoch = options.source_date_epoch
    modified = (
        datetime.datetime.fromtimestamp(epoch, datetime.UTC)
        if epoch is not None
        else datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    )
    raw = io.BytesIO()
    # Deflated at level 0, that is not compressed: _repack compresses every entry once, at level 9.
    writer = _Writer(raw, book, {"epub3_pages": False, "raise_exceptions": True, "mtime": modified,
                                 "compresslevel": 0})  # fmt: skip
    writer.process()
    writer.write()
    return _repack(raw.getvalue(), max(int(modified.timestamp()), ZIP_EPOCH_MIN))


def _repack(data: bytes, timestamp: int) -> bytes:
    """mimetype first and stored; every entry with the same timestamp and permissions."""
    date_time = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        ordered = ["mimetype", *[n for n in names if n != "mimetype"]]
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
