"""WeasyPrint's C libraries opened by file name on Linux: no library search at octavo's import of WeasyPrint, the
search still there when needed, and nothing changed for a program that imports WeasyPrint itself."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from octavo.pdf.engine import libraries

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the lookup changes only on Linux")

COUNT_SEARCHES = textwrap.dedent("""
    import ctypes.util, sys
    searched = []
    search = ctypes.util.find_library
    counting = ctypes.util.find_library = lambda name: searched.append(name) or search(name)
    from octavo.pdf.engine import libraries
    if sys.argv[1] == "octavo":
        weasyprint = libraries.load_weasyprint()  # octavo's own first import
    else:
        import weasyprint  # the program's own: octavo changes nothing
        libraries.load_weasyprint()
    weasyprint.HTML(string="<p>Typeset</p>").write_pdf()
    finders = [type(finder).__name__ for finder in sys.meta_path if type(finder).__module__ == libraries.__name__]
    print(len(searched), ctypes.util.find_library is counting, finders)
""")


@pytest.mark.parametrize(("importer", "hooks"), [("octavo", "on"), ("octavo", "off"), ("program", "on")])
def test_only_octavos_import_of_weasyprint_skips_the_library_search(importer: str, hooks: str) -> None:
    environment = {**os.environ, "OCTAVO_ENGINE_HOOKS": hooks}
    done = subprocess.run([sys.executable, "-c", COUNT_SEARCHES, importer], capture_output=True, text=True,
                          check=True, env=environment)  # fmt: skip
    searches, same_lookup, finders = done.stdout.strip().split(" ", 2)
    assert (searches == "0") == (importer == "octavo" and hooks == "on")
    assert (same_lookup, finders) == ("True", "[]")  # the program's find_library back, no finder left behind


PARSER_LOADED = textwrap.dedent("""
    import sys
    from octavo.pdf.engine import load_weasyprint
    weasyprint = load_weasyprint()
    weasyprint.HTML(string="<p lang=en style='hyphens: auto'>Typeset</p>").write_pdf()
    print(type(weasyprint.text.ffi.ffi).__module__, "pycparser" in sys.modules)
""")


def test_weasyprint_declarations_are_not_parsed_again(tmp_path: Path) -> None:
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", PARSER_LOADED], capture_output=True, text=True, check=True,
                           env=environment).stdout.split() for _ in range(2)]  # fmt: skip
    assert runs == [["_cffi_backend", "True"], ["_cffi_backend", "False"]]  # parsed once, to make the kept form


FOUND_ONLY_BY_SEARCH = textwrap.dedent("""
    import ctypes.util
    print("installation help")
    if ctypes.util.find_library("c") is None:
        raise OSError("not found by file name")
    OPENED = True
""")


def test_a_library_only_the_search_finds_is_still_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "only_by_search.py"
    source.write_text(FOUND_ONLY_BY_SEARCH)
    loader = libraries._FileNamesFirst("only_by_search", str(source))
    module = type(sys)("only_by_search")
    loader.exec_module(module)
    assert module.OPENED
    assert capsys.readouterr().out == "installation help\n"  # once: the first try's message is not shown
