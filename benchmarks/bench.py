#!/usr/bin/env python3
"""octavo's benchmark: every number is a ratio against a baseline measured in the same run.

Run with `make bench` (or `python benchmarks/bench.py` with the `bench` extra installed). It writes a
generated corpus to a temporary folder, runs each case in fresh processes, prints a Markdown table, and
plots build time against pages (docs/images/build-time.png). `--quick` runs the cheap cases once, to check
that the benchmark works; `--only` picks cases; `--plot-only` draws the plot alone.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import incremental  # beside this script (also when bench.py is imported rather than run)

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PLOT = PROJECT / "docs" / "images" / "build-time.png"
CASES = ("article-pdf", "epub", "jobs", "noop", "startup", "index", "book", "incremental-book", "incremental-article",
         "plot")
# The plot's books, in chapters of about eleven A4 pages: about 10, 50, 150, 300 and 600 pages.
PLOT_CHAPTERS = (1, 4, 13, 27, 53)
QUICK_PLOT_CHAPTERS = (1,)
# WeasyPrint alone, with the same tagging as octavo's PDF (tagged PDF, as octavo always writes).
WEASY = "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_tags=True)"
# The same, with the three start-up measures octavo takes for WeasyPrint's sake (the collector's thresholds,
# and the engine's libraries and hyphenation hooks, alone of its hooks): what octavo adds of its own is the
# difference between octavo and this.
WEASY_MEASURED = ("import gc, sys; gc.set_threshold(10_000, 10, 10)\n"
                  "from octavo.pdf.engine import load_weasyprint, scope\n"
                  "from octavo.pdf.engine.hyphenation import HOOK as hyphenation\n"
                  "weasyprint = load_weasyprint(); scope.HOOKS[:] = [hyphenation]\n"
                  "with scope.installed():\n"
                  "    weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_tags=True)")
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


def article(rng: random.Random, title: str, sections: int, paragraphs: int, images: list[str] | None = None,
            figure_every: int = 2) -> dict:
    """A realistic article: sections of paragraphs, figures, tables and notes every few paragraphs.

    Figures show the given image files in turn, or are placeholders when there are none.
    """
    body_sections, notes, shown = [], {}, 0
    for s in range(sections):
        body: list = []
        for p in range(paragraphs):
            text = paragraph(rng)
            if p % 3 == 0:
                key = f"n{len(notes) + 1}"
                notes[key] = f"{sentence(rng)} <https://example.org/source/{len(notes) + 1}>"
                text += f"[^{key}]"
            body.append(text)
        if s % figure_every == 0:
            figure = {"caption": sentence(rng), "alt": sentence(rng), "aspect": "3:2"}
            if images:
                figure["image"] = images[shown % len(images)]
                shown += 1
            body.insert(1, {"figure": figure})
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


@functools.cache
def _grain(size: tuple[int, int]) -> tuple:
    """Three bands of noise, drawn once: each photograph shifts them, which costs far less than new noise."""
    from PIL import Image

    return tuple(Image.effect_noise(size, 40 + 10 * band) for band in range(3))


def photograph(path: Path, seed: int, size: tuple[int, int] = (2400, 1600)) -> None:
    """A large JPEG that compresses like a photograph (grain over gradients), as a camera would give."""
    from PIL import Image, ImageChops

    gradient = Image.linear_gradient("L").resize(size).rotate(seed * 37 % 360)
    bands = [Image.blend(ImageChops.offset(grain, seed * 101 + band * 7, seed * 53), gradient, 0.6)
             for band, grain in enumerate(_grain(size))]  # fmt: skip
    Image.merge("RGB", bands).save(path, quality=90)


def write_book(folder: Path, title: str, chapters: list[dict]) -> Path:
    """A book of the given articles, each in a file of its own beside book.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for number, data in enumerate(chapters):
        names.append(f"c{number:02d}.yaml")
        (folder / names[-1]).write_text(yaml.safe_dump(data))
    (folder / "book.yaml").write_text(yaml.safe_dump({"title": title, "articles": names}))
    return folder / "book.yaml"


