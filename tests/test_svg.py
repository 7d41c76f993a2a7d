"""Hostile SVG images: each attack is removed with a located warning, or refused with a located error,
and no output (PDF, EPUB, HTML and its files) carries a script, an event handler, an outside reference
or a secret."""

from __future__ import annotations

import base64
import contextlib
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from .conftest import FIXTURES, epub_files, epubcheck_messages

HOSTILE = FIXTURES / "hostile"
SECRET = b"TOPSECRET-4711"
PASSWD_LINE = "root:x:0:0"

# One fixture per attack: what the warning at the figure says, and the line of the SVG it names.
REMOVED = {
    "script.svg": (3, "removed the element <script>"),
    "onclick.svg": (3, "removed the event attribute onclick on <rect>"),
    "foreign-object.svg": (3, "removed the element <foreignObject>"),
    "file-url-image.svg": (3, "removed the image 'file:///etc/passwd' (only data: images and image files inside"),
    "outside-image.svg": (4, "removed an <image>: '../../secret.png' is outside the project folder"),
    "tracker-image.svg": (3, "removed the image 'http://tracker.example/pixel.gif'"),
    "javascript-link.svg": (3, "removed the reference to 'javascript:alert(document.domain)' on <a>"),
    "css-url.svg": (2, "removed the CSS rule @import in a <style> element"),
    "external-dtd.svg": (1, "removed the document type 'http://tracker.example/evil.dtd' (octavo reads no DTD)"),
    "external-entity.svg": (7, "removed the entity reference &passwd; (octavo expands no entities)"),
}
MORE_REMOVED = [
    ("css-url.svg", 2, "removed the style 'stroke' on <style>, which refers to url(http://tracker.example/paint)"),
    ("css-url.svg", 3, "removed the style 'fill' on <rect>, which refers to url(http://tracker.example/escaped)"),
    ("external-dtd.svg", 5, "removed the entity reference &from-the-dtd;"),
]
COVER = "onclick.svg"


def png(colour: tuple[int, int, int], text: bytes = b"") -> bytes:
    """A tiny PNG of one colour, with a tEXt chunk holding `text`, so that its bytes can be looked for."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text.decode())
    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def project_with(tmp_path: Path, svgs: dict[str, str | bytes], cover: str | None = None) -> tuple[Path, Path]:
    """A project beside a secret PNG, with the SVGs in images/ and one article showing each as a figure.

    Figure i's image key is on line 4 + 3i (5 + 3i with a cover), column 14.
    """
    root = tmp_path / "project"
    (root / "images").mkdir(parents=True)
    (tmp_path / "secret.png").write_bytes(png((1, 2, 3), SECRET))
    for name, source in svgs.items():
        target = root / "images" / name
        target.write_bytes(source if isinstance(source, bytes) else (HOSTILE / source).read_bytes())
    lines = ["title: Hostile images"] + ([f"cover: images/{cover}"] if cover else []) + ["body:"]
    for name in svgs:
        lines += ["  - figure:", f"      image: images/{name}", f"      alt: {name}"]
    article = root / "article.yaml"
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root, article


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> dict[str, object]:
    """Every hostile SVG that can be cleaned as a figure of one article (one also as the cover), built once."""
    from octavo.cli.main import main

    tmp_path = tmp_path_factory.mktemp("hostile")
    root, article = project_with(tmp_path, {name: name for name in REMOVED}, cover=COVER)
    out = tmp_path / "out"
    err = io.StringIO()  # capsys is for one test; this build serves the whole module
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(err):
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        status = main(["build", str(article), "--root", str(root), "--out", str(out), "--format", "pdf,epub,html"])
    return {"status": status, "err": err.getvalue(), "out": out}


def test_every_attack_is_removed_with_a_warning_at_its_figure(hostile_build):
    err = hostile_build["err"]
    assert hostile_build["status"] == 0, err
    for index, (name, (line, message)) in enumerate(REMOVED.items()):
        where = f"article.yaml:{5 + 3 * index}:14: warning: body[{index}].figure.image: 'images/{name}', line {line}: "
        assert where + message in err, (name, err)
    for name, line, message in MORE_REMOVED:
        index = list(REMOVED).index(name)
        assert f"article.yaml:{5 + 3 * index}:14: warning: body[{index}].figure.image: 'images/{name}', line {line}: " \
               f"{message}" in err  # fmt: skip
    assert "article.yaml:2:8: warning: cover: 'images/onclick.svg', line 3: removed the event attribute onclick" in err
    assert "Traceback" not in err


def output_texts(out: Path) -> dict[str, bytes]:
    """Every file a reader gets, by name: the HTML and its folder, and the EPUB's files, unpacked."""
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
             and p.suffix != ".pdf" and p.suffix != ".epub"}  # fmt: skip
    files.update({f"epub:{name}": data for name, data in epub_files(out / "article.epub").items()})
    return files


