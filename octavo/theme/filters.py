"""Template filters shared by every output: inline text with its note references, formulas and citations; dates."""

from __future__ import annotations

import datetime

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from octavo.core.model import Citation, Formula, Inline, NoteRef, XRef

# The partial that renders each kind of inline part that is not plain markup, and the name it is given as.
PART_TEMPLATES = {Formula: ("partials/formula.html", "f"), Citation: ("partials/citation.html", "c"),
                  XRef: ("partials/xref.html", "x")}

DATE_STYLES = ("short", "medium", "long", "full")


@pass_context
def inline_filter(context: Context, text: Inline | None) -> Markup:
    """Render inline text; note references, formulas and citations go through the output's partials."""
    if text is None:
        return Markup("")
    noteref = context.environment.get_template("partials/noteref.html")
    out = []
    after_ref = False  # `[^a][^b]` must not read as one number: the partial separates them
    for part in text.parts:
        if isinstance(part, NoteRef):
            out.append(Markup(noteref.render(ref=part, after_ref=after_ref, **context.get_all()).strip()))
            after_ref = True
        elif isinstance(part, (Formula, Citation, XRef)):
            template, name = PART_TEMPLATES[type(part)]
            rendered = context.environment.get_template(template).render(**{**context.get_all(), name: part})
            out.append(Markup(rendered.strip()))
            after_ref = False
        else:
            out.append(part)
            after_ref = after_ref and not part
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
