"""latex2mathml's MathML amended to be set as TeX sets it: limits under display operators, accents on their letter."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree import ElementTree as ET

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
MO, MI = f"{{{MATHML_NS}}}mo", f"{{{MATHML_NS}}}mi"
MOVER = f"{{{MATHML_NS}}}mover"
LIMITS = {f"{{{MATHML_NS}}}{name}" for name in ("munder", "mover", "munderover")}

# The operators whose limits TeX sets under and over them in a display (and beside them in a line of text).
# latex2mathml sets only \sum, \prod and \gcd so; the others get scripts, which a reader cannot move.
MOVABLE_COMMANDS = ("sum", "prod", "coprod", "bigcup", "bigcap", "bigsqcup", "bigvee", "bigwedge", "bigodot",
                    "bigotimes", "bigoplus", "biguplus", "lim", "liminf", "limsup", "max", "min", "sup", "inf",
                    "det", "Pr", "gcd", "argmax", "argmin", "injlim", "projlim")  # fmt: skip
# Each such command followed by a sub- or superscript, unless the author wrote \limits or \nolimits.
_MOVABLE = re.compile(rf"\\(?:{'|'.join(MOVABLE_COMMANDS)})(?![A-Za-z])(?=\s*[_^])")
# The same operators as latex2mathml writes them (a name's parts are separated by a thin or a sixth space).
MOVABLE_OPERATORS = frozenset("∑∏∐⋃⋂⨆⋁⋀⨀⨂⨁⨄") | {"lim", "max", "min", "sup", "inf", "det", "Pr", "gcd"}
_NAME_SPACES = str.maketrans("", "", "\u2006\u2009 ")  # "lim\u2006sup" -> "limsup"
MOVABLE_NAMES = {"liminf", "limsup", "argmax", "argmin", "injlim", "projlim"}
BIG_OPERATORS = frozenset("⨆⨀⨂⨁⨄")  # written as identifiers by latex2mathml; operators, so that they grow

# Accents: latex2mathml writes \hat with the ASCII caret, which a math font draws as a tall spacing
# caret high above the letter, \tilde with the ASCII tilde, \bar as stretchy. Each accent is
# written with the modifier letter that math fonts shape as an accent (as MathML Core's operator
# dictionary lists them), not stretched over one letter; \widehat and \widetilde keep a stretchy
# combining mark, which both browsers and ziamath widen over their base.
ACCENTS = {"^": "\u02c6", "~": "\u02dc"}
WIDE_ACCENTS = {"^": "\u0302", "~": "\u0303"}
FIXED_ACCENTS = frozenset("\u02c6\u02dc\u00af\u02d9\u00a8\u02c7\u00b4\u0060\u02d8\u02da\u20d7\u20db\u20dc")


def prepare_tex(tex: str, display: bool) -> str:
    r"""The LaTeX to convert: in a display, `\limits` after each operator whose limits go under and over it."""
    return _MOVABLE.sub(lambda match: match[0] + r"\limits", tex) if display else tex


def amend(root: ET.Element, display: bool) -> None:
    """Amend latex2mathml's <math> in place: display style stated, movable limits, accents."""
    if display:
        root.set("displaystyle", "true")  # display="block" implies it; stated for readers that only know this
    for element in root.iter(MI):
        if element.text in BIG_OPERATORS:
            element.tag = MO
    for element in root.iter():
        if element.tag in LIMITS and len(element) and element[0].tag == MO and display:
            name = (element[0].text or "").translate(_NAME_SPACES)
            if element[0].text in MOVABLE_OPERATORS or name in MOVABLE_NAMES:
                # Under and over in a display, beside when a fraction or script sets it in text style.
                element[0].set("movablelimits", "true")
        if element.tag == MOVER and len(element) == 2 and element[1].tag == MO:
            _accent(element, element[1])


