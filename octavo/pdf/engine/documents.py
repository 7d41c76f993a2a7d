"""The engine's own document tools: WeasyPrint's HTML parser (tinyhtml5) and pydyf's PDF objects, in one place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def parse_html(html: str) -> Any:
    """An HTML text parsed as WeasyPrint parses it (tinyhtml5, no namespaced tags): the tree it would lay out."""
    import tinyhtml5

    return tinyhtml5.parse(html, namespace_html_elements=False)


def pdf_string(text: str) -> Any:
    """A PDF text string for a pydyf object that WeasyPrint's documented `finisher` is given."""
    import pydyf

    return pydyf.String(text)


def pdf_array(values: Iterable[Any]) -> Any:
    """A PDF array for a pydyf object that WeasyPrint's documented `finisher` is given."""
    import pydyf

    return pydyf.Array(values)
