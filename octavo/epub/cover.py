"""A typographic cover drawn with Pillow in the theme's fonts and accent, for articles without a cover image."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from octavo.core.model import Article
from octavo.core.usercache import cached_bytes
from octavo.theme.theme import Theme

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

SIZE = (1600, 2560)  # what stores ask of an e-book's cover: 1:1.6, 2560 px tall (docs/epub-stores.md)
MARGIN = 150
PAPER = (245, 240, 228)
INK = (35, 35, 40)
ACCENT = (140, 30, 30)


def cover_png(article: Article, theme: Theme) -> bytes:
    """The cover as PNG bytes; the same article and theme always give the same bytes.

    Drawing and compressing 1600 × 2560 pixels takes a tenth of an EPUB build, so the PNG is kept in the
    user's cache under everything it is drawn from: the words, the accent, the fonts' bytes and this code.
    """
    fonts = _Fonts(theme)
    accent = _rgb(theme.settings.accent) if theme.settings.accent else ACCENT
    words = (article.title.plain, article.subtitle.plain if article.subtitle else None, tuple(article.authors),
             article.publisher, accent, SIZE, MARGIN, PAPER, INK, *pillow_versions())
    key = b"\0".join([repr(words).encode(), Path(__file__).read_bytes(),
                      *(hashlib.sha256(Path(path).read_bytes()).digest() for path in fonts.files.values())])
    return cached_bytes("covers", key, lambda: _draw(article, fonts, accent))


def pillow_versions() -> tuple[str, str | None, str | None]:
    """Pillow's version and those of FreeType and zlib, which draw and compress the cover.

    They are what `PIL.features.version("freetype2")` and `("zlib")` give, read where that function reads
    them, in Pillow's compiled modules: importing PIL.features imports PIL.Image, which takes longer than
    the rest of a cover found in the cache.
    """
    import PIL
    from PIL import _imaging, _imagingft

    return PIL.__version__, getattr(_imagingft, "freetype2_version", None), getattr(_imaging, "zlib_version", None)


def _rgb(colour: str) -> tuple[int, ...]:
    from PIL import ImageColor

    return ImageColor.getrgb(colour)


def _draw(article: Article, fonts: _Fonts, accent: tuple[int, ...]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    draw.rectangle((MARGIN // 2, MARGIN // 2, SIZE[0] - MARGIN // 2, SIZE[1] - MARGIN // 2),
                   outline=accent, width=6)  # fmt: skip
    y = 560
    y = _paragraph(draw, article.title.plain, fonts.get("bold", 120), width, y, INK, 1.2)
    if article.subtitle:
        y = _paragraph(draw, article.subtitle.plain, fonts.get("italic", 72), width, y + 60, INK, 1.25)
    draw.line((SIZE[0] / 2 - 160, y + 80, SIZE[0] / 2 + 160, y + 80), fill=accent, width=5)
    if article.authors:
        _paragraph(draw, ", ".join(article.authors), fonts.get("regular", 72), width, y + 170, INK, 1.3)
    if article.publisher:
        _paragraph(draw, article.publisher, fonts.get("regular", 56), width, SIZE[1] - 360, accent, 1.3)
    out = io.BytesIO()
    image.save(out, format="PNG")  # optimize=True would save 3 % of the bytes for twice the time
    return out.getvalue()


class _Fonts:
    """The body faces of octavo.toml's [theme] where given, else the theme's Gentium Book Plus."""

    def __init__(self, theme: Theme) -> None:
        settings = theme.settings
        own = {"regular": settings.font, "italic": settings.font_italic or settings.font,
               "bold": settings.font_bold or settings.font}  # fmt: skip
        self.files = {
            style: own[style] or theme.find("styles", f"fonts/GentiumBookPlus-{style.title()}.ttf")
            for style in ("regular", "italic", "bold")
        }

    def get(self, style: str, size: int) -> ImageFont.FreeTypeFont:
        from PIL import ImageFont

        return ImageFont.truetype(str(self.files[style]), size)


def _paragraph(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int,
               y: float, fill: tuple[int, int, int], leading: float) -> float:  # fmt: skip
    """Draw centred lines broken at spaces to fit the width; return the y below the last line."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    step = font.size * leading
    for line in lines:
        draw.text((SIZE[0] / 2, y), line, font=font, fill=fill, anchor="ma")
        y += step
    return y
