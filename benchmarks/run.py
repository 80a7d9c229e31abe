"""Benchmark locpipe's engine against the parser it is built on.

Absolute times on shared, noisy machines are noise; what is reported is each stage's time as a
RATIO to the floor -- markdown-it-py parsing the same document with the same syntax -- measured in
the same run, on the same generated document. Run on demand (never in the tests)::

    nox -s bench
    python benchmarks/run.py --size-mb 2 --repeat 7 --stage extract --stage localize

A stage is a function that prepares its inputs (outside the timing) and returns the callable to
time; register it in :data:`STAGES` with :func:`stage`. Targets compare two stages' min times.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from corpus import CONSTRUCTS, MB, constructs, generate_document

import locpipe
from locpipe.model import Message
from locpipe.parser import make_renderer
from locpipe.segment import Document, parse_document

BENCHMARKS = Path(__file__).resolve().parent
RESULTS = BENCHMARKS / "results"
BASELINE = "parse"
DEFAULT_SEED = 20251125
MIN_REPEAT = 3

Run = Callable[[], object]
"""One timed execution of a stage."""


# --- the workload --------------------------------------------------------------------------------


def _accented(text: str) -> str:
    return text.translate(str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ"))


#: Pseudo-translations, one per "locale": each changes the text the way real translations do
#: (case, length, accents, scripts, bidi marks) and keeps the Markdown markup in it.
PSEUDO_LOCALES: dict[str, Callable[[str], str]] = {
    "fr": str.upper,
    "de": lambda text: f"{text} {text[: len(text) // 3]}",  # about a third longer
    "es": _accented,
    "ja": lambda text: f"「{text}」",
    "ar": lambda text: f"\u200f{text}\u200f",
    "pt-BR": str.swapcase,
}


@dataclass(frozen=True)
class Workload:
    """What every stage works on: one generated document and its pseudo-translated catalogs."""

    text: str
    path: str
    messages: list[Message]
    catalogs: dict[str, dict[str, str]]
    """locale -> msgid -> translation: one entry for every message."""

    def translate(self, locale: str) -> Callable[[Message], str | None]:
        """A catalog lookup, as the build does it."""
        lookup = self.catalogs[locale].get
        return lambda message: lookup(message.msgid)


def make_workload(size_bytes: int, seed: int) -> Workload:
    text = generate_document(size_bytes, seed)
    path = f"bench-{seed}.md"
    messages = locpipe.extract(text, path=path)
    catalogs = {
        locale: {message.msgid: pseudo(message.msgid) for message in messages}
        for locale, pseudo in PSEUDO_LOCALES.items()
    }
    return Workload(text=text, path=path, messages=messages, catalogs=catalogs)


# --- stages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    name: str
    description: str
    prepare: Callable[[Workload], Run]
    """Set up (untimed) and return the callable to time."""


STAGES: dict[str, Stage] = {}


def stage(name: str, description: str) -> Callable[[Callable[[Workload], Run]], Stage]:
    """Register a stage under ``name`` (the order of registration is the order of the report)."""

    def register(prepare: Callable[[Workload], Run]) -> Stage:
        if name in STAGES:
            raise ValueError(f"duplicate stage {name!r}")
        STAGES[name] = Stage(name, description, prepare)
        return STAGES[name]

    return register


@stage(BASELINE, "floor: markdown-it-py parse, same syntax as the engine (the baseline)")
def _parse(work: Workload) -> Run:
    md = make_renderer("gfm")
    return lambda: md.parse(work.text)


@stage("render", "floor: markdown-it-py parse + render to HTML")
def _render(work: Workload) -> Run:
    md = make_renderer("gfm")
    return lambda: md.render(work.text)


@stage("extract", "locpipe.extract: instrumented parse + messages")
def _extract(work: Workload) -> Run:
    return lambda: locpipe.extract(work.text, path=work.path)


@stage("localize", "locpipe.localize into one locale (parse + write back)")
def _localize(work: Workload) -> Run:
    translate = work.translate("fr")
    return lambda: locpipe.localize(work.text, translate, path=work.path)


@stage("localize-6", f"parse_document once, then .localize into {len(PSEUDO_LOCALES)} locales")
def _localize_all(work: Workload) -> Run:
    translators = [work.translate(locale) for locale in PSEUDO_LOCALES]

    def run() -> list[str]:
        document = parse_document(work.text, path=work.path)
        return [document.localize(translate) for translate in translators]

    return run


@stage("relocalize", "Document.localize into one more locale (already parsed): cost per locale")
def _relocalize(work: Workload) -> Run:
    document: Document = parse_document(work.text, path=work.path)
    translate = work.translate("de")
    return lambda: document.localize(translate)


# --- targets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    stage: str
    limit: float
    """The most ``stage``'s min time may be, as a multiple of the baseline's min time."""
    label: str


TARGETS = (
    Target("extract", 1.3, "extract <= 1.3x parse"),
    Target("localize", 1.5, "localize <= 1.5x parse"),
    Target(
        "localize-6",
        1 + 0.1 * len(PSEUDO_LOCALES),
        f"{len(PSEUDO_LOCALES)} locales <= parse x (1 + 0.1*{len(PSEUDO_LOCALES)})",
    ),
)


# --- measuring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    wall: float
    """Elapsed seconds (``time.perf_counter``): what the report's times and ratios use."""
    cpu: float
    """CPU seconds of the process (``time.process_time``): blind to time spent descheduled."""


