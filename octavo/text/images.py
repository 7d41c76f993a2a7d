"""Image files: where they may come from, what they may be, and how big."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from lxml import etree

MAX_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 100_000_000
RASTER_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
                ".gif": "image/gif", ".webp": "image/webp"}  # fmt: skip
MEDIA_TYPES = {**RASTER_TYPES, ".svg": "image/svg+xml"}
PILLOW_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


class ImageProblem(Exception):
    """Why a path cannot be used as an image; `missing` marks the one that is only a warning."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def check_image(name: str, base: Path, root: Path) -> Path:
    """Resolve an author's image path against its file's folder and check it thoroughly."""
    if urlsplit(name).scheme and len(urlsplit(name).scheme) > 1:
        raise ImageProblem(f"'{name}' is a URL; images are files inside the project folder")
    path = (base / name).resolve()  # resolve() follows symlinks, so a link cannot lead outside
    if not path.is_relative_to(root.resolve()):
        raise ImageProblem(f"'{name}' is outside the project folder")
    if not path.exists():
        raise ImageProblem(f"image file '{name}' does not exist", missing=True)
    if not path.is_file():
        raise ImageProblem(f"'{name}' is not a regular file")
    suffix = path.suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise ImageProblem(f"'{name}' is not a supported image type ({', '.join(sorted(MEDIA_TYPES))})")
    if path.stat().st_size > MAX_BYTES:
        raise ImageProblem(f"'{name}' is larger than {MAX_BYTES // 2**20} MB")
    if suffix in RASTER_TYPES:
        check_raster(name, path, suffix)
    else:
        check_svg(name, path)
    return path


def check_svg(name: str, path: Path) -> None:
    """An SVG must be an XML document whose root is <svg> (what it may hold is octavo.text.svg's business)."""
    parse_svg(path.read_bytes(), name)


def parse_svg(data: bytes, name: str) -> etree._Element:
    """The root element of an SVG, read with no DTD, no entity expansion and no network access.

    Entities are left as they are (the sanitiser drops them), an external DTD or entity is never
    fetched, and libxml2's own limits refuse entity-expansion bombs and absurdly deep documents.
    """
    from lxml import etree  # here, as Pillow below: an article without images needs neither

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)  # fmt: skip
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(f"'{name}' is not a well-formed SVG file: {_xml_reason(exc)}") from None
    tag = etree.QName(root)
    if tag.localname != "svg" or tag.namespace not in (None, SVG_NAMESPACE):
        raise ImageProblem(f"'{name}' is not an SVG image (its root element is <{tag.localname}>)")
    return root


def _xml_reason(exc: etree.XMLSyntaxError) -> str:
    """libxml2's message in words an author can act on, with its line."""
    message = re.sub(r", line \d+, column \d+$", "", exc.msg or "").strip().rstrip(".") or "unreadable XML"
    if "amplification" in message or "entity loop" in message.lower():
        return "its entities expand without end (an entity-expansion bomb)"
    return f"line {exc.lineno}: {message}" if exc.lineno else message


def check_raster(name: str, source: Path | BinaryIO, suffix: str) -> None:
    """Read only the header: enough to refuse decompression bombs and files that are not images."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, set to our limit
            with Image.open(source) as image:
                width, height, kind = image.width, image.height, image.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageProblem(f"'{name}' has too many pixels (at most {MAX_PIXELS:,})") from None
    except Exception:  # Pillow raises many kinds for a damaged file; all mean the same here
        raise ImageProblem(f"'{name}' is not a readable image") from None
    if kind not in PILLOW_FORMATS:
        raise ImageProblem(f"'{name}' is a {kind} file; use JPEG, PNG, GIF, WebP or SVG")
    if PILLOW_FORMATS[kind] != RASTER_TYPES[suffix]:
        raise ImageProblem(f"'{name}' holds {kind} data, which its name ({suffix}) does not say")
    if width * height > MAX_PIXELS:
        raise ImageProblem(f"'{name}' has too many pixels ({width} x {height})")


def media_type(path: Path) -> str:
    return MEDIA_TYPES[path.suffix.lower()]
