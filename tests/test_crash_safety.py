"""Every kill is survivable: no worker outlives its run, no lock outlives its holder, what a
killed run leaves is removed by the next one, and ``build/`` is never missing."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from locpipe import fsio, manifest
from locpipe.cli import main
from locpipe.config import load_config
from tests.conftest import ROOT
from tests.killing import _environment, _lock_free, _our_processes, kills, leftovers, make_project

TIMEOUT = 60


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "locpipe.cli", "-C", str(root), *args],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


# --- files that are not files --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "build", "update"])
def test_a_fifo_catalog_is_refused_not_read(repository, command):
    path = repository / "locales" / "fr" / "LC_MESSAGES" / "article.po"
    path.unlink()
    os.mkfifo(path)
    done = run(repository, command)  # a read would wait for a writer forever
    assert done.returncode == 2
    assert done.stderr == (
        "locales/fr/LC_MESSAGES/article.po: error: cannot read: it is a FIFO, not a regular file\n"
    )


def test_a_fifo_source_is_refused_not_read(repository):
    path = repository / "source" / "article.md"
    path.unlink()
    os.mkfifo(path)
    done = run(repository, "check")
    assert done.returncode == 2
    assert "source/article.md: error: cannot read: it is a FIFO, not a regular file" in done.stderr


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_folder_where_a_catalog_belongs_is_named_as_one(repository, command):
    path = repository / "locales" / "fr" / "LC_MESSAGES" / "article.po"
    path.unlink()
    path.mkdir()
    done = run(repository, command)
    assert done.returncode == 2
    assert done.stderr == (
        "locales/fr/LC_MESSAGES/article.po: error: cannot read: it is a folder, not a regular file\n"
    )


def test_a_device_is_refused_not_read(tmp_path):
    with pytest.raises(fsio.NotARegularFile, match="a character device"):
        fsio.read_regular(Path("/dev/zero"))  # it would never end


def test_a_folder_is_refused_before_any_read(tmp_path):
    with pytest.raises(fsio.NotARegularFile, match="it is a folder, not a regular file"):
        fsio.read_regular(tmp_path)


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 70_000, 200_001])
def test_a_regular_file_is_read_whole(tmp_path, size):
    path = tmp_path / "data"
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    path.write_bytes(data)
    assert fsio.read_regular(path) == data


def test_a_file_whose_size_is_not_known_is_read_to_its_end():
    # /proc reports a size of 0 for files that hold text: read until the end, not the size.
    data = fsio.read_regular(Path("/proc/self/status"))
    assert data.startswith(b"Name:") and data.endswith(b"\n") and len(data) > 100


# --- read-only catalogs --------------------------------------------------------------------------


def test_update_refuses_a_read_only_catalog(repository, capsys):
    path = repository / "locales" / "fr" / "LC_MESSAGES" / "article.po"
    before = path.read_bytes()
    path.chmod(0o444)
    article = repository / "source" / "article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("millions", "many millions"))
    assert main(["-C", str(repository), "update", "-q"]) == 2
    assert capsys.readouterr().err == (
        "locales/fr/LC_MESSAGES/article.po: error: cannot write: "
        "the file is read-only; locpipe will not replace it\n"
    )
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert not leftovers(repository)
    # An unchanged read-only catalog is no problem: nothing is written to it.
    assert main(["-C", str(repository), "update", "-q", "--locale", "de"]) == 0


# --- the lock and the workers --------------------------------------------------------------------


def test_the_lock_is_not_inherited_by_a_forked_child(tmp_path):
    with fsio.project_lock(tmp_path):
        child = os.fork()
        if child == 0:  # pragma: no cover - the child
            os._exit(0 if not fsio._LOCKS else 1)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert not _lock_free(tmp_path)
    assert _lock_free(tmp_path)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_the_workers_of_a_killed_build_die_with_it_and_free_the_lock(repository, how):
    """One document, six locales, two jobs: the build is killed while its workers work."""
    process = subprocess.Popen(
        [sys.executable, "-m", "locpipe.cli", "-C", str(repository), "build", "-q", "--jobs", "2"],
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + TIMEOUT
    while len(_our_processes(repository)) < 3 and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(how)
    process.wait(timeout=TIMEOUT)
    deadline = time.monotonic() + 2
    while (_our_processes(repository) or not _lock_free(repository)) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.02)
    assert not _our_processes(repository)
    assert _lock_free(repository)
    done = run(repository, "build", "-q")
    assert done.returncode == 0, done.stderr
    assert "waiting" not in done.stderr
    assert not leftovers(repository)


# --- what killed runs leave ----------------------------------------------------------------------


def test_the_next_build_removes_what_killed_builds_left(repository):
    assert main(["-C", str(repository), "build", "-q"]) == 0
    ours = [".build-new-abcd_123", ".build-old-x1y2z3w4"]
    for name in ours:
        (repository / name / "fr").mkdir(parents=True)
        (repository / name / "fr" / "article.html").write_text("stale")
    theirs = [".build-new-someone-elses", "build-new-abcd1234", ".build-other-abcd1234"]
    for name in theirs:
        (repository / name).mkdir()
    assert main(["-C", str(repository), "build", "-q"]) == 0
    assert not [name for name in ours if (repository / name).exists()]
    assert all((repository / name).exists() for name in theirs)


def test_a_build_killed_between_the_two_renames_gets_its_old_build_back(repository):
    assert main(["-C", str(repository), "build", "-q"]) == 0
    built = {p.relative_to(repository / "build") for p in (repository / "build").rglob("*")}
    os.replace(repository / "build", repository / ".build-old-k1ll3d00")
    assert load_config(repository).build.exists() is False
    assert fsio.remove_leftovers(repository / "build") == []
    assert {p.relative_to(repository / "build") for p in (repository / "build").rglob("*")} == built


def test_the_next_update_removes_what_a_killed_update_left(repository):
    folder = repository / "locales" / "fr" / "LC_MESSAGES"
    ours = [folder / ".article.po.abcd_123.tmp", repository / "locales" / ".ui.pot.x1y2z3w4.tmp"]
    theirs = [folder / ".notes.txt.abcd1234.tmp", folder / "article.po.abcd1234.tmp"]
    for path in ours + theirs:
        path.write_text("half a catalog")
    assert main(["-C", str(repository), "update", "-q"]) == 0
    assert not [path for path in ours if path.exists()]
    assert all(path.exists() for path in theirs)


def test_gitignore_covers_what_a_killed_run_leaves():
    names = [
        ".build-new-abcd1234/fr/article.html",
        ".build-old-abcd1234/index.html",
        "locales/fr/LC_MESSAGES/.article.po.abcd1234.tmp",
        "locales/.article.pot.abcd1234.tmp",
    ]
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True
    )
    assert done.stdout.splitlines() == names


# --- the swap of build/ --------------------------------------------------------------------------


def test_build_is_swapped_in_one_step(tmp_path, monkeypatch):
    """With renameat2(RENAME_EXCHANGE) the swap never renames build/ away: there is no moment
    without it (os.replace, the two-rename fallback, is made to fail)."""
    # locpipe runs on Linux (fork, flock), whose C library has renameat2 since glibc 2.28.
    assert fsio._renameat2() is not None, "renameat2 is missing: the swap is not atomic here"
    target, staging = tmp_path / "build", tmp_path / ".build-new-abcd1234"
    (target / "fr").mkdir(parents=True)
    (target / "fr" / "old.html").write_text("old")
    (staging / "fr").mkdir(parents=True)
    (staging / "fr" / "new.html").write_text("new")

    def refuse(*args: object) -> None:
        raise AssertionError("build/ was renamed away")

    monkeypatch.setattr(os, "replace", refuse)
    fsio.swap_tree(staging, target)
    assert [p.name for p in (target / "fr").iterdir()] == ["new.html"]
    assert not staging.exists()


def test_without_renameat2_the_two_renames_still_swap(tmp_path, monkeypatch):
    monkeypatch.setattr(fsio, "_renameat2", lambda: None)
    target, staging = tmp_path / "build", tmp_path / ".build-new-abcd1234"
    target.mkdir()
    (target / "old.html").write_text("old")
    staging.mkdir()
    (staging / "new.html").write_text("new")
    fsio.swap_tree(staging, target)
    assert [p.name for p in target.iterdir()] == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


# --- what the incremental build's key holds ------------------------------------------------------


def test_a_new_version_of_a_renderer_or_another_flavor_makes_every_page_again(
    repository, monkeypatch, tmp_path
):
    config = load_config(repository)
    locales, documents = ["fr"], config.documents()
    first = manifest.fingerprints(config, locales, documents)
    for name in manifest.RENDERING_DISTRIBUTIONS:
        # A newer version installed in front of the one in use, as its metadata folder says.
        newer = tmp_path / f"site-{name}"
        (newer / f"{name.replace('-', '_')}-99.0.dist-info").mkdir(parents=True)
        with monkeypatch.context() as patched:
            patched.syspath_prepend(str(newer))
            changed = manifest.fingerprints(config, locales, documents)
        assert all(changed[key] != first[key] for key in first), name
    assert manifest.fingerprints(config, locales, documents) == first
    commonmark = manifest.fingerprints(
        load_config_with(repository, 'flavor = "commonmark"'), locales, documents
    )
    assert all(commonmark[key] != first[key] for key in first)


def load_config_with(root: Path, setting: str):
    (root / "pyproject.toml").write_text(f"[tool.locpipe]\n{setting}\n", encoding="utf-8")
    return load_config(root)


# --- kills at random moments ---------------------------------------------------------------------


@pytest.mark.slow
def test_ten_random_kills_of_build_and_update_are_survivable(tmp_path, monkeypatch):
    """Ten kills (SIGKILL, SIGTERM, ``timeout``) of ``build --jobs 2`` or ``update`` on a
    30-document, 6-locale project (``benchmarks/kills.py`` does a hundred)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    make_project(tmp_path / "project")
    found = list(kills(tmp_path / "project", 10, seed=18))
    assert [kill.problems for kill in found] == [[]] * 10
    assert all(kill.next_seconds < TIMEOUT for kill in found)
    shutil.rmtree(tmp_path / "project")