def measure(run: Run) -> Sample:
    """One call of ``run``, after a full collection (the collector stays enabled while timing)."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return Sample(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu)


def time_stages(runs: dict[str, Run], repeat: int) -> dict[str, list[Sample]]:
    """Each stage ``repeat`` times after one warm-up, round-robin.

    Interleaving the stages spreads the machine's slow spells over all of them alike, so the
    ratios stay fair even when the absolute times drift.
    """
    for run in runs.values():
        run()
    # The harness's own long-lived objects (the workload, its catalogs, prepared documents) are
    # moved out of the collector's reach: each run's collections then walk that run's objects only,
    # as they would in a process doing just that stage.
    gc.collect()
    gc.freeze()
    samples: dict[str, list[Sample]] = {name: [] for name in runs}
    for round_number in range(1, repeat + 1):
        for name, run in runs.items():
            samples[name].append(measure(run))
        print(f"  round {round_number}/{repeat} done", file=sys.stderr)
    gc.unfreeze()
    return samples


def peak_memory(run: Run) -> int:
    """Peak bytes traced while ``run`` runs once (tracemalloc: slow, so never during timing)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def profile(run: Run, top: int) -> None:
    """Print the ``top`` functions of one ``run`` by own and by cumulative time (cProfile)."""
    run()  # warm up, as for timing
    profiler = cProfile.Profile()
    gc.collect()
    profiler.enable()
    run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = sum(own for _, _, own, _, _ in raw.values())
    print(f"profiled total {total:.3f} s (cProfile overhead included; a GC pause is charged to")
    print("whatever function is running when the collection starts)")
    own_code = [item for item in raw.items() if "locpipe" in item[0][0]]
    for title, items, index in (
        ("by own time", list(raw.items()), 2),
        ("by cumulative time", list(raw.items()), 3),
        ("locpipe's own functions, by cumulative time", own_code, 3),
    ):
        print(f"\ntop {top} {title}:")
        print(f"{'own s':>8} {'own %':>7} {'cum s':>8} {'cum %':>7} {'calls':>9}  function")
        ranked = sorted(items, key=lambda item: item[1][index], reverse=True)[:top]
        for (filename, line, function), (_, calls, own, cumulative, _) in ranked:
            print(
                f"{own:8.3f} {100 * own / total:6.1f}% {cumulative:8.3f} "
                f"{100 * cumulative / total:6.1f}% {calls:>9}  "
                f"{_short_path(filename)}:{line}({function})"
            )


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", "/src/", "/benchmarks/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


# --- report --------------------------------------------------------------------------------------