def indexed(data: dict, rng: random.Random) -> dict:
    """The article with an index of names, as a history has one: in every paragraph a word is marked and filed
    under one of 150 names, and in every fourth paragraph another under a heading ("Treaties › Name"). The
    marks show the words they mark, so the text, and the pages it fills, are those of the article unmarked."""
    names = [f"{rng.choice(WORDS).capitalize()}{rng.choice(WORDS)}" for _ in range(150)]
    marked = yaml.safe_load(yaml.safe_dump(data))
    count = 0
    for section in marked["sections"]:
        for position, block in enumerate(section["body"]):
            if isinstance(block, str):
                words = block.split(" ")
                words[0] = f"[[{words[0]}|{rng.choice(names)}]]"
                if count % 4 == 0:
                    words[1] = f"[[{words[1]}|Treaties!{rng.choice(names)}]]"
                section["body"][position] = " ".join(words)
                count += 1
    return marked


def corpus(folder: Path, plot_chapters: tuple[int, ...], long_book: bool) -> None:
    rng = random.Random(1964)
    content = folder / "content"
    content.mkdir(parents=True)
    for i in range(100):
        (content / f"a{i:03d}.yaml").write_text(yaml.safe_dump(article(rng, f"Article {i}", 3, 4)))
    long_article = article(rng, "A long article", 12, 8)
    (folder / "long.yaml").write_text(yaml.safe_dump(long_article))
    (folder / "long.md").write_text(markdown(long_article))
    # The article: like each of the long book's chapters, 120 notes and six large photographs.
    (folder / "photos").mkdir()
    photos = [f"photos/p{i}.jpg" for i in range(6)]
    for i, name in enumerate(photos):
        photograph(folder / name, seed=100 + i)
    photo_article = article(random.Random(8), "A long article with photographs", 24, 13, photos, figure_every=4)
    (folder / "photos.yaml").write_text(yaml.safe_dump(photo_article))
    sixty = article(random.Random(60), "A sixty-page article", 24, 12)  # about 60 A4 pages
    (folder / "sixty.yaml").write_text(yaml.safe_dump(sixty, allow_unicode=True))
    (folder / "sixty-indexed.yaml").write_text(yaml.safe_dump(indexed(sixty, random.Random(61)), allow_unicode=True))
    for chapters in plot_chapters:  # the plot's books: the same chapters as the 340-page book of earlier runs
        chapter_rng = random.Random(chapters)
        write_book(folder / f"plot-{chapters}", f"A book of {chapters} chapters",
                   [article(chapter_rng, f"Chapter {i + 1}", 8, 7) for i in range(chapters)])  # fmt: skip
    if long_book:
        # The book: 8 long articles, each with 120 notes and six large photographs, about 540 pages.
        book = folder / "longbook"
        (book / "images").mkdir(parents=True)
        chapters = []
        for number in range(8):
            images = [f"images/c{number}-{i}.jpg" for i in range(6)]
            for i, name in enumerate(images):
                photograph(book / name, seed=number * 6 + i)
            chapters.append(article(rng, f"Long article {number + 1}", 24, 13, images, figure_every=4))
        write_book(book, "A book of eight long articles", chapters)


@dataclass
class Sample:
    seconds: float
    peak_mb: float  # the most memory the process and its children held at once, summed over them


def run(*args: str, cwd: Path, memory: bool = False) -> Sample:
    """Run a command to its end; with `memory`, sampling the resident memory of its whole process tree.

    Only the cases that report memory sample it: the sampler takes a share of a CPU every 20 ms, which a
    build on every CPU (`--jobs 2`) needs and a build on one does not (about 0.08 s of 1.7 s against 0.05 s).
    """
    started = time.perf_counter()
    if not memory:
        done = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise subprocess.CalledProcessError(done.returncode, args)
        return Sample(seconds, 0.0)
    import psutil


    process = psutil.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        total = 0
        try:
            for member in [process, *process.children(recursive=True)]:
                total += member.memory_info().rss
        except psutil.Error:  # a worker that ended between the listing and the reading
            pass
        peak = max(peak, total)
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, args)
    return Sample(seconds, peak / 2**20)


