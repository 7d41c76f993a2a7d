"""A print service's PDF/X preflight, read with pikepdf alone: what the file holds, not what it says it is.

It shares nothing with octavo (octavo.pdf.preflight is what octavo tells its users; this checks octavo): the
page boxes nest, every font is embedded, the output intent carries an ICC profile whose colour space is the
one it declares, the trapping state is given, and nothing is transparent where the variant forbids it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pikepdf

# The PDF version each part of PDF/X is built on: a later one may use what its checkers do not know.
VERSIONS = {"pdf/x-1a": (1, 4), "pdf/x-3": (1, 4), "pdf/x-4": (1, 6)}
OPAQUE = {"pdf/x-1a", "pdf/x-3"}  # the parts without transparency (PDF/X-4 allows it)
COMPONENTS = {b"GRAY": 1, b"RGB ": 3, b"CMYK": 4}  # an ICC header's colour space (bytes 16-19) -> /N
EMBEDDED = ("/FontFile", "/FontFile2", "/FontFile3")
SLACK = 0.01  # points: box coordinates are written rounded


def problems(source: bytes | Path, variant: str, bleed: float = 0.0) -> list[str]:
    """Everything a PDF/X preflight refuses in this file, one sentence each; [] when it passes.

    `bleed`: the points of bleed the job was ordered with; every page's BleedBox must reach that far beyond
    its TrimBox on all four sides.
    """
    if variant not in VERSIONS:
        raise ValueError(f"not a PDF/X variant this check knows: {variant}")
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found += _document(pdf, variant)
        for number, page in enumerate(pdf.pages, start=1):
            found += [f"page {number}: {problem}" for problem in _boxes(page.obj, bleed)]
            if variant in OPAQUE and _transparency_group(page.obj):
                found.append(f"page {number}: a transparency group")
        found += _contents(pdf, variant)
    return list(dict.fromkeys(found))


# -- the document ------------------------------------------------------------------------------------------


def _document(pdf: pikepdf.Pdf, variant: str) -> list[str]:
    found = []
    if pdf.is_encrypted:
        found.append("the file is encrypted")
    if "/ID" not in pdf.trailer:
        found.append("no /ID in the trailer")
    declared = str(pdf.Root.get("/Version", "/0.0"))[1:]  # the catalog's /Version overrides the header
    version = max(_version(pdf.pdf_version), _version(declared))
    if version > VERSIONS[variant]:
        found.append(f"PDF {'.'.join(map(str, version))} is later than {variant} allows")
    trapped = pdf.trailer.get("/Info", {}).get("/Trapped")
    if str(trapped) not in ("/True", "/False"):
        found.append(f"/Trapped is {trapped}, not /True or /False")
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFX"]
    if len(intents) != 1:
        return [*found, f"{len(intents)} output intents with /S /GTS_PDFX, not one"]
    (intent,) = intents
    if not str(intent.get("/OutputConditionIdentifier", "")):
        found.append("the output intent has no /OutputConditionIdentifier")
    return found + _profile(intent.get("/DestOutputProfile"))


def _version(text: str) -> tuple[int, int]:
    major, _, minor = text.partition(".")
    return int(major), int(minor or 0)


def _profile(profile: object) -> list[str]:
    """What is wrong with the output intent's ICC profile: missing, not a profile, or not what /N says."""
    if not isinstance(profile, pikepdf.Stream):
        return ["the output intent embeds no ICC profile (/DestOutputProfile)"]
    data = profile.read_bytes()
    if len(data) < 128 or data[36:40] != b"acsp" or int.from_bytes(data[:4], "big") != len(data):
        return ["the output intent's /DestOutputProfile is not a whole ICC profile"]
    space = data[16:20]
    if space not in COMPONENTS:
        return [f"the output profile's colour space is {space!r}, not gray, RGB or CMYK"]
    if profile.get("/N") != COMPONENTS[space]:
        return [f"the output profile is {space.decode().strip()} but its /N is {profile.get('/N')}"]
    return []


# -- the page boxes ----------------------------------------------------------------------------------------


def _inherited(page: pikepdf.Dictionary, key: str) -> object:
    """A page attribute that may be set on the page or on any page tree node above it."""
    node: object = page
    while isinstance(node, pikepdf.Dictionary):
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _rect(value: object) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    x1, y1, x2, y2 = (float(v) for v in value)  # type: ignore[union-attr]
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return all(inner[i] >= outer[i] - SLACK for i in (0, 1)) and all(inner[i] <= outer[i] + SLACK for i in (2, 3))


def _boxes(page: pikepdf.Dictionary, bleed: float) -> list[str]:
    """MediaBox ⊇ CropBox; MediaBox ⊇ BleedBox ⊇ TrimBox and ArtBox; a TrimBox or ArtBox; the bleed ordered."""
    media, crop = _rect(_inherited(page, "/MediaBox")), _rect(_inherited(page, "/CropBox"))
    trim, art, bleed_box = (_rect(page.get(key)) for key in ("/TrimBox", "/ArtBox", "/BleedBox"))
    if media is None:
        return ["no MediaBox"]
    found = []
    if trim is None and art is None:
        found.append("neither a TrimBox nor an ArtBox")
    named = {"MediaBox": media, "CropBox": crop, "BleedBox": bleed_box, "TrimBox": trim, "ArtBox": art}
    found += [f"the {name} is empty" for name, box in named.items() if box and (box[2] <= box[0] or box[3] <= box[1])]
    outer_bleed = bleed_box or crop or media  # what the BleedBox is when it is not given
    pairs = [("CropBox", "MediaBox"), ("BleedBox", "MediaBox"), ("TrimBox", "BleedBox"), ("ArtBox", "BleedBox"),
             ("TrimBox", "CropBox"), ("ArtBox", "CropBox")]  # fmt: skip
    for inner, outer in pairs:
        inner_box, outer_box = named[inner], outer_bleed if outer == "BleedBox" else named[outer]
        if inner_box is not None and outer_box is not None and not _inside(inner_box, outer_box):
            found.append(f"the {inner} reaches outside the {outer}")
    if bleed > 0:
        if bleed_box is None or trim is None:
            found.append("no BleedBox and TrimBox to give the bleed")
        else:
            reach = [trim[0] - bleed_box[0], trim[1] - bleed_box[1], bleed_box[2] - trim[2], bleed_box[3] - trim[3]]
            if min(reach) < bleed - SLACK:
                found.append(f"the bleed is {min(reach):.2f} pt on one side, not {bleed:.2f}")
    return found


