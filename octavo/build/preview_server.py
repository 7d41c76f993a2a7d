"""The live preview's web server: on 127.0.0.1 only, GET and HEAD only, and only files it knows by name.

No address is ever joined onto a folder: each one is split into its parts, and the parts are looked up among the
last build's outputs (a publication's PDF and EPUB, the PDF's pages, the EPUB's files by their exact names in the
zip) and the preview's own static files. Anything else is 404, and a request naming another host is 403, so
that a web page cannot reach the server through a DNS name of its own pointed at 127.0.0.1.
"""

from __future__ import annotations

import errno
import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import unquote

from octavo.build import preview_pages as pages
from octavo.build.preview_files import Pages, member
from octavo.build.preview_state import PreviewState

TYPES = {
    ".html": "text/html; charset=utf-8", ".xhtml": "application/xhtml+xml; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2",
    ".ncx": "application/x-dtbncx+xml", ".opf": "application/oebps-package+xml", ".xml": "application/xml",
    ".pdf": "application/pdf", ".epub": "application/epub+zip", ".json": "application/json",
}  # fmt: skip
# The preview's own pages run its own script only; the EPUB's files run none at all.
PAGE_POLICY = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
FILE_POLICY = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
PAGE_NAME = re.compile(r"page-([1-9][0-9]{0,5})\.png")
EVENT_PAUSE = 15.0  # seconds between keep-alive comments on an idle event stream


class PortInUse(Exception):
    """The port asked for is taken by another program."""


class Answer:
    """One response: status, body, content type and the content security policy it carries."""

    def __init__(self, body: bytes, kind: str, status: int = 200, policy: str = FILE_POLICY,
                 location: str | None = None) -> None:  # fmt: skip
        self.body, self.kind, self.status, self.policy, self.location = body, kind, status, policy, location


def static_files() -> dict[str, Answer]:
    """The preview's own files (preview_static/, shipped in the package), by name: read once, when it starts."""
    folder = resources.files("octavo.build") / "preview_static"
    found = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rpartition(".")[2]
        if entry.is_file() and suffix in TYPES:
            found[entry.name] = Answer(entry.read_bytes(), TYPES[suffix])
    return found


class PreviewServer(ThreadingHTTPServer):
    """The server: its state (the last build's outputs), the rendered pages, and the hosts it answers to."""

    daemon_threads = True  # an open event stream never holds up the end of the program

    def __init__(self, state: PreviewState, port: int = 0) -> None:
        try:
            super().__init__(("127.0.0.1", port), Handler)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUse(f"port {port} is not free on 127.0.0.1 ({exc.strerror}): choose another with "
                                "--port, or --port 0 for any free one") from None  # fmt: skip
            raise
        self.state = state
        self.pages = Pages()
        self.static = static_files()
        self.port = self.server_address[1]
        self.hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}", f"[::1]:{self.port}"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def parts_of(target: str) -> list[str] | None:
    """The decoded parts of a request's path; None for any part that is empty, `.`, `..`, or holds a slash, a
    backslash or a control character once decoded, and for a target that is not a path (`http://...`, `*`)."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        return None
    raw = path[1:].split("/")
    found = []
    for position, part in enumerate(raw):
        if part == "" and position == len(raw) - 1:
            found.append("")  # a trailing slash: a page, not a file
            continue
        try:
            text = unquote(part, errors="strict")
        except UnicodeDecodeError:
            return None
        if text in ("", ".", "..") or any(c in text for c in "/\\") or any(ord(c) < 32 or ord(c) == 127 for c in text):
            return None
        found.append(text)
    return found


def route(server: PreviewServer, parts: list[str]) -> Answer | None:
    """The answer to a request for these parts, or None (404)."""
    state = server.state
    if parts == [""]:
        html = pages.index_page(state.listing(), state.generation, state.building)
        return Answer(html.encode("utf-8"), TYPES[".html"], policy=PAGE_POLICY)
    if parts == ["status"]:
        return Answer(json.dumps(state.status()).encode("utf-8"), TYPES[".json"])
    if len(parts) == 2 and parts[0] == "static":
        return server.static.get(parts[1])
    if len(parts) < 2 or parts[0] != "p" or (publication := state.publication(parts[1])) is None:
        return None
    rest = parts[2:]
    if not rest:
        return Answer(b"", TYPES[".html"], 301, location=pages.base(publication.slug))
    if rest == [""]:
        html = pages.publication_page(publication, state.listing(), state.generation, state.building)
        return Answer(html.encode("utf-8"), TYPES[".html"], policy=PAGE_POLICY)
    if len(rest) == 1:
        for kind in ("pdf", "epub"):
            snapshot = getattr(publication, kind)
            if snapshot is not None and rest[0] == publication.paths[kind].name:
                return Answer(snapshot.data, TYPES[f".{kind}"])
        number = PAGE_NAME.fullmatch(rest[0])
        picture = number and publication.pdf and server.pages.png(publication.pdf, int(number[1]) - 1)
        return Answer(picture, TYPES[".png"]) if picture else None
    if rest[0] == "epub" and publication.epub is not None:
        name = "/".join(rest[1:])
        data = member(publication.epub, name)
        suffix = "." + name.rpartition(".")[2].lower()
        return None if data is None else Answer(data, TYPES.get(suffix, "application/octet-stream"))
    return None


class Handler(BaseHTTPRequestHandler):
    """One request: the Host checked, the path looked up, the answer sent with headers that keep it private."""

    server: PreviewServer

    def version_string(self) -> str:
        return "octavo-preview"

    def do_GET(self) -> None:
        self.answer()

    def do_HEAD(self) -> None:
        self.answer()

    def refuse(self) -> None:
        """Every method but GET and HEAD: the preview changes nothing."""
        self.send(Answer(b"only GET and HEAD\n", "text/plain; charset=utf-8", 405))

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = refuse

    def answer(self) -> None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0].lower() not in self.server.hosts:
            self.send(Answer(b"this server answers to 127.0.0.1 and localhost only\n", "text/plain; charset=utf-8",
                             403))  # fmt: skip
            return
        parts = parts_of(self.path)
        if parts == ["events"]:
            self.events()
            return
        found = route(self.server, parts) if parts is not None else None
        self.send(found or Answer(b"not found\n", "text/plain; charset=utf-8", 404))

    def send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.kind)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Content-Security-Policy", answer.policy)
        if answer.location:
            self.send_header("Location", answer.location)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def end_headers(self) -> None:
        """Every response, errors that http.server makes itself included, is neither sniffed nor stored."""
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def events(self) -> None:
        """/events: a Server-Sent Event when a build starts and when it ends, until the browser leaves."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        if self.command == "HEAD":
            return
        state = self.server.state
        now: tuple[int, bool] | None = (state.generation, state.building)
        seen = (-1, False)
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not state.closed:
                if now is None:
                    self.wfile.write(b": still here\n\n")  # finds a browser that left, and keeps proxies open
                else:
                    data = json.dumps({"generation": now[0], "building": now[1]})
                    self.wfile.write(f"event: build\ndata: {data}\n\n".encode())
                    seen = now
                now = state.wait(seen, EVENT_PAUSE)
        except OSError:  # the browser closed the page
            return

    def log_message(self, format: str, *args: object) -> None:  # http.server's names
        """Quiet: the terminal is for the builds' messages."""
