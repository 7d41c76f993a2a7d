"""Template filters shared by every output: inline text with its note references, and dates."""

from __future__ import annotations

import datetime

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from octavo.model import Inline, NoteRef

DATE_STYLES = ("short", "medium", "long", "full")


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


def date_filter(value: str, language: str, style: str = "iso") -> str:
    """A YYYY, YYYY-MM or YYYY-MM-DD date in the language's words ('iso' keeps it as written).

    `style` is iso, short, medium, long, full or a CLDR pattern such as 'd MMMM y'; a year alone
    stays as written, and a month is shown without a day whatever the style.
    """
    if style == "iso":
        return value
    from babel.dates import format_date, format_skeleton  # only when a project asks for words

    parts = [int(p) for p in value.split("-")]
    day = datetime.date(parts[0], *[*parts[1:], 1, 1][:2])
    locale = language.replace("-", "_")
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:  # a month has no day to show, whatever the style
        return format_skeleton("yMMM" if style in ("short", "medium") else "yMMMM", day, locale=locale)
    return format_date(day, format=style, locale=locale)
