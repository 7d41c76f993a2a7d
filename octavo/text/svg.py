"""SVG images reduced to an allow-list: what they draw stays; scripts and references outside the image go."""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import tinycss2
from lxml import etree
from tinycss2.serializer import serialize_identifier

from octavo.core.model import SvgImage
from octavo.text.images import MAX_BYTES, RASTER_TYPES, ImageProblem, check_image, check_raster, parse_svg

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

# What an SVG may hold: structure, shapes, text, paint servers, clipping, masking and filters.
# Everything else (script, foreignObject, animation, feImage, fonts, cursors, ...) is removed with a warning.
ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "a", "switch", "title", "desc", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
    "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode", "feMorphology",
    "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
})  # fmt: skip
# An image is usable when at least one of these survives.
DRAWING = frozenset({"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "image", "use"})
# Editors' private data and RDF metadata: removed without a word, as it never shows.
QUIET_NAMESPACES = frozenset({
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://www.bohemiancoding.com/sketch/ns",
    "http://www.serif.com/",
})  # fmt: skip
QUIET_PREFIXES = ("http://ns.adobe.com/",)  # Illustrator's many namespaces
# The DTDs an SVG may name in its DOCTYPE without a word; they are never read.
SVG_DTDS = re.compile(r"https?://www\.w3\.org/(?:Graphics/SVG/1\.[01]/DTD/svg[0-9a-z-]*|TR/2001/REC-SVG-20010904/DTD/svg10)\.dtd")
# CSS functions that load something by a URL written as a plain string.
CSS_LOADERS = frozenset({"image", "image-set", "-webkit-image-set", "cross-fade", "element", "src", "expression"})
# A value that is a URL with a scheme a renderer would follow (checked with white space and controls taken out).
URL_VALUE = re.compile(r"(?:javascript|vbscript|livescript|data|file|https?|ftp|blob):", re.IGNORECASE)
DATA_IMAGE = re.compile(r"data:(image/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=]*)", re.IGNORECASE)


@dataclass
class Sanitised:
    """An SVG reduced to the allow-list, and what had to be taken out (line in the SVG, what)."""

    image: SvgImage
    removed: list[tuple[int, str]]


def sanitise(path: Path, root: Path, name: str) -> Sanitised:
    """Rebuild the SVG from what the allow-list keeps; raises ImageProblem when nothing usable is left.

    The output is a new tree built element by element, so nothing the parser read (a DOCTYPE, an entity,
    a processing instruction) can reach it unless it is copied on purpose.
    """
    source = parse_svg(path.read_bytes(), name)
    cleaner = _Cleaner(name, path.parent, root, etree.QName(source).namespace)
    doctype = source.getroottree().docinfo.system_url
    if doctype and not SVG_DTDS.fullmatch(doctype):
        cleaner.remove(1, f"the document type '{_short(doctype)}' (octavo reads no DTD)")
    out = cleaner.element(source, None)
    assert out is not None  # parse_svg made sure the root is an <svg>
    etree.cleanup_namespaces(out)
    if cleaner.removed and not any(_draws(e) for e in out.iter(f"{{{SVG}}}*")):
        raise ImageProblem(f"'{name}' has nothing left to show once its scripts and outside references are removed")
    data = etree.tostring(out, xml_declaration=True, encoding="UTF-8")
    if len(data) > MAX_BYTES:
        raise ImageProblem(f"'{name}' is larger than {MAX_BYTES // 2**20} MB with the images it includes")
    return Sanitised(SvgImage(data, tuple(cleaner.embeds)), cleaner.removed)


@dataclass
class _Cleaner:
    name: str  # the image as the author wrote it, for messages
    folder: Path  # the SVG's own folder: its relative references start there
    root: Path  # the project folder: referenced files must lie inside it
    namespace: str | None  # the namespace of the SVG's elements (None: an SVG written without xmlns)
    removed: list[tuple[int, str]] = field(default_factory=list)
    embeds: dict[Path, str] = field(default_factory=dict)  # project image -> its data: URL
    size: int = 0  # bytes of images included so far

    def remove(self, line: int | None, what: str) -> None:
        self.removed.append((line or 0, what))

    def element(self, node: etree._Element, parent: etree._Element | None) -> etree._Element | None:
        """A copy of an allowed element with its allowed attributes and children, or None.

        Recursive: libxml2 refuses documents nested more than 256 levels (huge_tree=False), far within Python's limit.
        """
        tag = etree.QName(node)
        if tag.namespace != self.namespace:
            if not _quiet(tag.namespace):
                self.remove(node.sourceline, f"the element <{_prefixed(node, tag)}> (not SVG)")
            return None
        if tag.localname == "metadata":
            return None
        if tag.localname not in ELEMENTS:
            self.remove(node.sourceline, f"the element <{tag.localname}>")
            return None
        name = f"{{{SVG}}}{tag.localname}"
        out = etree.Element(name, nsmap={None: SVG, "xlink": XLINK}) if parent is None else \
            etree.SubElement(parent, name)  # fmt: skip
        for key, value in node.attrib.items():
            self.attribute(node, out, key, value)
        if parent is not None and tag.localname in ("image", "use") and not _draws(out):
            parent.remove(out)  # its reference was removed (and reported): it would show nothing
            return None
        if tag.localname == "style":
            out.text = self.stylesheet(node.text or "", node.sourceline)
            for child in node:
                self.remove(child.sourceline, "markup inside a <style> element")
            return out
        out.text = node.text
        last: etree._Element | None = None
        for child in node:
            copied = self.child(child, out)
            if copied is not None:
                copied.tail, last = child.tail, copied
            elif child.tail:  # the text after a removed node still belongs to its parent
                if last is None:
                    out.text = (out.text or "") + child.tail
                else:
                    last.tail = (last.tail or "") + child.tail
        return out

    def child(self, node: etree._Element, parent: etree._Element) -> etree._Element | None:
        if isinstance(node, etree._Entity):
            self.remove(node.sourceline, f"the entity reference {node.text} (octavo expands no entities)")
            return None
        if isinstance(node, etree._ProcessingInstruction):
            self.remove(node.sourceline, f"the processing instruction <?{node.target}?>")
            return None
        if isinstance(node, etree._Comment):
            return None
        return self.element(node, parent)

    def attribute(self, node: etree._Element, out: etree._Element, key: str, value: str) -> None:
        name = etree.QName(key)
        element = etree.QName(node).localname
        line = node.sourceline
        if name.namespace == XML and name.localname in ("space", "lang"):
            out.set(key, value)
        elif name.localname == "href" and name.namespace in (XLINK, None):
            target = self.reference(element, value, line)
            if target is not None:
                out.set(key, target)
        elif name.namespace is not None:
            if name.namespace != XLINK and not _quiet(name.namespace):
                self.remove(line, f"the attribute {_prefixed(node, name)} on <{element}>")
        elif name.localname.lower().startswith("on"):
            self.remove(line, f"the event attribute {name.localname} on <{element}>")
        elif name.localname == "style":
            style = self.declarations(tinycss2.parse_blocks_contents(value), line, element)
            if style:
                out.set("style", style)
        elif URL_VALUE.match(_compact(value)):
            self.remove(line, f"the attribute {name.localname}=\"{_short(value)}\" on <{element}>")
        elif "(" in value or "\\" in value:  # presentation attributes are CSS: fill="url(...)", filter, mask
            problem = _css_problem(tinycss2.parse_component_value_list(value))
            if problem:
                self.remove(line, f"the attribute {name.localname} on <{element}>, which refers to {problem}")
            else:
                out.set(key, value)
        else:
            out.set(key, value)

    def reference(self, element: str, value: str, line: int | None) -> str | None:
        """An href as kept: a fragment within the document, or for <image> a raster image as a data: URL."""
        target = value.strip()
        if element == "image":
            return self.image(target, line)
        if target.startswith("#"):
            return target
        self.remove(line, f"the reference to '{_short(target)}' on <{element}> (only references within the image "
                    "are kept)")  # fmt: skip
        return None

    def image(self, target: str, line: int | None) -> str | None:
        """A raster image: a data: URL that holds one, or a file that passes the same checks as a figure's."""
        compact = _compact(target)
        if compact.lower().startswith("data:"):
            return self.data_image(compact, line)
        scheme = urlsplit(compact).scheme
        if scheme and len(scheme) > 1:
            self.remove(line, f"the image '{_short(target)}' (only data: images and image files inside the "
                        "project are kept)")  # fmt: skip
            return None
        name = unquote(urlsplit(target).path)
        try:
            path = check_image(name, self.folder, self.root)
        except ImageProblem as problem:
            self.remove(line, f"an <image>: {problem}")
            return None
        if path.suffix.lower() not in RASTER_TYPES:
            self.remove(line, f"the image '{_short(target)}' (an SVG inside an SVG is not kept)")
            return None
        if path not in self.embeds:
            self.embeds[path] = self.included(RASTER_TYPES[path.suffix.lower()], path.read_bytes())
        return self.embeds[path]

    def data_image(self, url: str, line: int | None) -> str | None:
        match = DATA_IMAGE.fullmatch(url)
        try:
            data = base64.b64decode(match[2], validate=True) if match else None
        except binascii.Error:
            data = None
        if match is None or data is None:
            self.remove(line, f"the image '{_short(url)}' (a data: image must be a base64 PNG, JPEG, GIF or WebP)")
            return None
        media = match[1].lower()
        suffix = next(s for s, m in RASTER_TYPES.items() if m == media)
        try:
            check_raster(f"a data: image at line {line}", io.BytesIO(data), suffix)
        except ImageProblem as problem:
            self.remove(line, f"an <image>: {problem}")
            return None
        return self.included(media, data)

    def included(self, media: str, data: bytes) -> str:
        self.size += len(data)
        if self.size > MAX_BYTES:
            raise ImageProblem(f"'{self.name}' includes more than {MAX_BYTES // 2**20} MB of images")
        return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"

    # -- CSS: rebuilt from tinycss2's tokens, keeping declarations that load nothing ---------------

    def stylesheet(self, css: str, line: int | None) -> str:
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        return "\n".join(filter(None, (self.rule(rule, line) for rule in rules)))

    def rule(self, rule, line: int | None) -> str:
        if rule.type == "qualified-rule" and not _css_problem(rule.prelude):
            body = self.declarations(tinycss2.parse_blocks_contents(rule.content), line, "style")
            return f"{tinycss2.serialize(rule.prelude).strip()} {{ {body} }}"
        if rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content is not None \
                and not _css_problem(rule.prelude):  # fmt: skip
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            body = "\n".join(filter(None, (self.rule(r, line) for r in inner)))
            return f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)} {{\n{body}\n}}"
        what = f"@{rule.at_keyword}" if rule.type == "at-rule" else "CSS that cannot be read"
        self.remove(line, f"the CSS rule {what} in a <style> element")
        return ""

    def declarations(self, items: list, line: int | None, element: str) -> str:
        kept = []
        for item in items:
            if item.type in ("whitespace", "comment"):
                continue
            if item.type != "declaration":
                self.remove(line, f"CSS that is not a declaration in the style of <{element}>")
                continue
            problem = _css_problem(item.value)
            if problem:
                self.remove(line, f"the style '{item.name}' on <{element}>, which refers to {problem}")
                continue
            value = tinycss2.serialize(item.value).strip()
            kept.append(f"{serialize_identifier(item.name)}: {value}{' !important' if item.important else ''}")
        return "; ".join(kept)


