"""The house: imports point down the stages, no import circle, no module over 400 lines, one engine door."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "octavo"

# Highest first: a module may import from its own stage or from a stage below it, never above.
STAGES = ("cli", "build", "pdf", "epub", "theme", "source", "text", "core")
SIDE_BY_SIDE = {frozenset({"pdf", "epub"})}  # two writers: neither may import the other
ENGINE = "octavo.pdf.engine"
ENGINE_LIBRARIES = ("weasyprint", "pydyf", "pyphen", "tinyhtml5", "cffi")
# WeasyPrint's documented API (docs/api_reference.rst): what octavo may use outside the engine door.
WEASYPRINT_PUBLIC = {"HTML", "CSS", "Attachment", "Document", "Page", "default_url_fetcher", "__version__",
                     "DEFAULT_OPTIONS", "LOGGER", "PROGRESS_LOGGER", "text.fonts"}  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path) -> list[tuple[str, ast.AST]]:
    """Every module an import statement names, at any depth (a late import is still a dependency)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node))
            found += [(f"{node.module}.{alias.name}", node) for alias in node.names]
    return found


def octavo_imports(name: str) -> set[str]:
    """The octavo modules that module `name` imports (a package's __init__ only when it is named itself)."""
    known = modules()
    return {target for target, _ in imports_of(known[name]) if target in known and target != name}


def stage(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_imports_point_down_the_stages():
    upward = []
    for name in modules():
        here = stage(name)
        if here is None:
            continue  # octavo's own top: __init__, __main__ and the block authors' API
        for target in octavo_imports(name):
            there = stage(target)
            if there is None and target != "octavo":
                upward.append(f"{name} imports {target}, above every stage")
            elif there and STAGES.index(there) < STAGES.index(here):
                upward.append(f"{name} ({here}) imports {target} ({there})")
            elif there and frozenset({here, there}) in SIDE_BY_SIDE:
                upward.append(f"{name} ({here}) imports the other writer's {target}")
    assert upward == [], "\n".join(upward)


def test_no_import_circle():
    graph = {name: octavo_imports(name) for name in modules()}
    circles, state = [], {}

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
    assert circles == [], "\n".join(circles)


def test_no_module_over_400_lines():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > 400}
    assert long == {}


def test_engine_internals_only_behind_the_door():
    """WeasyPrint's, pydyf's, pyphen's, tinyhtml5's and cffi's insides are reached from octavo.pdf.engine only."""
    outside = []
    for name, path in modules().items():
        if name == ENGINE or name.startswith(ENGINE + "."):
            continue
        for target, node in imports_of(path):
            root, _, rest = target.partition(".")
            if root not in ENGINE_LIBRARIES:
                continue
            public = root == "weasyprint" and (rest == "" or rest in WEASYPRINT_PUBLIC
                                               or rest.split(".")[0] in WEASYPRINT_PUBLIC)  # fmt: skip
            if not public:
                outside.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {target}")
    assert outside == [], "\n".join(outside)


@pytest.mark.parametrize("broken", ["upward", "circle"])
def test_the_checks_can_fail(broken, tmp_path, monkeypatch):
    """The import checks see what they are for: an upward import and a circle, planted in a copy of two modules."""
    core, cli = modules()["octavo.core.model"], modules()["octavo.cli.main"]
    planted = {name: path for name, path in modules().items()}
    copy_core, copy_cli = tmp_path / "model.py", tmp_path / "main.py"
    copy_core.write_text("from octavo.cli.main import command\n" + core.read_text(), encoding="utf-8")
    copy_cli.write_text(cli.read_text(), encoding="utf-8")
    planted["octavo.core.model"] = copy_core
    if broken == "circle":
        planted["octavo.cli.main"] = copy_cli
        copy_cli.write_text("from octavo.core.model import Article\n" + cli.read_text(), encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "modules", lambda: planted, raising=False)
    globals_ = globals()
    monkeypatch.setitem(globals_, "modules", lambda: planted)
    check = test_imports_point_down_the_stages if broken == "upward" else test_no_import_circle
    with pytest.raises(AssertionError):
        check()
