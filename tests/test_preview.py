"""octavo preview: the server serves the build's outputs and nothing else, answers to 127.0.0.1 and localhost only,
GET and HEAD only; in Chromium the page follows each save, keeps the reader's place and shows the build's problems;
Ctrl-C stops it with status 130."""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from octavo.build.pipeline import Output
from octavo.build.preview_server import PreviewServer
from octavo.build.preview_state import Outcome, PreviewState
from octavo.cli.main import main

from .conftest import TOOLS, chromium, need

SECRET = "SECRET-7c1e: never served"
ORCHARD = ("Orchards were planted in rows along the river, and each row was given the name of the family that "
           "tended it; the names outlived the families, and the trees outlived the names. ")  # fmt: skip
ARTICLE = """title: A short note on fruit
authors: [Ann Author]
date: 2024-09
language: en

body:
  - The first paragraph says something plain about apples.

sections:
  - title: Orchards
    body:
      - The word to change is quinces, in the first paragraph of the section.
""" + "".join(f"      - {ORCHARD * 3}\n" for _ in range(12))
BROKEN = ARTICLE.replace("  - title: Orchards", "  - title: [Orchards")


class Server:
    """The `octavo preview` program running in a project, and what it said."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.article = root / "content" / "note.yaml"
        self.lines: list[str] = []
        # Ctrl-C as in a terminal: a test runner's worker may ignore SIGINT, which the child would inherit. Run
        # from content/, where the terminal says "note.yaml:..." and the page the project's "content/note.yaml:...".
        self.process = subprocess.Popen(
            [sys.executable, "-m", "octavo", "preview", "--no-open", "--port", "0", "note.yaml"],
            cwd=root / "content", stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
        threading.Thread(target=lambda: self.lines.extend(iter(self.process.stderr.readline, "")), daemon=True).start()
        deadline = time.monotonic() + 120
        while not (found := re.search(r"preview at (http://127\.0\.0\.1:(\d+)/) ; Ctrl-C stops", self.said())):
            assert time.monotonic() < deadline and self.process.poll() is None, self.said()
            time.sleep(0.2)
        self.url, self.port = found[1], int(found[2])

    def said(self) -> str:
        return "".join(self.lines)

    def status(self) -> dict:
        return json.loads(request(self.port, "/status")[2])

    def wait_for_build(self, after: int) -> dict:
        """/status once a build after build number `after` has ended."""
        deadline = time.monotonic() + 120
        while (status := self.status())["generation"] <= after or status["building"]:
            assert time.monotonic() < deadline, self.said()
            time.sleep(0.3)
        return status


def request(port: int, target: str, method: str = "GET", host: str | None = "") -> tuple[int, dict, bytes]:
    """One request with this exact target (nothing normalises it) and Host header (None: none at all)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {key.lower(): value for key, value in response.getheaders()}, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("preview")
    (root / "content").mkdir()
    (root / "content" / "note.yaml").write_text(ARTICLE, encoding="utf-8")
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    running = Server(root)
    # Links in the output folder to what lies outside it: no address may reach them.
    (root / "dist" / "link.pdf").symlink_to(root / "secret.txt")
    (root / "dist" / "link.epub").symlink_to(root / "secret.txt")
    (root / "dist" / "up").symlink_to(root)
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def attacks(root: Path, port: int) -> list[str]:
    secret = str(root / "secret.txt")
    return [
        "/secret.txt", "/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt",
        "/%2E%2E/%2E%2E/secret.txt", "/p/note/../../secret.txt", "/p/note/%2e%2e/%2e%2e/secret.txt",
        "/p/note/..%2f..%2fsecret.txt", "/p/note/epub/../../../secret.txt", "/p/note/epub/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/p/note/epub/EPUB/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt", "/p/note/epub/EPUB/../../../../../secret.txt",
        "/p/note/epub/..\\..\\secret.txt", "/p/note/epub/%5c..%5c..%5csecret.txt", "/static/../../secret.txt",
        "/static/..%2f..%2f..%2fsecret.txt", "/static/%2e%2e%2fpreview_server.py", "/static/../preview.py",
        secret, quote(secret), "/" + quote(secret, safe=""), "/" + secret, "//" + secret.lstrip("/"),
        f"//{secret}", "///etc/passwd", "/p/note//note.pdf", "/p/note/epub//EPUB/section-1.xhtml",
        "/p/note/%2fetc%2fpasswd", "/p/note/epub/%2fetc/passwd", "/p/note/epub/EPUB%2fsection-1.xhtml",
        "/p/link/", "/p/link/link.pdf", "/p/link/link.epub", "/dist/link.pdf", "/link.pdf", "/p/note/link.pdf",
        "/p/up/secret.txt", "/p/note/up/secret.txt", "/p/up/", "/dist/up/secret.txt",
        "/p/note/page-0.png", "/p/note/page-99.png", "/p/note/page--1.png", "/p/note/page-1.png/../../secret.txt",
        "/p/note/note.pdf%00", "/p/note/epub/mimetype%00.txt", "/p/%6e%6f%74%65/%2e%2e/%2e%2e/secret.txt",
        "/p/note/note.yaml", "/p/note/../../content/note.yaml", "/content/note.yaml", "/octavo.toml",
        f"http://127.0.0.1:{port}/../secret.txt", f"http://127.0.0.1:{port}{secret}", "*",
    ]  # fmt: skip


