"""build_epub(article, ...): XHTML documents -> ebooklib -> a reproducible zip."""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ebooklib import epub
from PIL import Image

from octavo.cover import cover_png
from octavo.images import RASTER_TYPES, media_type
from octavo.labels import labels_for
from octavo.model import Article, Figure, TocEntry
from octavo.options import BuildOptions
from octavo.output import write_atomic
from octavo.placeholder import placeholder_svg
from octavo.render import asset_dir, render

EPUB_STYLESHEETS = ("base.css", "epub.css")
MAX_IMAGE_SIDE = 2000
ZIP_EPOCH_MIN = 315532800  # 1980-01-01: the earliest time a zip entry can hold


@dataclass
class _Package:
    """What goes into the EPUB, collected before ebooklib writes it."""

    book: epub.EpubBook
    spine: list[epub.EpubItem]
    images: dict[int, str]  # figure number -> file name inside the EPUB


def chunk_file(chunk: int) -> str:
    """The XHTML document that holds a top-level part: 0 is the title page and lead."""
    return "title.xhtml" if chunk == 0 else f"section-{chunk}.xhtml"


def build_epub(article: Article, options: BuildOptions) -> Path:
    target = options.out / f"{article.slug}.epub"
    write_atomic(target, epub_bytes(article, options))
    return target


def epub_bytes(article: Article, options: BuildOptions) -> bytes:
    """The recipe: metadata, images, documents, navigation, then the package."""
    templates = asset_dir("templates", options.root)
    styles = asset_dir("styles", options.root)
    package = _Package(epub.EpubBook(), [], {})
    _add_metadata(package.book, article, options)
    _add_stylesheets(package.book, styles)
    _add_images(package, article, templates)
    cover_name = _add_cover(package.book, article, styles)
    values = _template_values(article, package)
    _add_document(package, "cover", "cover.xhtml", templates, "epub/cover.xhtml", cover_src=cover_name, **values)
    _add_document(package, "title", "title.xhtml", templates, "epub/title.xhtml", **values)
    nav = _add_document(package, "nav", "nav.xhtml", templates, "epub/nav.xhtml", **values)
    nav.properties = ["nav"]
    for index, section in enumerate(article.sections, start=1):
        name = chunk_file(index)
        _add_document(package, f"section-{index}", name, templates, "epub/section.xhtml",
                      section=section, **values)  # fmt: skip
    if article.notes:
        _add_document(package, "notes", "notes.xhtml", templates, "epub/notes.xhtml", **values)
    package.book.add_item(epub.EpubNcx())
    package.book.toc = _ncx_toc(article)
    package.book.spine = package.spine
    return _write(package.book, options)


def _template_values(article: Article, package: _Package) -> dict[str, object]:
    return {
        "article": article,
        "epub": True,
        "labels": labels_for(article.language),
        "stylesheets": [f"css/{name}" for name in EPUB_STYLESHEETS],
        "href": lambda chunk, anchor: f"{chunk_file(chunk)}#{anchor}",
        "notes_href": "notes.xhtml",
        "image_src": lambda figure: package.images[figure.number],
        "placeholder_src": lambda figure: package.images[figure.number],
    }


def _item(uid: str, name: str, media: str, content: bytes) -> epub.EpubItem:
    return epub.EpubItem(uid=uid, file_name=name, media_type=media, content=content)


def _add_document(package: _Package, uid: str, name: str, templates: Path, template: str,
                  **values: object) -> epub.EpubItem:  # fmt: skip
    item = _item(uid, name, "application/xhtml+xml", render(templates, template, **values).encode("utf-8"))
    package.book.add_item(item)
    package.spine.append(item)
    return item


def _add_metadata(book: epub.EpubBook, article: Article, options: BuildOptions) -> None:
    book.set_identifier(article.identifier)
    book.set_title(article.title.plain)
    book.set_language(article.language)
    for index, author in enumerate(article.authors, start=1):
        book.add_metadata("DC", "creator", author, {"id": f"creator-{index}"})
        book.add_metadata(None, "meta", "aut", {"refines": f"#creator-{index}", "property": "role",
                                                "scheme": "marc:relators"})  # fmt: skip
    optional = {"date": article.date, "publisher": article.publisher,
                "description": article.description, "rights": article.rights}  # fmt: skip
    for name, value in optional.items():
        if value:
            book.add_metadata("DC", name, value)
    for keyword in article.keywords:
        book.add_metadata("DC", "subject", keyword)
    for prop, value in _accessibility(article):
        book.add_metadata(None, "meta", value, {"property": prop})


