"""/Lang, header /Scope and /Formula added to WeasyPrint's structure elements, by wrapping its tag builder.

WeasyPrint (up to 70 at least) writes the document's language in the catalogue only, so a Russian
chapter in an English book is read with an English voice, and its header cells carry no /Scope.
Its tag builder, `weasyprint.pdf.tags._build_box_tree`, is one recursive generator that sees each box
and calls itself through its module's global name; wrapping it is the one place where a structure
element and the HTML element it comes from meet. The wrapper keeps no state, so any number of builds
may share it. The check: the function is there, a generator taking (box, parent, pdf, ...) and calling
itself by that name, and the box and PDF classes it uses exist. Without it the PDF is as WeasyPrint tags it.

A few elements are placed in the structure tree away from their HTML parents: a footnote goes to its
page's footnote area, under the document, out of its chapter. Once a page's elements are built, each
one whose language (WeasyPrint's computed `lang`, inherited in the HTML) is not the one it would
inherit in the structure tree gets its own /Lang; everywhere else the two agree and nothing is added.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from octavo.pdf.engine.scope import Hook, Patch, active, parameters, register


def _check() -> str | None:
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or not inspect.isgeneratorfunction(build):
        return "weasyprint.pdf.tags has no generator _build_box_tree"
    if parameters(build)[:3] != ["box", "parent", "pdf"]:
        return f"weasyprint.pdf.tags._build_box_tree takes {parameters(build)}, not (box, parent, pdf, ...)"
    if not ("_build_box_tree" in build.__code__.co_names and hasattr(boxes, "PageBox") and hasattr(pydyf, "String")):
        return "_build_box_tree does not recurse through its module, or PageBox or pydyf.String is gone"
    if "objects" not in pydyf.PDF.add_object.__code__.co_names:  # a child element is found by its number
        return "pydyf.PDF.add_object keeps no list of the objects"
    return None


def _patches() -> list[Patch]:
    from weasyprint.pdf import tags

    return [(tags, "_build_box_tree", _with_our_tags(tags._build_box_tree))]


def _with_our_tags(build: Any) -> Any:
    import pydyf
    from weasyprint.formatting_structure import boxes

    @functools.wraps(build)
    def build_box_tree(box, parent, pdf, *args):
        if not active():  # a PDF the program writes itself, in another thread: WeasyPrint's tags only
            yield from build(box, parent, pdf, *args)
            return
        if isinstance(box, boxes.PageBox):  # the page's elements, each given the language it does not inherit
            structures = list(build(box, parent, pdf, *args))
            _inherit_languages(structures, pdf, pydyf)
            yield from structures
            return
        # The page, <html> and <body> pass their children's elements up: those are not theirs to mark.
        element = getattr(box, "element", None)
        own = element is not None and box.element_tag not in ("html", "body")
        for structure in build(box, parent, pdf, *args):
            if own and structure.get("S") not in (None, "/Document"):
                _add_language(structure, element, pydyf)
                structure.octavo_lang = (getattr(box, "style", None) or {}).get("lang")
                if structure.get("S") == "/TH" and isinstance(structure.get("A"), dict):
                    scope = "/Row" if element.get("scope") == "row" else "/Column"
                    structure["A"]["Scope"] = scope
                if structure.get("S") == "/Figure" and "math" in (element.get("class") or "").split():
                    structure["S"] = "/Formula"  # a formula's drawing (partials/formula.html), its LaTeX the /Alt
            yield structure

    build_box_tree.octavo_tagging = True  # type: ignore[attr-defined]
    return build_box_tree


def _add_language(structure: Any, element: Any, pydyf: Any) -> None:
    """/Lang on each element whose HTML states its language (a chapter, its notes); the rest inherit it."""
    lang = element.get("lang")
    if lang and "Lang" not in structure:
        structure["Lang"] = pydyf.String(lang)


def _inherit_languages(structures: list[Any], pdf: Any, pydyf: Any) -> None:
    """/Lang on each element of a page whose HTML language is not the one it inherits in the structure tree."""
    document = pdf.catalog.get("Lang")
    stack = [(structure, getattr(document, "string", None)) for structure in structures]
    while stack:
        structure, inherited = stack.pop()
        own = structure.get("Lang")
        if own is not None:
            inherited = getattr(own, "string", inherited)
        else:
            wanted = getattr(structure, "octavo_lang", None)
            if wanted and wanted != inherited:
                structure["Lang"] = pydyf.String(wanted)
                inherited = wanted
        for kid in structure.get("K") or ():
            if isinstance(kid, bytes):  # a reference "N 0 R" to a child element (MCIDs are numbers)
                child = pdf.objects[int(kid.split()[0])]
                if isinstance(child, dict) and child.get("Type") == "/StructElem":
                    stack.append((child, inherited))


HOOK = register(Hook("tagging", _check, _patches))
