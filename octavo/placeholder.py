"""Image placeholders as SVG files: a box of the figure's aspect that says what the image will show."""

from __future__ import annotations

import textwrap

from octavo.blocks.figure import Figure
from octavo.theme import Theme

WIDTH = 1200
FONT_SIZE = 44
# Average advance of a serif italic glyph, in ems: enough to wrap lines that fit the box.
CHAR_WIDTH_EM = 0.5


def placeholder_svg(figure: Figure, theme: Theme) -> bytes:
    """The placeholder for one figure, drawn from templates/epub/placeholder.svg."""
    width, height = WIDTH, round(WIDTH * figure.aspect[1] / figure.aspect[0])
    font_size = FONT_SIZE if height >= 600 else round(FONT_SIZE * 0.75)
    line_height = round(font_size * 1.3)
    chars = int((width - 160) / (font_size * CHAR_WIDTH_EM))
    max_lines = max(1, (height - 280) // line_height)
    lines = textwrap.wrap(figure.description, chars) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = textwrap.shorten(lines[-1] + " …", chars - 1, placeholder=" …")
    block = line_height * (len(lines) - 1)
    top = round((height - block) / 2 + font_size * 0.35 + 30)  # room above for the image mark
    svg = theme.render(
        "epub/placeholder.svg",
        width=width,
        height=height,
        description=figure.description,
        lines=lines,
        top=top,
        font_size=font_size,
        line_height=line_height,
        file_y=min(height - 40, top + block + round(font_size * 1.6)),
        file_label=figure.image_name or "no image file given",
        file_size=round(font_size * 0.7),
    )
    return svg.encode("utf-8")