def test_no_address_reaches_a_file_outside_the_outputs(server):
    for target in attacks(server.root, server.port):
        status, _, body = request(server.port, target)
        assert status in (400, 403, 404), target
        assert SECRET.encode() not in body and b"quinces" not in body, target
    assert "link" not in json.dumps(server.status())


def test_the_outputs_and_their_pages_are_served(server):
    status, headers, body = request(server.port, "/p/note/note.pdf")
    assert (status, headers["content-type"], body[:5]) == (200, "application/pdf", b"%PDF-")
    status, headers, body = request(server.port, "/p/note/page-1.png")
    assert (status, headers["content-type"], body[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")
    status, headers, body = request(server.port, "/p/note/epub/EPUB/section-1.xhtml")
    assert (status, headers["content-type"]) == (200, "application/xhtml+xml; charset=utf-8")
    assert b"quinces" in body
    status, _, body = request(server.port, "/")
    assert status == 200 and b'href="/p/note/"' in body and b"A short note on fruit" in body
    status, _, body = request(server.port, "/p/note/")
    assert status == 200 and b'src="/p/note/page-2.png' in body and b"/p/note/epub/EPUB/" in body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1", "127.0.0.1:1",
                                  "localhost.evil.example:{port}", "127.0.0.1:{port}.evil.example", None])  # fmt: skip
def test_a_request_for_another_host_is_refused(server, host):
    named = None if host is None else host.format(port=server.port)
    status, _, body = request(server.port, "/p/note/note.pdf", host=named)
    assert status == 403 and not body.startswith(b"%PDF")


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"])
def test_the_local_host_names_are_answered(server, host):
    assert request(server.port, "/", host=host.format(port=server.port))[0] == 200


def test_only_get_and_head_are_answered(server):
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "TRACE"):
        status, _, body = request(server.port, "/p/note/note.pdf", method)
        assert status in (405, 501) and not body.startswith(b"%PDF"), method
    get, head = request(server.port, "/p/note/note.pdf"), request(server.port, "/p/note/note.pdf", "HEAD")
    assert head[0] == 200 and head[2] == b"" and head[1]["content-length"] == str(len(get[2]))


@pytest.mark.parametrize("target", ["/", "/status", "/p/note/", "/p/note/page-1.png", "/static/preview.js",
                                    "/p/note/epub/EPUB/section-1.xhtml", "/nothing", "/../secret.txt"])  # fmt: skip
def test_every_answer_is_neither_sniffed_nor_stored(server, target):
    headers = request(server.port, target)[1]
    assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"


