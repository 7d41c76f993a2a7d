"""figure: an image with its caption, numbered Figure 1, 2, ...; a placeholder when there is no image file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node

from octavo.core.model import Inline, SvgImage
from octavo.source import shapes
from octavo.source.blocks.base import BlockType, Context
from octavo.source.shapes import Key, Shape, Value
from octavo.source.yamlsrc import position
from octavo.text import smart

ASPECT_PATTERN = re.compile(shapes.ASPECT_PATTERN)
WIDTH_PATTERN = re.compile(shapes.WIDTH_PATTERN)

SHAPE = Shape(
    "figure",
    "An image with its caption; without an image file it is drawn as a placeholder.",
    (
        Key("image", Value.IMAGE, "The image file, relative to this file; none or missing: a placeholder."),
        Key("caption", Value.INLINE, "The caption (inline markup); a caption or an alt text is required."),
        Key("alt", Value.TEXT, "What the image shows, for readers who cannot see it."),
        Key("id", Value.ID, "The figure's anchor, for cross-references [#id]; default: figure-N."),
        Key("credit", Value.INLINE, "Who made the image (inline markup)."),
        Key("aspect", Value.ASPECT, "The placeholder's shape, width:height such as 4:3 (default 3:2)."),
        Key("width", Value.WIDTH, "How much of the line's width the image takes, such as 60% (default: its "
            "natural size, at most the whole line)."),
    ),
    needs_one_of=("caption", "alt"),
)


@dataclass(frozen=True)
class Figure:
    number: int
    id: str
    caption: Inline | None
    alt: str | None
    credit: Inline | None
    aspect: tuple[int, int]
    image_name: str | None  # the path as the author wrote it
    image: Path | None  # the resolved file, or None when a placeholder stands in
    width: int | None = None  # percent of the measure, or None for the image's own size
    svg: SvgImage | None = None  # an SVG image as sanitised when loaded: what every output shows, never the file
    kind: str = "figure"
    at: tuple[int, int] = (1, 1)  # the line and column of its `image` in the YAML, for warnings about the PDF

    @property
    def is_placeholder(self) -> bool:
        return self.image is None

    @property
    def description(self) -> str:
        """What the image shows, in words: the alt text, else the caption."""
        return self.alt or (self.caption.plain if self.caption else "")


def read(ctx: Context, node: Node, where: str) -> Figure | None:
    fields = ctx.mapping(node, where, SHAPE.names)
    if not isinstance(node, MappingNode):
        return None
    caption = ctx.optional_inline(fields, "caption", f"{where}.caption")
    alt = ctx.string(fields["alt"], f"{where}.alt") if "alt" in fields else None
    alt = smart.plain(alt, ctx.resolver.quotes) if alt else alt
    if "caption" not in fields and "alt" not in fields:
        ctx.error(node, f"{where}: a figure needs a caption or an alt text (or both)")
    elif not alt:
        ctx.warning(node, f"{where}: figure has no alt text (the caption stands in for it)")
    image_name = ctx.string(fields["image"], f"{where}.image") if "image" in fields else None
    image = ctx.image_path(fields["image"], f"{where}.image") if image_name else None
    svg = ctx.svg_image(fields["image"], image, f"{where}.image") if image else None
    number, anchor = ctx.number("figure", fields.get("id"), where)
    return Figure(
        number=number,
        id=anchor,
        caption=caption,
        alt=alt,
        credit=ctx.optional_inline(fields, "credit", f"{where}.credit"),
        aspect=aspect(ctx, fields.get("aspect"), f"{where}.aspect"),
        image_name=image_name,
        image=image,
        width=width(ctx, fields.get("width"), f"{where}.width"),
        svg=svg,
        at=position(fields.get("image", node)),
    )


def aspect(ctx: Context, node: Node | None, where: str) -> tuple[int, int]:
    if node is None:
        return shapes.DEFAULT_ASPECT
    value = ctx.string(node, where) or ""
    match = ASPECT_PATTERN.fullmatch(value)
    if not match or 0 in (int(match[1]), int(match[2])):
        ctx.error(node, f"{where}: '{value}' is not an aspect ratio like 3:2 or 4:3")
        return shapes.DEFAULT_ASPECT
    return int(match[1]), int(match[2])


def width(ctx: Context, node: Node | None, where: str) -> int | None:
    """A share of the measure, 10% to 100%: a handout keeps its figures small with `width: 50%`."""
    if node is None:
        return None
    value = ctx.string(node, where) or ""
    match = WIDTH_PATTERN.fullmatch(value)
    if not match or not 10 <= int(match[1]) <= 100:
        ctx.error(node, f"{where}: '{value}' is not a width such as 60% (10% to 100% of the line)")
        return None
    return int(match[1])


BLOCK = BlockType("figure", "An image or a placeholder with its caption, numbered Figure 1, 2, …", (SHAPE,), read)
