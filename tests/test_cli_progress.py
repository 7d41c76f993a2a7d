"""The progress bar on a terminal advances as each output is written, whatever order the inputs finish in."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

SENTENCE = ("The committee met again in the spring, and the minutes of that meeting, kept in a careful hand, record "
            "a long argument about the budget of the library and the hours of the reading room. ")  # fmt: skip


def on_a_terminal(args: list[str], cwd: Path) -> list[tuple[float, bytes]]:
    """Run octavo with a pseudo-terminal as its standard streams; what it wrote, chunk by chunk, with the time."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "40", "SOURCE_DATE_EPOCH": "0"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "octavo", *args], cwd=cwd, env=env, stdin=terminal,
                               stdout=terminal, stderr=terminal, close_fds=True)  # fmt: skip
    os.close(terminal)
    chunks = []
    try:
        while True:
            try:
                data = os.read(controller, 65536)
            except OSError:  # EIO: the program ended and the terminal closed
                break
            if not data:
                break
            chunks.append((time.monotonic(), data))
    finally:
        os.close(controller)
        process.wait(timeout=300)
    assert process.returncode == 0, b"".join(data for _, data in chunks).decode(errors="replace")
    return chunks


def test_the_bar_counts_the_short_inputs_while_a_long_one_is_still_laid_out(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    paragraphs = "\n".join(f'  - "{SENTENCE * 4}"' for _ in range(120))  # about 35 pages
    (content / "a-long.yaml").write_text(f"title: A Long Report\nbody:\n{paragraphs}\n", encoding="utf-8")
    for n in range(3):
        (content / f"b-short-{n}.yaml").write_text(f"title: Short {n}\nbody:\n  - A note.\n", encoding="utf-8")
    # The long input first: built in order, its PDF would hold the short ones' back until it was done.
    chunks = on_a_terminal(["build", "--format", "pdf", "--jobs", "2"], tmp_path)
    text = b"".join(data for _, data in chunks).decode(errors="replace")
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)  # the terminal's control sequences out
    long_written = plain.index("wrote dist/a-long.pdf")
    for n in range(3):
        assert plain.index(f"wrote dist/b-short-{n}.pdf") < long_written, plain
    counts = [int(m[1]) for m in re.finditer(r"\b([0-4])/4\b", plain[:long_written])]
    assert counts and max(counts) == 3, plain  # the bar said 3/4 before the long one was written
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [
        "a-long.pdf", "b-short-0.pdf", "b-short-1.pdf", "b-short-2.pdf"]  # fmt: skip
