"""The settings of one build, shared by every output writer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGE_SIZES = ("A4", "Letter", "A5")
FORMATS = ("pdf", "epub", "html")


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    root: Path  # the project folder: inputs and images must lie inside it
    formats: tuple[str, ...] = ("pdf", "epub")
    page_size: str = "A4"
    strict: bool = False
    source_date_epoch: int | None = None  # fixes every timestamp, for byte-identical builds
    booklet: bool = False  # also write <slug>.booklet.pdf, imposed for saddle stitching
    pdf_variant: str | None = None  # passed to WeasyPrint (pdf/ua-1, pdf/a-3b, ...)
