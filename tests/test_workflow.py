"""The daily workflow: parallel and incremental builds, reports, shards and watch mode; the repository's own CI."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest
import yaml

from octavo import __version__
from octavo.cli.main import find_inputs, shard
from octavo.cli.new import create

from .conftest import FIXTURES, PROJECT
from .test_new import run_step, step_environment
from .test_packaging import built_distributions

ARTICLES = ["all_blocks.yaml", "russian.yaml", "norwegian.yaml", "images.yaml"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with four articles (one with images) and a book that collects two of them."""
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    for name in ARTICLES:
        shutil.copy(FIXTURES / name, root / "content" / name)
    shutil.copytree(FIXTURES / "images", root / "content" / "images")
    (root / "content" / "reader.yaml").write_text(
        "title: Reader\narticles: [images.yaml, russian.yaml]\n", encoding="utf-8")  # fmt: skip
    return root


def build(cli, project: Path, *args: str):
    return cli("build", "--root", project, "--out", project / "dist", *args)


def outputs(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "dist").iterdir()) if p.is_file()}


def test_outputs_are_the_same_whatever_the_number_of_jobs(cli, project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build(cli, project, "--jobs", "1", "--format", "epub,html").status == 0
    serial = outputs(project)
    shutil.rmtree(project / "dist")
    assert build(cli, project, "--jobs", "2", "--format", "epub,html", "--force").status == 0
    assert outputs(project) == serial
    assert len(serial) == 10


def test_a_second_build_with_nothing_changed_builds_nothing(cli, project):
    first = build(cli, project, "--format", "epub")
    assert first.out.count("wrote ") == 5
    second = build(cli, project, "--format", "epub")
    assert second.status == 0
    assert "wrote " not in second.out and second.out.count("unchanged ") == 5


def test_a_touched_image_rebuilds_the_article_and_its_books_only(cli, project):
    assert build(cli, project, "--format", "epub").status == 0
    image = project / "content" / "images" / "drawing.png"
    image.write_bytes(image.read_bytes() + b"\0")  # new content (a PNG may carry trailing bytes)
    again = build(cli, project, "--format", "epub")
    rebuilt = sorted(line.split("/")[-1] for line in again.out.splitlines() if line.startswith("wrote "))
    assert rebuilt == ["images.epub", "reader.epub"]


def test_a_changed_article_rebuilds_its_books_and_force_rebuilds_everything(cli, project):
    assert build(cli, project, "--format", "epub").status == 0
    article = project / "content" / "russian.yaml"
    article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = build(cli, project, "--format", "epub")
    assert sorted(line.split("/")[-1] for line in again.out.splitlines() if line.startswith("wrote ")) == [
        "reader.epub", "russian.epub"]  # fmt: skip
    assert build(cli, project, "--format", "epub", "--force").out.count("wrote ") == 5


def test_a_changed_option_or_a_deleted_output_rebuilds(cli, project):
    assert build(cli, project, "--format", "epub").status == 0
    (project / "dist" / "norwegian.epub").unlink()
    assert [line for line in build(cli, project, "--format", "epub").out.splitlines() if "wrote" in line] == [
        f"wrote {project / 'dist' / 'norwegian.epub'}"]  # fmt: skip
    assert build(cli, project, "--format", "epub", "--page-size", "A5").out.count("wrote ") == 5


def test_the_report_lists_every_output(cli, project, tmp_path):
    report_file = tmp_path / "report.json"
    assert build(cli, project, "--format", "pdf,epub", "--report", str(report_file)).status == 0
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert len(report["outputs"]) == 10
    pdf = next(o for o in report["outputs"] if o["path"].endswith("reader.pdf"))
    assert pdf["status"] == "built" and pdf["pages"] >= 3 and pdf["bytes"] > 1000 and pdf["seconds"] > 0
    images = next(o for o in report["outputs"] if o["path"].endswith("images.epub"))
    assert images["warnings"] == 1  # the missing picture
    assert build(cli, project, "--format", "pdf,epub", "--report", str(report_file)).status == 0
    statuses = {o["status"] for o in json.loads(report_file.read_text(encoding="utf-8"))["outputs"]}
    assert statuses == {"cached"}


def test_shards_cover_every_input_exactly_once(project):
    inputs = find_inputs([], project)
    for parts in (1, 2, 3, 7):
        shards = [shard(inputs, f"{k}/{parts}", project) for k in range(1, parts + 1)]
        assert sorted(p for s in shards for p in s) == sorted(inputs)
        assert sum(len(s) for s in shards) == len(inputs)
    assert shard(inputs, "2/3", project) == shard(inputs, "2/3", project)  # stable


@pytest.mark.parametrize("spec", ["0/2", "3/2", "a/b", "1"])
def test_a_bad_shard_is_a_usage_error(cli, project, spec):
    assert build(cli, project, "--shard", spec).status == 2


def test_watch_rebuilds_on_save_and_keeps_going_after_an_error(project, capsys):
    from octavo.build.watch import watch
    from octavo.core.options import BuildOptions

    options = BuildOptions(out=project / "dist", root=project, formats=("epub",))
    builds: list[int] = []
    stop = threading.Event()
    article = project / "content" / "norwegian.yaml"

    def build_once() -> int:
        builds.append(len(builds))
        if len(builds) == 2:
            raise ValueError("a broken build")
        return 0

    thread = threading.Thread(target=watch, args=([], options, build_once, stop), daemon=True)
    thread.start()
    try:
        for expected in (2, 3):
            deadline = time.monotonic() + 30
            while len(builds) < expected and time.monotonic() < deadline:
                # Save again every second: the first save may come before the watcher is ready.
                article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
                time.sleep(1)
            assert len(builds) >= expected
    finally:
        stop.set()
        thread.join(timeout=10)
    assert "the build failed: a broken build" in capsys.readouterr().err


def test_builds_with_other_options_keep_their_own_record(cli, project):
    assert build(cli, project, "--format", "epub").status == 0
    other = cli("build", "--root", project, "--out", project / "elsewhere", "--format", "epub")
    assert other.out.count("wrote ") == 5
    assert build(cli, project, "--format", "epub").out.count("unchanged ") == 5


def test_watch_names_what_it_watches_times_each_rebuild_and_exits_130_on_ctrl_c(tmp_path):
    import os
    import re
    import signal
    import subprocess
    import sys

    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    article = root / "content" / "norwegian.yaml"
    shutil.copy(FIXTURES / "norwegian.yaml", article)
    command = [sys.executable, "-m", "octavo", "watch", "--format", "epub"]
    # Ctrl-C as in a terminal: a test runner's worker may ignore SIGINT, and a child would inherit that (Python
    # then installs no KeyboardInterrupt handler at all), so the watcher starts with the default handling.
    watcher = subprocess.Popen(command, cwd=root, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    lines: list[str] = []
    try:
        reader = threading.Thread(target=lambda: lines.extend(iter(watcher.stderr.readline, "")), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60
        while not any("changed; building" in line for line in lines) and time.monotonic() < deadline:
            if any("watching" in line for line in lines):
                article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            time.sleep(1)
        watcher.send_signal(signal.SIGINT)
        status = watcher.wait(timeout=30)
    finally:
        watcher.kill()
    text = "".join(lines)
    assert status == 130, text
    assert re.search(r"octavo: watching .*content", text), text
    assert re.search(r"octavo: \[\d\d:\d\d:\d\d\] content/norwegian\.yaml changed; building", text), text


# -- the repository's own CI ---------------------------------------------------------------------------------


def test_ci_runs_lint_and_every_test_with_the_readers_required_on_pushes_and_pull_requests():
    """.github/workflows/test.yml: `make test` with OCTAVO_REQUIRE_READERS=1 and every reader .ci/run installs."""
    workflow = yaml.safe_load((PROJECT / ".github/workflows/test.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    assert triggers["push"] is None and triggers["pull_request"] is None  # no branch or path left out
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    runs = [step.get("run", "") for step in steps]
    (test,) = [step for step in steps if re.search(r"(^|\s)make test\b", step.get("run", ""))]
    required = {**workflow.get("env", {}), **job.get("env", {}), **test.get("env", {})}.get("OCTAVO_REQUIRE_READERS")
    assert str(required) == "1" or "OCTAVO_REQUIRE_READERS=1 make test" in test["run"]
    # Every package .ci/run installs, installed before the tests run.
    wanted = set(re.findall(r"missing\+=\(([\w.-]+)\)", (PROJECT / ".ci" / "run").read_text(encoding="utf-8")))
    assert {"default-jdk-headless", "nodejs", "npm", "chromium", "calibre", "qpdf"} <= wanted
    install = next(run for run in runs if "apt-get install" in run)
    assert wanted <= set(install.split()) and runs.index(install) < steps.index(test)
    # A Python octavo supports, and pip's downloads kept from one run to the next.
    pythons = {str(v) for v in job["strategy"]["matrix"]["python"]}
    assert pythons and pythons <= {"3.11", "3.12"} and "${{ matrix.python }}" in job["container"]["image"]
    cached = [step["with"]["path"] for step in steps if str(step.get("uses", "")).startswith("actions/cache@")]
    assert any("~/.cache/pip" in path.split() for path in cached)
    # The users' example stays beside it.
    assert (PROJECT / ".github/workflows/build.yml").is_file()


# Skips that stay outside conftest.need, none of them over something not installed: a platform, a case with
# nothing to measure, a fixture that is meant not to load. (conftest.need's own skip has no fixed reason.)
STRUCTURAL_SKIPS = {
    ("conftest.py", None),
    ("test_libraries.py", "the lookup changes only on Linux"),
    ("test_layout.py", "too little running text to measure"),
    ("test_smart.py", "a fixture with errors"),
}
SKIPS = ("pytest.skip", "pytest.importorskip", "pytest.mark.skip", "pytest.mark.skipif", "pytest.xfail",
         "pytest.mark.xfail")  # fmt: skip


def test_every_skip_over_something_not_installed_goes_through_need():
    """So that OCTAVO_REQUIRE_READERS=1 fails every test that would otherwise skip over a missing reader."""
    found = set()
    for path in sorted((PROJECT / "tests").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {id(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and ast.unparse(node) in SKIPS:
                call = calls.get(id(node))  # a skip called with its reason, or a bare @pytest.mark.skip
                arguments = [*call.args, *(k.value for k in call.keywords)] if call else []
                reasons = [a.value for a in arguments if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                found.add((path.name, reasons[0] if reasons else None))
    assert found == STRUCTURAL_SKIPS


# -- releases: the dist and release workflows, and the version a new project pins ---------------------------


def workflow(name: str) -> tuple[dict, dict]:
    """A workflow of the repository, and its triggers (YAML 1.1 reads the key `on` as true)."""
    loaded = yaml.safe_load((PROJECT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return loaded, loaded.get("on", loaded.get(True))


def runs(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def builds_and_checks(job: dict) -> None:
    """pyproject-build (never `python -m build`, which build.py shadows here), then `twine check --strict`, with
    the build package and twine in the ranges pyproject.toml's test extra gives them."""
    commands = runs(job)
    assert not any("python -m build" in run for run in commands)
    build = commands.index("pyproject-build")
    assert commands.index("twine check --strict dist/*") > build
    extra = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]["test"]  # fmt: skip
    wanted = sorted(f'"{r}"' for r in extra if r.startswith(("build>", "twine>")))
    (install,) = [run for run in commands[:build] if "pip install" in run]
    assert sorted(re.findall(r'"[^"]+"', install)) == wanted


def test_every_push_and_pull_request_builds_and_checks_the_sdist_and_wheel():
    dist, triggers = workflow("dist.yml")
    assert set(triggers) == {"push", "pull_request"} and not any(triggers.values())
    (job,) = dist["jobs"].values()
    builds_and_checks(job)


def test_a_version_tag_releases_by_trusted_publishing_and_nothing_else_does():
    release, triggers = workflow("release.yml")
    assert triggers == {"push": {"tags": ["v*"]}}  # no branch, no pull request, no manual run
    # No stored credential anywhere: no secret is read, and no step is handed a password or a token.
    assert "secrets." not in (PROJECT / ".github/workflows/release.yml").read_text(encoding="utf-8")
    jobs = release["jobs"]
    given = {key for job in jobs.values() for step in job["steps"] for key in step.get("with") or {}}
    assert not {key for key in given if "password" in key or "token" in key or key == "user"}, given
    assert "id-token" not in str(release.get("permissions"))  # only the publishing job gets the token
    (publisher,) = [name for name, job in jobs.items()
                    if any(str(s.get("uses", "")).startswith("pypa/gh-action-pypi-publish@") for s in job["steps"])]
    publish = jobs[publisher]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    (upload,) = [s for s in publish["steps"] if str(s.get("uses", "")).startswith("pypa/gh-action-pypi-publish@")]
    assert "repository-url" not in (upload.get("with") or {})  # PyPI itself, not TestPyPI
    # Published only after the files were built, checked and the wheel tested; the test job sees no checkout.
    builder, tester = jobs["dist"], jobs["test-wheel"]
    builds_and_checks(builder)
    assert set(publish["needs"]) == {"dist", "test-wheel"} and tester["needs"] == "dist"
    assert not any(str(s.get("uses", "")).startswith("actions/checkout@") for s in tester["steps"])


def release_step(job: str, name: str) -> str:
    release, _ = workflow("release.yml")
    (step,) = [s for s in release["jobs"][job]["steps"] if s.get("name", "").startswith(name)]
    return step["run"]


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> Path:
    """A folder as the release's dist job has it after building: dist/ with the built files, and the changelog."""
    folder = tmp_path_factory.mktemp("tagged")
    (folder / "dist").mkdir()
    for path in built_distributions(tmp_path_factory).values():
        shutil.copy(path, folder / "dist")
    shutil.copy(PROJECT / "CHANGELOG.md", folder)
    return folder


def test_the_release_refuses_a_tag_that_is_not_the_built_version_or_not_in_the_changelog(tagged):
    check = release_step("dist", "The tag is the package's version")
    changelog = tagged / "CHANGELOG.md"
    kept = changelog.read_text(encoding="utf-8")

    def tag(name: str, heading: str) -> subprocess.CompletedProcess:
        changelog.write_text(kept.replace(f"## [{__version__}]", heading), encoding="utf-8")
        return run_step(check, tagged, step_environment(GITHUB_REF_NAME=name))

    try:
        assert tag(f"v{__version__}", f"## [{__version__}]").returncode == 0
        wrong = tag("v9.9.9", "## [9.9.9]")  # described in the changelog, but not the version that was built
        assert wrong.returncode == 1 and "::error::the tag v9.9.9" in wrong.stdout
        undescribed = tag(f"v{__version__}", "## [Unreleased]")
        assert undescribed.returncode == 1 and "::error file=CHANGELOG.md::" in undescribed.stdout
    finally:
        changelog.write_text(kept, encoding="utf-8")


def test_the_release_s_wheel_test_installs_it_afresh_and_builds_a_new_project(tagged, tmp_path):
    """The test-wheel job's step as written: the wheel in a fresh venv, its dependencies from the index."""
    step = release_step("test-wheel", "Install the wheel in a fresh virtual environment")
    python = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # a Python octavo supports
    env = step_environment(GITHUB_REF_NAME=f"v{__version__}", RUNNER_TEMP=str(tmp_path), PATH=python)
    result = run_step(step, tagged, env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / "handouts" / "dist" / "example.pdf").is_file()
    assert (tmp_path / "handouts" / "requirements.txt").read_text(encoding="utf-8") == f"octavo=={__version__}\n"


def test_the_starter_workflow_installs_the_version_that_wrote_it_with_pip_s_cache(tmp_path):
    """A new project's CI installs exactly the running octavo, from requirements.txt, which keys pip's cache."""
    create(tmp_path / "handouts")
    steps = yaml.safe_load((tmp_path / "handouts/.github/workflows/build.yml").read_text(encoding="utf-8"))[
        "jobs"]["build"]["steps"]  # fmt: skip
    assert (tmp_path / "handouts/requirements.txt").read_text(encoding="utf-8").splitlines() == [
        f"octavo=={__version__}"]  # fmt: skip
    (setup,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "requirements.txt"
    installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    assert installs == ["python -m pip install -r requirements.txt"]
    names = [s.get("name") for s in steps]
    assert steps.index(setup) < names.index("Install octavo") < names.index("Build")
