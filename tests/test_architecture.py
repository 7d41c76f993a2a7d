"""The house: imports point down the stages, no import circle, no module over 400 lines, one engine door."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "octavo"

# Highest first: a module may import from its own stage or from a stage below it, never above.
STAGES = ("cli", "build", "pdf", "epub", "theme", "source", "text", "core")
SIDE_BY_SIDE = frozenset({"pdf", "epub"})  # the two writers: neither may import the other
MAX_LINES = 400
ENGINE = "octavo.pdf.engine"
ENGINE_LIBRARIES = ("weasyprint", "pydyf", "pyphen", "tinyhtml5", "cffi")
# What octavo may use of them outside the engine door: WeasyPrint's documented API (docs/api_reference.rst).
# pydyf's objects and tinyhtml5's parser are reached through the door too (octavo/pdf/engine/documents.py).
PUBLIC = {
    "weasyprint": {"HTML", "CSS", "Attachment", "Document", "Page", "URLFetcher", "default_url_fetcher",
                   "__version__", "DEFAULT_OPTIONS", "LOGGER", "PROGRESS_LOGGER", "text.fonts",
                   "text.fonts.FontConfiguration", "urls", "urls.URLFetcherResponse"},
    "pydyf": set(),
    "tinyhtml5": set(),
    "pyphen": set(),
    "cffi": set(),
}  # fmt: skip

Modules = dict[str, Path]


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules(package: Path = PACKAGE) -> Modules:
    return {module_name(path, package): path for path in sorted(package.rglob("*.py"))}


def imports_of(path: Path) -> list[tuple[str, int]]:
    """Every module an import statement names, at any depth (a late import is still a dependency)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def octavo_imports(modules: Modules, name: str) -> set[str]:
    """The octavo modules that module `name` imports (a package's __init__ only when it is named itself)."""
    return {target for target, _ in imports_of(modules[name]) if target in modules and target != name}


def stage(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def upward_imports(modules: Modules) -> list[str]:
    upward = []
    for name in modules:
        here = stage(name)
        if here is None:
            continue  # octavo's own top: __init__, __main__ and the block authors' API
        for target in sorted(octavo_imports(modules, name)):
            there = stage(target)
            if there is None and target != "octavo":
                upward.append(f"{name} imports {target}, which is above every stage")
            elif there and STAGES.index(there) < STAGES.index(here):
                upward.append(f"{name} ({here}) imports {target} ({there})")
            elif there and there != here and {here, there} == SIDE_BY_SIDE:
                upward.append(f"{name} ({here}) imports the other writer's {target}")
    return upward


def import_circles(modules: Modules) -> list[str]:
    graph = {name: octavo_imports(modules, name) for name in modules}
    circles: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                circles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return circles


def long_modules(modules: Modules) -> dict[str, int]:
    counts = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules.items()}
    return {name: count for name, count in counts.items() if count > MAX_LINES}


def _is_public(target: str) -> bool:
    root, _, rest = target.partition(".")
    return (rest == "" and root == "weasyprint") or rest in PUBLIC[root]


def engine_internals_outside(modules: Modules) -> list[str]:
    """Imports of the engine libraries' insides, and private names read from them, outside the engine door."""
    outside = []
    for name, path in modules.items():
        if name == ENGINE or name.startswith(ENGINE + "."):
            continue
        where = name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = set()  # the local names that stand for an engine library or one of its parts
        for target, line in imports_of(path):
            if target.partition(".")[0] in ENGINE_LIBRARIES and not _is_public(target):
                outside.append(f"{where}:{line}: {target}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                module = node.module if isinstance(node, ast.ImportFrom) else None
                for alias in node.names:
                    full = f"{module}.{alias.name}" if module else alias.name
                    if full.partition(".")[0] in ENGINE_LIBRARIES:
                        bound.add(alias.asname or alias.name.split(".")[0])
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _rooted_in(node, bound):
                private = node.attr.startswith("_") and not node.attr.startswith("__")
                if private:
                    outside.append(f"{where}:{node.lineno}: .{node.attr}")
                if isinstance(node.ctx, ast.Store):
                    outside.append(f"{where}:{node.lineno}: assigns .{node.attr} of an engine library")
            is_setattr = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
            if is_setattr and node.args and _rooted_in(node.args[0], bound):
                outside.append(f"{where}:{node.lineno}: setattr on an engine library")
    return outside


def _rooted_in(node: ast.AST, names: set[str]) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id in names


def test_imports_point_down_the_stages():
    upward = upward_imports(package_modules())
    assert upward == [], "\n".join(upward)


def test_no_import_circle():
    circles = import_circles(package_modules())
    assert circles == [], "\n".join(circles)


def test_no_module_over_400_lines():
    assert long_modules(package_modules()) == {}


def test_engine_internals_only_behind_the_door():
    """WeasyPrint's, pydyf's, pyphen's, tinyhtml5's and cffi's insides are reached from octavo.pdf.engine only."""
    outside = engine_internals_outside(package_modules())
    assert outside == [], "\n".join(outside)


PLANTED = {
    "upward": ("core/model.py", "from octavo.cli.main import command\n", upward_imports),
    "sideways": ("epub/writer.py", "from octavo.pdf.writer import print_html\n", upward_imports),
    "circle": ("cli/new.py", "from octavo.cli.main import command\n", import_circles),
    "private": ("pdf/writer.py", "import weasyprint\nweasyprint.layout._x = 1\n", engine_internals_outside),
    "submodule": ("epub/cover.py", "from weasyprint.layout import page\n", engine_internals_outside),
    "parser": ("pdf/pieces.py", "import tinyhtml5\nimport pydyf\n", engine_internals_outside),
    "long": ("core/options.py", "\n" * MAX_LINES, long_modules),
}


def _all_but_python(folder: str, names: list[str]) -> list[str]:
    files = [name for name in names if Path(folder, name).is_file() and not name.endswith(".py")]
    return [*files, *(name for name in names if name == "__pycache__")]


@pytest.mark.parametrize("broken", sorted(PLANTED))
def test_the_checks_see_what_they_are_for(broken, tmp_path):
    """Each check finds its fault planted in a copy of the package, and nothing in the unchanged copy."""
    import shutil

    copy = tmp_path / "octavo"
    shutil.copytree(PACKAGE, copy, ignore=_all_but_python)
    relative, planted, check = PLANTED[broken]
    if broken == "circle":  # main.py may import new.py; new.py importing main.py closes the circle
        main = copy / "cli" / "main.py"
        main.write_text("import octavo.cli.new\n" + main.read_text(encoding="utf-8"), encoding="utf-8")
    before = check(package_modules(copy))
    target = copy / relative
    target.write_text(planted + target.read_text(encoding="utf-8"), encoding="utf-8")
    after = check(package_modules(copy))
    assert len(after) > len(before)
