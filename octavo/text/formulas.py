"""LaTeX formulas -> MathML (latex2mathml) and an SVG drawing of that MathML (ziamath), checked at load time."""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from xml.etree import ElementTree as ET

from octavo.core.model import Formula
from octavo.text.mathbreaks import pieces
from octavo.text.mathml import amend, for_drawing, prepare_tex, spaced_as_infix

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# The size ziamath draws at; the drawing is scaled to the text by em-based sizes, so any size works.
DRAWING_SIZE = 20.0
# How many children MathML's layout elements take: latex2mathml builds them from incomplete LaTeX too
# (`\frac{a` gives an <mfrac> with one child), and a reader would show nonsense.
ARITY = {"mfrac": 2, "msup": 2, "msub": 2, "msubsup": 3, "mroot": 2, "munder": 2, "mover": 2, "munderover": 3}
TOKENS = ("mi", "mo", "mn", "mtext")
# Limits that keep the cost of one formula bounded: drawing time grows about threefold with every two
# levels of groups in groups (a \frac twelve deep takes half a minute), and with the length.
MAX_TEX_LENGTH = 2000
MAX_TEX_DEPTH = 8  # groups in groups: { }, \left … \right, \begin … \end
MAX_MATHML_DEPTH = 2 * MAX_TEX_DEPTH + 4  # the same limit for nesting written without braces (\sqrt\sqrt x)
# Commands that define commands: refused, so that no definition can expand without end.
DEFINITIONS = re.compile(r"\\(?:[egx]?def|let|(?:new|renew|provide)command|DeclareMathOperator)(?![A-Za-z])")
ET.register_namespace("", MATHML_NS)  # MathML written without a prefix, as readers expect


class FormulaError(ValueError):
    """A formula that cannot be typeset; the message says why, for the author."""


def typeset(tex: str, display: bool = False) -> Formula:
    """A formula as MathML with its LaTeX as alttext, and drawn as SVG with its size in ems; an inline one is
    also drawn in the pieces a printed line may break between (mathbreaks)."""
    return _typeset(tex.strip(), display)


@lru_cache(maxsize=4096)  # the same formula in an article and in the books that collect it
def _typeset(tex: str, display: bool, piece: bool = False) -> Formula:
    if not tex:
        raise FormulaError("the formula is empty")
    if len(tex) > MAX_TEX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_TEX_LENGTH:,} characters")
    definition = DEFINITIONS.search(tex)
    if definition:
        raise FormulaError(f"'{definition[0]}' defines a command, which octavo does not allow")
    _check_braces(tex)
    root = _mathml(tex, display)
    if piece:
        spaced_as_infix(root)
    _check_depth(root)
    root.set("alttext", tex)
    mathml = ET.tostring(root, encoding="unicode")
    # A piece is drawn without a margin: it meets the next piece as the signs' own spacing says.
    svg, width, height, depth = _drawing(mathml, 0.0 if piece else 1.0)
    parts = () if display or piece else _pieces(tex)
    return Formula(tex=tex, display=display, mathml=mathml, svg=svg, width=width, height=height, depth=depth,
                   pieces=parts)


def _pieces(tex: str) -> tuple[Formula, ...]:
    """An inline formula drawn in pieces that a line may break between, or () if it is one piece."""
    texts = pieces(tex)
    if len(texts) < 2:
        return ()
    try:
        return tuple(_typeset(text, False, True) for text in texts)
    except FormulaError:  # a piece that cannot stand alone: the formula is drawn whole, as it always can be
        return ()


def _check_braces(tex: str) -> None:
    depth = nesting = 0  # braces; all groups (braces, \left … \right, \begin … \end)
    for match in re.finditer(r"\\(?:left|right|begin|end)(?![A-Za-z])|\\.|[{}]", tex):  # \{ \} are drawn
        if match[0] in ("{", "\\left", "\\begin"):
            depth += match[0] == "{"
            nesting += 1
            if nesting > MAX_TEX_DEPTH:
                raise FormulaError(f"the formula nests groups more than {MAX_TEX_DEPTH} levels deep")
        elif match[0] in ("}", "\\right", "\\end"):
            depth -= match[0] == "}"
            nesting = max(nesting - 1, 0)
            if depth < 0:
                raise FormulaError("a '}' closes no '{'")
    if depth:
        raise FormulaError(f"{depth} '{{' {'is' if depth == 1 else 'are'} never closed")


