#!/usr/bin/env python3
"""Render chosen pages of a PDF to PNG files, to look at a layout (pypdfium2).

Usage: python tools/render_pages.py dist/khrushchev.pdf OUT_PREFIX [PAGE ...]
Pages count from 1; -1 is the last page. Writes OUT_PREFIX-<page>.png.
"""

from __future__ import annotations

import sys

import pypdfium2 as pdfium


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    pdf = pdfium.PdfDocument(argv[0])
    for page in [int(p) for p in argv[2:]] or [1]:
        index = page - 1 if page > 0 else len(pdf) + page
        pdf[index].render(scale=1.2).to_pil().save(f"{argv[1]}-{index + 1}.png", optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
