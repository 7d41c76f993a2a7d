"""The few words octavo itself prints (Contents, Notes, Figure, ...), in the article's language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml


@cache
def _table(templates: Path) -> dict[str, dict[str, str]]:
    # templates/labels.yaml belongs to the project (like the templates), so it is trusted input.
    return yaml.safe_load((templates / "labels.yaml").read_text(encoding="utf-8"))


def labels_for(language: str, templates: Path) -> dict[str, str]:
    """The labels for a BCP 47 tag, by its primary language; English when there are none."""
    table = _table(templates)
    primary = language.split("-")[0].lower()
    primary = table.get("aliases", {}).get(primary, primary)
    return {**table["en"], **table.get(primary, {})}
