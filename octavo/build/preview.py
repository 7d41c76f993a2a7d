"""Live preview: watch mode, with a local web page that shows the print pages beside the EPUB and follows each build.

The server starts first (a busy port is said before anything is built), then the first build, then the address
and the browser; every save rebuilds (watch.py) and the page reloads what changed, keeping the reader's place.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path

from octavo.build.preview_server import PortInUse, PreviewServer
from octavo.build.preview_state import Outcome, PreviewState
from octavo.build.watch import watch
from octavo.core.diagnostics import Diagnostic
from octavo.core.options import BuildOptions

__all__ = ["Outcome", "PortInUse", "open_server", "preview"]

EXIT_INTERNAL = 3  # the command line's status for a build that raised (octavo.cli.status, which is above us)


def open_server(root: Path, port: int) -> PreviewServer:
    """The server, bound to 127.0.0.1:`port` (0: any free port) and not yet answering; PortInUse when taken."""
    return PreviewServer(PreviewState(root), port)


def preview(server: PreviewServer, paths: list[Path], options: BuildOptions, build: Callable[[], Outcome],
            open_browser: bool = True, stop: threading.Event | None = None) -> int:  # fmt: skip
    """Serve the preview while watching: `build` runs now and after every save, and the page follows.

    Ctrl-C (or `stop`) ends it: the server is shut down, and the KeyboardInterrupt reaches the command line.
    """
    state = server.state

    def once() -> int:
        state.begin()
        try:
            outcome = build()
        except Exception as exc:  # the page says it too; watch.py says it on the terminal and goes on watching
            failed = Diagnostic(options.root, 0, 0, "error", f"the build failed: {exc}", internal=True)
            state.finish(Outcome(EXIT_INTERNAL, [], [failed], options.out))
            raise
        state.finish(outcome)
        return outcome.status

    def ready() -> None:
        print(f"octavo: preview at {server.url} ; Ctrl-C stops", file=sys.stderr)
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)

    serving = threading.Thread(target=server.serve_forever, name="octavo-preview", daemon=True)
    serving.start()
    try:
        return watch(paths, options, once, stop, ready)
    finally:
        state.close()  # the open event streams end
        server.shutdown()
        server.server_close()