def _css_problem(tokens: list) -> str | None:
    """What in a CSS value would load something (a url() outside the document, image-set, an at-rule), or None."""
    for token in tokens:
        if token.type == "url" and not token.value.strip().startswith("#"):
            return f"url({_short(token.value)})"
        if token.type == "function":
            if token.lower_name == "url":
                target = "".join(t.value for t in token.arguments if t.type in ("string", "ident")).strip()
                if not target.startswith("#"):
                    return f"url({_short(target)})"
            elif token.lower_name in CSS_LOADERS:
                return f"{token.lower_name}()"
            elif found := _css_problem(token.arguments):
                return found
        elif token.type in ("() block", "[] block", "{} block"):
            if found := _css_problem(token.content):
                return found
        elif token.type == "at-keyword":
            return f"@{token.value}"
        elif token.type == "error":
            return "CSS that cannot be read"
    return None


def _draws(element: etree._Element) -> bool:
    """Whether an element draws something (an <image> or <use> whose reference was removed does not)."""
    name = etree.QName(element).localname
    if name in ("image", "use"):
        return element.get("href") is not None or element.get(f"{{{XLINK}}}href") is not None
    return name in DRAWING


def _compact(value: str) -> str:
    """A URL as a browser reads it: ASCII white space and control characters inside are ignored."""
    return re.sub(r"[\x00-\x20]", "", value)


def _quiet(namespace: str | None) -> bool:
    return namespace in QUIET_NAMESPACES or (namespace or "").startswith(QUIET_PREFIXES)


def _prefixed(node: etree._Element, name: etree.QName) -> str:
    prefixes = {uri: prefix for prefix, uri in node.nsmap.items() if prefix}
    prefix = prefixes.get(name.namespace or "")
    return f"{prefix}:{name.localname}" if prefix else name.localname


def _short(text: str, limit: int = 60) -> str:
    """A value as shown in a message: one line, and a data: URL or a long value cut short."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
