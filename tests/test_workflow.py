"""The daily workflow: parallel and incremental builds, reports, shards and watch mode; the repository's own CI."""

from __future__ import annotations

import ast
import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
import yaml

from octavo.cli.main import find_inputs, shard

from .conftest import FIXTURES, PROJECT

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
