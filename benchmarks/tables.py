"""The benchmarks' figures as Markdown tables in ``docs/benchmarks.md``, made from the JSON the benchmarks write.

Each benchmark run with ``--json PATH`` (``write_json`` below) writes its figures with when, at which commit
and on which machine they were measured; ``diglot bench --json`` prints its report (redirect it into a file).
``python -m benchmarks.tables`` reads ``docs/benchmarks/NAME.json`` for every benchmark that has a renderer
here and replaces the text between ``<!-- table:NAME -->`` and ``<!-- /table:NAME -->`` in
``docs/benchmarks.md``; a section whose JSON file does not exist is left as it is. ``--check`` writes nothing
and exits 1 when the page differs from what the JSON files give. Nothing here measures anything.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "benchmarks"
PAGE = ROOT / "docs" / "benchmarks.md"
# The code whose changes make a measurement "with local changes" to the commit it names.
_CODE = ("diglot", "summarize", "translate", "tui", "benchmarks")


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", *_CODE], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} with local changes" if changed else head


def machine() -> str:
    """The CPU's name, its core count and the Python and system measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def write_json(path: str | Path, benchmark: str, command: str, figures: dict[str, Any]) -> None:
    """Write ``figures`` with the benchmark's name, the command that measured them, the date, commit and machine.

    Atomic (a temporary file renamed over ``path``), so a run stopped mid-way leaves the last complete file.
    """
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    data = {
        "benchmark": benchmark,
        "command": command,
        "measured": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
        "machine": machine(),
        "load_average": None if load is None else round(load, 2),
        **figures,
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False, suffix=".tmp") as out:
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(out.name, 0o666 & ~umask)  # as any new file of the user's, not the temporary file's 0600
    os.replace(out.name, target)


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _f(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _met(met: bool) -> str:
    return "met" if met else "**missed**"


def _provenance(data: dict[str, Any]) -> list[str]:
    parts = [f"Measured {data['measured']}" if "measured" in data else "Measured (date not recorded)"]
    if "commit" in data:
        parts.append(f"at commit {data['commit']}")
    parts.append(f"on {data['machine']}" if "machine" in data else "")
    if data.get("load_average") is not None:
        parts.append(f"(load average {data['load_average']} at the end)")
    line = " ".join(p for p in parts if p) + "."
    if "command" in data:
        line += f" Reproduce: `{data['command']}`."
    return [line, ""]


def render_bench(data: dict[str, Any]) -> list[str]:
    rows = [
        (r["workload"], r["backend"], _f(r["seconds"]), _f(r.get("tokens_per_s"), 1), _f(r.get("load_s"), 3),
         _f(r.get("peak_mb"), 1), _f(r.get("model_mb"), 1))
        for r in data["rows"]
    ]  # fmt: skip
    checks = [(c["check"], f"{c['ratio']:.2f}x", f">= {c['target']}x", _met(c["met"])) for c in data["checks"]]
    checks += [(x["check"], f"{x['seconds']:.2f} s", f"<= {x['at_most']} s", _met(x["met"])) for x in data["limits"]]
    return [
        *_table(("workload", "engine", "seconds", "tokens/s", "load s", "peak MB", "model MB"), rows),
        "",
        *_table(("check", "measured", "target", ""), checks),
        "",
        f"The whole bench took {data['seconds']:.0f} s.",
    ]


RAY_HEADER = ("`--ray`, tiny model, timed inside", "start-up s", "then s", "shutdown s", "articles/s", "sentences/s")


def render_batch(data: dict[str, Any]) -> list[str]:
    runs = [(t["run"], _f(t["seconds"]), _f(t["articles_per_s"]), _f(t["sentences_per_s"], 1)) for t in data["runs"]]
    ray = [
        (r["run"], _f(r["startup_s"]), _f(r["steady_s"]), _f(r["shutdown_s"]), _f(r["articles_per_s"]),
         _f(r["sentences_per_s"], 1))
        for r in data["ray_inside"]
    ]  # fmt: skip
    checks = [
        (c["check"], f"{c['ratio']:.2f}", f"{c['bound']} {c['target']}",
         _met(c["met"]) if c.get("is_target", True) else "within" if c["met"] else "over")
        for c in data["checks"]
    ]  # fmt: skip
    grouping = [(g["way"], _f(g["seconds"])) for g in data["grouping"]]
    return [
        f"{data['articles']} seed-sized articles ({data['sentences']} sentences) into Russian, no result cache.",
        "",
        *_table(("run", "seconds", "articles/s", "sentences/s"), runs),
        "",
        *_table(RAY_HEADER, ray),
        "",
        *_table(("translating the sentences in-process, mid-size model", "seconds"), grouping),
        "",
        *_table(("check", "ratio", "target", ""), checks),
    ]


def render_extractive(data: dict[str, Any]) -> list[str]:
    rows = [
        (r["workload"], f"{r['characters']:,}", f"{r['sentences']:,}", _f(r["seconds"]), _f(r["cpu_seconds"]),
         f"< {r['target_s']:g} s", _met(r["met"]))
        for r in data["rows"]
    ]  # fmt: skip
    return _table(("workload", "characters", "sentences", "seconds", "CPU s", "target", ""), rows)


def render_glossary(data: dict[str, Any]) -> list[str]:
    rows = [
        ("translate (the model costs nothing)", f"{data['without_s']:.2f} s", f"{data['with_s']:.2f} s",
         f"{data['cost']:+.1%}"),
        ("planning alone", f"{data['planning_without_s']:.2f} s", f"{data['planning_with_s']:.2f} s",
         f"{data['planning_cost']:+.1%}"),
        ("reading and building the glossary, once", "", f"{data['load_s']:.2f} s", ""),
    ]  # fmt: skip
    return [
        f"A {data['article_mb']:.1f} MB article ({data['paragraphs']:,} paragraphs); a glossary of "
        f"{data['terms']:,} terms, {data['enforced']:,} of them enforced.",
        "",
        *_table(("", "without", "with", "cost"), rows),
        "",
        f"Limit: +{data['limit']:.0%} ({_met(data['met'])}).",
    ]


def render_long_article(data: dict[str, Any]) -> list[str]:
    rows = [
        (r["article"], _f(r["first_paint_s"], 3), _f(r["key_median_s"], 4), _f(r["key_worst_s"], 4),
         _f(r["key_drawn_worst_s"], 4))
        for r in data["rows"]
    ]  # fmt: skip
    burst = data["burst"]
    return [
        *_table(("article", "first paint s", "key median s", "key worst s", "key drawn, worst s"), rows),
        "",
        f"Keys while a 20,000-paragraph translation arrives at once: {burst['keys']} answered, median "
        f"{burst['median_s']:.4f} s, worst {burst['worst_s']:.4f} s.",
    ]


def render_open_and_pick(data: dict[str, Any]) -> list[str]:
    rows = [
        (r["article"], f"{r['bytes']:,}", f"{r['paragraphs']:,}", _f(r["first_paint_s"], 3), _f(r["picker_s"], 3))
        for r in data["rows"]
    ]
    return list(_table(("article", "bytes", "paragraphs", "first paint s", "t to picker s"), rows))


DOCUMENTS_HEADER = ("input", "MB", "paragraphs", "read s", "read in app s", "first paint s", "whole in s", "target", "")


def render_documents(data: dict[str, Any]) -> list[str]:
    rows = [
        (r["input"], _f(r["mb"]), f"{r['paragraphs']:,}", _f(r["read_s"], 3), _f(r["read_in_app_s"], 3),
         _f(r["first_paint_s"], 3), _f(r["whole_in_s"], 3), f"<= {r['target_s']:g} s", _met(r["met"]))
        for r in data["rows"]
    ]  # fmt: skip
    tokens = data["tokens"]
    return [
        *_table(DOCUMENTS_HEADER, rows),
        "",
        f"A code-heavy article ({tokens['article_kb']:.0f} kB) sends the translation model "
        f"{tokens['now_tokens']:,} opus-mt tokens in {tokens['now_sentences']:,} sentences (prose only), against "
        f"{tokens['before_tokens']:,} in {tokens['before_sentences']:,} when every sentence went whole: "
        f"{tokens['now_tokens'] / tokens['before_tokens']:.2f} of the tokens.",
    ]


def render_pdf_readers(data: dict[str, Any]) -> list[str]:
    def score(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    rows = [
        (r["sample"], r["reader"], _f(r["pages_per_s"], 1), _f(r["pages_per_cpu_s"], 1), score(r["order"]),
         score(r["hyphens"]), "-" if r["headers"] is None else r["headers"])
        for r in data["rows"]
    ]  # fmt: skip
    paint = data["first_paint"]
    return [
        *_table(("sample", "reader", "pages/s", "pages/CPU s", "in order", "hyphens", "headers"), rows),
        "",
        f"A {paint['pages']}-page two-column PDF: first paint {paint['first_paint_s']:.2f} s (best of 3; reading "
        f"the PDF {paint['read_s']:.2f} s, {paint['read_cpu_s']:.2f} s of CPU); target <= {paint['target_s']:g} s: "
        f"{_met(paint['met'])}.",
    ]


def render_books(data: dict[str, Any]) -> list[str]:
    book = data["book"]
    rows = [(r["way"], f"{r['paragraphs']:,}", _f(r["read_s"], 3), _f(r["first_paint_s"], 3)) for r in data["rows"]]
    return [
        f"A book of {book['chapters']} chapters, about {book['pages']} pages ({book['bytes']:,} bytes as EPUB).",
        "",
        *_table(("way", "paragraphs", "read s", "first paint s"), rows),
        "",
        f"Target for the whole book's first paint: <= {data['target_s']:g} s ({_met(data['met'])}).",
    ]


RENDERERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "bench": render_bench,
    "batch": render_batch,
    "extractive": render_extractive,
    "glossary": render_glossary,
    "long_article": render_long_article,
    "open_and_pick": render_open_and_pick,
    "documents": render_documents,
    "pdf_readers": render_pdf_readers,
    "books": render_books,
}


def section(name: str, data: dict[str, Any]) -> str:
    """The Markdown that goes between the markers of ``name``."""
    return "\n".join(_provenance(data) + RENDERERS[name](data))


def fill(page: str, results: Path = RESULTS) -> str:
    """``page`` with each marked section replaced by the table its JSON file gives (where there is one)."""
    for name in RENDERERS:
        path = results / f"{name}.json"
        if not path.is_file():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        found = re.search(rf"<!-- table:{name} -->\n(?:.*?\n)?<!-- /table:{name} -->", page, re.DOTALL)
        if found is None:
            raise SystemExit(f"benchmarks.tables: {PAGE.name} has no markers for {name!r}")
        filled = f"<!-- table:{name} -->\n{section(name, data)}\n<!-- /table:{name} -->"
        page = page[: found.start()] + filled + page[found.end() :]
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tables", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the page is out of date")
    args = parser.parse_args(argv)
    page = PAGE.read_text(encoding="utf-8")
    filled = fill(page)
    if args.check:
        if filled != page:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run python -m benchmarks.tables", file=sys.stderr)
            return 1
        return 0
    if filled != page:
        PAGE.write_text(filled, encoding="utf-8")
        print(f"updated {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