def test_a_broken_save_is_a_problem_in_status_and_a_fix_clears_it(server):
    before = server.status()
    assert before["problems"] == [] and [p["slug"] for p in before["publications"]] == ["note"]
    server.article.write_text(BROKEN, encoding="utf-8")
    broken = server.wait_for_build(before["generation"])
    assert broken["problems"] and re.fullmatch(r"content/note\.yaml:\d+:\d+: error: .+", broken["problems"][0]["text"])
    assert broken["publications"] == before["publications"]  # the last good outputs stay
    assert re.search(r"^note\.yaml:\d+:\d+: error: ", server.said(), re.MULTILINE)  # the terminal's, from content/
    server.article.write_text(ARTICLE, encoding="utf-8")
    assert server.wait_for_build(broken["generation"])["problems"] == []


def test_the_page_follows_each_save_keeping_the_place_and_shows_the_problems(server, tmp_path):
    need("Node.js", __import__("shutil").which("node"), "apt-get install nodejs npm")
    need("The npm packages in tools/", (TOOLS / "node_modules" / "puppeteer-core").is_dir(),
         "PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tools")  # fmt: skip
    need("Chromium", chromium(), "apt-get install chromium")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(chromium()), "PUPPETEER_SKIP_DOWNLOAD": "1"}
    browser = subprocess.Popen(["node", str(TOOLS / "preview.js"), f"{server.url}p/note/", "EPUB/section-1.xhtml",
                                "--screenshot", str(tmp_path / "problems.png")], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)  # its Chromium with it, whatever happens  # fmt: skip
    steps: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [steps.put(json.loads(line)) for line in browser.stdout], daemon=True).start()

    def step(name: str) -> dict:
        try:
            found = steps.get(timeout=240)
        except queue.Empty:
            pytest.fail(f"no {name} step from the browser; the server said:\n{server.said()[-3000:]}")
        assert found["step"] == name, f"{found}\n{browser.stderr.read() if browser.poll() is not None else ''}"
        return found

    def then(word: str) -> None:
        browser.stdin.write(word + "\n")
        browser.stdin.flush()

    try:
        ready = step("ready")
        assert ready["firstPicture"]["width"] > 0 and ready["documentPath"] == "/p/note/epub/EPUB/section-1.xhtml"
        assert ready["pagesTop"] > 50 and ready["frameY"] > 50  # both columns are scrolled to their middle
        server.article.write_text(ARTICLE.replace("quinces", "medlars"), encoding="utf-8")
        then("edited")
        reloaded = step("reloaded")
        assert "medlars" in reloaded["text"] and "quinces" not in reloaded["text"]
        assert reloaded["firstPicture"]["src"] != ready["firstPicture"]["src"]  # the new PDF's pages
        assert reloaded["documentPath"] == ready["documentPath"]
        assert abs(reloaded["pagesTop"] - ready["pagesTop"]) <= 2 and abs(reloaded["frameY"] - ready["frameY"]) <= 2
        server.article.write_text(BROKEN, encoding="utf-8")
        then("broken")
        problems = step("problems")
        assert re.search(r"content/note\.yaml:\d+:\d+: error: ", problems["problems"]), problems["problems"]
        assert "medlars" in problems["text"]  # the last good EPUB stays beneath
        server.article.write_text(ARTICLE, encoding="utf-8")
        then("fixed")
        clean = step("clean")
        assert not clean["problemsShown"] and "quinces" in clean["text"]
        assert browser.wait(timeout=60) == 0
    finally:
        # The script closes its Chromium when its input ends (a browser left behind would go on asking the stopped
        # server for its events); should it not end, it is stopped, with its whole session.
        with contextlib.suppress(OSError):
            browser.stdin.close()
        try:
            browser.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(browser.pid, signal.SIGKILL)
            browser.wait()


def test_ctrl_c_stops_the_server_with_status_130(server):
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=60) == 130, server.said()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=5)


# -- the server on its own, with outputs made by hand ---------------------------------------------------------


def serving(state: PreviewState):
    """A server for `state` answering in a thread; stopped at the end of the test by the caller."""
    running = PreviewServer(state, 0)
    threading.Thread(target=running.serve_forever, daemon=True).start()
    return running


