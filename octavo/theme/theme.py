"""Where templates, stylesheets, fonts and labels come from: the project's files first, then the package's."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePath

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment

from octavo import __version__
from octavo.core.labels import labels_in, packaged_dir
from octavo.core.options import BuildOptions, ThemeSettings

FOLDERS = ("templates", "styles")
# The [theme] font settings: the faces of the body type, as @font-face style and weight.
FONT_FACES = (("font", "normal", "normal"), ("font_italic", "italic", "normal"),
              ("font_bold", "normal", "bold"), ("font_bold_italic", "italic", "bold"))  # fmt: skip


class MissingAsset(Exception):
    """A theme file that neither the project nor the package has."""

    def __init__(self, folder: str, name: str, project: Path | None) -> None:
        where = f"the project's {folder}/ folder nor " if project is not None else ""
        super().__init__(f"the theme file '{folder}/{name}' is in neither {where}octavo's default theme")
        self.name = f"{folder}/{name}"


class ThemeTemplateError(Exception):
    """A template of the theme failed, located at its file and line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Theme:
    """One project's view of the theme: its own templates/ and styles/ over the package's, file by file."""

    project: Path | None
    settings: ThemeSettings = field(default_factory=ThemeSettings)

    def folders(self, folder: str) -> list[Path]:
        """The folders searched for a theme file: the project's first, then the package's, then plugins'."""
        own = self.project / folder if self.project is not None else None
        found = [own, packaged_dir(folder)] if own is not None and own.is_dir() else [packaged_dir(folder)]
        return found + plugin_template_folders() if folder == "templates" else found

    def find(self, folder: str, name: str) -> Path:
        """The file that `folder/name` means for this project."""
        for base in self.folders(folder):
            candidate = base / name
            if candidate.is_file():
                return candidate
        raise MissingAsset(folder, name, self.project)

    def files(self, folder: str) -> dict[str, Path]:
        """Every file of a folder as the project sees it: name -> the file that wins."""
        found: dict[str, Path] = {}
        for base in reversed(self.folders(folder)):
            found.update({p.relative_to(base).as_posix(): p for p in sorted(base.rglob("*")) if p.is_file()})
        return found

    def environment(self) -> Environment:
        return _environment(tuple(self.folders("templates")))

    def render(self, name: str, **values: object) -> str:
        """Render a template; a failing template becomes a ThemeTemplateError at its own line."""
        try:
            return self.environment().get_template(name).render(**values)
        except TemplateNotFound as exc:  # a block kind's partial, say: name the file that is missing
            raise MissingAsset("templates", str(exc.name), self.project) from None
        except TemplateSyntaxError as exc:
            raise ThemeTemplateError(Path(exc.filename or name), exc.lineno, exc.message or str(exc)) from None
        except TemplateError as exc:
            path, line = _template_frame(exc, self.folders("templates"))
            raise ThemeTemplateError(path or Path(name), line, str(exc)) from None

    def labels(self, language: str) -> dict[str, str]:
        """The labels for a BCP 47 tag, by its primary language; English where a label is missing."""
        return labels_in(tuple(self.find_all("templates", "labels.yaml")), language)

    def find_all(self, folder: str, name: str) -> list[Path]:
        """Every copy of a file, the package's first: for files that merge rather than replace."""
        return [base / name for base in reversed(self.folders(folder)) if (base / name).is_file()]


def theme_for(options: BuildOptions) -> Theme:
    """The theme a build uses: its project's files over the package's, with its octavo.toml settings."""
    return Theme(options.root, options.theme)


ACCENTED = ".titleblock .title, .book-title, h2, h3, h4"


def _epub_css(settings: ThemeSettings) -> str:
    """The EPUB's share of the settings, written out: reading systems such as calibre cannot parse var().

    The accent gives way to the reader's own text colour in a dark theme, where a dark accent would vanish.
    """
    if not settings.accent:
        return ""
    return (f"/* From octavo.toml's [theme] table. */\n{ACCENTED} {{ color: {settings.accent}; }}\n"
            f"@media (prefers-color-scheme: dark) {{ {ACCENTED} {{ color: inherit; }} }}\n")  # fmt: skip