def median(times: int, *args: str, cwd: Path, memory: bool = False) -> Sample:
    samples = [run(*args, cwd=cwd, memory=memory) for _ in range(times)]
    return Sample(statistics.median(s.seconds for s in samples), max(s.peak_mb for s in samples))


def octavo(*args: str) -> list[str]:
    return [PYTHON, str(PROJECT / "build.py"), *args]


def pages(pdf: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(pdf).pages)


def weasyprint_alone(times: int, source: str, folder: Path, memory: bool = False) -> tuple[Sample, Path]:
    """WeasyPrint on octavo's own HTML of a document, with octavo's assets beside it."""
    out = f"html-{Path(source).stem}-{abs(hash(source)) % 10**6}"
    run(*octavo(source, "--format", "html", "--out", out, "--force"), cwd=folder)
    html = folder / out / f"{Path(source).stem}.html"
    return median(times, PYTHON, "-c", WEASY, str(html), str(html.with_suffix(".weasy.pdf")), cwd=folder,
                  memory=memory), html


Row = tuple[str, float, float, float, str]
CHECKS: list[tuple[bool, str]] = []  # what a case verified besides its numbers: (passed, sentence)


def case_article_pdf(folder: Path, times: int) -> list[Row]:
    rows = []
    for source, what in (("long.yaml", "article"), ("photos.yaml", "article with 120 notes and six photographs")):
        alone, html = weasyprint_alone(times, source, folder)
        ours = median(times, *octavo(source, "--format", "pdf", "--out", "pdf", "--force", "--jobs", "1"), cwd=folder)
        measured = median(times, PYTHON, "-c", WEASY_MEASURED, str(html), str(html.with_suffix(".m.pdf")),
                          cwd=folder)  # fmt: skip
        count = pages(folder / "pdf" / f"{Path(source).stem}.pdf")
        rows.append((f"PDF of a {count}-page {what} vs WeasyPrint alone on the same HTML (s)", ours.seconds,
                     alone.seconds, ours.seconds / alone.seconds, "≤ 1.05×"))  # fmt: skip
        rows.append(("the same vs WeasyPrint alone with octavo's start-up measures (s): what octavo adds",
                     ours.seconds, measured.seconds, ours.seconds / measured.seconds, "(no goal)"))  # fmt: skip
    return rows


def case_epub(folder: Path, times: int) -> list[Row]:
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    baseline = median(times, pandoc, "long.md", "-o", "long-pandoc.epub", cwd=folder)
    ours = median(times, *octavo("long.yaml", "--root", ".", "--format", "epub", "--out", "epub", "--force"),
                  cwd=folder)  # fmt: skip
    return [("EPUB of a long article vs pandoc on the same Markdown (s)", ours.seconds, baseline.seconds,
             ours.seconds / baseline.seconds, "≤ 1.0×")]  # fmt: skip


def case_jobs(folder: Path, times: int) -> list[Row]:
    eight = [f"content/a{i:03d}.yaml" for i in range(8)]
    one = median(times, *octavo(*eight, "--out", "jobs", "--force", "--jobs", "1"), cwd=folder)
    two = median(times, *octavo(*eight, "--out", "jobs", "--force", "--jobs", "2"), cwd=folder)
    return [("8 short articles (PDF and EPUB), `--jobs 1` / `--jobs 2` (speed-up)", two.seconds, one.seconds,
             one.seconds / two.seconds, "≥ 1.7×")]  # fmt: skip


def case_noop(folder: Path, times: int, articles: int = 100) -> list[Row]:
    inputs = [f"content/a{i:03d}.yaml" for i in range(articles)]
    run(*octavo(*inputs, "--out", "many", "--format", "epub"), cwd=folder)
    noop = median(times, *octavo(*inputs, "--out", "many", "--format", "epub"), cwd=folder)
    startup = median(times, *octavo("--help"), cwd=folder)
    return [(f"No-op rebuild of {articles} articles (s), vs `--help` start-up", noop.seconds, startup.seconds,
             noop.seconds / startup.seconds, "≤ 1 s")]  # fmt: skip


def case_startup(folder: Path, times: int) -> list[Row]:
    startup = median(times, *octavo("--help"), cwd=folder)
    python = median(times, PYTHON, "-c", "pass", cwd=folder)
    return [("`build.py --help` start-up (s), vs `python -c pass`", startup.seconds, python.seconds,
             startup.seconds / python.seconds, "≤ 0.3 s")]  # fmt: skip


