"""The layout processes of a book laid out in pieces (bookpdf.py): each lays out and draws the pieces it is sent,
one request at a time. A piece whose folios cannot be made again (engine.Unrecorded) is answered "unsplittable",
and the book is then laid out whole."""

from __future__ import annotations

import gc
import multiprocessing
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from octavo.core.options import BuildOptions
from octavo.pdf.engine import Unrecorded, load_weasyprint
from octavo.pdf.piecework import PieceWorker


class Workers:
    """Layout processes (or, with one job where processes cannot be forked, the build's own process), each with
    one request at a time."""

    def __init__(self, assets: dict, options: BuildOptions, jobs: int, folder: Path) -> None:
        forks = "fork" in multiprocessing.get_all_start_methods()
        # One job still lays out in a forked process: its memory goes back to the system when it ends, so the
        # build's own process is small when it joins the pieces. A spawned process would import WeasyPrint again.
        self.local = PieceWorker(assets, options, folder) if jobs == 1 and not forks else None
        self.connections: list[Any] = []
        self.processes: list[Any] = []
        self.pending: dict[int, tuple] = {}  # worker -> request (one at a time)
        self.results: list[tuple[int, tuple]] = []
        if self.local is None:
            load_weasyprint()  # imported before forking, so each worker starts with it loaded

            context = multiprocessing.get_context("fork" if forks else None)
            for _ in range(jobs):
                parent, child = context.Pipe()
                process = context.Process(target=_serve, args=(child, assets, options, folder), daemon=True)
                process.start()
                child.close()
                self.connections.append(parent)
                self.processes.append(process)
        self.count = 1 if self.local is not None else jobs
        self.folder = folder  # where the pieces' PDFs are drawn

    def idle(self) -> list[int]:
        return [worker for worker in range(self.count) if worker not in self.pending]

    def busy(self) -> bool:
        return bool(self.pending) or bool(self.results)

    def send(self, worker: int, request: tuple) -> None:
        self.pending[worker] = request
        if self.local is not None:
            self.results.append((worker, _handle(self.local, request)))
        else:
            self.connections[worker].send(request)

    def receive(self) -> tuple[int, tuple]:
        if self.results:
            worker, reply = self.results.pop(0)
            del self.pending[worker]
            return worker, reply
        from multiprocessing.connection import wait

        ready = wait([self.connections[w] for w in self.pending])
        worker = self.connections.index(ready[0])
        try:
            reply = self.connections[worker].recv()
        except EOFError:
            raise RuntimeError("a layout process ended unexpectedly") from None
        del self.pending[worker]
        return worker, reply

    def close(self) -> None:
        for connection in self.connections:
            with suppress(OSError):
                connection.send(None)
            connection.close()
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()


@contextmanager
def workers(assets: dict, options: BuildOptions, jobs: int, folder: Path) -> Iterator[Workers]:
    """`jobs` layout processes for one book, stopped when the block ends."""
    running = Workers(assets, options, jobs, folder)
    try:
        yield running
    finally:
        running.close()


def _handle(worker: PieceWorker, request: tuple) -> tuple:
    kind, index, arguments, forget = request
    for old in forget:
        worker.forget(old)
    try:
        if kind == "lay out":
            return ("laid", index, worker.lay_out(index, *arguments))
        if len(arguments) > 2:  # laid out by an earlier build: laid out again here, the same way, to be drawn
            worker.forget(index)
            worker.lay_out(index, *arguments[2])
        path, errors = worker.draw(index, *arguments[:2])
        return ("drawn", index, path, arguments[0], frozenset(worker.last_anchors), errors)
    except Unrecorded as reason:  # the folios could not be made again: the book is laid out whole
        return ("unsplittable", index, str(reason))
    except Exception:
        return ("failed", index, traceback.format_exc())


def _serve(connection: Any, assets: dict, options: BuildOptions, folder: Path) -> None:
    """A layout process: answer each request until told to stop (None) or the build goes away."""
    # What the process was forked with stays to its end: collections pass it by (and leave its pages shared).
    gc.freeze()
    worker = PieceWorker(assets, options, folder)
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        reply = _handle(worker, request)
        if reply[0] == "drawn":
            gc.collect()  # the drawn piece's boxes hold cycles: freed now, not at the next full collection
        connection.send(reply)
