"""The options' table in docs/using-octavo.md, made from their declarations: `python -m octavo.cli.optiondocs`."""

from __future__ import annotations

import sys
from pathlib import Path

from octavo.core.options import OPTIONS
from octavo.core.optionspec import markdown_table

DOCS = Path("docs") / "using-octavo.md"  # from the repository's top folder
START = "<!-- The table is made from octavo/core/options.py: python -m octavo.cli.optiondocs -->\n"
END = "<!-- end of the table -->\n"


def with_table(text: str) -> str:
    """The page with the table between its markers made again from the declarations."""
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the page has no place for the table (the lines {START.strip()} and {END.strip()})")
    return head + START + "\n" + markdown_table(OPTIONS) + "\n" + END + tail


def main(argv: list[str]) -> int:
    """Write the table into the page named (docs/using-octavo.md by default); say whether it changed."""
    path = Path(argv[0]) if argv else DOCS
    text = path.read_text(encoding="utf-8")
    made = with_table(text)
    if made != text:
        path.write_text(made, encoding="utf-8")
    print(f"{path}: {'table written' if made != text else 'the table was up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
