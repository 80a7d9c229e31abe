"""How ``locpipe.extract`` grows on pathological documents: is the time per unit of input flat?

Each case builds a document at scales 1x, 2x, 4x and 8x of a unit (1,250 levels of block
quotes, 6.25 MB of ordinary Markdown, 125,000 characters on one line, 12,500 caveats, ...), times
``extract`` on it, and reports the time per unit of input at each scale relative to 1x. Flat
ratios (about 1.0 at every scale) mean linear growth; ratios that double with the scale mean
quadratic growth. The fitted exponent (the slope of log time against log size) says the same in
one number: 1 is linear, 2 quadratic.

Each case's floor -- markdown-it-py parsing the same text with the same syntax -- is timed too,
so that growth that is markdown-it's own shows as such (``extract/parse`` stays flat).

Run on demand, never in the tests::

    python benchmarks/pathological.py                      # every case, 1x..8x
    python benchmarks/pathological.py --case caveats --case long-line
    python benchmarks/pathological.py --quick              # 1x..4x, each case's unit halved
    python benchmarks/pathological.py --profile inline-html-newlines   # cProfile at the top scale

The JSON result goes to ``benchmarks/results/pathological-<UTC timestamp>.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import platform
import pstats
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import locpipe
from locpipe.errors import SourceError
from locpipe.parser import make_renderer
from locpipe.segment import extract

BENCHMARKS = Path(__file__).resolve().parent
RESULTS = BENCHMARKS / "results"
SCALES = (1, 2, 4, 8)
MB = 1024 * 1024
#: Per-unit time at the top scale over that at 1x above which growth is called superlinear.
#: Shared 2-core machines move single timings by 30 %; a quadratic case at 8x reads 8.
SUPERLINEAR = 1.5

# --- the cases -----------------------------------------------------------------------------------

#: One block of an ordinary large document: nine messages.
BLOCK = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "fixtures"
    / "markdown"
    / "large-document-block.md"
).read_text(encoding="utf-8")


def _big_document(size: int) -> str:
    pieces: list[str] = []
    total = n = 0
    while total < size:
        piece = BLOCK.format(n=n)
        pieces.append(piece)
        total += len(piece)
        n += 1
    return "".join(pieces)


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    unit: int
    """How many of ``what`` make the 1x document."""
    what: str
    make: Callable[[int], str]
    """The document for ``count`` units."""
    messages: Callable[[int], int | None]
    """How many messages ``extract`` must find for ``count`` units (None: not checked)."""


CASES = [
    Case(
        "nested-quotes",
        "one line of '> ' nested block quotes, then a word",
        1_250,
        "levels",
        lambda count: "> " * count + "deep\n",
        # markdown-it drops content deeper than maxNesting (20): no message (a bug reported).
        lambda count: None,
    ),
    Case(
        "nested-lists",
        "one line of '- ' nested bullet lists, then a word",
        1_250,
        "levels",
        lambda count: "- " * count + "deep\n",
        lambda count: None,
    ),
    Case(
        "big-document",
        "ordinary Markdown: headings, paragraphs, caveats, tables, quotes, lists, code",
        int(6.25 * MB),
        "chars",
        _big_document,
        lambda count: None,
    ),
    Case(
        "long-line",
        "one paragraph line of words",
        125_000,
        "chars",
        lambda count: ("word " * (count // 5)).strip() + "\n",
        lambda count: 1,
    ),
    Case(
        "long-line-brackets",
        "one line of unclosed '[' (markdown-it's link label scan)",
        125_000,
        "chars",
        lambda count: "[" * count + "\n",
        lambda count: 1,
    ),
    Case(
        "long-line-emphasis",
        "one line of '*a* ' emphasis pairs",
        125_000,
        "chars",
        lambda count: "*a* " * (count // 4) + "\n",
        lambda count: 1,
    ),
    Case(
        "caveats",
        "'<!-- caveat: c-N -->' before each of N paragraphs",
        12_500,
        "caveats",
        lambda count: "".join(f"<!-- caveat: c-{n} -->\nParagraph {n}.\n\n" for n in range(count)),
        lambda count: count,
    ),
    Case(
        "inline-html-newlines",
        "one paragraph of N lines, each with an inline HTML tag spanning a line break",
        1_000,
        "lines",
        lambda count: "a <span\nclass=x> b\n" * count,
        lambda count: 1,
    ),
]
CASES_BY_NAME = {case.name: case for case in CASES}


# --- timing --------------------------------------------------------------------------------------


@dataclass
class Sample:
    scale: int
    units: int
    chars: int
    messages: int | None
    error: str | None
    extract: list[float]
    parse: list[float]


def _timed(run: Callable[[], Any], repeat: int, budget: float) -> tuple[list[float], Any]:
    """Wall times of ``repeat`` runs or more: fast runs repeat until they add up to 0.5 s (at
    most 50 runs), and a run slower than ``budget`` seconds is not repeated at all."""
    times: list[float] = []
    result: Any = None
    while len(times) < repeat or (sum(times) < 0.5 and len(times) < 50):
        result = None
        gc.collect()
        start = time.perf_counter()
        try:
            result = run()
        except (SourceError, RecursionError) as error:
            result = error
        times.append(time.perf_counter() - start)
        if times[-1] > budget:
            break
    return times, result


def measure(
    case: Case, scales: tuple[int, ...], unit: int, repeat: int, budget: float, floor: bool
) -> list[Sample]:
    samples = []
    parser = make_renderer("gfm")
    for scale in scales:
        units = unit * scale
        text = case.make(units)
        extract_times, result = _timed(
            lambda text=text: extract(text, path=f"{case.name}.md"), repeat, budget
        )
        error = None
        messages = None
        if isinstance(result, BaseException):
            error = f"{type(result).__name__}: {result}"
        else:
            messages = len(result)
            expected = case.messages(units)
            if expected is not None and messages != expected:
                error = f"expected {expected} messages, got {messages}"
        del result
        parse_times: list[float] = []
        if floor:
            parse_times = _timed(lambda text=text: parser.parse(text), repeat, budget)[0]
        sample = Sample(scale, units, len(text), messages, error, extract_times, parse_times)
        samples.append(sample)
        _print_sample(case, sample, samples[0])
    return samples


def _per_unit(sample: Sample) -> float:
    return min(sample.extract) / sample.units


def _exponent(samples: list[Sample]) -> float | None:
    """The least-squares slope of log(time) against log(size)."""
    points = [(math.log(s.chars), math.log(min(s.extract))) for s in samples if min(s.extract) > 0]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def _print_header(case: Case, unit: int) -> None:
    print(f"\n{case.name}: {case.description}; 1x = {unit:,} {case.what}")
    print(
        f"{'scale':>5} {'chars':>12} {'messages':>9} {'extract s':>10} {'us/unit':>10}"
        f" {'per-unit ratio':>14} {'parse s':>9} {'extract/parse':>13}  runs"
    )


def _print_sample(case: Case, sample: Sample, first: Sample) -> None:
    ratio = _per_unit(sample) / _per_unit(first) if _per_unit(first) else float("nan")
    parse = f"{min(sample.parse):9.3f}" if sample.parse else f"{'-':>9}"
    over = f"{min(sample.extract) / min(sample.parse):12.2f}x" if sample.parse else f"{'-':>13}"
    messages = "-" if sample.messages is None else f"{sample.messages:,}"
    print(
        f"{sample.scale:>4}x {sample.chars:>12,} {messages:>9} {min(sample.extract):10.3f}"
        f" {_per_unit(sample) * 1e6:10.3f} {ratio:13.2f}x {parse} {over}  {len(sample.extract)}",
        flush=True,
    )
    if sample.error:
        print(f"      !! {sample.error[:200]}", flush=True)


def verdict(samples: list[Sample]) -> dict[str, Any]:
    growth = _per_unit(samples[-1]) / _per_unit(samples[0]) if _per_unit(samples[0]) else None
    floor_growth = None
    if samples[0].parse and samples[-1].parse:
        floor_growth = (min(samples[-1].parse) / samples[-1].units) / (
            min(samples[0].parse) / samples[0].units
        )
    superlinear = growth is not None and growth > SUPERLINEAR
    return {
        "per_unit_growth": growth,
        "floor_per_unit_growth": floor_growth,
        "exponent": _exponent(samples),
        "linear": not superlinear,
        "ours": superlinear and (floor_growth is None or floor_growth <= SUPERLINEAR),
        "errors": [s.error for s in samples if s.error],
    }


def _print_verdict(case: Case, result: dict[str, Any]) -> None:
    growth, exponent = result["per_unit_growth"], result["exponent"]
    shape = "linear" if result["linear"] else "SUPERLINEAR"
    where = ""
    if not result["linear"]:
        where = (
            " (locpipe's: the parse alone stays linear)"
            if result["ours"]
            else " (markdown-it's too)"
        )
    exponent_text = "-" if exponent is None else f"{exponent:.2f}"
    print(
        f"  -> {shape}{where}: per-unit time x{growth:.2f} from 1x to top, exponent {exponent_text}"
    )


# --- profile -------------------------------------------------------------------------------------


def profile(case: Case, units: int, top: int) -> str:
    text = case.make(units)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        extract(text, path=f"{case.name}.md")
    except (SourceError, RecursionError) as error:
        print(f"{type(error).__name__}: {error}")
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- environment and output ----------------------------------------------------------------------


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=BENCHMARKS, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def environment() -> dict[str, Any]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "locpipe": getattr(locpipe, "__version__", None),
        "markdown-it-py": version("markdown-it-py"),
        "mdit-py-plugins": version("mdit-py-plugins"),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": None if status is None else bool(status),
    }


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--case",
        action="append",
        choices=sorted(CASES_BY_NAME),
        help="a case to run (repeatable; default: all)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (min is kept)")
    parser.add_argument(
        "--budget",
        type=float,
        default=15.0,
        help="a size whose run takes longer than this many seconds is not repeated",
    )
    parser.add_argument("--quick", action="store_true", help="scales 1x..4x of half the unit")
    parser.add_argument("--no-floor", action="store_true", help="skip the markdown-it floor")
    parser.add_argument("--profile", choices=sorted(CASES_BY_NAME), help="cProfile one case")
    parser.add_argument("--top", type=int, default=15, help="functions listed by --profile")
    parser.add_argument("--out", type=Path, help="JSON output path")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    scales = SCALES[:3] if args.quick else SCALES
    if args.profile:
        case = CASES_BY_NAME[args.profile]
        unit = case.unit // 2 if args.quick else case.unit
        units = unit * scales[-1]
        print(f"cProfile of extract on {case.name} at {scales[-1]}x ({units:,} {case.what})")
        print(profile(case, units, args.top))
        return 0

    gc.freeze()  # the harness's own objects stay out of the collections timed below
    cases = [CASES_BY_NAME[name] for name in args.case] if args.case else CASES
    report: dict[str, Any] = {}
    for case in cases:
        unit = case.unit // 2 if args.quick else case.unit
        _print_header(case, unit)
        samples = measure(case, scales, unit, args.repeat, args.budget, not args.no_floor)
        result = verdict(samples)
        _print_verdict(case, result)
        report[case.name] = {
            "description": case.description,
            "unit": unit,
            "what": case.what,
            "samples": [sample.__dict__ for sample in samples],
            **result,
        }

    print("\nsummary (per-unit time at the top scale / at 1x; 1.0 is linear):")
    for name, result in report.items():
        shape = "linear" if result["linear"] else "SUPERLINEAR"
        exponent = result["exponent"]
        print(
            f"  {name:<22} x{result['per_unit_growth']:.2f}  exponent "
            f"{'-' if exponent is None else f'{exponent:.2f}'}  {shape}"
        )

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or RESULTS / f"pathological-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "benchmark": "pathological",
        "created": stamp,
        "config": {
            "scales": list(scales),
            "repeat": args.repeat,
            "budget_s": args.budget,
            "quick": args.quick,
            "floor": not args.no_floor,
            "superlinear_above": SUPERLINEAR,
        },
        "environment": environment(),
        "cases": report,
    }
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
