"""Hyphenation patterns kept parsed in the user's cache: the same hyphens, without parsing the file again, while
octavo lays out only."""

from __future__ import annotations

import threading
from pathlib import Path

import pyphen
import pytest

from octavo.core import usercache
from octavo.pdf.engine import hooks, hyphenation

WORDS = ["hyphenation", "typography", "extraordinarily", "responsibilities", "Constantinople", "a", ""]


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty user cache, with octavo's hooks in place (the kept patterns are used inside them only)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    usercache.cache_dir.cache_clear()
    with hooks():
        yield tmp_path / "cache" / "octavo" / "hyphenation"
    usercache.cache_dir.cache_clear()


def english() -> Path:
    return pyphen.LANGUAGES[pyphen.language_fallback("en")]


def test_pyphen_makes_its_dictionaries_through_the_cache_while_octavo_lays_out(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pyphen, "hdcache", {})
    with hooks():
        assert isinstance(pyphen.Pyphen(lang="en").hd, hyphenation._KeptHyphDict)
    assert pyphen.HyphDict is hyphenation._PARSER  # Pyphen's own class again once octavo is done


def test_another_thread_parses_the_file_as_pyphen_does(user_cache: Path) -> None:
    made: list[object] = []
    thread = threading.Thread(target=lambda: made.append(pyphen.HyphDict(english())))
    thread.start()
    thread.join()
    assert not user_cache.exists()  # nothing kept: the thread is not octavo's
    assert made[0].patterns == hyphenation._PARSER(english()).patterns


def test_kept_patterns_hyphenate_as_parsed_ones(user_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = hyphenation._PARSER(english())
    hyphenation._KeptHyphDict(english())  # parses the file and keeps the patterns
    assert len(list(user_cache.iterdir())) == 1

    def no_parsing(self: object, path: Path) -> None:
        raise AssertionError(f"{path} parsed again")

    monkeypatch.setattr(hyphenation._PARSER, "__init__", no_parsing)
    kept = hyphenation._KeptHyphDict(english())
    assert kept.patterns == parsed.patterns and kept.maxlen == parsed.maxlen
    assert [kept.positions(word) for word in WORDS] == [parsed.positions(word) for word in WORDS]


def test_patterns_with_other_hyphens_are_parsed_each_time(user_cache: Path) -> None:
    # Hungarian has non-standard hyphenation ("ssz" -> "sz-sz"): objects, which are not kept.
    path = pyphen.LANGUAGES[pyphen.language_fallback("hu")]
    kept = hyphenation._KeptHyphDict(path)
    again = hyphenation._KeptHyphDict(path)
    parsed = hyphenation._PARSER(path)
    assert [(p, p.data) for p in again.positions("asszonnyal")] == [(p, p.data) for p in parsed.positions("asszonnyal")]
    assert any(p.data for p in kept.positions("asszonnyal"))
    assert [file.read_bytes() for file in user_cache.iterdir()] == [hyphenation._NOT_KEPT]
