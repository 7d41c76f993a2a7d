"""One Jinja2 environment (autoescape on, StrictUndefined) shared by every output."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from octavo import __version__
from octavo.model import Inline, NoteRef

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def asset_dir(name: str, root: Path | None = None) -> Path:
    """A project's own templates/ or styles/ when it has them, else the ones octavo ships with."""
    if root is not None and (root / name).is_dir():
        return (root / name).resolve()
    return PACKAGE_ROOT / name


@cache
def environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["inline"] = inline_filter
    env.globals["octavo_version"] = __version__
    return env


@pass_context
def inline_filter(context: Context, text: Inline | None) -> Markup:
    """Render inline text; note references go through the output's noteref partial."""
    if text is None:
        return Markup("")
    noteref = context.environment.get_template("partials/noteref.html")
    out = []
    for part in text.parts:
        if isinstance(part, NoteRef):
            out.append(Markup(noteref.render(ref=part, **context.get_all()).strip()))
        else:
            out.append(part)
    return Markup("").join(out)


def render(templates: Path, name: str, **values: object) -> str:
    """Render one template of the given template folder."""
    return environment(templates).get_template(name).render(**values)