def case_index(folder: Path, times: int) -> list[Row]:
    """An index costs its own layout, not a second layout of the article: the article with and without one."""
    plain = median(times, *octavo("sixty.yaml", "--format", "pdf", "--out", "ix", "--force", "--jobs", "1"),
                   cwd=folder)  # fmt: skip
    marked = median(times, *octavo("sixty-indexed.yaml", "--format", "pdf", "--out", "ix", "--force", "--jobs", "1"),
                    cwd=folder)  # fmt: skip
    count = pages(folder / "ix" / "sixty-indexed.pdf")
    return [(f"PDF of a {count}-page article with an index (360 marks, 150 names) vs the same without one (s)",
             marked.seconds, plain.seconds, marked.seconds / plain.seconds, "≤ 1.15×")]  # fmt: skip


def pieces_equal_whole(folder: Path, book: str) -> tuple[bool, int]:
    """Whether the book laid out in pieces is the book laid out whole: text of every page, contents numbers,
    outline, links and their targets, named destinations, structure tree (the test suite's comparison)."""
    sys.path.insert(0, str(PROJECT))
    from tests.test_parallel_book import summary, whole_and_pieces

    source = folder / book
    pair = whole_and_pieces(source, source.parent, folder / "equal")
    whole, pieces = summary(pair.whole), summary(pair.pieces)
    return whole == pieces, int(whole["pages"])


def case_book(folder: Path, times: int) -> list[Row]:
    """The issue's book: time with two jobs, and memory with one and two, against WeasyPrint alone."""
    book = "longbook/book.yaml"
    alone, _html = weasyprint_alone(times, book, folder, memory=True)
    two = median(times, *octavo(book, "--format", "pdf", "--out", "book2", "--force", "--jobs", "2"), cwd=folder,
                 memory=True)  # fmt: skip
    one = run(*octavo(book, "--format", "pdf", "--out", "book1", "--force", "--jobs", "1"), cwd=folder, memory=True)
    count = pages(folder / "book2" / "book.pdf")
    equal, checked = pieces_equal_whole(folder, book)
    CHECKS.append((equal, f"The {checked}-page book laid out in pieces, in two processes, "
                          f"{'equals' if equal else 'DIFFERS FROM'} the book laid out whole."))  # fmt: skip
    return [
        (f"PDF of a {count}-page book of 8 long articles, `--jobs 2`, vs WeasyPrint alone on its HTML (s)",
         two.seconds, alone.seconds, two.seconds / alone.seconds, "≤ 0.65×"),
        ("Peak memory of that book's PDF, `--jobs 1`, vs WeasyPrint alone (MB)", one.peak_mb, alone.peak_mb,
         one.peak_mb / alone.peak_mb, "≤ 1.0×"),
        ("Peak memory of that book's PDF, `--jobs 2`, all processes, vs WeasyPrint alone (MB)", two.peak_mb,
         alone.peak_mb, two.peak_mb / alone.peak_mb, "≤ 1.5×"),
    ]  # fmt: skip


def case_plot(folder: Path, chapters: tuple[int, ...], plot: Path | None) -> list[tuple[int, float, float, float]]:
    """Build time against pages: octavo with one job and with two, and WeasyPrint alone. Single runs."""
    points = []
    for count in chapters:
        book = f"plot-{count}/book.yaml"
        alone, _html = weasyprint_alone(1, book, folder)
        one = run(*octavo(book, "--format", "pdf", "--out", f"plot1-{count}", "--force", "--jobs", "1"), cwd=folder)
        two = run(*octavo(book, "--format", "pdf", "--out", f"plot2-{count}", "--force", "--jobs", "2"), cwd=folder)
        points.append((pages(folder / f"plot1-{count}" / "book.pdf"), one.seconds, two.seconds, alone.seconds))
    if plot is not None:
        draw(points, plot)
    return points


