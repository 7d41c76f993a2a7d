"""`octavo new`: the starter project is complete, builds at once without a warning, and never overwrites."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from octavo.cli.main import main
from octavo.cli.new import STARTER, ProjectExists, create

from .conftest import PROJECT, body_text, need, squash
from .test_epub import check_messages

EXAMPLE = Path("content/example.yaml")
IMAGE = Path("content/images/one-source-two-outputs.png")
EXPECTED = sorted(
    [
        Path(".github/workflows/build.yml"),
        Path(".gitignore"),
        Path("README.md"),
        EXAMPLE,
        IMAGE,
        Path("octavo.schema.json"),
        Path("octavo.toml"),
    ]
)


@dataclass
class NewProject:
    root: Path
    written: list[Path]
    status: int
    out: str
    err: str


@pytest.fixture(scope="session")
def new_project(tmp_path_factory) -> NewProject:
    """One new project, built once into its dist/ as its README says (PDF and EPUB, reproducibly)."""
    root = tmp_path_factory.mktemp("new") / "handouts"  # not there yet: create() makes it
    written = create(root)
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        patch.chdir(root)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        status = main(["build", "--root", str(root), str(root / "content"), "--out", str(root / "dist"),
                       "--format", "pdf,epub"])  # fmt: skip
    return NewProject(root, written, status, out.getvalue(), err.getvalue())


def test_the_new_project_has_every_starter_file_and_the_schema(new_project):
    assert new_project.written == EXPECTED
    for path in EXPECTED:
        assert (new_project.root / path).is_file(), path
    assert (new_project.root / ".gitignore").read_text(encoding="utf-8").split() == [
        "dist/", ".octavo-cache/", ".venv/", "__pycache__/"]  # fmt: skip
    schema = json.loads((new_project.root / "octavo.schema.json").read_text(encoding="utf-8"))
    assert "$schema" in schema
    first_line = (new_project.root / EXAMPLE).read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../octavo.schema.json"
    assert (new_project.root / EXAMPLE.parent / "../octavo.schema.json").resolve().is_file()


def test_the_new_project_builds_at_once_with_no_warnings(new_project):
    assert new_project.status == 0, new_project.err
    assert new_project.err == ""
    assert sorted(p.name for p in (new_project.root / "dist").iterdir()) == ["example.epub", "example.pdf"]


def test_the_epub_passes_epubcheck_with_no_messages(new_project):
    epub = new_project.root / "dist" / "example.epub"
    assert epub.is_file()  # EpubCheck reports nothing at all for a file that is not there
    assert check_messages(epub) == []


def test_the_pdf_shows_the_title_and_the_real_image_on_page_one(new_project):
    title = yaml.safe_load((new_project.root / EXAMPLE).read_text(encoding="utf-8"))["title"]
    first = PdfReader(new_project.root / "dist" / "example.pdf").pages[0]
    assert squash(title) in squash(body_text(first))  # in the page itself, not a running head
    # A missing image is drawn as a placeholder box (no image at all on the page); the real one is
    # embedded as an image XObject with the picture's own size.
    with Image.open(new_project.root / IMAGE) as picture:
        size = picture.size
    assert [image.image.size for image in first.images] == [size]


def test_the_example_validates_against_the_project_schema(new_project):
    need("jsonschema", importlib.util.find_spec("jsonschema"), "pip install -e '.[test]'")
    import jsonschema

    from .test_schema import as_editor_reads  # the document typed as a YAML editor types it

    schema = json.loads((new_project.root / "octavo.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert [error.message for error in validator.iter_errors(as_editor_reads(new_project.root / EXAMPLE))] == []


def test_the_workflow_builds_with_annotations_and_uploads_dist(new_project):
    workflow = yaml.safe_load((new_project.root / ".github/workflows/build.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"push", "pull_request"}
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    runs = [step.get("run", "") for step in steps]
    assert any("pip install octavo" in run for run in runs)
    build = next(run for run in runs if "octavo build" in run)
    assert "octavo build --error-format github" in build
    assert "SOURCE_DATE_EPOCH" in build
    uploads = [step for step in steps if step.get("uses") == "actions/upload-artifact@v4"]
    assert [step["with"]["path"] for step in uploads] == ["dist/"]
    assert steps.index(uploads[0]) > runs.index(build)


def test_create_refuses_a_folder_that_is_not_empty_and_leaves_it_untouched(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "example.yaml").write_text("title: Mine\n", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(ProjectExists, match="content"):
        create(tmp_path)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "content" / "example.yaml").read_text(encoding="utf-8") == "title: Mine\n"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_create_refuses_a_file_and_fills_an_empty_folder(tmp_path):
    (tmp_path / "taken").write_text("mine", encoding="utf-8")
    with pytest.raises(ProjectExists, match="taken"):
        create(tmp_path / "taken")
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "mine"
    (tmp_path / "empty").mkdir()
    assert create(tmp_path / "empty") == EXPECTED
    (tmp_path / "cloned" / ".git").mkdir(parents=True)  # `git init` or a fresh clone, then `octavo new .`
    assert create(tmp_path / "cloned") == EXPECTED
    assert (tmp_path / "cloned" / ".git").is_dir()


def test_every_starter_file_travels_in_the_wheel():
    """Each starter file is package data of a package pyproject.toml lists, or the wheel leaves it out."""
    setuptools = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages, package_data = set(setuptools["packages"]), setuptools["package-data"]
    for path in (p.relative_to(STARTER.parent.parent) for p in STARTER.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        owners = [PurePosixPath(*path.parts[:n]) for n in range(1, len(path.parts))]
        assert any(
            ".".join(owner.parts) in packages and _matches(path.relative_to(owner), [
                *package_data.get("*", []), *package_data.get(".".join(owner.parts), [])])
            for owner in owners
        ), f"{path} is not in the wheel: list its folder in pyproject.toml"  # fmt: skip


def _matches(path: PurePosixPath | Path, globs: list[str]) -> bool:
    """Setuptools' package-data globs: '*' stays within one folder and matches a dot-file only as '.*'."""
    parts = PurePosixPath(path).parts
    for glob in globs:
        pattern = PurePosixPath(glob).parts
        if len(pattern) == len(parts) and all(
            fnmatchcase(part, want) and (not part.startswith(".") or want.startswith("."))
            for part, want in zip(parts, pattern, strict=True)
        ):
            return True
    return False
