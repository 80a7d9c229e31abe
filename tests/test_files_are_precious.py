"""Files are precious: confined to the project, serialized by a lock, whole after a signal."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from locpipe.cli import main
from locpipe.pofile import format_po, parse_po

ROOT = Path(__file__).parent.parent


def locpipe(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "locpipe.cli", "-C", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(run: subprocess.Popen) -> tuple[int, str]:
    """Wait for ``run``; its exit status and stderr (pipes closed)."""
    _, err = run.communicate(timeout=120)
    return run.returncode, err


def contents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".locpipe.lock" not in p.name
    }


def test_a_symlink_out_of_the_project_is_refused(repository, tmp_path_factory, capsys):
    outside = tmp_path_factory.mktemp("outside")
    messages = repository / "locales" / "de" / "LC_MESSAGES"
    shutil.copytree(messages, outside, dirs_exist_ok=True)
    shutil.rmtree(messages)
    messages.symlink_to(outside, target_is_directory=True)
    before = contents(outside)
    assert main(["-C", str(repository), "update"]) == 2
    err = capsys.readouterr().err
    assert "locales/de/LC_MESSAGES/article.po: error: leads outside the project" in err
    assert contents(outside) == before


def test_a_configured_folder_outside_the_project_is_refused(repository, capsys):
    (repository / "pyproject.toml").write_text('[tool.locpipe]\nbuild = "../elsewhere"\n')
    assert main(["-C", str(repository), "build"]) == 2
    assert "outside the project" in capsys.readouterr().err
    assert not (repository.parent / "elsewhere").exists()


def test_concurrent_runs_take_turns_and_leave_every_file_whole(repository):
    article = repository / "source" / "article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("millions", "many millions"))
    runs = [
        locpipe(repository, "update"),
        locpipe(repository, "update"),
        locpipe(repository, "build", "-q"),
    ]
    results = [finish(run) for run in runs]
    assert [code for code, _ in results][:2] == [0, 0], results
    assert results[2][0] in (0, 1), results  # the build may see the fuzzy entry and fail the gate
    for path in (repository / "locales").rglob("*.po*"):
        text = path.read_bytes()
        assert format_po(parse_po(text, path=str(path))).encode() == text
    assert not [p for p in repository.iterdir() if p.name.startswith(".build-")]


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.4, 0.7, 1.0, 1.5])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_build_leaves_the_old_build_or_the_new_one(repository, sig, delay):
    assert main(["-C", str(repository), "build", "-q"]) == 0
    old = contents(repository / "build")
    path = repository / "locales" / "fr" / "LC_MESSAGES" / "article.po"
    catalog = parse_po(path.read_bytes(), path="article.po")
    catalog.entries[0].msgstr += " (révisé)"
    path.write_text(format_po(catalog), encoding="utf-8")
    run = locpipe(repository, "build", "-q", "--jobs", "1")
    time.sleep(delay)
    run.send_signal(sig)
    code, err = finish(run)
    now = contents(repository / "build")
    if code == 0:
        assert "(révisé)" in now["fr/article.html"].decode()
    else:
        # 130: locpipe caught it; otherwise the signal came while Python was still starting.
        assert (
            code == 130
            or "locpipe" not in err.split("Traceback")[-1].split("cli.py")[-1]
            or code < 0
        )
        if code == 130:
            assert "Traceback" not in err
        # As it was, or (a signal that arrived while the new build was being swapped in, and
        # was held until the swap was over) as it should be.
        assert now == old or "(révisé)" in now["fr/article.html"].decode()
    assert not [p for p in repository.iterdir() if p.name.startswith(".build-")]


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.4, 0.7, 1.0])
def test_a_signal_during_update_leaves_each_catalog_as_it_was_or_as_it_should_be(repository, delay):
    before = contents(repository / "locales")
    article = repository / "source" / "article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("millions", "many millions"))
    expected_root = repository.parent / (repository.name + "-expected")
    shutil.copytree(repository, expected_root)
    assert main(["-C", str(expected_root), "update", "-q"]) == 0
    after = contents(expected_root / "locales")
    run = locpipe(repository, "update", "-q")
    time.sleep(delay)
    run.send_signal(signal.SIGTERM)
    code, err = finish(run)
    if code == 130:
        assert "Traceback" not in err
    for name, data in contents(repository / "locales").items():
        assert data in (before.get(name), after.get(name)), name
    assert not [p for p in (repository / "locales").rglob(".*.tmp")]
