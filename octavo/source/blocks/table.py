"""table: rows of cells with an optional header row and caption, numbered Table 1, 2, ..."""

from __future__ import annotations

import re
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, SequenceNode

from octavo.core.model import Inline
from octavo.source.blocks.base import BlockType, Context
from octavo.source.reader import kind_name
from octavo.source.shapes import Key, Shape, Value

SHAPE = Shape(
    "table",
    "A table: rows of cells, an optional header row and caption.",
    (
        Key("caption", Value.INLINE, "The caption (inline markup)."),
        Key("id", Value.ID, "The table's anchor, for cross-references [#id]; default: table-N."),
        Key("header", Value.CELLS, "The header row: a list of cells."),
        Key("rows", Value.ROWS, "The rows (required): each a list of cells, as many as the header's.", required=True),
    ),
)
# A number as tables hold them: 1815, -3.5, 12,000, 1 234,5, 4.2 %, $120, €3.50, +7; a sign may be a minus.
NUMBER = re.compile(r"[-+\u2212]?[$€£¥]?\s?\d[\d.,\u00a0\u202f ]*\d?\s?%?")
COMMA_HINT = ' (quote cells that contain commas: ["a, b", c])'


@dataclass(frozen=True)
class Table:
    number: int
    id: str
    caption: Inline | None
    header: tuple[Inline, ...] | None
    rows: tuple[tuple[Inline, ...], ...]
    kind: str = "table"

    @property
    def numeric(self) -> tuple[bool, ...]:
        """For each column, whether its cells are numbers (or empty): such columns align on the right."""
        columns = [[cell.plain.strip() for cell in column] for column in zip(*self.rows, strict=True)]
        return tuple(any(cells) and all(not c or NUMBER.fullmatch(c) for c in cells) for cells in columns)


def read(ctx: Context, node: Node, where: str) -> Table | None:
    fields = ctx.mapping(node, where, SHAPE.names)
    if not isinstance(node, MappingNode):
        return None
    caption = ctx.optional_inline(fields, "caption", f"{where}.caption")
    header = row(ctx, fields["header"], f"{where}.header") if "header" in fields else None
    if not ctx.require(node, fields, "rows", where):
        return None
    rows = []
    width = len(header) if header is not None else None
    for i, row_node in enumerate(ctx.sequence(fields["rows"], f"{where}.rows")):
        cells = row(ctx, row_node, f"{where}.rows[{i}]")
        if cells is None:
            continue
        if width is None:
            width = len(cells)
        elif len(cells) != width:
            against = "the header" if header is not None else "the first row"
            # Extra cells in a [...] row are most often one cell that holds a comma.
            hint = COMMA_HINT if len(cells) > width and getattr(row_node, "flow_style", False) else ""
            ctx.error(row_node, f"{where}.rows[{i}]: the row has {len(cells)} cells but "
                      f"{against} has {width}{hint}")  # fmt: skip
            continue
        rows.append(cells)
    if not rows:
        if isinstance(fields["rows"], SequenceNode) and not fields["rows"].value:
            ctx.error(fields["rows"], f"{where}.rows: a table needs at least one row")
        return None
    number, anchor = ctx.number("table", fields.get("id"), where)
    return Table(number, anchor, caption, header, tuple(rows))


def row(ctx: Context, node: Node, where: str) -> tuple[Inline, ...] | None:
    if not isinstance(node, SequenceNode):
        ctx.error(node, f"{where}: expected a list of cells, found a {kind_name(node)}")
        return None
    cells = [ctx.inline(cell, f"{where}[{i}]") for i, cell in enumerate(node.value)]
    return tuple(cells) if None not in cells else None


BLOCK = BlockType(
    "table", "A table of rows with an optional header and caption, numbered Table 1, 2, …", (SHAPE,), read
)