# -- what the pages draw with: fonts, graphics states, images, forms ---------------------------------------


def _contents(pdf: pikepdf.Pdf, variant: str) -> list[str]:
    found = []
    for kind, obj in _drawn_with(pdf):
        if kind == "font":
            found += _font(obj)
        elif variant in OPAQUE:
            found += _transparency(kind, obj)
    return found


def _drawn_with(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """("font" | "state" | "image" | "form", object) for everything the pages' resources reach: forms, tiling
    patterns, Type 3 fonts and soft masks are followed into their own resources, and annotations' appearances."""
    todo: list[object] = []
    for page in pdf.pages:
        todo.append(_inherited(page.obj, "/Resources"))
        for annotation in page.obj.get("/Annots", []):
            for appearance in annotation.get("/AP", {}).values():
                forms = appearance.values() if not isinstance(appearance, pikepdf.Stream) else [appearance]
                todo += [{"/XObject": {"/AP": form}} for form in forms if isinstance(form, pikepdf.Stream)]
    seen: set[tuple[int, int]] = set()
    while todo:
        resources = todo.pop()
        if not isinstance(resources, pikepdf.Dictionary | dict):
            continue
        for font in resources.get("/Font", {}).values():
            if _first_time(font, seen):
                yield "font", font
                todo.append(font.get("/Resources"))  # a Type 3 font's glyphs draw with their own
        for state in resources.get("/ExtGState", {}).values():
            if _first_time(state, seen):
                yield "state", state
                mask = state.get("/SMask")
                if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
                    todo.append({"/XObject": {"/G": mask.G}})
        for xobject in resources.get("/XObject", {}).values():
            if _first_time(xobject, seen):
                kind = "image" if xobject.get("/Subtype") == "/Image" else "form"
                yield kind, xobject
                if kind == "form":
                    todo.append(xobject.get("/Resources"))
        for pattern in resources.get("/Pattern", {}).values():
            if _first_time(pattern, seen):
                todo.append(pattern.get("/Resources"))
                if "/ExtGState" in pattern:  # a shading pattern's own graphics state
                    todo.append({"/ExtGState": {"/P": pattern.ExtGState}})


def _first_time(obj: pikepdf.Object, seen: set[tuple[int, int]]) -> bool:
    """False for an indirect object already visited (forms may use themselves, pages share resources)."""
    if not obj.is_indirect:
        return True
    if obj.objgen in seen:
        return False
    seen.add(obj.objgen)
    return True


def _font(font: pikepdf.Dictionary) -> list[str]:
    """A font whose program is not in the file (Type 3 fonts are drawn by the file's own content)."""
    name = str(font.get("/BaseFont", "(unnamed)"))[1:]
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return []
    faces = list(font.get("/DescendantFonts", [])) if subtype == "/Type0" else [font]
    if not faces:
        return [f"the font {name} has no descendant font"]
    for face in faces:
        descriptor = face.get("/FontDescriptor")
        files = [descriptor.get(key) for key in EMBEDDED] if isinstance(descriptor, pikepdf.Dictionary) else []
        if not any(isinstance(file, pikepdf.Stream) and file.read_raw_bytes() for file in files):
            return [f"the font {name} is not embedded"]
    return []


def _transparency(kind: str, obj: pikepdf.Dictionary) -> list[str]:
    """What makes a graphics state, an image or a form transparent (PDF/X-1a and X-3 forbid it)."""
    found = []
    if kind == "state":
        if obj.get("/SMask", pikepdf.Name("/None")) != pikepdf.Name("/None"):
            found.append("a graphics state with a soft mask")
        found += [f"a graphics state with /{key[1:]} {float(obj[key])}" for key in ("/CA", "/ca")
                  if key in obj and float(obj[key]) != 1]  # fmt: skip
        modes = obj.get("/BM", pikepdf.Name.Normal)
        modes = list(modes) if isinstance(modes, pikepdf.Array) else [modes]
        if any(mode not in (pikepdf.Name.Normal, pikepdf.Name.Compatible) for mode in modes):
            found.append(f"a graphics state with the blend mode {modes[0]}")
    elif kind == "image":
        if "/SMask" in obj or int(obj.get("/SMaskInData", 0)) > 0:
            found.append("an image with a soft mask")
    elif _transparency_group(obj):
        found.append("a form with a transparency group")
    return found


def _transparency_group(obj: pikepdf.Dictionary) -> bool:
    group = obj.get("/Group")
    return isinstance(group, pikepdf.Dictionary) and group.get("/S") == "/Transparency"