def _accessibility(article: Article) -> list[tuple[str, str]]:
    """EPUB Accessibility metadata that is true of this article, derived from its content."""
    figures = article.figures
    all_alt = all(f.alt for f in figures)
    features = ["tableOfContents", "readingOrder", "structuralNavigation"]
    if figures and all_alt:
        features.append("alternativeText")
    if article.notes:
        features.append("displayTransformability")
    summary = "Text with a navigable table of contents and headings in reading order."
    if figures:
        summary += (" Every figure has a text description." if all_alt
                    else " Some figures have only a caption as their description.")  # fmt: skip
    modes = [("schema:accessMode", "textual")]
    if figures:
        modes.append(("schema:accessMode", "visual"))
    sufficient = [("schema:accessModeSufficient", "textual")] if not figures or all_alt else []
    if figures:
        sufficient.append(("schema:accessModeSufficient", "textual,visual"))
    return [
        *modes,
        *sufficient,
        *[("schema:accessibilityFeature", f) for f in features],
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
    ]


def _add_stylesheets(book: epub.EpubBook, styles: Path) -> None:
    for name in EPUB_STYLESHEETS:
        book.add_item(_item(f"css-{Path(name).stem}", f"css/{name}", "text/css", (styles / name).read_bytes()))


def _add_images(package: _Package, article: Article, templates: Path) -> None:
    for figure in article.figures:
        if figure.image is None:
            name, media, data = f"images/placeholder-{figure.number}.svg", "image/svg+xml", \
                placeholder_svg(figure, templates)  # fmt: skip
        else:
            name = f"images/figure-{figure.number}{figure.image.suffix.lower()}"
            media, data = media_type(figure.image), _image_bytes(figure)
        package.images[figure.number] = name
        package.book.add_item(_item(f"image-{figure.number}", name, media, data))


def _image_bytes(figure: Figure) -> bytes:
    """The image file, down-scaled when its long side exceeds what any reader's screen needs."""
    assert figure.image is not None
    data = figure.image.read_bytes()
    if figure.image.suffix.lower() not in RASTER_TYPES:
        return data
    with Image.open(io.BytesIO(data)) as image:
        if max(image.size) <= MAX_IMAGE_SIDE or getattr(image, "is_animated", False):
            return data
        kind = image.format
        image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format=kind, **({"quality": 90} if kind == "JPEG" else {}))
        return out.getvalue()


def _add_cover(book: epub.EpubBook, article: Article, styles: Path) -> str:
    if article.cover is not None:
        name, media, data = f"images/cover{article.cover.suffix.lower()}", media_type(article.cover), \
            article.cover.read_bytes()  # fmt: skip
    else:
        name, media, data = "images/cover.png", "image/png", cover_png(article, styles / "fonts")
    item = _item("cover-image", name, media, data)
    item.properties = ["cover-image"]
    book.add_item(item)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    return name


def _ncx_toc(article: Article) -> list:
    """The EPUB 2 NCX tree for older readers (ebooklib writes it from book.toc)."""

    def entry(e: TocEntry) -> object:
        link = epub.Link(f"{chunk_file(e.chunk)}#{e.id}", e.title.plain, f"toc-{e.id}")
        return (epub.Section(e.title.plain, link.href), [entry(c) for c in e.children]) if e.children else link

    toc: list = [epub.Link("title.xhtml#title", article.title.plain, "toc-title")]
    toc += [entry(e) for e in article.toc]
    if article.notes:
        toc.append(epub.Link("notes.xhtml#notes", labels_for(article.language)["notes"], "toc-notes"))
    return toc


def _write(book: epub.EpubBook, options: BuildOptions) -> bytes:
    """Let ebooklib write the package, then re-pack it with fixed timestamps and order."""
    epoch = options.source_date_epoch
    modified = (
        datetime.datetime.fromtimestamp(epoch, datetime.UTC)
        if epoch is not None
        else datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    )
    raw = io.BytesIO()
    writer = epub.EpubWriter(raw, book, {"epub3_pages": False, "raise_exceptions": True,
                                         "mtime": modified})  # fmt: skip
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
