"""The EPUB's images at the sizes stores accept: scaled to a longest side, re-encoded, never enlarged."""

from __future__ import annotations

import io
from pathlib import Path

from octavo.core.diagnostics import Report
from octavo.core.model import Publication, articles_of
from octavo.core.usercache import cached_bytes
from octavo.source.blocks.figure import Figure
from octavo.source.yamlsrc import SourceError, compose, position
from octavo.text.images import RASTER_TYPES

# Stores' guidance (docs/epub-stores.md): Kindle recommends at most 5 MB per image, Apple Books at most
# 4 million pixels per image; the cover is best 1600 × 2560 (1:1.6) and at least 1400 px wide.
IMAGE_BYTES_WARNING = 5 * 1024 * 1024
COVER_SIZE = (1600, 2560)
COVER_MIN_WIDTH = 1400
# A PNG without transparency that still weighs this much once scaled is a photograph: it goes in as a JPEG.
PNG_PHOTO_BYTES = 1024 * 1024


def figure_image(figure: Figure, max_side: int, quality: int) -> bytes:
    """A figure's image for the EPUB: an SVG as sanitised when loaded, a raster image within `max_side`."""
    assert figure.image is not None
    if figure.svg is not None:
        return figure.svg.data
    return raster(figure.image, max_side, max_side, quality)


def raster(path: Path, max_width: int, max_height: int, quality: int) -> bytes:
    """The file's bytes, or the image scaled down to fit the box and re-encoded when it is larger.

    Only an image that is too large, or turned by its EXIF orientation, is re-encoded: a small one goes in
    as the author made it (a JPEG saved again only loses quality). The PDF reads the original file.
    """
    data = path.read_bytes()
    if path.suffix.lower() not in RASTER_TYPES:
        return data
    import PIL  # here: an EPUB without photographs needs no PIL.Image
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:  # reads the header only
        turned = image.format == "JPEG" and image.getexif().get(0x0112, 1) != 1
        width, height = (image.size[1], image.size[0]) if turned else image.size
        fits = width <= max_width and height <= max_height
        if (fits and not turned) or getattr(image, "is_animated", False):
            return data
    # Scaling a large photograph takes longer than the rest of the EPUB: the result is kept in the user's
    # cache under the image's bytes, the box, the quality, and the code and Pillow that scale it.
    key = b"\0".join([data, f"{max_width}x{max_height}q{quality}".encode(), PIL.__version__.encode(),
                      Path(__file__).read_bytes()])  # fmt: skip
    return cached_bytes("images", key, lambda: _scaled(data, max_width, max_height, quality))


def _scaled(data: bytes, max_width: int, max_height: int, quality: int) -> bytes:
    """Turned upright, scaled into the box, saved without its metadata (EXIF, XMP, comments) but its colours."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as original:
        kind, icc = original.format, original.info.get("icc_profile")
        image = ImageOps.exif_transpose(original)
        image.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)  # never enlarges
        out = io.BytesIO()
        if kind == "PNG" and "A" not in image.getbands() and "transparency" not in image.info:
            image.save(out, format="PNG", optimize=True, **({"icc_profile": icc} if icc else {}))
            if out.tell() <= PNG_PHOTO_BYTES or image.mode not in ("RGB", "L"):
                return out.getvalue()
            out, kind = io.BytesIO(), "JPEG"
        options = {"JPEG": {"quality": quality, "optimize": True}, "WEBP": {"quality": quality},
                   "PNG": {"optimize": True}}.get(kind, {})  # fmt: skip
        image.save(out, format=kind, **options, **({"icc_profile": icc} if icc else {}))
        return out.getvalue()


def suffix_of(data: bytes, suffix: str) -> str:
    """The file name's ending for the bytes: a PNG photograph may have gone in as a JPEG."""
    return ".jpg" if data[:3] == b"\xff\xd8\xff" and suffix.lower() == ".png" else suffix.lower()


def check_sizes(publication: Publication, stored: dict[str, bytes], total: int, budget_mb: int,
                report: Report | None) -> None:  # fmt: skip
    """Warn, at the figure, of an image still over 5 MB, and of an EPUB over the book's budget."""
    if report is None:
        return
    for article in articles_of(publication):
        for figure in article.figures:
            data = stored.get(figure.id)
            if data is not None and len(data) > IMAGE_BYTES_WARNING:
                report.add(article.source, *figure.at, "warning", f"image: '{figure.image_name}' is "
                           f"{len(data) / 1048576:.1f} MB in the EPUB, over the 5 MB stores accept per image")
    if total > budget_mb * 1024 * 1024:
        report.add(publication.source, 1, 1, "warning", f"the EPUB is {total / 1048576:.1f} MB, over "
                   f"epub-size-budget ({budget_mb} MB): stores charge delivery by the megabyte; lower "
                   "epub-image-max or epub-image-quality in octavo.toml, or use fewer or smaller images")


def check_cover(publication: Publication, report: Report | None) -> None:
    """Warn, at the `cover:` key, of a raster cover narrower than stores ask (the EPUB never enlarges it)."""
    cover = publication.cover
    if report is None or cover is None or cover.suffix.lower() not in RASTER_TYPES:
        return
    from PIL import Image

    with Image.open(cover) as image:
        width, height = image.size
    if width < COVER_MIN_WIDTH:
        line, column = _key_position(publication.source, "cover")
        report.add(publication.source, line, column, "warning", f"cover: the image is {width} × {height} px; "
                   f"stores ask for at least {COVER_MIN_WIDTH} px wide, best {COVER_SIZE[0]} × {COVER_SIZE[1]}")


def _key_position(source: Path, key: str) -> tuple[int, int]:
    """Where a top-level key's value is written in a YAML file; (1, 1) when it cannot be found."""
    try:
        tree = compose(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SourceError):
        return 1, 1
    for name, value in getattr(tree, "value", ()):
        if getattr(name, "value", None) == key:
            return position(value)
    return 1, 1