def theme_css(settings: ThemeSettings, output: str) -> tuple[str, dict[str, Path]]:
    """The settings as CSS custom properties (and @font-face rules), and the font files that CSS names.

    Only values the config loader validated reach here, so nothing can break out of a declaration.
    The print output takes every setting; the EPUB leaves the type face, size and margins to the reader.
    """
    properties: dict[str, str] = {}
    faces: list[str] = []
    files: dict[str, Path] = {}
    if output == "epub":
        return _epub_css(settings), {}
    if settings.accent:
        properties["--octavo-accent"] = settings.accent
    if output == "print":
        if settings.base_size:
            properties["--octavo-base-size"] = settings.base_size
        if settings.margins:
            properties["--octavo-margins"] = settings.margins
            # A listing's hang is measured for the page's own margins (pdf/pagestyle.py): within these, none.
            properties["--octavo-listing-hang"] = "0mm"
        for attribute, style, weight in FONT_FACES:
            path = getattr(settings, attribute)
            if path is not None:
                name = f"theme-fonts/{attribute.replace('_', '-')}{path.suffix.lower()}"
                files[name] = path
                faces.append(f'@font-face {{ font-family: "octavo-body"; src: url({name}); '
                             f"font-style: {style}; font-weight: {weight}; }}")  # fmt: skip
        if files:
            properties["--octavo-body-font"] = '"octavo-body"'
    if not properties:
        return "", {}
    lines = ["/* From octavo.toml's [theme] table. */", *faces, ":root {"]
    lines += [f"  {name}: {value};" for name, value in properties.items()]
    return "\n".join([*lines, "}", ""]), files


def plugin_template_folders() -> list[Path]:
    """The template folders of block kinds that installed packages add (each holds blocks/<name>.html)."""
    from octavo.source.blocks import registry

    return list(dict.fromkeys(kind.templates for kind in registry().values() if kind.templates is not None))


class ThemeSandbox(SandboxedEnvironment):
    """Jinja2's sandbox, which keeps templates from Python's internals, and also from the file system.

    The model holds paths (an article's source, its images), and a Path's methods read, write and delete
    files; a template sees only their names.
    """

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        if isinstance(obj, PurePath) and attr not in PATH_ATTRIBUTES:
            return False
        return super().is_safe_attribute(obj, attr, value)


PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix"})


# Sandboxed: a project's templates/ may come from a less trusted hand than its code (a theme downloaded
# with an article set, say); autoescaped, so that no value can add markup.
ENVIRONMENT_OPTIONS = {"autoescape": True, "undefined": StrictUndefined, "trim_blocks": True, "lstrip_blocks": True,
                       "keep_trailing_newline": True}  # fmt: skip


@cache
def _environment(folders: tuple[Path, ...]) -> Environment:
    env = ThemeSandbox(
        loader=ChoiceLoader([FileSystemLoader(folder) for folder in folders]),
        bytecode_cache=_bytecode_cache(),
        **ENVIRONMENT_OPTIONS,
    )
    from octavo.theme.filters import date_filter, inline_filter  # the filters know the model; the theme finds files

    env.filters["inline"] = inline_filter
    env.filters["date"] = date_filter
    env.globals["octavo_version"] = __version__
    return env


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates, kept in the user's private cache folder (never the project's: see octavo/usercache.py).

    Jinja2 keys each by the template's path and checks a hash of its source, so an edited template is compiled
    again; the folder's name holds what else the compiled code depends on.
    """
    import hashlib

    import jinja2

    from octavo.core.usercache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    depends = repr((__version__, jinja2.__version__, sorted(ENVIRONMENT_OPTIONS.items())))
    own = folder / f"templates-{hashlib.sha256(depends.encode()).hexdigest()[:16]}"
    try:
        own.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(own))


def _template_frame(exc: BaseException, folders: list[Path]) -> tuple[Path | None, int]:
    """The innermost frame of the traceback that runs a theme template: Jinja2 maps it to the template's line."""
    found: tuple[Path | None, int] = (None, 0)
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if any(path.is_relative_to(folder) for folder in folders):
            found = (path, frame.lineno or 0)
    return found