# What must never reach a reader: a script, an event handler, a reference out of the document.
FORBIDDEN = [
    re.compile(rb"<script", re.IGNORECASE),
    re.compile(rb"<foreignObject", re.IGNORECASE),
    re.compile(rb"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    re.compile(rb"javascript:", re.IGNORECASE),
    re.compile(rb"tracker\.example"),
    re.compile(rb"file:"),
    re.compile(rb"secret\.png|passwd"),
    re.compile(rb"""(?:href|src)\s*=\s*["']\s*(?:(?!data:image/)[a-z][a-z0-9+.-]*:|//|/|\.\./)""", re.IGNORECASE),
    re.compile(rb"<!ENTITY|<!DOCTYPE svg"),
]


def test_no_output_holds_a_script_a_handler_an_outside_reference_or_the_secret(hostile_build):
    out = hostile_build["out"]
    files = output_texts(out)
    svgs = {name: data for name, data in files.items() if name.endswith(".svg") and "/images/" in f"/{name}"}
    assert len(svgs) >= len(REMOVED)  # the figures (and the cover) are there, cleaned, not left out
    secret = (out.parent / "secret.png").read_bytes()
    for name, data in files.items():
        for pattern in FORBIDDEN:
            assert not pattern.search(data), (name, pattern.pattern)
        assert SECRET not in data and base64.b64encode(secret) not in data, name
    for name, data in svgs.items():
        assert not re.search(rb"url\(\s*['\"]?(?!#)", data), name  # a paint or filter from outside


def test_the_pdf_shows_no_image_from_outside_and_has_no_actions(hostile_build):
    data = (hostile_build["out"] / "article.pdf").read_bytes()
    for trace in (b"tracker.example", b"javascript", b"/JavaScript", b"/URI", b"passwd", SECRET):
        assert trace not in data, trace
    reader = PdfReader(hostile_build["out"] / "article.pdf")
    # No figure kept a raster image: the secret, the tracking pixel and /etc/passwd never became one.
    assert [image.name for page in reader.pages for image in page.images] == []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            assert "/URI" not in action and "/JS" not in action
    assert "/OpenAction" not in reader.trailer["/Root"] and "/JavaScript" not in str(reader.trailer["/Root"])
    text = "".join(page.extract_text() for page in reader.pages)
    assert PASSWD_LINE not in text and "lol" not in text


def test_the_cleaned_epub_passes_epubcheck(hostile_build):
    assert epubcheck_messages(hostile_build["out"] / "article.epub") == ()


def test_the_pdf_and_the_epub_get_the_same_cleaned_drawing(hostile_build):
    out = hostile_build["out"]
    # The EPUB stores identical drawings once (script.svg and foreign-object.svg clean to the same bytes).
    epub = {data for name, data in epub_files(out / "article.epub").items() if name.startswith("EPUB/images/")}
    for index, name in enumerate(REMOVED, start=1):
        printed = (out / "article_files" / "images" / f"figure-{index}.svg").read_bytes()  # what the PDF was made from
        assert printed in epub, name
        assert printed != (HOSTILE / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion-laughs.svg", "is not a well-formed SVG file: its entities expand without end"),
        ("nothing-left.svg", "has nothing left to show once its scripts and outside references are removed"),
    ],
)
def test_an_svg_that_cannot_be_used_is_a_located_error(name, message, tmp_path, cli):
    root, article = project_with(tmp_path, {name: name})
    out = tmp_path / "out"
    run = cli("build", article, "--root", root, "--out", out, "--format", "epub")
    assert run.status == 1
    assert f"article.yaml:4:14: error: body[0].figure.image: 'images/{name}' {message}" in run.err
    assert not out.exists()