# --- an interrupt while a temporary file is being made ---------------------------------------------


def _interrupted_as_made(real):
    """``tempfile.mkstemp`` that is interrupted (SIGINT) once the file exists, before its name
    is returned: where a signal left an unnamed temporary file behind."""

    def mkstemp(*args, **kwargs):
        made = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return made

    return mkstemp


@pytest.mark.parametrize("how", ["write_atomic", "staged_writes"])
def test_an_interrupt_as_a_temporary_file_is_made_leaves_no_file_behind(tmp_path, monkeypatch, how):
    target = tmp_path / "article.po"
    target.write_bytes(b"old")
    monkeypatch.setattr(fsio.tempfile, "mkstemp", _interrupted_as_made(fsio.tempfile.mkstemp))
    with pytest.raises(KeyboardInterrupt):
        if how == "write_atomic":
            fsio.write_atomic(target, b"new")
        else:
            with fsio.staged_writes() as staged:
                staged.write_if_changed(target, b"new")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["article.po"]
    assert target.read_bytes() in (b"old", b"new")


NOT_FILES = {
    "a folder": lambda path: path.mkdir(),
    "a FIFO": lambda path: os.mkfifo(path),
    "a dangling symlink": lambda path: path.symlink_to(path.parent / "nothing.toml"),
    "a symlink loop": lambda path: path.symlink_to(path),
}


@pytest.mark.parametrize("make", NOT_FILES.values(), ids=NOT_FILES.keys())
def test_an_input_that_is_no_file_counts_as_none_in_a_page_key(repository, make):
    """A page's key hashes each of its inputs that is a file: anything else there reads as no
    file at all (never read: a FIFO would wait for a writer), and a file put there changes it."""
    config = load_config(repository)
    reviews = config.reviews_path("fr", "article")
    reviews.unlink(missing_ok=True)
    reviews.parent.mkdir(parents=True, exist_ok=True)
    key = ("fr", "article")
    absent = manifest.fingerprints(config, ["fr"], ["article"])[key]
    make(reviews)
    assert manifest.fingerprints(load_config(repository), ["fr"], ["article"])[key] == absent
    if reviews.is_dir() and not reviews.is_symlink():
        reviews.rmdir()
    else:
        reviews.unlink()
    reviews.write_text("", encoding="utf-8")
    assert manifest.fingerprints(load_config(repository), ["fr"], ["article"])[key] != absent
