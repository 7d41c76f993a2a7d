"""The benchmark's rebuilds after an edit: a book that lays out only the chapter edited, an article rebuilt on save.

Used by bench.py (cases `incremental-book` and `incremental-article`); each row is a ratio against the full
build measured in the same run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

EPOCH = "1700000000"  # fixed timestamps: the rebuilt PDF is compared with a full build byte for byte
# A watch or preview process builds again in the process that built first: the driver times both builds there.
DRIVER = """
import gc, json, sys, time
started = time.perf_counter()
from octavo.cli.main import COLLECTION_THRESHOLDS, main
gc.set_threshold(*COLLECTION_THRESHOLDS)  # as the octavo command sets them
source, old, new, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
assert main(["build", "--root", ".", "--out", "warm", "--force", source]) == 0
first, again = time.perf_counter() - started, []
for number in range(rounds):
    text = open(source, encoding="utf-8").read()
    before, after = (old, new) if number % 2 == 0 else (new, old)
    open(source, "w", encoding="utf-8").write(text.replace(before, after, 1))
    started = time.perf_counter()
    assert main(["build", "--root", ".", "--out", "warm", source]) == 0
    again.append(time.perf_counter() - started)
print(json.dumps({"first": first, "again": again}))
"""


def one_word(path: Path, old: str, new: str) -> Callable[[], None]:
    """An edit that swaps the first `old` for `new` in the file, and back on the next call."""
    state = {"edited": False}

    def edit() -> None:
        text = path.read_text(encoding="utf-8")
        before, after = (new, old) if state["edited"] else (old, new)
        assert before in text, f"{before!r} is not in {path.name}"
        path.write_text(text.replace(before, after, 1), encoding="utf-8")
        state["edited"] = not state["edited"]

    return edit


def case_incremental_book(folder: Path, times: int, run: Callable, octavo: Callable, checks: list) -> list:
    """The long book built with an empty cache, then again after one paragraph of one chapter changed."""
    book = folder / "longbook"
    chapter = sorted(book.glob("c*.yaml"))[3]
    text = chapter.read_text(encoding="utf-8")
    word = next(w for w in (" the ", " of ", " and ") if w in text)
    edit = one_word(chapter, word, word.upper())
    rows = []
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        for jobs in ("1", "2"):
            build = octavo("longbook/book.yaml", "--format", "pdf", "--out", f"inc{jobs}", "--jobs", jobs)
            shutil.rmtree(book / ".octavo-cache", ignore_errors=True)
            shutil.rmtree(folder / ".octavo-cache", ignore_errors=True)
            full = run(*build, cwd=folder).seconds
            again = []
            for _ in range(times):
                edit()
                again.append(run(*build, cwd=folder).seconds)
            rebuilt = (folder / f"inc{jobs}" / "book.pdf").read_bytes()
            run(*octavo("longbook/book.yaml", "--format", "pdf", "--out", f"full{jobs}", "--force", "--jobs", jobs),
                cwd=folder)  # fmt: skip
            equal = rebuilt == (folder / f"full{jobs}" / "book.pdf").read_bytes()
            checks.append((equal, f"With `--jobs {jobs}`, the book rebuilt after the edit "
                                  f"{'is' if equal else 'IS NOT'} byte for byte the book built afresh."))  # fmt: skip
            median = sorted(again)[len(again) // 2]
            rows.append((f"The long book again after one paragraph of one chapter changed, `--jobs {jobs}`, "
                         "vs its first build (s)", median, full, median / full, "≤ 0.15×"))  # fmt: skip
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return rows


def case_incremental_article(folder: Path, times: int, run: Callable, octavo: Callable) -> list:
    """An article built, then built again after a one-word edit: in the same process (as `octavo watch` and
    `octavo preview` rebuild), and as a second `octavo build`."""
    rows = []
    for name, label in (("content/a000.yaml", "A short article"), ("long.yaml", "A long article")):
        source = folder / name
        text = source.read_text(encoding="utf-8")
        word = next(w for w in (" the ", " of ", " and ") if w in text)
        done = subprocess.run([sys.executable, "-c", DRIVER, name, word, word.upper(), str(2 * times)], cwd=folder,
                              capture_output=True, text=True, check=True)  # fmt: skip
        found = json.loads(done.stdout.strip().splitlines()[-1])
        again = sorted(found["again"])[len(found["again"]) // 2]
        rows.append((f"{label} again after a one-word edit, in the watching process, vs its first build (s)",
                     again, found["first"], again / found["first"], "≤ 0.60×"))  # fmt: skip
        edit = one_word(source, word, word.upper())
        build = octavo(name, "--out", "cold")
        first = run(*octavo(name, "--out", "cold", "--force"), cwd=folder).seconds
        seconds = []
        for _ in range(times):
            edit()
            seconds.append(run(*build, cwd=folder).seconds)
        cold = sorted(seconds)[len(seconds) // 2]
        rows.append((f"{label} again after a one-word edit, a new `octavo build`, vs its first build (s)",
                     cold, first, cold / first, "—"))  # fmt: skip
    return rows