def test_images_inside_the_project_and_data_images_are_kept_in_both_outputs(tmp_path, cli):
    inside = png((0, 128, 0))
    data = base64.b64encode(png((200, 0, 0))).decode()
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="90" height="30">'
           f'<image xlink:href="inside.png" width="30" height="30"/>'
           f'<image href="data:image/png;base64,{data}" x="40" width="30" height="30"/></svg>')  # fmt: skip
    root, article = project_with(tmp_path, {"kept.svg": svg.encode()})
    (root / "images" / "inside.png").write_bytes(inside)
    out = tmp_path / "out"
    run = cli("build", article, "--root", root, "--out", out, "--format", "pdf,epub")
    assert run.status == 0 and "warning" not in run.err, run.err
    drawing = epub_files(out / "article.epub")["EPUB/images/figure-1.svg"]
    assert base64.b64encode(inside) in drawing and data.encode() in drawing and b"inside.png" not in drawing
    images = PdfReader(out / "article.pdf").pages[0].images
    colours = sorted(image.image.convert("RGB").getpixel((0, 0)) for image in images)
    assert colours == [(0, 128, 0), (200, 0, 0)]


def test_a_change_to_an_image_an_svg_includes_rebuilds_it(tmp_path, cli):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><image href="inside.png" width="9"/></svg>'
    root, article = project_with(tmp_path, {"kept.svg": svg})
    (root / "images" / "inside.png").write_bytes(png((0, 128, 0)))
    out = tmp_path / "out"
    assert cli("build", article, "--root", root, "--out", out, "--format", "epub").status == 0
    assert "unchanged" in cli("build", article, "--root", root, "--out", out, "--format", "epub").out
    (root / "images" / "inside.png").write_bytes(png((0, 0, 128)))
    rebuilt = cli("build", article, "--root", root, "--out", out, "--format", "epub")
    assert "wrote" in rebuilt.out
    drawing = epub_files(out / "article.epub")["EPUB/images/figure-1.svg"]
    assert base64.b64encode(png((0, 0, 128))) in drawing


def test_an_svg_without_problems_keeps_what_it_draws(tmp_path):
    from octavo.text.svg import sanitise

    source = (b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
              b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
              b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
              b'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10">'
              b'<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'
              b'<clipPath id="c"><rect width="5" height="5"/></clipPath></defs>'
              b'<g inkscape:label="Layer" clip-path="url(#c)">'
              b'<path d="M0 0L10 10" style="fill: url(#g); stroke: #000"/><use xlink:href="#g"/>'
              b'<text x="1" y="9">A <tspan font-weight="bold">b</tspan> c</text></g></svg>')  # fmt: skip
    path = tmp_path / "clean.svg"
    path.write_bytes(source)
    result = sanitise(path, tmp_path, "clean.svg")
    assert result.removed == []
    text = result.image.data.decode()
    for kept in ('clip-path="url(#c)"', 'style="fill: url(#g); stroke: #000"', 'xlink:href="#g"',
                 "A <tspan font-weight=\"bold\">b</tspan> c", '<stop offset="0" stop-color="red"/>'):  # fmt: skip
        assert kept in text
    assert "inkscape" not in text and "DOCTYPE" not in text


def test_the_fixtures_are_what_the_tests_say():
    # Each attack has its own fixture, and every fixture is used by a test above.
    used = {*REMOVED, "billion-laughs.svg", "nothing-left.svg"}
    assert {path.name for path in HOSTILE.glob("*.svg")} == used