def summarize(
    samples: dict[str, list[Sample]], peaks: dict[str, int]
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    base = samples[BASELINE]
    base_min = min(sample.wall for sample in base)
    base_median = statistics.median(sample.wall for sample in base)
    base_cpu = min(sample.cpu for sample in base)
    stages: dict[str, dict[str, Any]] = {}
    for name, runs in samples.items():
        wall = [sample.wall for sample in runs]
        cpu = [sample.cpu for sample in runs]
        stages[name] = {
            "description": STAGES[name].description,
            "times_s": wall,
            "cpu_times_s": cpu,
            "min_s": min(wall),
            "median_s": statistics.median(wall),
            "ratio_min": min(wall) / base_min,
            "ratio_median": statistics.median(wall) / base_median,
            "cpu_ratio_min": min(cpu) / base_cpu,
            "peak_bytes": peaks.get(name),
            "peak_ratio": (
                peaks[name] / peaks[BASELINE] if name in peaks and peaks.get(BASELINE) else None
            ),
        }
    targets = [
        {
            "target": target.label,
            "stage": target.stage,
            "limit": target.limit,
            "ratio": stages[target.stage]["ratio_min"],
            "cpu_ratio": stages[target.stage]["cpu_ratio_min"],
            "pass": stages[target.stage]["ratio_min"] <= target.limit,
        }
        for target in TARGETS
        if target.stage in stages
    ]
    return stages, targets


def print_report(stages: dict[str, dict[str, Any]], targets: list[dict[str, Any]]) -> None:
    header = (
        f"{'stage':<12} {'min s':>8} {'median s':>8} {'ratio':>7} {'cpu ratio':>9} "
        f"{'peak MiB':>8} {'mem ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, result in stages.items():
        peak = result["peak_bytes"]
        memory = f" {peak / MB:8.1f} {result['peak_ratio']:8.2f}x" if peak is not None else ""
        print(
            f"{name:<12} {result['min_s']:8.3f} {result['median_s']:8.3f} "
            f"{result['ratio_min']:6.2f}x {result['cpu_ratio_min']:8.2f}x{memory}"
        )
    if targets:
        print()
        print(f"targets (min time / min time of {BASELINE!r}; the verdict is on wall time):")
        for target in targets:
            verdict = "PASS" if target["pass"] else "FAIL"
            print(
                f"  {target['target']:<36} {target['ratio']:5.2f}x  {verdict}"
                f"   (cpu {target['cpu_ratio']:.2f}x)"
            )


def environment() -> dict[str, Any]:
    def version(distribution: str) -> str | None:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return None

    return {
        "python": sys.version,
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "markdown-it-py": version("markdown-it-py"),
        "mdit-py-plugins": version("mdit-py-plugins"),
        "locpipe": locpipe.__version__,
        "locpipe_distribution": version("locpipe"),
        "git": _git_state(),
    }


def _git_state() -> dict[str, Any] | None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=BENCHMARKS, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}
    except (OSError, subprocess.SubprocessError):
        return None


# --- command line --------------------------------------------------------------------------------


def _repeat(value: str) -> int:
    number = int(value)
    if number < MIN_REPEAT:
        raise argparse.ArgumentTypeError(f"must be at least {MIN_REPEAT}")
    return number


def _stages(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in STAGES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown stage {', '.join(unknown)}; choose from {', '.join(STAGES)}"
        )
    return names


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time locpipe's engine as ratios to markdown-it-py's parse, in one run.",
        epilog=f"stages: {', '.join(STAGES)}",
    )
    parser.add_argument(
        "--size-mb", type=float, default=1.0, help="size of the generated document (default 1.0)"
    )
    parser.add_argument(
        "--repeat",
        type=_repeat,
        default=5,
        help=f"timed runs per stage (default 5, min {MIN_REPEAT})",
    )
    parser.add_argument(
        "--stage",
        type=_stages,
        action="append",
        help="stages to run (repeat or comma-separate; default all); the baseline always runs",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument(
        "--profile",
        metavar="STAGE",
        choices=list(STAGES),
        help="instead of timing, run STAGE once under cProfile and print where the time goes",
    )
    parser.add_argument(
        "--top", type=int, default=10, help="functions to list with --profile (default 10)"
    )
    parser.add_argument(
        "--out", type=Path, help="result file (default benchmarks/results/engine-<timestamp>.json)"
    )
    args = parser.parse_args(argv)
    if args.size_mb < 1.0:
        parser.error("--size-mb must be at least 1.0 (the targets are defined on >= 1 MB)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    selected = [name for group in args.stage or [list(STAGES)] for name in group]
    names = [name for name in STAGES if name == BASELINE or name in selected]
    started = datetime.now(UTC)

    work = make_workload(int(args.size_mb * MB), args.seed)
    missing = [name for name in CONSTRUCTS if name not in constructs(work.text)]
    size = len(work.text.encode())
    print(
        f"document: {size:,} bytes, {work.text.count(chr(10)):,} lines, "
        f"{len(work.messages):,} messages (seed {args.seed})",
        file=sys.stderr,
    )
    if missing:
        print(f"warning: the document lacks {', '.join(missing)}", file=sys.stderr)

    if args.profile:
        profile(STAGES[args.profile].prepare(work), args.top)
        return 0

    runs = {name: STAGES[name].prepare(work) for name in names}
    samples = time_stages(runs, args.repeat)
    peaks = {} if args.no_memory else {name: peak_memory(run) for name, run in runs.items()}
    stages, targets = summarize(samples, peaks)
    print()
    print_report(stages, targets)

    result = {
        "suite": "engine",
        "schema": 1,
        "started": started.isoformat(timespec="seconds"),
        "config": {
            "size_mb": args.size_mb,
            "repeat": args.repeat,
            "seed": args.seed,
            "stages": names,
            "baseline": BASELINE,
            "timer": "time.perf_counter (and time.process_time), gc.collect() before each run, "
            "one warm-up run, harness objects gc.freeze()d, stages interleaved round-robin",
        },
        "document": {
            "bytes": size,
            "lines": work.text.count("\n"),
            "messages": len(work.messages),
            "constructs_missing": missing,
        },
        "environment": environment(),
        "stages": stages,
        "targets": targets,
    }
    out = args.out or RESULTS / f"engine-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
