"""Shared helpers: run the real command line, build the sample once, read outputs back."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from octavo.cli import main
from octavo.model import Inline, NoteRef

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
SAMPLE = PROJECT / "content" / "khrushchev.yaml"


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


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The sample article built once in every format."""
    return build_into(tmp_path_factory.mktemp("sample"), str(SAMPLE), "--format", "pdf,epub,html")


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


def as_read(text: Inline) -> str:
    """Inline text as a reader sees it on the page: note references become their numbers."""
    return "".join(str(p.number) if isinstance(p, NoteRef) else p.striptags() for p in text.parts)
