"""What the benchmark stages work on, prepared outside the timing: translations, projects, tools.

* pseudo-translations of every message into the six benchmark locales, that keep every piece of
  markup, every URL and every number (so the caveat gate has nothing to object to);
* locpipe projects in a temporary folder: ``pyproject.toml`` (``require-review = false``), the
  sources with their caveat directives turned into plain comments (see :func:`unmark_caveats`),
  an empty ``source/caveats.toml``, the templates as ``locpipe extract`` writes them and the
  translated catalogs;
* child processes, each measured on its own (wall time, CPU time, peak resident memory).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from locpipe import project
from locpipe.catalog import Key, key_of, new_catalog
from locpipe.config import Config, load_config
from locpipe.pofile import PoFile, format_po, parse_po
from locpipe.pseudo import OPEN, pseudo_translate
from locpipe.segment import extract

#: The target locales of every project, as the catalogs' folders are named, with the tag that
#: marks each one's pseudo-translations (two letters each: the catalogs of the other locales are
#: the French one with the tag swapped, so they wrap the same way).
LOCALES: dict[str, str] = {
    "fr": "fr",
    "de": "de",
    "es": "es",
    "ja": "ja",
    "ar": "ar",
    "pt_BR": "pt",
}
REFERENCE_LOCALE = "fr"
DATE = "2026-01-01 00:00+0000"
PYPROJECT = (
    "[tool.locpipe]\n"
    f"target-locales = [{', '.join(repr(code.replace('_', '-')) for code in LOCALES)}]\n"
    # No caveats are registered (see unmark_caveats), so there is nothing to review; a project
    # that requires reviews with no review records would have every locale refused.
    "require-review = false\n"
)
CAVEAT_DIRECTIVE = "<!-- caveat: "
UNMARKED_CAVEAT = "<!-- benchmark-caveat: "
"""What a caveat directive becomes in the projects: a plain HTML comment of about the same size."""
CLI = (sys.executable, "-m", "locpipe.cli")
"""``locpipe`` as a child process, from the Python running the benchmark."""

_PSEUDO: dict[str, str] = {}


# --- translations --------------------------------------------------------------------------------


def pseudo(msgid: str) -> str:
    """locpipe's own pseudo-translation (``en_XA``), cached: markup, URLs and digits are kept."""
    found = _PSEUDO.get(msgid)
    if found is None:
        found = _PSEUDO[msgid] = pseudo_translate(msgid)
    return found


def tagged(text: str, locale: str) -> str:
    """A pseudo-translation marked as ``locale``'s: ``⟦ Ĥéĺĺó ⟧`` → ``⟦fr Ĥéĺĺó ⟧``."""
    return text.replace(OPEN, f"{OPEN[0]}{LOCALES[locale]}{OPEN[1:]}", 1)


def translations(corpus: dict[str, str]) -> dict[str, dict[Key, str]]:
    """locale → (msgctxt, msgid) → translation, for every message of ``corpus``."""
    base: dict[Key, str] = {}
    for name, text in corpus.items():
        for message in extract(text, path=name):
            if key_of(message) not in base:
                base[key_of(message)] = pseudo(message.msgid)
    return {locale: {key: tagged(text, locale) for key, text in base.items()} for locale in LOCALES}


# --- projects ------------------------------------------------------------------------------------


def unmark_caveats(text: str) -> str:
    """``text`` with its caveat directives turned into plain HTML comments.

    The corpus's caveats are generated English and its translations are pseudo-translations:
    the caveat gate rightly refuses them (accented English does not read as French, Latin
    letters in an Arabic catalog are mixed scripts), so a project that registered them would
    have every locale refused and every build would measure a gate that rejects everything.
    The default-corpus projects therefore register no caveats: their builds measure page making
    and the gate's rules for every string (untrusted markup); the caveat rules, on real
    translations the gate accepts, are the caveat-heavy workload's (``heavy.py``). The corpus
    itself (what the floor and the anchors read) keeps its directives, comments to them.
    """
    return text.replace(CAVEAT_DIRECTIVE, UNMARKED_CAVEAT)


def write_sources(root: Path, corpus: dict[str, str], *, caveats: bool = True) -> None:
    """The documents of ``corpus`` under ``root/source``; ``caveats=False``: see unmark_caveats."""
    for name, text in corpus.items():
        path = root / "source" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if caveats else unmark_caveats(text), encoding="utf-8")


def make_project(root: Path, corpus: dict[str, str], *, catalogs: bool = True) -> Config:
    """A locpipe project of ``corpus`` at ``root``: sources, registry, templates and catalogs.

    The sources' caveats are not caveats in the project (see :func:`unmark_caveats`) and the
    registry is empty. The templates are written by locpipe (``project.extract_templates``, as
    ``locpipe extract``); each catalog is ``new_catalog`` (as ``locpipe init``) with every entry
    pseudo-translated, as a translator's editor would hand it back.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    write_sources(root, corpus, caveats=False)
    (root / "source" / "caveats.toml").write_text("", encoding="utf-8")
    config = load_config(root)
    project.extract_templates(config)
    if catalogs:
        write_catalogs(config)
    return config


def write_catalogs(config: Config) -> None:
    """Every locale's catalog of every document, fully pseudo-translated."""
    for document in config.documents():
        template_path = config.template_path(document)
        template = parse_po(template_path.read_bytes(), path=str(template_path))
        reference = _catalog(template, REFERENCE_LOCALE, document)
        for entry in reference.entries:
            entry.msgstr = tagged(pseudo(entry.msgid), REFERENCE_LOCALE)
        text = format_po(reference)
        head = format_po(PoFile(reference.header, []))
        if not text.startswith(head):
            raise AssertionError(f"{document}: the header is not the start of the catalog")
        body = text[len(head) :]
        marker = tagged(OPEN, REFERENCE_LOCALE)
        for locale in LOCALES:
            header = format_po(PoFile(_catalog(template, locale, document).header, []))
            path = config.catalog_path(locale, document)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(header + body.replace(marker, tagged(OPEN, locale)), encoding="utf-8")