def draw(points: list[tuple[int, float, float, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4.5), dpi=100)
    x = [p[0] for p in points]
    for column, label, style in ((1, "octavo --jobs 1", "o-"), (2, "octavo --jobs 2", "s-"),
                                 (3, "WeasyPrint alone", "^--")):  # fmt: skip
        axes.plot(x, [p[column] for p in points], style, label=label)
    axes.set_xlabel("pages (A4)")
    axes.set_ylabel("build time (s)")
    axes.set_title(f"PDF build time against pages ({os.cpu_count()} CPUs)")
    axes.set_xlim(left=0)
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    pyplot.close(figure)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="each cheap case once, the 10-page point of the plot, no book: checks the benchmark "
                        "works in under a minute; its numbers are rough")  # fmt: skip
    parser.add_argument("--only", default=",".join(CASES), help=f"comma-separated cases: {', '.join(CASES)}")
    parser.add_argument("--plot-only", action="store_true", help="only the plot of build time against pages")
    parser.add_argument("--plot", type=Path, default=None,
                        help=f"where to write the plot (default: {PLOT.relative_to(PROJECT)}; --quick: nowhere)")
    options = parser.parse_args(argv)
    options.cases = ["plot"] if options.plot_only else [c.strip() for c in options.only.split(",") if c.strip()]
    unknown = [c for c in options.cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case {', '.join(unknown)} (choose from {', '.join(CASES)})")
    if options.quick:
        options.cases = [c for c in options.cases if c not in ("book", "incremental-book")]
    if options.plot is None and not options.quick:
        options.plot = PLOT
    return options


def main(argv: list[str] | None = None) -> int:
    options = arguments(argv)
    times = 1 if options.quick else 3
    chapters = QUICK_PLOT_CHAPTERS if options.quick else PLOT_CHAPTERS
    folder = Path(tempfile.mkdtemp(prefix="octavo-bench-"))
    rows: list[Row] = []
    points: list[tuple[int, float, float, float]] = []
    started = time.perf_counter()
    # Installing a wheel compiles its modules, as pip did for WeasyPrint's; an editable checkout may not have
    # them compiled (PYTHONDONTWRITEBYTECODE), and each timed process would compile octavo's again.
    compileall.compile_dir(PROJECT / "octavo", quiet=1)
    try:
        corpus(folder, chapters if "plot" in options.cases else (),
               long_book=bool({"book", "incremental-book"} & set(options.cases)))
        cases = {
            "article-pdf": lambda: case_article_pdf(folder, times),
            "epub": lambda: case_epub(folder, 1 if options.quick else 5),
            "jobs": lambda: case_jobs(folder, times),
            "noop": lambda: case_noop(folder, times, 20 if options.quick else 100),
            "startup": lambda: case_startup(folder, 1 if options.quick else 5),
            "index": lambda: case_index(folder, times),
            "book": lambda: case_book(folder, 1),  # a minute or more a run: single runs keep the bench short
            "incremental-book": lambda: incremental.case_incremental_book(folder, times, run, octavo, CHECKS),
            "incremental-article": lambda: incremental.case_incremental_article(folder, times, run, octavo),
        }
        for name in options.cases:
            if name == "plot":
                points = case_plot(folder, chapters, options.plot)
            else:
                rows += cases[name]()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"octavo benchmark, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
          f"{' (--quick: single runs)' if options.quick else ''}, {time.perf_counter() - started:.0f} s\n")  # fmt: skip
    if rows:
        print("| case | octavo | baseline | ratio | goal |")
        print("|---|---:|---:|---:|---|")
        for name, ours, base, ratio, goal in rows:
            print(f"| {name} | {ours:.2f} | {base:.2f} | {ratio:.2f} | {goal} |")
    for _passed, sentence in CHECKS:
        print(f"\n{sentence}")
    if points:
        print("\n| pages | octavo `--jobs 1` (s) | octavo `--jobs 2` (s) | WeasyPrint alone (s) |")
        print("|---:|---:|---:|---:|")
        for count, one, two, alone in points:
            print(f"| {count} | {one:.2f} | {two:.2f} | {alone:.2f} |")
        if options.plot is not None:
            print(f"\nplot: {options.plot}")
    return 0 if all(passed for passed, _ in CHECKS) else 1


if __name__ == "__main__":
    sys.exit(main())
