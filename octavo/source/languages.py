"""Language tags: which are valid, the tag meant by a name or a country code, a tag of another script than the text."""

from __future__ import annotations

import re
from functools import cache

# Tags that are certainly valid, so that the usual ones need no langcodes: its registry of subtags takes
# longer to import (about 25 ms) than the rest of reading an article.
COMMON_LANGUAGES = frozenset((
    "en", "de", "fr", "es", "it", "pt", "nl", "no", "nb", "nn", "ru", "uk", "el", "sv", "da", "fi", "pl", "cs",
    "ja", "zh", "ko", "ar", "he", "en-US", "en-GB", "en-AU", "en-CA", "en-IE", "en-NZ", "de-DE", "de-AT", "de-CH",
    "fr-FR", "fr-CA", "fr-BE", "fr-CH", "es-ES", "es-MX", "pt-BR", "pt-PT", "nl-NL", "nl-BE", "it-IT", "ru-RU",
))  # fmt: skip
# Languages written in the Latin script, so that the usual ones need no langcodes to be checked against the text.
LATIN_LANGUAGES = frozenset(("en", "de", "fr", "es", "it", "pt", "nl", "no", "nb", "nn", "sv", "da", "fi", "pl", "cs"))
# How many letters of the text are looked at, and how many of them must be Latin, for a tag of another
# script to be taken for a mistake (a Ukrainian article may quote English, or show code).
SAMPLE_LETTERS = 2000
MIN_LETTERS = 20
LATIN_SHARE = 0.9
LETTER = re.compile(r"[^\W\d_]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
# Scripts whose English name in CLDR reads badly after "written in".
SCRIPT_NAMES = {"Hans": "Simplified Han", "Hant": "Traditional Han", "Jpan": "Japanese", "Kore": "Korean"}
# The code people write for a country that has another one in ISO 3166 (the United Kingdom is GB).
COUNTRY_ALIASES = {"UK": "GB"}


def valid_language(tag: str) -> bool:
    """Whether the tag is a valid BCP 47 language tag (langcodes decides, unless the tag is a common one)."""
    if tag in COMMON_LANGUAGES:
        return True
    import langcodes

    return langcodes.tag_is_valid(tag)


def language_hint(value: str) -> str:
    """The tag meant by one that is not valid: written with '_' (en_GB), a language's name (English, français,
    British English), or a country's code (jp); else examples of tags."""
    import langcodes

    if "_" in value:
        try:
            return f" (did you mean '{langcodes.standardize_tag(value)}'?)"
        except langcodes.LanguageTagError:
            pass
    named = tag_named(value)
    if named is not None:
        return f" (did you mean '{named}'?)"
    country = country_language(value)
    if country is not None:
        return f" ('{value}' is a country's code ({country[0]}): did you mean '{country[1]}'?)"
    return " (e.g. en, fr, pt-BR)"


def tag_named(name: str) -> str | None:
    """The tag of a language written as its name in English or in itself ('German', 'Deutsch', 'British English')."""
    import difflib

    wanted = " ".join(name.split()).casefold()
    names = language_names()
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, tuple(names), n=1, cutoff=0.85)  # 'Englsh', 'Portugese'
    return names[close[0]] if close else None


@cache
def language_names() -> dict[str, str]:
    """Every language's name, in English and in the language itself, casefolded, to its tag (from Babel's CLDR)."""
    from babel import Locale, localedata

    names: dict[str, str] = {}
    for code, name in Locale("en").languages.items():
        names.setdefault(name.casefold(), code.replace("_", "-"))
    # Each language's own names of itself and its regional forms ('français', 'français canadien').
    for code in localedata.locale_identifiers():
        if "_" in code:
            continue
        own = localedata.load(code, merge_inherited=False).get("languages", {})
        for variant, name in own.items():
            if variant == code or variant.startswith(f"{code}_"):
                names.setdefault(name.casefold(), variant.replace("_", "-"))
    return names


def country_language(value: str) -> tuple[str, str, str] | None:
    """For a country's code written as a language (jp, gr, uk): the country's name, a tag of its language
    and the script that language is written in."""
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        return None
    import langcodes
    from babel import Locale

    code = COUNTRY_ALIASES.get(value.upper(), value.upper())
    country = Locale("en").territories.get(code)
    if country is None:
        return None
    likely = langcodes.Language.get(f"und-{code}").maximize()
    return country, f"{likely.language}-{code}", likely.script or ""


def letters(text: str) -> tuple[int, int]:
    """How many letters a text has, and how many of them are Latin."""
    return len(LETTER.findall(text)), len(LATIN_LETTER.findall(text))


def script_mismatch(tag: str, count: int, latin: int) -> str | None:
    """What to say of a tag whose language is written in another script than the text's mostly Latin letters.

    `language: uk` on an English text is Ukrainian (Cyrillic), where British English (en-GB) was meant.
    """
    if count < MIN_LETTERS or latin < LATIN_SHARE * count or tag.split("-")[0] in LATIN_LANGUAGES:
        return None
    import langcodes

    try:
        given = langcodes.Language.get(tag)
    except (langcodes.LanguageTagError, ValueError):
        return None
    language = given.maximize()
    if language.script in (None, "Latn"):
        return None
    from babel import Locale  # here: only a mistake needs the names
    from babel.localedata import exists

    english = Locale("en")
    name = english.languages.get(language.language, tag)
    script = SCRIPT_NAMES.get(language.script) or english.scripts.get(language.script, language.script)
    advice = "write the tag of the text's language (e.g. en, fr, pt-BR)"
    country = country_language(tag) if "-" not in tag else None
    if given.script is None and exists(f"{language.language}_Latn"):  # Serbian, Uzbek, ... are written in both
        advice = f"for {name} in Latin script write '{language.language}-Latn'"
    elif country is not None and country[2] == "Latn":  # 'uk' for the United Kingdom, 'be' for Belgium
        meant = country[1]
        variant = english.languages.get(meant.replace("-", "_"))
        meant_name = variant or f"{english.languages.get(meant.split('-')[0], meant)} as in {country[0]}"
        advice = f"for {meant_name} write '{meant}'"
    return f"'{tag}' is {name}, written in {script} script, but the text is in Latin script; {advice}"
