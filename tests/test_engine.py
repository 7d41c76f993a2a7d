"""The engine door (octavo/pdf/engine/): the same PDFs with every hook off, WeasyPrint, pydyf and ctypes left as they
came for the program around octavo, a hook that meets other internals staying off (and saying so once), and pydyf's
bytes unchanged by writing each object once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pypdf
import pytest

from octavo.pdf import engine
from octavo.pdf.engine import compression, scope

from .conftest import FIXTURES, PROJECT

FIXTURE_INPUTS = ("book", "footnotes", "stranded_figure", "index", "math", "images")
INPUTS = [*sorted((PROJECT / "content").glob("*.yaml")), *(FIXTURES / f"{name}.yaml" for name in FIXTURE_INPUTS)]


def run_octavo(args: list[str], hooks: str = "on", prelude: str = "") -> subprocess.CompletedProcess:
    """octavo's command line in a process of its own, from the project folder, with OCTAVO_ENGINE_HOOKS as given;
    `prelude` runs first (a program that changed WeasyPrint before it called octavo)."""
    program = f"{prelude}\nimport sys\nfrom octavo.cli.main import main\nsys.exit(main(sys.argv[1:]))"
    environment = {**os.environ, "OCTAVO_ENGINE_HOOKS": hooks, "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, "-c", program, *args], cwd=PROJECT, env=environment, capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="session")
def builds(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Every sample and a handful of fixtures built once with the hooks on and once off: (folder, what --verbose
    said, its `octavo: ` lines only: a library that logs through the root logger makes --verbose print twice)."""

    def build(hooks: str) -> tuple[Path, str]:
        out = tmp_path_factory.mktemp(f"engine-{hooks}")
        args = ["build", *map(str, INPUTS), "--format", "pdf", "--jobs", "1", "--verbose", "--out", str(out)]
        return out, said(run_octavo(args, hooks))

    # Two processes of one job each, at the same time: each build is the same as made alone, in its own folder.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(("on", "off"), pool.map(build, ("on", "off")), strict=True))


