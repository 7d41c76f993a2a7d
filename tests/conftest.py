"""Shared helpers: run the real command line, build the sample once, read outputs back."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from octavo.cli import main

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


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The sample article built once in every format, with a fixed SOURCE_DATE_EPOCH."""
    out = tmp_path_factory.mktemp("sample")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(PROJECT)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main(["build", str(SAMPLE), "--out", str(out), "--format", "pdf,epub,html"]) == 0
    return out


def squash(text: str) -> str:
    """Text with white space and hyphens removed, so that line breaks and hyphenation do not matter."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
