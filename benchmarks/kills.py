"""Kill ``locpipe build --jobs 2`` and ``locpipe update`` a hundred times at random moments on a
30-document, 6-locale project, and check the next run after each (on demand; the test suite
does ten: ``tests/test_crash_safety.py``).

    python benchmarks/kills.py [--kills 100] [--seed 18] [--longest 1.0]

Prints one line per kill and a summary; exits 1 if any kill left a problem.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.killing import kills, make_project  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--longest", type=float, default=1.0, help="latest kill, in seconds")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    started = time.monotonic()
    failed = 0
    ways: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        make_project(root)
        for number, kill in enumerate(
            kills(root, args.kills, seed=args.seed, longest=args.longest)
        ):
            ways[f"{kill.command} {kill.how}"] += 1
            failed += bool(kill.problems)
            print(
                f"{number + 1:3} {kill.command:6} {kill.how:7} at {kill.delay:.3f}s exit {kill.code}"
                f" left {len(kill.left_by_kill):3} next run {kill.next_seconds:.2f}s"
                + (f" PROBLEMS: {kill.problems}" if kill.problems else "")
            )
    print(f"{args.kills} kills in {time.monotonic() - started:.0f}s: {dict(sorted(ways.items()))}")
    print(f"{failed} with problems")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
