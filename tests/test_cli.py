"""The command line contract: located messages, exit statuses, and outputs complete or untouched."""

from __future__ import annotations

import pytest

from .conftest import FIXTURES, SAMPLE

ERROR_FIXTURES = ["misspelled_key.yaml", "unknown_block.yaml", "dangling_note.yaml", "yaml_syntax.yaml"]


@pytest.mark.parametrize("fixture", ERROR_FIXTURES)
def test_check_prints_one_located_error_and_exits_1(cli, fixture):
    run = cli("check", FIXTURES / fixture)
    assert run.status == 1
    errors = [line for line in run.err.splitlines() if ": error: " in line]
    assert len(errors) == 1
    assert errors[0].startswith(f"tests/fixtures/{fixture}:")
    assert "Traceback" not in run.err


def test_check_reports_every_file_before_stopping(cli):
    run = cli("check", *(FIXTURES / f for f in ERROR_FIXTURES))
    assert run.status == 1
    assert [line.split(":")[0] for line in run.err.splitlines() if ": error: " in line] == [
        f"tests/fixtures/{f}" for f in ERROR_FIXTURES]  # fmt: skip
    assert "4 errors" in run.err


def test_check_writes_nothing(cli, tmp_path):
    run = cli("check", SAMPLE)
    assert run.status == 0
    assert run.out == ""


def test_warnings_pass_unless_strict(cli, tmp_path):
    assert cli("check", FIXTURES / "missing_image.yaml").status == 0
    strict = cli("check", "--strict", FIXTURES / "missing_image.yaml")
    assert strict.status == 1
    assert "missing_image.yaml:4:14: error: " in strict.err


@pytest.mark.parametrize(
    "args",
    [["--format", "docx"], ["--page-size", "B7"], ["nowhere.yaml"], ["--jobs", "0"]],
)
def test_usage_errors_exit_2(cli, tmp_path, args):
    run = cli("build", "--out", tmp_path, *args)
    assert run.status == 2
    assert "Traceback" not in run.err
    assert list(tmp_path.iterdir()) == []


