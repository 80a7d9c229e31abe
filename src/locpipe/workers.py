"""Documents spread over worker processes: forked, so they share the parent's state and pickle
nothing but each task and its outcome. A worker dies with its parent (SIGKILL included) and
never holds the project lock (see :func:`locpipe.fsio.project_lock`)."""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import ForkContext

Outcome = TypeVar("Outcome")
Task = tuple[str, tuple[str, ...]]
"""(document, the locales to make its page in)."""

# What the worker processes run, inherited by fork (never pickled).
_JOB: dict[str, Callable[[str, tuple[str, ...]], Any]] = {}


def _run(task: Task) -> Any:
    return _JOB["run"](*task)


def run_tasks(
    run: Callable[[str, tuple[str, ...]], Outcome], tasks: Sequence[Task], jobs: int
) -> list[Outcome]:
    """``run(document, locales)`` for each task, in ``jobs`` processes where that helps; the
    outcomes in the order of ``tasks``."""
    context = _fork_context() if jobs > 1 and len(tasks) > 1 else None
    if context is None:
        return [run(name, locales) for name, locales in tasks]
    from concurrent.futures import ProcessPoolExecutor  # here: see _fork_context

    _JOB["run"] = run
    pool = ProcessPoolExecutor(
        min(jobs, len(tasks)),
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    try:
        return list(pool.map(_run, tasks))
    except BaseException:
        # An interrupt (or a failed task): the work left is abandoned, not waited for.
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _JOB.clear()


def _fork_context() -> ForkContext | None:
    """multiprocessing's fork context; None where processes cannot be forked. Imported here,
    with the pool: a build in one process never needs them (5 ms of every command's start)."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


_PR_SET_PDEATHSIG = 1


def _start_worker(parent: int) -> None:
    """In each worker, first: die with the parent, however it dies (SIGKILL too), and leave
    signals to it (SIGINT from a terminal reaches the whole group: the parent stops us)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()


def tasks_for(work: dict[str, list[str]], jobs: int, size_of: Callable[[str], int]) -> list[Task]:
    """One task per document (its source parsed once for all its locales); when there are fewer
    documents than jobs, each document's locales are split so that every job has work. The
    largest documents (by ``size_of``) first, so that no job is left with one at the end."""
    names = list(work)
    split = max(1, min(jobs // max(len(names), 1), max((len(work[n]) for n in names), default=1)))
    tasks: list[Task] = []
    for name in names:
        locales = work[name]
        size = math.ceil(len(locales) / split)
        chunks = range(0, len(locales), size) if locales else range(1)  # parsed, even with no page
        tasks += [(name, tuple(locales[i : i + size])) for i in chunks]
    if jobs > 1:
        sizes = {name: size_of(name) for name in names}
        tasks.sort(key=lambda task: -sizes[task[0]])
    return tasks


def file_size(path: Path) -> int:
    return path.stat().st_size
