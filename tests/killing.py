"""Kill ``locpipe build --jobs 2`` and ``locpipe update`` at random moments, and check what the
next run finds: the harness of ``tests/test_crash_safety.py`` (a few kills) and of
``benchmarks/kills.py`` (a hundred, on demand).

After each kill, the next run of the same command must finish without waiting for a lock, leave
no temporary file, and find every catalog and ``build/`` whole: byte for byte as before the kill,
or as the finished command makes them.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from locpipe.cli import main
from locpipe.pofile import encode_po, parse_po

LOCALES = ("de", "es", "fr", "it", "nl", "pt_BR")
#: locale → (the caveat's translation, its required term)
CAVEATS = {
    "de": ("Fragen Sie zuerst Ihren Arzt ({}", "Arzt"),
    "es": ("Consulte primero a su médico ({}", "médico"),
    "fr": ("Demandez d'abord à votre médecin ({}", "médecin"),
    "it": ("Chieda prima al suo medico ({}", "medico"),
    "nl": ("Vraag eerst uw arts ({}", "arts"),
    "pt_BR": ("Pergunte primeiro ao seu médico ({}", "médico"),
}
#: How long the run after a kill may take, at most (it must never wait for a dead run's lock).
NEXT_RUN_SECONDS = 60
#: How long after a kill its processes may take to be gone and its lock to be free.
GRACE_SECONDS = 0.5
_WORDS = [
    "patients",
    "treatment",
    "study",
    "results",
    "doctor",
    "therapy",
    "skin",
    "daily",
    "routine",
    "evidence",
    "trial",
    "symptoms",
    "dose",
    "effect",
    "risk",
    "benefit",
    "care",
    "clinic",
    "research",
    "week",
    "month",
]


def make_project(root: Path, documents: int = 30, seed: int = 0) -> None:
    """A project of ``documents`` short articles, each with one caveat, translated into
    :data:`LOCALES` (every translation passes the gate), built once."""
    rng = Random(seed)
    (root / "source").mkdir(parents=True)
    registry = []
    for number in range(1, documents + 1):
        paragraphs = [
            " ".join(rng.choice(_WORDS) for _ in range(rng.randint(20, 60))).capitalize() + "."
            for _ in range(rng.randint(3, 8))
        ]
        text = f"# Article {number}\n\n" + "\n\n".join(paragraphs)
        text += f"\n\n<!-- caveat: caveat-{number} -->\nAsk your doctor first ({number}).\n"
        (root / "source" / f"doc{number:02}.md").write_text(text, encoding="utf-8")
        terms = "".join(f'{locale} = ["{CAVEATS[locale][1]}"]\n' for locale in LOCALES)
        registry.append(
            f'[caveat-{number}]\ndescription = "Ask a doctor."\n\n[caveat-{number}.terms]\n{terms}'
        )
    (root / "source" / "caveats.toml").write_text("\n".join(registry), encoding="utf-8")
    for locale in LOCALES:
        (root / "locales" / locale / "LC_MESSAGES").mkdir(parents=True)
    assert main(["-C", str(root), "update", "-q"]) == 0
    for path in (root / "locales").rglob("doc*.po"):
        locale = path.parent.parent.name
        catalog = parse_po(path.read_bytes(), path=str(path))
        for entry in catalog.entries:
            if entry.msgid.startswith("Ask your doctor first"):
                entry.msgstr = CAVEATS[locale][0].format(entry.msgid.split("(")[1])
            else:
                entry.msgstr = _translated(entry.msgid, locale)
        path.write_bytes(encode_po(catalog))
    assert main(["-C", str(root), "build", "-q", "--jobs", "2"]) in (0, 1)  # 1: a locale refused


def _translated(text: str, locale: str) -> str:
    """A stand-in translation no check mistakes for English: every word spelled backwards."""
    words = [word if not word.isalpha() else word[::-1] for word in text.split(" ")]
    return f"[{locale.replace('_', '-')}] " + " ".join(words)


def contents(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leftovers(root: Path) -> list[str]:
    """Temporary files and folders of locpipe's anywhere in the project."""
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob(".*")
        if path.name.endswith(".tmp") or path.name.startswith((".build-new-", ".build-old-"))
    )


def _command(root: Path, command: str) -> list[str]:
    args = [sys.executable, "-m", "locpipe.cli", "-C", str(root), command, "-q"]
    return args + ["--jobs", "2"] if command == "build" else args


