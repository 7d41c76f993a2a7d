"""math: a displayed formula in LaTeX; the mapping form is a numbered Equation (1), (2), ..."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import MappingNode, Node

from octavo.core.model import Formula
from octavo.source.blocks.base import BlockType, Context
from octavo.source.shapes import Key, Shape, Value

SHAPE = Shape(
    "math",
    "A numbered equation: its LaTeX and an optional id.",
    (
        Key("tex", Value.TEX, "The formula in LaTeX, without delimiters (required).", required=True),
        Key("id", Value.ID, "The equation's anchor; default: equation-N."),
    ),
)


@dataclass(frozen=True)
class Equation:
    formula: Formula
    number: int | None  # None for a formula written as plain text (`math: ...`): it is not numbered
    id: str | None
    kind: str = "math"


def read(ctx: Context, node: Node, where: str) -> Equation | None:
    if not isinstance(node, MappingNode):
        tex = ctx.string(node, where)
        formula = _formula(ctx, node, where, tex) if tex is not None else None
        return Equation(formula, None, None) if formula else None
    fields = ctx.mapping(node, where, SHAPE.names)
    if not ctx.require(node, fields, "tex", where):
        return None
    tex = ctx.string(fields["tex"], f"{where}.tex")
    formula = _formula(ctx, fields["tex"], f"{where}.tex", tex) if tex is not None else None
    number, anchor = ctx.number("equation", fields.get("id"), where)
    return Equation(formula, number, anchor) if formula else None


def _formula(ctx: Context, node: Node, where: str, tex: str) -> Formula | None:
    from octavo.text.formulas import FormulaError, typeset  # here: only an article with formulas needs it

    try:
        return typeset(tex, display=True)
    except FormulaError as exc:
        ctx.error(node, f"{where}: the formula cannot be typeset: {exc}")
        return None


BLOCK = BlockType(
    "math",
    "A displayed formula in LaTeX; as a mapping with `tex` (and `id`) a numbered Equation",
    (Value.TEX, SHAPE),
    read,
)
