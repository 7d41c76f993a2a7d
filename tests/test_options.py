"""Every option declared once: the command line, octavo.toml, BuildOptions' defaults and the docs agree."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from PIL import Image

from octavo.cli.arguments import parser
from octavo.cli.main import main
from octavo.cli.optiondocs import DOCS, with_table
from octavo.core.diagnostics import Report
from octavo.core.options import OPTIONS, BuildOptions
from octavo.core.optionspec import ALL_COMMANDS, Place, merge
from octavo.source.config import load_config

from .conftest import PROJECT

# What no option gives (the project folder, SOURCE_DATE_EPOCH, octavo.toml and its [theme]), and --jobs by another name.
NOT_OPTIONS = {"root", "source_date_epoch", "theme", "config", "layout_jobs", "keep_pieces",
               "reuse_pieces"}
# One value of each option that both the command line and octavo.toml take: as typed, as in the file, as read.
SAMPLES = {
    "strict": (None, True, True),  # a flag: given means true
    "formats": ("PDF,html", ["pdf", "HTML"], ("pdf", "html")),
    "out": ("public", "public", "public"),
    "page_size": ("letter", "LETTER", "Letter"),
    "booklet": (None, True, True),
    "sheet": ("tabloid", "Tabloid", "Tabloid"),
    "creep": ("0.5", 0.5, 0.5),
    "print_ready": (None, True, True),
    "marks": ("CROP", "crop", "crop"),
    "preflight": (None, True, True),
    "pdf_variant": ("PDF/UA-1", "pdf/ua-1", "pdf/ua-1"),
    "notes": ("Endnotes", "endnotes", "endnotes"),
    "jobs": ("3", 3, 3),
    "print_for": ("KDP-Paperback", "KDP-paperback", "kdp-paperback"),
    "cover_guides": (None, True, True),
}


def test_the_docs_table_is_the_one_the_declarations_make():
    text = (PROJECT / DOCS).read_text(encoding="utf-8")
    assert with_table(text) == text, "run: python -m octavo.cli.optiondocs"


def test_the_docs_example_of_octavo_toml_has_every_key():
    text = (PROJECT / DOCS).read_text(encoding="utf-8")
    example = text.split("```toml\n[build]\n", 1)[1].split("\n[theme]", 1)[0]
    written = set(re.findall(r"^([a-z-]+) =", example, flags=re.MULTILINE))
    assert written == {option.key for option in OPTIONS if option.key}


def test_build_options_defaults_are_the_declared_ones():
    fields = {f.name: f for f in dataclasses.fields(BuildOptions)}
    declared = {option.name: option for option in OPTIONS if option.build_field}
    assert set(fields) - NOT_OPTIONS == set(declared)
    for name, option in declared.items():
        if fields[name].default is not dataclasses.MISSING:
            assert fields[name].default == option.default, name


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_command_line_and_octavo_toml_read_a_value_alike(name, tmp_path):
    option = next(o for o in OPTIONS if o.name == name)
    typed, in_file, read = SAMPLES[name]
    place = Place(tmp_path, tmp_path)
    expected = tmp_path / read if name == "out" else read
    assert option.kind.from_toml(in_file, place) == expected
    for command in option.commands:
        line = [command, option.flag] + ([typed] if typed is not None else [])
        assert getattr(parser().parse_args(line), name) == (Path(read) if name == "out" else read)


def test_every_option_of_both_has_a_sample():
    both = {option.name for option in OPTIONS if option.flag and option.key}
    assert both == set(SAMPLES)


def test_each_command_takes_the_flags_declared_for_it():
    for command in ALL_COMMANDS:
        actions = parser()._subparsers._group_actions[0].choices[command]._actions  # argparse keeps no other list
        flags = {a.option_strings[0] for a in actions if a.option_strings and a.option_strings[0] != "-h"}
        assert flags == {o.flag for o in OPTIONS if o.flag and command in o.commands}, command


def test_the_command_line_wins_over_octavo_toml_which_wins_over_the_default(tmp_path):
    (tmp_path / "octavo.toml").write_text('[build]\npage-size = "A5"\nbooklet = true\njobs = 2\n', encoding="utf-8")
    report = Report()
    config = load_config(tmp_path / "octavo.toml", tmp_path, report)
    assert report.items == []
    flags = vars(parser().parse_args(["build", "--page-size", "Letter"]))
    values = merge(OPTIONS, flags, config.build, tmp_path)
    assert (values["page_size"], values["booklet"], values["jobs"]) == ("Letter", True, 2)  # flag, file, file
    assert (values["sheet"], values["creep"], values["out"]) == (None, 0.0, tmp_path / "dist")  # the defaults


def one_coarse_figure(folder: Path) -> None:
    """An article whose one figure is 72 ppi at its printed size: 176 pixels across half of A4's 124 mm measure."""
    Image.new("RGB", (176, 117), "grey").save(folder / "coarse.png")
    article = "title: A photograph\nbody:\n  - figure:\n      image: coarse.png\n      alt: Grey\n      width: 50%\n"
    (folder / "photos.yaml").write_text(article, encoding="utf-8")


def run(folder: Path, *args: str, capsys) -> tuple[int, list[str]]:
    """octavo in `folder`: the exit status and the preflight's lines (those about resolution)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        status = main(list(args))
    return status, [line for line in capsys.readouterr().err.splitlines() if "ppi" in line]


def test_preflight_in_octavo_toml_makes_check_preflight_as_build_does(tmp_path, capsys):
    one_coarse_figure(tmp_path)
    (tmp_path / "octavo.toml").write_text("[build]\npreflight = true\n", encoding="utf-8")
    status, checked = run(tmp_path, "check", "photos.yaml", capsys=capsys)
    assert status == 0
    assert checked == ["photos.yaml:4:14: warning: photos.pdf: Figure 1 (coarse.png) on page 1 is 72 ppi at its "
                       "printed size (at least 200 is needed for print)"]  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coarse.png", "octavo.toml", "photos.yaml"]
    status, built = run(tmp_path, "build", "photos.yaml", "--format", "pdf", capsys=capsys)
    assert status == 0 and built == checked
    assert run(tmp_path, "check", "photos.yaml", "--strict", capsys=capsys)[0] == 1  # the flag over the file's false


def test_the_preflight_flag_wins_over_octavo_toml(tmp_path, capsys):
    one_coarse_figure(tmp_path)
    (tmp_path / "octavo.toml").write_text("[build]\npreflight = false\n", encoding="utf-8")
    assert run(tmp_path, "check", "photos.yaml", capsys=capsys)[1] == []
    status, checked = run(tmp_path, "check", "photos.yaml", "--preflight", capsys=capsys)
    assert status == 0 and len(checked) == 1 and "72 ppi" in checked[0]