def _environment() -> dict[str, str]:
    source = os.environ.get("LOCPIPE_KILL_SOURCE", str(Path(__file__).parent.parent / "src"))
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": source + (os.pathsep + path if path else "")}


def _lock_free(root: Path) -> bool:
    descriptor = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def _our_processes(root: Path) -> list[int]:
    """Processes still running a locpipe command on ``root`` (a worker outliving its parent)."""
    found = []
    needle = os.fsencode(str(root))
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if needle in cmdline and b"locpipe.cli" in cmdline:
                found.append(int(entry.name))
    return found


@dataclass
class Kill:
    """One kill and what the next run found."""

    command: str
    how: str
    delay: float
    code: int | None
    left_by_kill: list[str]
    next_seconds: float
    problems: list[str] = field(default_factory=list)


def _edit_sources(root: Path, rng: Random, count: int = 10) -> None:
    """Change a word in the first paragraph of ``count`` documents (never a caveat): every
    catalog of each must be merged again, and each of its pages made again."""
    for number in rng.sample(range(1, 31), count):
        path = root / "source" / f"doc{number:02}.md"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        head, _, rest = text.partition("\n\n")
        first, _, tail = rest.partition("\n\n")
        first = (
            first.replace("Patients", "People", 1) if "Patients" in first else "Patients " + first
        )
        path.write_text(f"{head}\n\n{first}\n\n{tail}", encoding="utf-8")


def kills(
    root: Path,
    count: int,
    *,
    seed: int = 0,
    longest: float = 1.0,
    commands: tuple[str, ...] = ("build", "update"),
    ways: tuple[str, ...] = ("SIGKILL", "SIGTERM", "timeout"),
) -> Iterator[Kill]:
    """Kill a run of one of ``commands`` ``count`` times at random moments (up to ``longest``
    seconds after it starts), each in one of ``ways``, and check the next run after each."""
    rng = Random(seed)
    for _ in range(count):
        command = rng.choice(commands)
        how = rng.choice(ways)
        delay = round(rng.uniform(0.05, longest), 3)
        _edit_sources(root, rng)
        watched = root / ("build" if command == "build" else "locales")
        before = contents(watched)
        args = _command(root, command)
        if how == "timeout":
            run = subprocess.Popen(
                ["timeout", "-s", "TERM", str(delay), *args],
                env=_environment(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        else:
            run = subprocess.Popen(
                args, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                run.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                run.send_signal(signal.SIGKILL if how == "SIGKILL" else signal.SIGTERM)
        code = run.wait(timeout=NEXT_RUN_SECONDS)
        problems = []
        # A worker gets its parent's death signal at once; give the kernel a moment.
        deadline = time.monotonic() + GRACE_SECONDS
        while (_our_processes(root) or not _lock_free(root)) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _our_processes(root):
            problems.append(f"processes outlived the killed run: {_our_processes(root)}")
        if not _lock_free(root):
            problems.append("the project lock is held after the run was killed")
        killed = contents(watched)
        left = leftovers(root)
        started = time.monotonic()
        try:
            after_run = subprocess.run(
                _command(root, command),
                env=_environment(),
                capture_output=True,
                text=True,
                timeout=NEXT_RUN_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            problems.append(f"the next {command} did not finish in {NEXT_RUN_SECONDS} s")
            for pid in _our_processes(root):  # the harness's own children, to go on
                os.kill(pid, signal.SIGKILL)
            yield Kill(command, how, delay, code, left, NEXT_RUN_SECONDS, problems)
            continue
        seconds = time.monotonic() - started
        if after_run.returncode not in (0, 1):  # 1: the gate refused a locale, as it may
            problems.append(f"the next {command} exited {after_run.returncode}: {after_run.stderr}")
        if "waiting" in after_run.stderr:
            problems.append(f"the next {command} waited for a lock")
        if leftovers(root):
            problems.append(f"left after the next run: {leftovers(root)}")
        after = contents(watched)
        if command == "build":
            if killed not in (before, after):
                problems.append("build/ was neither the old build nor the new one")
        else:
            for name, data in killed.items():
                if name.endswith((".po", ".pot")):
                    if data not in (before.get(name), after.get(name)):
                        problems.append(f"{name} is neither its old bytes nor its new ones")
                    parse_po(data, path=name)
        yield Kill(command, how, delay, code, left, seconds, problems)
