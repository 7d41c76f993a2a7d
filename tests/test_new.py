"""`octavo new`: the starter project is complete, builds at once without a warning, and never overwrites."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from octavo import __version__
from octavo.cli.main import main
from octavo.cli.new import STARTER, VERSION, VERSIONED, ProjectExists, create

from .conftest import PROJECT, body_text, need, squash
from .test_epub import check_messages
from .test_packaging import built_distributions

EXAMPLE = Path("content/example.yaml")
IMAGE = Path("content/images/one-source-two-outputs.png")
WORKFLOW = Path(".github/workflows/build.yml")
EXPECTED = sorted(
    [
        WORKFLOW,
        Path(".gitignore"),
        Path("README.md"),
        EXAMPLE,
        IMAGE,
        Path("octavo.schema.json"),
        Path("octavo.toml"),
        Path("requirements.txt"),
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
    assert "python -m pip install -r requirements.txt" in runs  # the pin; tests/test_workflow.py checks it
    build = next(run for run in runs if "octavo build" in run)
    assert "octavo build --error-format github" in build
    assert "SOURCE_DATE_EPOCH" in build
    uploads = [step for step in steps if step.get("uses") == "actions/upload-artifact@v4"]
    assert [step["with"]["path"] for step in uploads] == ["dist/"]
    assert steps.index(uploads[0]) > runs.index(build)


def test_the_project_names_the_octavo_that_made_it(new_project):
    """requirements.txt pins the running version, and the README and workflow name it; nothing is left unfilled."""
    assert (new_project.root / "requirements.txt").read_text(encoding="utf-8") == f"octavo=={__version__}\n"
    readme = (new_project.root / "README.md").read_text(encoding="utf-8")
    assert f"made by octavo {__version__}" in readme and "pip install -U octavo==NEW" in readme
    assert f"octavo=={__version__}" in (new_project.root / WORKFLOW).read_text(encoding="utf-8")
    for path in EXPECTED:
        assert VERSION not in (new_project.root / path).read_bytes(), path
    for path in VERSIONED:  # each file listed as naming the version does name it
        assert VERSION in (STARTER / path).read_bytes(), path


# -- the new project's first CI run -----------------------------------------------------------------------


@dataclass
class CiRun:
    root: Path
    wheel: Path
    ran: dict[str, subprocess.CompletedProcess]  # each step run, by name, in order
    left: list[str]  # the steps not run


def workflow_steps(path: Path) -> list[dict]:
    """The steps of a workflow's only job, as written."""
    (job,) = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values()
    return job["steps"]


def step_environment(**changes: str) -> dict[str, str]:
    """The environment a workflow's `run:` step gets here: this one, without pip's configuration files (a runner
    has none; they may name other indexes, which pip warns about) and without what this test run set for itself.

    pip's download cache stays where pip keeps it for the user, as the workflow's `cache: pip` keeps it on GitHub
    (conftest gives octavo's tests a cache folder of their own through XDG_CACHE_HOME, which pip also reads).
    """
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "SOURCE_DATE_EPOCH", "VIRTUAL_ENV", "PIP_FIND_LINKS")}  # fmt: skip
    env.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **changes}


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """A `run:` step as GitHub runs it on Linux when it names no shell: `bash -e`."""
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)  # fmt: skip


@pytest.fixture(scope="session")
def ci_run(tmp_path_factory) -> CiRun:
    """The workflow `octavo new` writes, run as GitHub runs it on the project's first push.

    Run, as written: every `run:` step but the system packages' (apt-get; this machine's libraries stand in),
    today "Install octavo" (`python -m pip install -r requirements.txt`) and "Build" (`octavo build --error-format
    github` with SOURCE_DATE_EPOCH from the commit). Not run: the actions (`uses:`): checkout (the project is
    here, committed), setup-python (a fresh virtual environment first on the PATH stands in for its Python) and
    upload-artifact (the test reads dist/). The one substitution is the package index: PIP_FIND_LINKS names a
    folder holding only the wheel built from this checkout, which stands in for octavo on PyPI, and the normal
    index serves octavo's dependencies.
    """
    wheel = built_distributions(tmp_path_factory)["wheel"]
    index = tmp_path_factory.mktemp("index")
    shutil.copy(wheel, index)
    root = tmp_path_factory.mktemp("first-push") / "handouts"
    create(root)
    git = ["git", "-c", "user.name=A. Teacher", "-c", "user.email=teacher@example.org", "-c", "commit.gpgsign=false"]
    dated = {**os.environ, "GIT_AUTHOR_DATE": "@1700000000 +0000", "GIT_COMMITTER_DATE": "@1700000000 +0000"}
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "A new project"]):
        subprocess.run([*git, *command], cwd=root, env=dated, check=True, capture_output=True)
    venv = tmp_path_factory.mktemp("runner") / "python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = step_environment(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", VIRTUAL_ENV=str(venv),
                           PIP_FIND_LINKS=str(index))  # fmt: skip
    ran: dict[str, subprocess.CompletedProcess] = {}
    left: list[str] = []
    for step in workflow_steps(root / WORKFLOW):
        name = step.get("name") or step.get("uses")
        if "run" not in step or "apt-get" in step["run"]:
            left.append(name)
            continue
        ran[name] = run_step(step["run"], root, env)
        if ran[name].returncode != 0:
            break
    return CiRun(root, wheel, ran, left)


def test_the_first_ci_run_installs_the_pinned_octavo_and_builds_with_no_warning(ci_run):
    for name, result in ci_run.ran.items():
        assert result.returncode == 0, f"{name}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    assert list(ci_run.ran) == ["Install octavo", "Build"]
    assert ci_run.left == ["actions/checkout@v4", "actions/setup-python@v5",
                           "System libraries for WeasyPrint (HarfBuzz's subsetter makes PDF writing faster)",
                           "actions/upload-artifact@v4"]  # fmt: skip
    install, build = ci_run.ran.values()
    # octavo came from the wheel (the pin names its version), and pip had nothing to warn about.
    assert any(line.startswith("Processing ") and line.split()[1].endswith(ci_run.wheel.name)
               for line in install.stdout.splitlines()), install.stdout  # fmt: skip
    for word in ("WARNING", "DEPRECATION", "ERROR"):
        assert word not in install.stdout + install.stderr
    assert build.stderr == "" and "::" not in build.stdout  # no problem, no annotation
    dist = ci_run.root / "dist"
    assert sorted(p.name for p in dist.iterdir()) == ["example.epub", "example.pdf"]
    pdf = PdfReader(dist / "example.pdf")
    assert pdf.metadata["/Creator"] == f"octavo {__version__}"
    assert pdf.metadata["/CreationDate"] == "D:20231114221320Z"  # the commit's date: SOURCE_DATE_EPOCH was set
    assert check_messages(dist / "example.epub") == []


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