def _catalog(template: PoFile, locale: str, document: str) -> PoFile:
    return new_catalog(template, locale, revision_date=DATE, domain=document)


def copy_tree(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)


# --- child processes -----------------------------------------------------------------------------


_SET_ASIDE: list[Path] = []
"""Folders :func:`set_aside` moved out of the way, removed by :func:`remove_set_aside`."""


def set_aside(folder: Path) -> None:
    """Take ``folder`` (a project's ``build/``) out of the project without freeing its files
    yet: renamed beside the project, removed by :func:`remove_set_aside` once the timing is over.

    Removing it instead would time the file system with the build: on ext4 without a journal
    (these machines), a file created within a minute or more after thousands were removed costs
    kernel time for every one of them (the allocator skips each recently freed inode of its
    group), which the build's next run would pay for files it did not remove.
    """
    if not folder.exists():
        return
    holder = Path(tempfile.mkdtemp(prefix=".set-aside-", dir=folder.parent.parent))
    folder.rename(holder / folder.name)
    _SET_ASIDE.append(holder)


def remove_set_aside() -> None:
    """Remove what :func:`set_aside` moved away."""
    while _SET_ASIDE:
        shutil.rmtree(_SET_ASIDE.pop(), ignore_errors=True)


class ProcessFailed(RuntimeError):
    """A child process exited with a status it must not have; the message is its error's line."""


@dataclass
class ProcessStats:
    """What the child processes of one timed run used."""

    cpu: float = 0.0
    """User + system CPU seconds of all of them."""
    rss_kib: int = 0
    """The largest peak resident set size of any one of them."""
    processes: int = 0
    statuses: tuple[int, ...] = ()
    stderr: str = ""
    """The standard error of the last one that wrote any."""

    def add(self, other: ProcessStats) -> None:
        self.cpu += other.cpu
        self.rss_kib = max(self.rss_kib, other.rss_kib)
        self.processes += other.processes
        self.statuses += other.statuses
        self.stderr = other.stderr or self.stderr


# Every child process is forked by a small helper process, not by the benchmark: a child forked
# from a big process counts that process's resident memory in its own peak (Linux keeps the
# high-water mark of the image it had before exec), so the benchmark's ~100 MB would hide the
# child's. The helper is a bare interpreter of about 10 MB: that is the floor of every peak.
_SPAWNER = """
import json, os, sys
while True:
    line = sys.stdin.readline()
    if not line:
        break
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        try:
            if request["cwd"]:
                os.chdir(request["cwd"])
            null = os.open(os.devnull, os.O_RDWR)
            errors = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(null, 0)
            os.dup2(null, 1)
            os.dup2(errors, 2)
            os.execvp(request["args"][0], request["args"])
        except BaseException as error:
            os.write(2, repr(error).encode())
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    answer = {
        "status": os.waitstatus_to_exitcode(status),
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_kib": usage.ru_maxrss,
    }
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
"""


class _Spawner:
    def __init__(self) -> None:
        self.helper = subprocess.Popen(
            [sys.executable, "-S", "-c", _SPAWNER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def run(self, args: Sequence[str], cwd: Path | None, stderr: Path) -> dict[str, Any]:
        assert self.helper.stdin is not None and self.helper.stdout is not None
        request = {"args": list(args), "cwd": str(cwd) if cwd else None, "stderr": str(stderr)}
        self.helper.stdin.write(json.dumps(request) + "\n")
        self.helper.stdin.flush()
        return json.loads(self.helper.stdout.readline())


_spawner: _Spawner | None = None


def run_process(
    args: Sequence[str], *, cwd: Path | None = None, ok: Iterable[int] = (0,)
) -> ProcessStats:
    """Run ``args``, output discarded; its own CPU time and peak RSS from ``wait4``."""
    global _spawner
    if _spawner is None or _spawner.helper.poll() is not None:
        _spawner = _Spawner()
    with tempfile.TemporaryDirectory(prefix="locpipe-bench-err-") as folder:
        errors = Path(folder) / "stderr"
        answer = _spawner.run(args, cwd, errors)
        stderr = errors.read_text("utf-8", "replace") if errors.exists() else ""
    status = answer["status"]
    if status not in tuple(ok):
        raise ProcessFailed(
            f"{Path(args[0]).name} {' '.join(args[1:3])}... exited with {status}: "
            f"{error_line(stderr)}"
        )
    return ProcessStats(
        cpu=answer["cpu"],
        rss_kib=answer["rss_kib"],
        processes=1,
        statuses=(status,),
        stderr=stderr,
    )


def error_line(text: str) -> str:
    """The line that says what went wrong: a traceback's last line, else the first line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return "(no error output)"
    if lines[0].startswith("Traceback"):
        return lines[-1]
    return lines[0]


def python_module_available(module: str) -> str | None:
    """None if ``module`` imports in a fresh interpreter, else the error's line."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    return None if result.returncode == 0 else error_line(result.stderr)