def test_malformed_source_date_epoch_is_a_usage_error(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    run = cli("build", SAMPLE, "--out", tmp_path)
    assert run.status == 2
    assert "SOURCE_DATE_EPOCH" in run.err


def test_build_is_the_default_command_and_html_is_the_typeset_document(cli, tmp_path):
    run = cli(FIXTURES / "all_blocks.yaml", "--out", tmp_path, "--format", "html")
    assert run.status == 0
    html = (tmp_path / "all_blocks.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert 'href="#note-1"' in html and 'id="noteref-1-2"' in html


def test_a_failed_build_leaves_the_previous_output_untouched(cli, tmp_path):
    target = tmp_path / "unknown_block.epub"
    target.write_bytes(b"previous")
    broken = cli("build", FIXTURES / "unknown_block.yaml", "--out", tmp_path, "--format", "epub")
    assert broken.status == 1
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unknown_block.epub"]


def test_one_bad_input_does_not_stop_the_others(cli, tmp_path):
    run = cli("build", FIXTURES / "unknown_block.yaml", FIXTURES / "norwegian.yaml",
              "--out", tmp_path, "--format", "epub")  # fmt: skip
    assert run.status == 1
    assert (tmp_path / "norwegian.epub").is_file()
    assert not (tmp_path / "unknown_block.epub").exists()


def test_help_is_fast_to_reach_and_does_not_import_weasyprint():
    import subprocess
    import sys

    code = "import sys; from octavo.cli.main import main; main(['--help']); print('weasyprint' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip().endswith("False")


def test_builds_in_separate_processes_are_byte_identical(tmp_path):
    import os
    import subprocess
    import sys

    outputs = []
    for seed, zone in (("1", "UTC"), ("2", "Asia/Tokyo")):
        out = tmp_path / seed
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": seed, "TZ": zone}
        # Two output folders: nothing of the folder's path may reach the bytes (WeasyPrint names a PDF's
        # images by a hash of their URL), so images.yaml's photograph and drawing are built too.
        subprocess.run([sys.executable, "build.py", str(FIXTURES / "all_blocks.yaml"), str(FIXTURES / "images.yaml"),
                        "--out", str(out), "--format", "pdf,epub,html"], cwd=FIXTURES.parent.parent, env=env,
                       check=True, capture_output=True)  # fmt: skip
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert [name for name in sorted(outputs[0]) if "/" not in name] == [
        "all_blocks.epub", "all_blocks.html", "all_blocks.pdf", "images.epub", "images.html", "images.pdf"]  # fmt: skip
    assert "all_blocks_files/styles/print.css" in outputs[0]  # the page's own files, beside it
    assert outputs[0] == outputs[1]


def test_schema_command_prints_the_schema_or_writes_it(cli, tmp_path):
    import json

    printed = cli("schema")
    assert printed.status == 0
    schema = json.loads(printed.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert cli("schema", "--out", tmp_path / "octavo.schema.json").status == 0
    assert json.loads((tmp_path / "octavo.schema.json").read_text(encoding="utf-8")) == schema


def test_new_command_makes_a_project_and_refuses_a_folder_with_files(cli, tmp_path):
    made = cli("new", tmp_path / "handouts")
    assert made.status == 0 and "created" in made.out
    assert (tmp_path / "handouts" / "content" / "example.yaml").is_file()
    again = cli("new", tmp_path / "handouts")
    assert again.status == 2 and "is not empty" in again.err


def test_an_epub_build_loads_nothing_of_the_pdf_side(tmp_path):
    """Nor importlib.metadata, when the user's cache knows that no plugin is installed, nor Pillow's image
    module, when the cover is in the cache (the second build)."""
    import subprocess
    import sys

    code = ("import sys; from octavo.cli.main import main; main(sys.argv[1:]); "
            "print(sorted(m for m in ('weasyprint', 'pikepdf', 'pypdf', 'octavo.pdf.writer', 'octavo.pdf.preflight', "
            "'importlib.metadata', 'tinycss2', 'PIL.Image') if m in sys.modules))")  # fmt: skip
    args = [sys.executable, "-c", code, str(FIXTURES / "norwegian.yaml"), "--out", str(tmp_path), "--format", "epub",
            "--force"]  # fmt: skip
    subprocess.run(args, check=True, capture_output=True)
    second = subprocess.run(args, check=True, capture_output=True, text=True)
    assert second.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("start", ["runpy.run_path('build.py', run_name='__main__')",
                                   "runpy.run_module('octavo', run_name='__main__')"])  # fmt: skip
def test_the_program_exits_without_freeing_its_objects_one_by_one(start):
    """build.py and `python -m octavo` run command(): main() with fewer collections of WeasyPrint's long-lived
    objects, then the objects left to the operating system."""
    import subprocess
    import sys

    code = (f"import gc, runpy, sys; sys.argv = ['octavo', '--version']\ntry:\n    {start}\n"
            "except SystemExit as exit:\n    print(exit.code, gc.get_freeze_count() > 0, gc.get_threshold())")
    result = subprocess.run([sys.executable, "-c", code], cwd=FIXTURES.parent.parent, capture_output=True,
                            text=True, check=True)  # fmt: skip
    assert result.stdout.splitlines()[-1] == "0 True (10000, 5, 5)"


def test_verbose_says_each_note_once(tmp_path):
    """--verbose prints octavo's notes once, even after a library gave the root logger a handler of its own."""
    import os
    import subprocess
    import sys

    code = ("import logging, sys; logging.basicConfig(); from octavo.cli.main import main; "
            "sys.exit(main(sys.argv[1:]))")  # fmt: skip
    env = {**os.environ, "OCTAVO_ENGINE_HOOKS": "off"}
    args = ["build", str(FIXTURES / "handout.yaml"), "--format", "pdf", "--out", str(tmp_path), "--verbose"]
    result = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True)
    said = [line for line in result.stderr.splitlines() if "engine hooks are off" in line]
    assert said == ["octavo: engine hooks are off: OCTAVO_ENGINE_HOOKS=off"]