class Read:
    """What the comparisons look at in a PDF: text per page, outline, links, structure element types."""

    def __init__(self, path: Path) -> None:
        reader = pypdf.PdfReader(path)
        self.texts = [page.extract_text() for page in reader.pages]

        def walk(items: list) -> list:
            return [walk(i) if isinstance(i, list) else (i.title, reader.get_destination_page_number(i)) for i in items]

        self.outline = walk(reader.outline)
        with pikepdf.open(path) as pdf:
            self.links = [_link(number, annotation) for number, page in enumerate(pdf.pages)
                          for annotation in page.obj.get("/Annots", [])
                          if annotation.get("/Subtype") == "/Link"]  # fmt: skip
            root = pdf.Root.get("/StructTreeRoot")
            self.structure: list[str] = []
            self.languages = 0
            if root is not None:
                self._visit(root.get("/K"))

    def _visit(self, node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                self._visit(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            self.structure.append(str(node.S))
            self.languages += "/Lang" in node
            self._visit(node.get("/K"))


def _link(number: int, annotation: pikepdf.Dictionary) -> tuple:
    action = annotation.get("/A")
    if action is not None and "/URI" in action:
        return number, "uri", str(action.URI)
    destination = annotation.get("/Dest", action.get("/D") if action is not None else None)
    return number, "internal", str(destination) if isinstance(destination, (pikepdf.String, pikepdf.Name)) else ""


def said(done: subprocess.CompletedProcess) -> str:
    """What octavo's --verbose printed."""
    return "\n".join(line for line in done.stderr.splitlines() if line.startswith("octavo: "))


def words(texts: list[str]) -> Counter:
    return Counter(re.findall(r"\w+", " ".join(texts)))


# With the hooks off a figure that a page could not hold moves after layout instead of during it (floats.py): the
# same pages where both moves are exact, and every sample and fixture here gives the same pages. Should a move
# differ all the same, the page count may differ by one page for each figure or table, and the words are the same.
def float_tolerance(read: Read) -> int:
    return sum(kind in ("/Figure", "/Formula", "/Table") for kind in read.structure)


@pytest.mark.parametrize("name", [path.stem for path in INPUTS])
def test_the_hooks_change_no_page_outline_link_or_structure(builds, name):
    on, off = Read(builds["on"][0] / f"{name}.pdf"), Read(builds["off"][0] / f"{name}.pdf")
    if len(on.texts) == len(off.texts):
        assert on.texts == off.texts
    else:
        assert abs(len(on.texts) - len(off.texts)) <= float_tolerance(on)
        assert words(on.texts) == words(off.texts)
    assert on.outline == off.outline
    assert on.links == off.links
    # Without tagging.py a formula's drawing stays the /Figure WeasyPrint makes it; nothing else is renamed.
    assert [kind.replace("/Formula", "/Figure") for kind in on.structure] == off.structure


def test_the_hooks_were_on_and_then_off(builds):
    """The comparison compares something: with the hooks on a book is laid out in pieces and tagged with its
    chapters' languages; off, it is laid out whole, and --verbose says why."""
    (on, said_on), (off, said_off) = builds["on"], builds["off"]
    assert "book: laid out in" in said_on and "engine hook" not in said_on
    assert "book: laid out whole" in said_off and said_off.count("engine hooks are off: OCTAVO_ENGINE_HOOKS=off") == 1
    assert Read(on / "book.pdf").languages > 0 and Read(off / "book.pdf").languages == 0
    assert "/Formula" in Read(on / "math.pdf").structure


# -- the program around octavo --------------------------------------------------------------------------------

PROGRAM = textwrap.dedent("""
    import ctypes.util, hashlib, importlib, json, sys
    lookup, finders = ctypes.util.find_library, list(sys.meta_path)
    if sys.argv[1] == "octavo":
        from octavo.cli.main import main
        assert main(["build", sys.argv[2], "--format", "pdf", "--jobs", "1", "--out", sys.argv[3]]) == 0
        assert ctypes.util.find_library is lookup and sys.meta_path == finders
    import weasyprint
    internals = {}
    for name in sys.argv[4].split():
        owner, _, attribute = name.rpartition(".")
        try:
            found = getattr(importlib.import_module(owner), attribute)
        except ModuleNotFoundError:
            module, _, cls = owner.rpartition(".")
            found = vars(getattr(importlib.import_module(module), cls))[attribute]
        code = getattr(getattr(found, "fget", found), "__code__", None)
        internals[name] = [code.co_filename, code.co_firstlineno, code.co_name] if code else repr(found)
    html = '''<html lang="en"><p style="hyphens: auto; width: 3em">Hyphenation extraordinarily</p>
        <p lang="de">Silbentrennung</p><table><tr><th>Head</th></tr><tr><td>Cell</td></tr></table>'''
    pdf = weasyprint.HTML(string=html).write_pdf(pdf_tags=True, pdf_identifier=b"fixed")
    print(json.dumps([hashlib.sha256(pdf).hexdigest(), internals]))
""")
INTERNALS = ["ctypes.util.find_library", "pydyf.PDF.write", "pydyf.Object.indirect", "pydyf.Stream.data",
             "pydyf.Dictionary.data", "pydyf.Array.data", "pydyf.String.data", "pyphen.HyphDict.__init__",
             "weasyprint.pdf.tags._build_box_tree", "weasyprint.layout.block._in_flow_layout",
             "weasyprint.layout.page.remake_page", "weasyprint.layout.make_margin_boxes"]  # fmt: skip


def test_a_program_that_uses_weasyprint_beside_octavo_sees_it_unchanged(tmp_path):
    """A process that builds an article with octavo and then writes its own PDF with WeasyPrint gets the bytes of a
    process that never imported octavo, and every internal octavo hooks is the library's own again."""
    runs = {}
    for who in ("octavo", "program"):
        args = [who, str(FIXTURES / "footnotes.yaml"), str(tmp_path / who), " ".join(INTERNALS)]
        done = subprocess.run([sys.executable, "-c", PROGRAM, *args], cwd=PROJECT, capture_output=True, text=True,
                              env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})  # fmt: skip
        assert done.returncode == 0, done.stderr
        runs[who] = json.loads(done.stdout.strip().splitlines()[-1])
    assert (tmp_path / "octavo" / "footnotes.pdf").exists()
    assert runs["octavo"][1] == runs["program"][1]
    assert not any("octavo" in str(where) for where in runs["octavo"][1].values())
    assert runs["octavo"][0] == runs["program"][0]


def test_the_programs_thread_writes_as_weasyprint_does_while_octavo_lays_out_in_another():
    """Inside octavo's hooks (one thread), the program's own PDF (another thread) comes out as it does with none."""
    import pydyf

    weasyprint = engine.load_weasyprint()
    html = '<html lang="en"><p lang="de" style="hyphens: auto">Silbentrennungsregeln</p><table><tr><th>H</th></table>'

    def plain() -> bytes:
        return weasyprint.HTML(string=html).write_pdf(pdf_tags=True, pdf_identifier=b"fixed")

    alone = plain()
    original, entered, done, made = pydyf.PDF.write, threading.Event(), threading.Event(), []

    def octavo_layout() -> None:
        with engine.hooks(), engine.hooks():  # nested: the inner block leaves them in place
            entered.set()
            done.wait(60)
            made.append(pydyf.PDF.write is not original)

    layout = threading.Thread(target=octavo_layout)
    layout.start()
    entered.wait(60)
    assert pydyf.PDF.write is not original  # installed, for the whole process while octavo lays out
    meanwhile = plain()
    done.set()
    layout.join()
    assert made == [True] and pydyf.PDF.write is original
    assert meanwhile == alone


# -- a hook that meets other internals --------------------------------------------------------------------------

# Another WeasyPrint, simulated: the internal each hook checks replaced by one that works the same with other
# parameter names.
OTHER_WEASYPRINT = {
    "tagging": ("weasyprint.pdf.tags", "_build_box_tree",
                "def renamed(node, parent, pdf, *rest):\n    yield from original(node, parent, pdf, *rest)"),
    "floats": ("weasyprint.layout.page", "remake_page",
               "def renamed(number, context, root, html):\n    return original(number, context, root, html)"),
    "pieces": ("weasyprint.layout", "make_margin_boxes",
               "def renamed(context, page_box, state):\n    return original(context, page_box, state)"),
}  # fmt: skip
INPUTS_OF = {"tagging": ["math", "footnotes"], "floats": ["stranded_figure", "footnotes"], "pieces": ["book", "index"]}


@pytest.mark.parametrize("hook", list(OTHER_WEASYPRINT))
def test_a_hook_whose_internals_differ_stays_off_says_so_once_and_the_pdf_is_right(builds, tmp_path, hook):
    module, name, renamed = OTHER_WEASYPRINT[hook]
    prelude = f"import importlib\ntarget = importlib.import_module({module!r})\noriginal = target.{name}\n{renamed}\n"
    prelude += f"target.{name} = renamed"
    inputs = [str(FIXTURES / f"{stem}.yaml") for stem in INPUTS_OF[hook]]
    done = run_octavo(["build", *inputs, "--format", "pdf", "--jobs", "1", "--verbose", "--out", str(tmp_path)],
                      prelude=prelude)  # fmt: skip
    off = re.findall(r"^octavo: engine hook (\w+) is off: (.*)", said(done), re.M)
    assert [found for found, _ in off] == [hook], done.stderr  # once, for two builds
    assert name in off[0][1]
    for stem in INPUTS_OF[hook]:
        made, usual = Read(tmp_path / f"{stem}.pdf"), Read(builds["on"][0] / f"{stem}.pdf")
        assert (made.texts, made.outline, made.links) == (usual.texts, usual.outline, usual.links)
        assert [kind.replace("/Formula", "/Figure") for kind in usual.structure] == made.structure or hook != "tagging"
        assert made.structure == usual.structure or hook == "tagging"
    if hook == "pieces":
        assert "book: laid out whole" in said(done)


def test_the_shape_checks_pass_on_the_weasyprint_octavo_is_made_for():
    with engine.hooks() as installed:
        assert sorted(hook.name for hook in installed) == sorted(hook.name for hook in scope.HOOKS)
    assert all(state == "on" for state, _ in engine.status().values() if state != "unchecked"), engine.status()


# -- pydyf's bytes ---------------------------------------------------------------------------------------------

DOCUMENT = """<html lang="en"><style>@page { @bottom-center { content: counter(page) } }</style>
<h1>Title</h1><p>Text with <a href="#end">a link</a> and <a href="https://example.org">another</a>.</p>
<svg width="40" height="40"><circle cx="20" cy="20" r="10"/></svg>
<table><tr><th>Head</th></tr><tr><td>Cell</td></tr></table>
<p style="break-before: page" id="end" lang="ru">Конец</p></html>"""


@pytest.mark.parametrize("uncompressed", [False, True], ids=["object streams", "plain"])
@pytest.mark.parametrize("variant", [None, "pdf/a-3b"])
def test_writing_each_object_once_gives_pydyfs_own_bytes(monkeypatch, uncompressed, variant):
    weasyprint = engine.load_weasyprint()
    document = weasyprint.HTML(string=DOCUMENT).render()

    def write() -> bytes:
        return document.write_pdf(pdf_tags=True, pdf_identifier=b"octavo", pdf_variant=variant,
                                  uncompressed_pdf=uncompressed)  # fmt: skip

    with engine.hooks() as installed:
        assert compression.HOOK in installed
        once = write()
    monkeypatch.setattr(scope, "HOOKS", [hook for hook in scope.HOOKS if hook is not compression.HOOK])
    with engine.hooks() as installed:
        assert compression.HOOK not in installed
        own = write()
    assert once == own
