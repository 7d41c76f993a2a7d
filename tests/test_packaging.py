"""octavo outside this repository: the sdist and wheel carry the default theme, and the installed command builds."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
from filelock import FileLock
from packaging.version import Version

from octavo import __version__

from .conftest import PROJECT, epub_files, need

ARTICLE = """\
title: A Handout From Nowhere
authors: [A. Teacher]
date: 2024-03-05
body:
  - figure:
      image: drawing.png
      caption: A drawing
      alt: Three coloured squares
  - Text of the handout.[^1]
notes:
  1: A note.
"""


def built_distributions(factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist, and a wheel built from that sdist (as pip does), made by `pyproject-build` as the repository's
    dist and release workflows make them; built once in a run however many modules ask.

    They are built from a copy of the checkout as a fresh clone has it (the files git tracks or would track, as
    they are now): an octavo.egg-info left in the project folder by an earlier build would otherwise add the files
    it lists to the sdist, whatever MANIFEST.in says. Under pytest-xdist each worker has its own session: the
    first to ask builds in the run's shared temporary folder, and the others wait on its lock and read the same
    files (as conftest.shared_build does).
    """
    shared = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") is not None:
        shared = shared.parent  # pytest-<n>: the workers' folders sit in it
    out, done = shared / "shared-dist", shared / "shared-dist.done"
    with FileLock(shared / "shared-dist.lock"):
        if not done.exists():
            # The build package's own command: in the project folder, `python -m build` would run build.py.
            front = shutil.which("pyproject-build", path=str(Path(sys.executable).parent))
            need("pyproject-build", front, "pip install -e '.[test]'")
            clone = shared / "shared-dist-source"
            shutil.rmtree(clone, ignore_errors=True)
            listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                    cwd=PROJECT, check=True, capture_output=True, text=True).stdout  # fmt: skip
            for name in filter(None, listed.split("\0")):
                if (PROJECT / name).is_file():  # not a file deleted but not yet committed
                    (clone / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(PROJECT / name, clone / name)
            shutil.rmtree(out, ignore_errors=True)
            result = subprocess.run([str(front), "--outdir", str(out)], cwd=clone, capture_output=True, text=True)
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
            done.touch()
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="session")
def dists(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel built from it, like a user's `pip install` and what a release publishes."""
    return built_distributions(tmp_path_factory)


@pytest.fixture(scope="session")
def installed(tmp_path_factory, dists) -> Path:
    """A new virtual environment with the wheel installed; its `octavo` command.

    The wheel goes in with --no-deps, and the environment borrows the test environment's
    dependencies through a .pth file: the test needs no network, and octavo itself can only come
    from the wheel (this environment's own site-packages come first, and the borrowed folder's
    editable-install hooks are not run).
    """
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", str(dists["wheel"])], check=True)
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    (Path(site) / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "octavo"


def run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_wheel_and_the_sdist_carry_every_file_of_the_default_theme(dists):
    tracked = subprocess.run(["git", "ls-files", "templates", "styles"], cwd=PROJECT, check=True,
                             capture_output=True, text=True).stdout.split()  # fmt: skip
    assert len(tracked) > 20
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        in_wheel = set(wheel.namelist())
    with tarfile.open(dists["sdist"]) as sdist:
        in_sdist = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert [name for name in tracked if f"octavo/{name}" not in in_wheel] == []
    assert [name for name in tracked if name not in in_sdist] == []


def test_the_sdist_holds_what_the_wheel_is_built_from_and_the_project_s_papers(dists):
    """The wheel is built from the sdist alone, so the sdist must carry the theme (above) and the papers."""
    with tarfile.open(dists["sdist"]) as sdist:
        top = {name.split("/", 1)[1] for name in sdist.getnames() if name.count("/") == 1}
        names = sdist.getnames()
    assert {"pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "PKG-INFO"} <= top
    assert [name for name in names if "/tests/" in name] == []  # the tests need the repository; see MANIFEST.in
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        assert f"octavo-{__version__}.dist-info/licenses/LICENSE" in wheel.namelist()


def test_twine_check_strict_passes_on_the_sdist_and_the_wheel(dists, tmp_path):
    """What PyPI will refuse or render badly (metadata, the README as the long description) fails here first."""
    need("twine", importlib.util.find_spec("twine"), "pip install -e '.[test]'")
    check = run([sys.executable, "-m", "twine", "check", "--strict", dists["sdist"], dists["wheel"]], cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("PASSED") == 2, check.stdout


def test_one_version_from_the_package_to_the_built_files_and_the_installed_command(dists, installed, tmp_path):
    """octavo/__init__.py's __version__ is the version pyproject builds, and `octavo --version` prints it."""
    assert str(Version(__version__)) == __version__  # as PEP 440 writes it: the file names and the tag use it as is
    assert dists["wheel"].name == f"octavo-{__version__}-py3-none-any.whl"
    assert dists["sdist"].name == f"octavo-{__version__}.tar.gz"
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        metadata = wheel.read(f"octavo-{__version__}.dist-info/METADATA").decode("utf-8")
    assert f"\nVersion: {__version__}\n" in metadata
    version = run([installed, "--version"], cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"octavo {__version__}\n"


def test_the_changelog_opens_with_this_version(dists):
    """The release workflow refuses a tag whose version the changelog does not describe; so does this, earlier."""
    with tarfile.open(dists["sdist"]) as sdist:
        member = sdist.extractfile(f"octavo-{__version__}/CHANGELOG.md")
        assert member is not None
        changelog = member.read().decode("utf-8")
    # Keep a Changelog's "## [Unreleased]" may sit above the newest release.
    releases = [v for v in re.findall(r"^## \[([^\]]+)\]", changelog, flags=re.MULTILINE) if v != "Unreleased"]
    assert releases[:1] == [__version__], releases
    assert releases == sorted(releases, key=Version, reverse=True)


def test_the_installed_command_builds_one_article_in_an_empty_folder(installed, tmp_path):
    folder = tmp_path / "handout"  # no content/ folder, no octavo.toml: just an article and its image
    folder.mkdir()
    (folder / "article.yaml").write_text(ARTICLE, encoding="utf-8")
    (folder / "drawing.png").write_bytes((PROJECT / "tests" / "fixtures" / "images" / "drawing.png").read_bytes())
    result = run([installed], cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr and "error" not in result.stderr
    assert (folder / "dist" / "article.pdf").read_bytes().startswith(b"%PDF-")
    files = epub_files(folder / "dist" / "article.epub")
    assert "EPUB/css/base.css" in files and "EPUB/images/cover.png" in files


def test_the_installed_package_is_the_wheel_not_the_source_tree(installed, tmp_path):
    python = installed.parent / "python"
    where = run([python, "-c", "import octavo.theme.theme as t; print(t.packaged_dir('styles'))"], cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    styles = Path(where.stdout.strip())
    assert styles.is_relative_to(installed.parent.parent) and (styles / "print.css").is_file()


def test_a_new_project_from_the_installed_command_builds_clean(installed, tmp_path):
    from .test_epub import check_messages

    created = run([installed, "new", "demo"], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    result = run([installed, "build"], cwd=tmp_path / "demo")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""  # no warnings, nothing else to say
    epub = tmp_path / "demo" / "dist" / "example.epub"
    assert epub.is_file() and (tmp_path / "demo" / "dist" / "example.pdf").is_file()
    assert check_messages(epub) == []


TOY_MODULE = '''\
"""A toy block kind, added through the octavo.blocks entry point: one module and one partial."""

from dataclasses import dataclass
from pathlib import Path

from octavo.source.blocks import BlockType
from octavo.source.shapes import Value


@dataclass(frozen=True)
class Callout:
    text: object
    kind: str = "callout"


def read(ctx, node, where):
    text = ctx.inline(node, where, required=True)
    return Callout(text) if text else None


BLOCK = BlockType("callout", "A line set off.", (Value.INLINE,), read, Path(__file__).parent / "templates")
'''
TOY_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "octavo-toy"
version = "0.1"

[project.entry-points."octavo.blocks"]
callout = "octavo_toy:BLOCK"

[tool.setuptools]
packages = ["octavo_toy"]

[tool.setuptools.package-data]
octavo_toy = ["templates/blocks/*.html"]
"""


def test_a_plugin_package_adds_a_block_kind_with_one_module_and_one_partial(installed, tmp_path):
    toy = tmp_path / "octavo-toy"
    (toy / "octavo_toy" / "templates" / "blocks").mkdir(parents=True)
    (toy / "pyproject.toml").write_text(TOY_PYPROJECT)
    (toy / "octavo_toy" / "__init__.py").write_text(TOY_MODULE)
    (toy / "octavo_toy" / "templates" / "blocks" / "callout.html").write_text(
        '<p class="callout">{{ b.text|inline }}</p>\n')  # fmt: skip
    python = installed.parent / "python"
    pip = run([python, "-m", "pip", "install", "--quiet", "--no-deps", str(toy)], cwd=tmp_path)
    assert pip.returncode == 0, pip.stderr
    try:
        folder = tmp_path / "project"
        folder.mkdir()
        article = "title: With a Callout\nbody:\n  - callout: Bring a *pencil*.\n  - calout: misspelt\n"
        (folder / "article.yaml").write_text(article, encoding="utf-8")
        checked = run([installed, "check", "article.yaml"], cwd=folder)
        assert checked.returncode == 1
        kinds = "figure, quote, list, numbered, verse, table, code, math, box, definitions, callout"
        assert ("article.yaml:4:5: error: body[1]: unknown block 'calout' (did you mean 'callout'?) "
                f"(expected {kinds})") in checked.stderr  # fmt: skip
        (folder / "article.yaml").write_text(article.rsplit("  - calout", 1)[0], encoding="utf-8")
        built = run([installed, "article.yaml", "--format", "html,epub,pdf"], cwd=folder)
        assert built.returncode == 0, built.stderr
        html = (folder / "dist" / "article.html").read_text(encoding="utf-8")
        assert '<p class="callout">Bring a <em>pencil</em>.</p>' in html
        assert '<p class="callout">Bring a <em>pencil</em>.</p>' in epub_files(folder / "dist" / "article.epub")[
            "EPUB/title.xhtml"].decode()  # fmt: skip
    finally:
        run([python, "-m", "pip", "uninstall", "--quiet", "--yes", "octavo-toy"], cwd=tmp_path)
