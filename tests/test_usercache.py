"""The user's cache of derived files: private, outside the project, and never a reason for another output."""

from __future__ import annotations

import io
import os
import stat

import pytest
from PIL import Image

from octavo.core import labels, usercache
from octavo.epub import cover
from octavo.epub import images as epub_images
from octavo.theme import theme

from .conftest import SAMPLE, build_into, epub_files


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """An empty cache home for one test; the run's own one afterwards."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    usercache.cache_dir.cache_clear()
    theme._environment.cache_clear()  # its compiled-template cache is set when it is made
    yield tmp_path / "cache"
    usercache.cache_dir.cache_clear()
    theme._environment.cache_clear()


def test_a_second_build_reuses_the_cover_and_templates_and_gives_the_same_bytes(cache_home, tmp_path, monkeypatch):
    first = build_into(tmp_path / "one", str(SAMPLE), "--format", "epub") / "khrushchev.epub"
    folder = cache_home / "octavo"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # private: only its owner can plant compiled code there
    assert [p for p in folder.glob("templates-*/*") if p.is_file()]
    assert len(list((folder / "covers").iterdir())) == 1
    theme._environment.cache_clear()  # a new process, as far as the templates know
    monkeypatch.setattr(cover, "_draw", lambda *args: pytest.fail("the cover was drawn again"))
    second = build_into(tmp_path / "two", str(SAMPLE), "--format", "epub") / "khrushchev.epub"
    assert first.read_bytes() == second.read_bytes()


def test_another_title_draws_another_cover(cache_home, tmp_path):
    for title in ("One title", "Another title"):
        (tmp_path / "a.yaml").write_text(f"title: {title}\nbody:\n  - Text.\n", encoding="utf-8")
        build_into(tmp_path / "out", str(tmp_path / "a.yaml"), "--root", str(tmp_path), "--format", "epub")
    assert len(list((cache_home / "octavo" / "covers").iterdir())) == 2


def test_a_scaled_image_is_scaled_once(cache_home, tmp_path, monkeypatch):
    Image.new("RGB", (4000, 1000), (10, 20, 30)).save(tmp_path / "wide.jpg")
    (tmp_path / "big.yaml").write_text("title: Big\nbody:\n  - figure:\n      image: wide.jpg\n"
                                       "      alt: A dark band\n", encoding="utf-8")  # fmt: skip
    first = build_into(tmp_path / "one", str(tmp_path / "big.yaml"), "--root", str(tmp_path), "--format", "epub")
    monkeypatch.setattr(epub_images, "_scaled", lambda *_: pytest.fail("the image was scaled again"))
    second = build_into(tmp_path / "two", str(tmp_path / "big.yaml"), "--root", str(tmp_path), "--format", "epub")
    assert (first / "big.epub").read_bytes() == (second / "big.epub").read_bytes()
    with Image.open(io.BytesIO(epub_files(second / "big.epub")["EPUB/images/figure-1.jpg"])) as image:
        assert image.size == (1600, 400)  # epub-image-max


def test_an_edited_template_is_compiled_again_even_with_the_same_time_stamp(cache_home, tmp_path):
    project = tmp_path / "project"
    (project / "templates").mkdir(parents=True)
    page = project / "templates" / "page.html"
    page.write_text("first {{ 1 + 1 }}", encoding="utf-8")
    assert theme.Theme(project).render("page.html") == "first 2"
    stamp = page.stat().st_mtime_ns
    page.write_text("second {{ 1 + 2 }}", encoding="utf-8")
    os.utime(page, ns=(stamp, stamp))
    theme._environment.cache_clear()
    assert theme.Theme(project).render("page.html") == "second 3"


def test_a_cache_folder_that_is_a_link_is_not_used(cache_home, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache_home.mkdir()
    (cache_home / "octavo").symlink_to(elsewhere)
    assert usercache.cache_dir() is None
    build_into(tmp_path / "out", str(SAMPLE), "--format", "epub")
    assert list(elsewhere.iterdir()) == []


def test_whether_plugins_are_installed_is_asked_again_when_the_installed_packages_change(cache_home, tmp_path,
                                                                                         monkeypatch):  # fmt: skip
    from octavo.source import blocks

    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    asked, ask = [], blocks._ask_importlib
    monkeypatch.setattr(blocks, "_ask_importlib", lambda: asked.append(1) or ask())
    before = blocks.plugins_installed()
    assert blocks.plugins_installed() == before and len(asked) == 1  # the kept answer
    info = site / "octavo_toy-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: octavo-toy\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[octavo.blocks]\ncallout = octavo_toy:BLOCK\n", encoding="utf-8")
    assert blocks.plugins_installed() and len(asked) == 2
    # The same package with its entry points edited in place: the folder's listing is the same.
    (info / "entry_points.txt").write_text("[console_scripts]\ntoy = octavo_toy:main\n", encoding="utf-8")
    assert blocks.plugins_installed() == before and len(asked) == 3


def test_the_cover_is_kept_under_the_versions_pillow_reports():
    import PIL
    from PIL import features

    assert cover.pillow_versions() == (PIL.__version__, features.version("freetype2"), features.version("zlib"))


def test_the_labels_are_parsed_once_and_data_marshal_cannot_hold_every_time(cache_home, tmp_path, monkeypatch):
    import datetime

    import yaml

    package = (theme.packaged_dir("templates") / "labels.yaml",)
    dated = tmp_path / "labels.yaml"
    dated.write_text("en:\n  figure: Fig.\n  since: 2024-03-05\n", encoding="utf-8")
    first = labels.merged_labels.__wrapped__(package)
    assert labels.merged_labels.__wrapped__((*package, dated))["en"]["since"] == datetime.date(2024, 3, 5)
    parsed = []
    load = yaml.load
    monkeypatch.setattr(yaml, "load", lambda *args, **kwargs: parsed.append(1) or load(*args, **kwargs))
    assert labels.merged_labels.__wrapped__(package) == first and parsed == []
    again = labels.merged_labels.__wrapped__((*package, dated))
    assert again["en"]["since"] == datetime.date(2024, 3, 5) and again["en"]["figure"] == "Fig." and parsed == [1]
