#!/usr/bin/env python3
"""octavo's benchmark: every number is a ratio against a baseline measured in the same run.

Run with `make bench` (or `python benchmarks/bench.py`). It writes a generated corpus to a
temporary folder, runs each case in fresh processes, and prints a Markdown table.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORDS = [
    "the",
    "of",
    "and",
    "a",
    "to",
    "in",
    "is",
    "was",
    "that",
    "for",
    "on",
    "as",
    "with",
    "by",
    "he",
    "at",
    "from",
    "his",
    "an",
    "were",
    "are",
    "which",
    "this",
    "be",
    "or",
    "had",
    "not",
    "but",
    "party",
    "congress",
    "power",
    "reform",
    "policy",
    "leader",
    "soviet",
    "union",
    "government",
    "people",
    "state",
    "years",
    "war",
    "peace",
    "treaty",
    "committee",
    "minister",
    "secretary",
    "economy",
    "agriculture",
    "industry",
    "speech",
    "history",
    "period",
    "city",
    "border",
    "wall",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 7)))


def article(rng: random.Random, title: str, sections: int, paragraphs: int) -> dict:
    """A realistic article: sections of paragraphs, a figure, a table and notes every few paragraphs."""
    body_sections, notes = [], {}
    for s in range(sections):
        body: list = []
        for p in range(paragraphs):
            text = paragraph(rng)
            if p % 3 == 0:
                key = f"n{len(notes) + 1}"
                notes[key] = f"{sentence(rng)} <https://example.org/source/{len(notes) + 1}>"
                text += f"[^{key}]"
            body.append(text)
        if s % 2 == 0:
            body.insert(1, {"figure": {"caption": sentence(rng), "alt": sentence(rng), "aspect": "3:2"}})
        if s % 3 == 1:
            body.append(
                {
                    "table": {
                        "caption": "Figures",
                        "header": ["Year", "Value"],
                        "rows": [[str(1950 + i), str(rng.randint(1, 999))] for i in range(6)],
                    }
                }
            )
        body_sections.append({"title": f"Section {s + 1}: {sentence(rng)[:40]}", "body": body})
    return {"title": title, "language": "en", "sections": body_sections, "notes": notes}


def markdown(data: dict) -> str:
    """The same article as pandoc Markdown, for the EPUB baseline."""
    out = [f"% {data['title']}", ""]
    for section in data["sections"]:
        out += [f"# {section['title']}", ""]
        for block in section["body"]:
            if isinstance(block, str):
                out += [block, ""]
            elif "figure" in block:
                out += [f"![{block['figure']['caption']}](missing.png)", ""]
            else:
                table = block["table"]
                out += ["| " + " | ".join(table["header"]) + " |", "|---|---|"]
                out += ["| " + " | ".join(row) + " |" for row in table["rows"]] + [""]
    out += [f"[^{key}]: {text}" for key, text in data["notes"].items()]
    return "\n".join(out) + "\n"


def corpus(folder: Path) -> None:
    rng = random.Random(1964)
    content = folder / "content"
    (content / "book").mkdir(parents=True)
    for i in range(100):
        (content / f"a{i:03d}.yaml").write_text(yaml.safe_dump(article(rng, f"Article {i}", 3, 4)))
    chapters = []
    for i in range(30):  # about ten pages each: a book of about 300 pages
        data = article(rng, f"Chapter {i + 1}", 8, 7)
        (content / "book" / f"c{i:02d}.yaml").write_text(yaml.safe_dump(data))
        chapters.append(f"c{i:02d}.yaml")
    (content / "book" / "book.yaml").write_text(yaml.safe_dump({"title": "A long book", "articles": chapters}))
    long_article = article(rng, "A long article", 12, 8)
    (folder / "long.yaml").write_text(yaml.safe_dump(long_article))
    (folder / "long.md").write_text(markdown(long_article))


def run(*args: str, cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median(times: int, *args: str, cwd: Path, before=None) -> float:
    samples = []
    for _ in range(times):
        if before:
            before()
        samples.append(run(*args, cwd=cwd))
    return statistics.median(samples)


def octavo(*args: str) -> list[str]:
    return [PYTHON, str(PROJECT / "build.py"), *args]


def peak_memory_mb(command: list[str], cwd: Path) -> float:
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
             "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")  # fmt: skip
    out = subprocess.run([PYTHON, "-c", probe, *command], cwd=cwd, check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="octavo-bench-"))
    rows = []
    try:
        corpus(folder)
        book = "content/book/book.yaml"

        # 1. The PDF path against WeasyPrint alone on octavo's own HTML.
        run(*octavo(book, "--format", "html", "--out", "html", "--force"), cwd=folder)
        weasy = ("import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1])"
                 ".write_pdf(sys.argv[2], pdf_tags=True)")  # fmt: skip
        baseline = median(3, PYTHON, "-c", weasy, "html/book.html", "html/book-weasy.pdf", cwd=folder)
        ours = median(3, *octavo(book, "--format", "pdf", "--out", "pdf", "--force", "--jobs", "1"), cwd=folder)
        pages = subprocess.run([PYTHON, "-c", "import sys, pypdf; print(len(pypdf.PdfReader(sys.argv[1]).pages))",
                                "pdf/book.pdf"], cwd=folder, capture_output=True, text=True).stdout.strip()  # fmt: skip
        rows.append((f"PDF of a {pages}-page book vs WeasyPrint alone on the same HTML", ours, baseline,
                     ours / baseline, "≤ 1.10×"))  # fmt: skip

        # 2. The EPUB path against pandoc on the same text as Markdown.
        import pypandoc

        pandoc = pypandoc.get_pandoc_path()
        baseline = median(5, pandoc, "long.md", "-o", "long-pandoc.epub", cwd=folder)
        ours = median(5, *octavo("long.yaml", "--root", ".", "--format", "epub", "--out", "epub", "--force"),
                      cwd=folder)  # fmt: skip
        rows.append(("EPUB of a long article vs pandoc on the same Markdown", ours, baseline, ours / baseline,
                     "≤ 1.0×"))  # fmt: skip

        # 3. Two jobs against one, on eight articles.
        eight = [f"content/a{i:03d}.yaml" for i in range(8)]
        one = median(3, *octavo(*eight, "--out", "jobs", "--force", "--jobs", "1"), cwd=folder)
        two = median(3, *octavo(*eight, "--out", "jobs", "--force", "--jobs", "2"), cwd=folder)
        rows.append(("8 articles (PDF and EPUB), --jobs 1 / --jobs 2 (speed-up)", two, one, one / two, "≥ 1.7×"))

        # 4. A second build of 100 articles with nothing changed.
        run(*octavo("--out", "many", "--format", "epub"), cwd=folder)
        noop = median(3, *octavo("--out", "many", "--format", "epub"), cwd=folder)
        startup = median(5, *octavo("--help"), cwd=folder)
        rows.append(("No-op rebuild of 100 articles (seconds)", noop, startup, noop / startup, "≤ 1 s"))

        # 5. Peak memory of the long book, and 6. start-up.
        memory = peak_memory_mb(octavo(book, "--format", "pdf,epub", "--out", "mem", "--force", "--jobs", "1"),
                                folder)  # fmt: skip
        alone = peak_memory_mb([PYTHON, "-c", weasy, "html/book.html", "html/book-weasy.pdf"], folder)
        rows.append(("Peak memory of the book, PDF and EPUB, vs WeasyPrint alone (MB)", memory, alone,
                     memory / alone, "≤ 400 MB"))  # fmt: skip
        python = median(5, PYTHON, "-c", "pass", cwd=folder)
        rows.append(("`build.py --help` start-up (seconds)", startup, python, startup / python, "≤ 0.3 s"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"octavo benchmark, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
    print("| case | octavo | baseline | ratio | goal |")
    print("|---|---:|---:|---:|---|")
    for name, ours, base, ratio, goal in rows:
        print(f"| {name} | {ours:.2f} | {base:.2f} | {ratio:.2f} | {goal} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
