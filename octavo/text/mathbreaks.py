"""Where an inline formula may break across lines: after a relation or an operator sign at its top level, as in TeX."""

from __future__ import annotations

import re
from itertools import pairwise

# The signs TeX breaks after: relations and binary operators (not a sign that opens an operand, as in `= -b`).
SIGNS = frozenset("=<>+-")
SIGN_COMMANDS = frozenset("\\" + name for name in (
    "ne", "neq", "le", "leq", "ge", "geq", "lt", "gt", "leqslant", "geqslant", "ll", "gg", "approx", "equiv", "sim",
    "simeq", "cong", "propto", "doteq", "coloneqq", "to", "rightarrow", "leftarrow", "Rightarrow", "Leftarrow",
    "Leftrightarrow", "iff", "implies", "mapsto", "in", "notin", "ni", "subset", "subseteq", "supset", "supseteq",
    "prec", "succ", "preceq", "succeq", "perp", "parallel", "pm", "mp", "times", "cdot", "div", "cup", "cap",
    "oplus", "otimes", "wedge", "vee", "land", "lor", "setminus", "ast", "star", "circ", "bullet"))  # fmt: skip
# Commands whose meaning reaches past a break (a style or size switch, a fraction written infix, table
# rows): a formula that has one at its top level stays in one piece.
WHOLE = frozenset("\\" + name for name in (
    "over", "atop", "choose", "brace", "brack", "\\", "displaystyle", "textstyle", "scriptstyle",
    "scriptscriptstyle", "rm", "it", "bf", "sf", "tt", "cal", "mit", "color", "boldmath", "tiny", "scriptsize",
    "footnotesize", "small", "normalsize", "large", "Large", "LARGE", "huge", "Huge", "middle", "limits",
    "nolimits"))  # fmt: skip
OPEN, CLOSE = ("{", r"\left", r"\begin"), ("}", r"\right", r"\end")
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.DOTALL)


def pieces(tex: str) -> list[str]:
    """The formula cut after each top-level sign that has an operand on both sides; one piece if it may not break."""
    cuts: list[int] = []
    depth = 0
    operand = False  # whether something that a sign can follow came since the start or the last sign
    tokens = list(_TOKEN.finditer(tex))
    previous = ""
    for index, token in enumerate(tokens):
        text, before = token[0], previous
        previous = text if not text.isspace() else previous
        if text in OPEN:
            depth += 1
        elif text in CLOSE:
            depth -= 1
        if depth or text in CLOSE or text.isspace():
            if text in CLOSE and not depth:
                operand = True
            continue
        if text in WHOLE or text == "&":
            return [tex]
        if (text in SIGNS or text in SIGN_COMMANDS) and before not in ("^", "_"):  # x^+ is a script
            following = _next(tokens, index)
            if operand and following is not None and following not in ("^", "_", "'"):  # =^{def} keeps its script
                cuts.append(token.end())
            operand = False
        elif text != r"\not":
            operand = True
    bounds = [0, *cuts, len(tex)]
    return [tex[start:end].strip() for start, end in pairwise(bounds)]


def _next(tokens: list[re.Match[str]], index: int) -> str | None:
    """The next token that is not a space, or None at the end."""
    return next((t[0] for t in tokens[index + 1 :] if not t[0].isspace()), None)
