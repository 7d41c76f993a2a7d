"""The live preview's HTML: the index of publications, and a publication's print pages beside its EPUB text."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from octavo.build.preview_state import Publication

HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/preview.css">
<script src="/static/preview.js" defer></script>
</head>
"""
# Filled in by preview.js from /status after every build; hidden while the last build was clean.
PROBLEMS = """<section id="problems" class="problems" role="alert" aria-labelledby="problems-heading" hidden>
<h2 id="problems-heading">Problems in the last build</h2>
<p class="beneath">Beneath: the last outputs that were built without errors.</p>
<ul id="problem-list"></ul>
<button type="button" id="hide-problems">Hide</button>
</section>
"""
WIDTHS = (("phone", 360, "Phone"), ("reader", 600, "Reader"))  # the EPUB's frame: a phone's width, a reader's


def base(slug: str) -> str:
    """The address of a publication's page; its files are below it."""
    return f"/p/{quote(slug, safe='')}/"


def member_url(slug: str, name: str) -> str:
    """The address of a file inside a publication's EPUB (its own relative links then work as in the zip)."""
    return base(slug) + "epub/" + "/".join(quote(part, safe="") for part in name.split("/"))


def bar(generation: int, building: bool, heading: str) -> str:
    """The top bar: the preview's name and the build's number, which the page updates."""
    state = "building…" if building else "up to date"
    return (f'<header class="bar">\n<p class="brand"><a href="/">octavo preview</a></p>\n{heading}\n'
            f'<p class="build" aria-live="polite">build <span id="generation">{generation}</span> '
            f'<span id="build-state">{state}</span></p>\n</header>\n')  # fmt: skip


def file_link(publication: Publication, kind: str) -> str:
    """A link to the publication's PDF or EPUB file; the PDF's with its number of pages."""
    name = publication.paths[kind].name
    link = f'<a href="{base(publication.slug)}{quote(name)}">{escape(name)}</a>'
    if kind == "pdf" and publication.pdf is not None:
        count = len(publication.pdf.pages)
        link += f', <span class="count">{count}</span> page{"" if count == 1 else "s"}'
    return link


def files_said(publication: Publication) -> str:
    """"handout.pdf, 4 pages · handout.epub" with a link to each file."""
    kinds = [kind for kind in ("pdf", "epub") if getattr(publication, kind) is not None]
    return " · ".join(file_link(publication, kind) for kind in kinds)


def index_page(publications: list[Publication], generation: int, building: bool) -> str:
    """`/`: every publication the preview builds, with a link to each one's page and files."""
    items = "".join(f'<li><a class="title" href="{base(p.slug)}">{escape(p.title)}</a> '
                    f'<span class="files">{files_said(p)}</span></li>\n' for p in publications)  # fmt: skip
    listing = f'<ul class="publications" id="publications">\n{items}</ul>' if items else (
        '<p id="publications">Nothing is built yet: the first build has problems (below), or no inputs.</p>')
    return (HEAD.format(title="octavo preview") + f'<body data-view="index" data-generation="{generation}">\n'
            + bar(generation, building, "<h1>Publications</h1>") + f'<main class="index">\n{listing}\n</main>\n'
            + PROBLEMS + "</body>\n</html>\n")  # fmt: skip


def switcher(publications: list[Publication], current: str) -> str:
    """The list of publications, to go from one to another."""
    here = ' aria-current="page"'
    links = "".join(f'<li><a href="{base(p.slug)}"{here if p.slug == current else ""}>{escape(p.title)}</a></li>'
                    for p in publications)  # fmt: skip
    return f'<nav class="switch" aria-label="Publications"><ul id="switch">{links}</ul></nav>'


def print_pane(publication: Publication) -> str:
    """The PDF's pages, one picture each, loaded as they scroll into view."""
    if publication.pdf is None:
        return '<section class="print" aria-label="Print pages"><p>No PDF was built.</p></section>'
    pictures = "".join(f'<img src="{base(publication.slug)}page-{number}.png?v={publication.pdf.version}" '
                       f'width="{width}" height="{height}" alt="Page {number}" loading="lazy">\n'
                       for number, (width, height) in enumerate(publication.pdf.pages, 1))  # fmt: skip
    return ('<section class="print" aria-labelledby="print-heading">\n'
            f'<h2 id="print-heading">Print <span class="files">{file_link(publication, "pdf")}</span></h2>\n'
            f'<div class="pages" id="pages" tabindex="0" aria-label="Print pages">\n{pictures}</div>\n'
            '</section>\n')  # fmt: skip


def epub_pane(publication: Publication) -> str:
    """The EPUB's documents in a frame, with its own stylesheet, a choice of document and of width."""
    epub = publication.epub
    if epub is None or not epub.documents:
        return '<section class="epub" aria-label="EPUB text"><p>No EPUB was built.</p></section>'
    chosen = ' selected'
    options = "".join(f'<option value="{escape(document)}"{chosen if document == epub.start else ""}>'
                      f'{escape(document.rsplit("/", 1)[-1])}</option>' for document in epub.documents)  # fmt: skip
    widths = "".join(f'<label><input type="radio" name="width" value="{pixels}"{" checked" if key == "reader" else ""}>'
                     f" {label} ({pixels} px)</label>" for key, pixels, label in WIDTHS)  # fmt: skip
    first = member_url(publication.slug, epub.start or epub.documents[0]) + f"?v={epub.version}"
    return ('<section class="epub" aria-labelledby="epub-heading">\n'
            f'<h2 id="epub-heading">EPUB <span class="files">{file_link(publication, "epub")}</span></h2>\n'
            f'<div class="controls"><label>Document <select id="document">{options}</select></label>\n'
            f'<fieldset class="widths"><legend>Width</legend>{widths}</fieldset></div>\n'
            f'<div class="frame" id="frame"><iframe id="reader" name="reader" title="EPUB text of '
            f'{escape(publication.title)}" src="{first}" data-version="{epub.version}"></iframe></div>\n'
            "</section>\n")  # fmt: skip


def publication_page(publication: Publication, publications: list[Publication], generation: int,
                     building: bool) -> str:  # fmt: skip
    """`/p/<slug>/`: the print pages beside the EPUB text, and the list of the other publications."""
    heading = f'<h1 id="title">{escape(publication.title)}</h1>\n{switcher(publications, publication.slug)}'
    return (HEAD.format(title=f"{escape(publication.title)}: octavo preview")
            + f'<body data-view="publication" data-slug="{escape(publication.slug)}" '
            f'data-generation="{generation}">\n' + bar(generation, building, heading)
            + f'<main class="panes">\n{print_pane(publication)}{epub_pane(publication)}</main>\n'
            + PROBLEMS + "</body>\n</html>\n")  # fmt: skip