def hostile_epub() -> bytes:
    """An EPUB whose zip also holds files named to climb out of it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as epub:
        epub.writestr("mimetype", "application/epub+zip")
        epub.writestr("META-INF/container.xml", '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
                      '<rootfiles><rootfile full-path="EPUB/content.opf"/></rootfiles></container>')  # fmt: skip
        epub.writestr("EPUB/content.opf", '<package xmlns="http://www.idpf.org/2007/opf"><manifest>'
                      '<item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest>'
                      '<spine><itemref idref="a"/></spine></package>')  # fmt: skip
        epub.writestr("EPUB/a.xhtml", "<html xmlns='http://www.w3.org/1999/xhtml'><body>a</body></html>")
        for name in ("../x", "EPUB/../../x", "/x", "EPUB//x", "EPUB/./x", "..\\x"):
            epub.writestr(name, SECRET)
    return buffer.getvalue()


def test_a_zip_member_named_to_climb_out_is_never_served(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "hostile.epub").write_bytes(hostile_epub())
    state = PreviewState(tmp_path)
    state.finish(Outcome(0, [Output(out / "hostile.epub", "epub", 0, None, 0.0, "built")], [], out))
    assert state.publication("hostile").epub.members == {"mimetype", "META-INF/container.xml", "EPUB/content.opf",
                                                         "EPUB/a.xhtml"}  # fmt: skip
    running = serving(state)
    try:
        port = running.port
        assert request(port, "/p/hostile/epub/EPUB/a.xhtml")[0] == 200
        for target in ("/p/hostile/epub/../x", "/p/hostile/epub/..%2fx", "/p/hostile/epub/%2e%2e/x",
                       "/p/hostile/epub/EPUB/../../x", "/p/hostile/epub/EPUB/%2e%2e/%2e%2e/x", "/p/hostile/epub//x",
                       "/p/hostile/epub/%2fx", "/p/hostile/epub/EPUB//x", "/p/hostile/epub/EPUB/./x",
                       "/p/hostile/epub/..%5cx", "/p/hostile/epub/..\\x"):  # fmt: skip
            status, _, body = request(port, target)
            assert status == 404 and SECRET.encode() not in body, target
    finally:
        running.shutdown()
        running.server_close()


def test_an_output_that_is_a_link_or_lies_outside_the_output_folder_is_not_served(tmp_path):
    import pikepdf

    out = tmp_path / "dist"
    out.mkdir()
    with pikepdf.new() as pdf:  # a real PDF, which the preview would show if it followed the link
        pdf.add_blank_page()
        pdf.docinfo["/Title"] = SECRET
        pdf.save(tmp_path / "secret.pdf", compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    assert SECRET.encode() in (tmp_path / "secret.pdf").read_bytes()
    (out / "linked.pdf").symlink_to(tmp_path / "secret.pdf")
    state = PreviewState(tmp_path)
    recorded = [Output(out / "linked.pdf", "pdf", 0, 1, 0.0, "built"),
                Output(tmp_path / "secret.pdf", "pdf", 0, 1, 0.0, "built"),
                Output(out / ".." / "secret.pdf", "pdf", 0, 1, 0.0, "built")]  # fmt: skip
    state.finish(Outcome(0, recorded, [], out))
    assert state.listing() == []
    (out / "plain.pdf").write_bytes((tmp_path / "secret.pdf").read_bytes())  # the same file, not linked: shown
    state.finish(Outcome(0, [Output(out / "plain.pdf", "pdf", 0, 1, 0.0, "built")], [], out))
    assert [publication.title for publication in state.listing()] == [SECRET]
    running = serving(state)
    try:
        for target in ("/p/linked/linked.pdf", "/p/secret/secret.pdf", "/p/linked/page-1.png", "/p/secret/"):
            status, _, body = request(running.port, target)
            assert status == 404 and SECRET.encode() not in body, target
    finally:
        running.shutdown()
        running.server_close()


def test_a_busy_port_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "note.yaml").write_text(ARTICLE, encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["preview", "--no-open", "--port", str(port), "--root", str(tmp_path)])
    assert status == 2
    assert f"octavo: error: port {port} is not free on 127.0.0.1" in capsys.readouterr().err
    assert not (tmp_path / "dist").exists()  # said before anything was built