def _accent(mover: ET.Element, mark: ET.Element) -> None:
    """An accent over one letter (\\hat, \\tilde, \\bar, \\dot, ...) or over several (\\widehat)."""
    text = mark.text or ""
    if text in ACCENTS:
        # \hat is marked as an accent and \widehat not; \tilde is marked not stretchy and \widetilde not.
        wide = mover.get("accent") != "true" if text == "^" else mark.get("stretchy") != "false"
        mark.text = WIDE_ACCENTS[text] if wide else ACCENTS[text]
        if wide:
            mark.attrib.pop("stretchy", None)
        else:
            mark.set("stretchy", "false")
    elif text in FIXED_ACCENTS:
        mark.set("stretchy", "false")
    else:  # \vec's script-size arrow (browsers set it well); \overline, \overset and the like are no accents
        return
    mover.set("accent", "true")


# What MathML Core does by itself and ziamath does not: in a display, the parts of a fraction and the
# scripts and limits are in text style (a sum in a numerator takes its limits beside it), and a movable
# operator's limits go under and over it only in display style (ziamath sets them so from scripts).
SCRIPTS = {f"{{{MATHML_NS}}}{name}": name for name in ("msub", "msup", "msubsup", "munder", "mover", "munderover")}
AS_SCRIPTS = {"munder": "msub", "mover": "msup", "munderover": "msubsup"}
MFRAC = f"{{{MATHML_NS}}}mfrac"


def for_drawing(mathml: str, accent_drop: Callable[[str], float]) -> str:
    """The MathML that ziamath draws: display style stated where MathML Core implies it, movable limits as
    scripts, and each accent over one letter lowered by `accent_drop(mark)` ems to where the font puts it."""
    root = ET.fromstring(mathml)
    for element in list(root.iter()):
        if element.tag == MOVER and _vector(element) and _lowered(element, accent_drop):
            continue
        if element.tag == MFRAC:
            parts = list(element)
        elif element.tag in SCRIPTS:
            parts = list(element)[1:]
            name = SCRIPTS[element.tag]
            if name in AS_SCRIPTS and element[0].get("movablelimits") == "true":
                element.tag = f"{{{MATHML_NS}}}{AS_SCRIPTS[name]}"
        else:
            continue
        for part in parts:
            part.set("displaystyle", "false")
    return ET.tostring(root, encoding="unicode")


def _vector(mover: ET.Element) -> bool:
    r"""Whether a <mover> is an accent; \vec's arrow (stretchy, as \overrightarrow's is not) becomes the arrow
    accent, which ziamath sets small and over the letter where it sets a full arrow wider than the letter."""
    mark = mover[1] if len(mover) == 2 else None
    if mark is not None and mark.tag == MO and mark.text == "\u2192" and mark.get("stretchy") == "true":
        mark.text = "\u20d7"
        mark.set("stretchy", "false")
        mover.set("accent", "true")
    return mover.get("accent") == "true"


def _lowered(mover: ET.Element, accent_drop: Callable[[str], float]) -> bool:
    """ziamath sets every accent a bar's gap above its base, where the font sets it lower (from its accent base
    height): the mark is lowered in an <mpadded>, whose box keeps its place. Wide accents stay: they stretch
    only as the direct child of the <mover>."""
    mark = mover[1]
    drop = accent_drop(mark.text or "") if mark.tag == MO and mark.get("stretchy") == "false" else 0.0
    if drop <= 0:
        return False
    padded = ET.Element(f"{{{MATHML_NS}}}mpadded", {"voffset": f"-{drop:.3f}em", "height": f"-{drop:.3f}em"})
    mover.remove(mark)
    padded.append(mark)
    mover.append(padded)
    return True


def spaced_as_infix(root: ET.Element) -> None:
    """A piece of a formula that ends in a sign: the sign keeps the space it has between two operands."""
    row = root[0] if len(root) == 1 and root[0].tag == f"{{{MATHML_NS}}}mrow" else root
    if len(row) and row[-1].tag == MO:
        row[-1].set("form", "infix")