def _check_depth(root: ET.Element) -> None:
    """The MathML's depth, counted without recursion: nesting without braces (\\sqrt\\sqrt x) is nesting too."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_MATHML_DEPTH:
            raise FormulaError(f"the formula nests more than {MAX_TEX_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in element)


def _mathml(tex: str, display: bool) -> ET.Element:
    from latex2mathml.converter import convert  # imported here: only articles with mathematics need it

    try:
        text = convert(prepare_tex(tex, display), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own exception types, and sometimes others
        raise FormulaError(_reason(exc)) from None
    root = ET.fromstring(text)
    for element in root.iter():
        name = element.tag.split("}")[-1]
        if name in TOKENS and (element.text or "").startswith("\\") and len(element.text or "") > 1:
            raise FormulaError(f"unknown command '{element.text}'")
        if name in ARITY and len(element) != ARITY[name]:
            raise FormulaError(f"an incomplete {_COMMANDS.get(name, name)} (a part is missing)")
    amend(root, display)
    return root


_COMMANDS = {"mfrac": "fraction", "msup": "superscript", "msub": "subscript", "msubsup": "sub- and superscript",
             "mroot": "root", "munder": "limit", "mover": "accent", "munderover": "limits"}  # fmt: skip


def _reason(exc: Exception) -> str:
    """latex2mathml's exception, in words: its class names say what is wrong, its messages rarely."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__.removesuffix("Error")).lower()
    detail = str(exc).strip()
    return f"{words}{f' ({detail})' if detail else ''}"


def _drawing(mathml: str, margin: float) -> tuple[str, float, float, float]:
    """The SVG of the MathML, and its width, height and depth below the baseline, in ems."""
    try:
        with warnings.catch_warnings():
            # ziamath warns of glyphs it substitutes, and of an old way it finds its font; neither is the author's.
            warnings.simplefilter("ignore")
            import ziamath  # imported here: loading its math font takes a moment

            svg = ziamath.Math(for_drawing(mathml, _accent_drop), size=DRAWING_SIZE, margin=margin).svg()
    except Exception as exc:  # any failure to draw is the formula's problem, reported where it is written
        raise FormulaError(f"it cannot be drawn ({exc})") from None
    view = re.search(r'viewBox="([-\d.e ]+)"', svg)
    if view is None:
        raise FormulaError("it cannot be drawn (no size)")
    _x, top, width, height = (float(v) for v in view[1].split())
    # The SVG's y axis has the baseline at 0; what lies below it is the depth.
    return svg, width / DRAWING_SIZE, height / DRAWING_SIZE, (height + top) / DRAWING_SIZE


@lru_cache(maxsize=64)
def _accent_drop(mark: str) -> float:
    """How much lower than ziamath the math font sets an accent over a letter, in ziamath's ems (0 if not lower).

    ziamath leaves the font's overbar gap between a letter's top and any mark over it; the font (and TeX, and
    MathML Core) sets an accent at its own height over a letter as tall as the accent base height, and
    higher by as much as a letter is taller.
    """
    import ziamath

    font = ziamath.Math(f'<math xmlns="{MATHML_NS}"><mi>x</mi></math>').font
    if len(mark) != 1 or not font.glyphindex(mark):
        return 0.0
    consts = font.math.consts
    bottom = font.glyph(mark).path.bbox.ymin  # the accent's lowest point, as the font places it
    drop = max(0.0, consts.overbarVerticalGap - (bottom - consts.accentBaseHeight)) / font.info.layout.unitsperem
    return drop / _ziamath_em()


@lru_cache(maxsize=1)
def _ziamath_em() -> float:
    """ziamath's em in ems of its size: it reads a MathML length in em as 4/3 of the size (points taken as pixels)."""
    import ziamath

    space = ziamath.Math(f'<math xmlns="{MATHML_NS}"><mspace width="1em"/></math>', size=DRAWING_SIZE)
    return (space.node.bbox.xmax - space.node.bbox.xmin) / DRAWING_SIZE
