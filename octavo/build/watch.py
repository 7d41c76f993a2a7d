"""Watch mode: build, then rebuild on every save until Ctrl-C (watchfiles)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from octavo.core.diagnostics import display_path
from octavo.core.options import BuildOptions
from octavo.theme.theme import FOLDERS, theme_for


def watched_paths(paths: list[Path], options: BuildOptions) -> list[Path]:
    """The inputs' folders (images live beside the YAML), the project's theme folders and octavo.toml's files."""
    folders = [p if p.is_dir() else p.parent for p in paths] or [options.root / "content"]
    theme = theme_for(options)
    # The project's own theme folders; the installed package's files do not change while one writes.
    folders += [f for name in FOLDERS for f in theme.folders(name) if f.resolve().is_relative_to(options.root)]
    files = options.theme.files() + ([options.config] if options.config else [])
    return sorted({f.resolve() for f in folders + files})


def watch(paths: list[Path], options: BuildOptions, build: Callable[[], int],
          stop: threading.Event | None = None, ready: Callable[[], None] | None = None) -> int:  # fmt: skip
    """Run `build` now and after every change; a failing build is reported and watching goes on. `ready` is
    called once, after the first build (`octavo preview` then says its address and opens the browser).

    Ctrl-C stops it: the KeyboardInterrupt reaches the command line, which exits with 130.
    """
    from watchfiles import watch as changes

    out = options.out.resolve()
    cache = (options.root / ".octavo-cache").resolve()

    def relevant(_change: object, name: str) -> bool:
        path = Path(name)
        # Our own outputs and cache change on every build; they must not trigger the next one.
        return not (path.is_relative_to(out) or path.is_relative_to(cache) or path.name.startswith("."))

    folders = watched_paths(paths, options)
    _run(build)
    if ready is not None:
        ready()
    print(f"octavo: watching {', '.join(display_path(f) for f in folders)}; Ctrl-C stops", file=sys.stderr)
    for found in changes(*folders, watch_filter=relevant, stop_event=stop, raise_interrupt=True):
        names = sorted({display_path(Path(name)) for _change, name in found})
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        print(f"octavo: [{time.strftime('%H:%M:%S')}] {shown} changed; building", file=sys.stderr)
        _run(build)
    return 0


def _run(build: Callable[[], int]) -> None:
    try:
        status = build()
    except Exception as exc:  # a watcher must outlive any one failed build
        print(f"octavo: the build failed: {exc}", file=sys.stderr)
        return
    print(f"octavo: [{time.strftime('%H:%M:%S')}] build finished with status {status}", file=sys.stderr)
