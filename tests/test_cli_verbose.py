"""--verbose says which octavo, WeasyPrint, Pango, fonts and engine hooks a build uses, and how long each stage
of each input took; without it, none of that."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from octavo.core.labels import packaged_dir

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project whose octavo.toml gives the body type a font file of its own."""
    folder = tmp_path_factory.mktemp("verbose")
    (folder / "content").mkdir()
    (folder / "fonts").mkdir()
    shutil.copy(FIXTURES / "handout.yaml", folder / "content" / "handout.yaml")
    shutil.copy(packaged_dir("styles") / "fonts" / "GentiumBookPlus-Regular.ttf", folder / "fonts" / "Body.ttf")
    (folder / "octavo.toml").write_text('[theme]\nfont = "fonts/Body.ttf"\n', encoding="utf-8")
    return folder


def build(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """octavo build in `folder`, in a process of its own; its standard error."""
    result = subprocess.run([sys.executable, "-m", "octavo", "build", "--force", *args], cwd=folder,
                            env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_verbose_says_the_versions_fonts_hooks_and_the_time_of_each_stage(project):
    err = build(project, "--verbose", "--booklet", "--print-ready", "--preflight", "--jobs", "2")
    lines = err.splitlines()
    versions = r"^octavo: versions: octavo \S+, WeasyPrint 70\.\d+, pydyf \S+, Pango 1\.\d+\.\d+$"
    assert re.search(versions, err, re.M), err
    # The body's stack comes to the project's own face; the listings' to what fontconfig finds on this machine.
    assert ('octavo: fonts: "octavo-body", "Gentium Book Plus", "DejaVu Serif", serif -> octavo-body: the project\'s '
            "fonts/: Body.ttf") in lines, err  # fmt: skip
    assert any(re.fullmatch(r'octavo: fonts: "DejaVu Sans Mono", monospace -> .+ \(fontconfig\)', line)
               or line == 'octavo: fonts: "DejaVu Sans Mono", monospace -> fontconfig\'s fc-match is not installed: '
               "not looked up" for line in lines), err  # fmt: skip
    assert re.search(r"^octavo: the engine's hooks: on: .*\bfloats\b", err, re.M), err
    timed = [line for line in lines if line.startswith("octavo: content/handout.yaml: ")]
    assert len(timed) == 1, err
    stages = dict(re.findall(r"([a-zA-Z-]+) (\d+\.\d\d) s", timed[0]))
    assert set(stages) == {"load", "PDF", "booklet", "print-ready", "preflight", "EPUB", "write"}, timed
    assert float(stages["PDF"]) > 0


def test_the_pdf_of_the_fonts_line_is_octavos_own_without_a_project_font(tmp_path):
    shutil.copy(FIXTURES / "handout.yaml", tmp_path / "handout.yaml")
    err = build(tmp_path, "handout.yaml", "--verbose", "--format", "pdf", env={"OCTAVO_ENGINE_HOOKS": "off"})
    assert ('octavo: fonts: "Gentium Book Plus", "DejaVu Serif", serif -> Gentium Book Plus: octavo\'s styles/fonts/: '
            "GentiumBookPlus-Regular.ttf, GentiumBookPlus-Italic.ttf, GentiumBookPlus-Bold.ttf, "
            "GentiumBookPlus-BoldItalic.ttf") in err.splitlines(), err  # fmt: skip
    assert "octavo: the engine's hooks: disabled: " in err
    assert re.search(r"^octavo: handout.yaml: load \d+\.\d\d s, PDF \d+\.\d\d s, write \d+\.\d\d s$", err, re.M), err


def test_without_verbose_a_build_says_none_of_it(project):
    err = build(project, "--jobs", "1")
    assert "versions:" not in err and "fonts:" not in err and "hooks" not in err
    assert not re.search(r"\d\.\d\d s", err), err
